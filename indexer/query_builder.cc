#include "indexer/query_builder.h"

#include <unicode/uchar.h>

#include <algorithm>

#include "indexer/utf8.h"
#include "indexer/word_breaker.h"
#include "registry/fields/masking.h"

namespace tp::indexer {
namespace {

// Tier weights. A tier's weight multiplies the BM25 weight of its terms, so a better tier wins
// over a worse one for the same words whatever their frequencies.
constexpr double kWNameExact = 12;      // the whole name
constexpr double kWNamePart = 8;        // one part of a dotted name
constexpr double kWGivenName = 4;       // the whole given name
constexpr double kWSurname = 2;         // the surname alone
constexpr double kWNamePhrase = 6;      // the characters in order inside the name
constexpr double kWNameChars = 3;       // the characters anywhere in the name
constexpr double kWTextExact = 3;       // a whole unit, title, field, ethnic group…
constexpr double kWTextChain = 2;       // the characters' pairs chained, as in order in a text
constexpr double kWTextWord = 1;        // the query's dictionary words as whole words of a text
constexpr double kWShortField = 2;      // all the characters inside one short field (title…)
constexpr double kWWholePinyin = 10;    // the whole name's pinyin
constexpr double kWWholeInitials = 8;   // the whole name's initials
constexpr double kWPinyinPhrase = 5;    // syllables in order inside the name
constexpr double kWPinyinPrefix = 3;    // the same, the last syllable still being typed
constexpr double kWInitialsPhrase = 3;  // the first initials of the name
constexpr double kWHomophone = 0.5;     // same sound, other characters
// A word read as a filter value (女, 壮族, 广西): every person holding the value weighs as much,
// about as much as a word found in a whole field value.
constexpr double kWFilter = 20;
constexpr size_t kMaxQueryChars = 200;
// Homophones rescue a name typed with the wrong characters; a name's run has two to four of them
// (a dotted name's parts are runs of their own). A longer run is a word of a text (研究员级高级
// 工程师), whose syllables are common in names: their phrase would cost tens of milliseconds on
// a large pool and find only noise.
constexpr size_t kMaxHomophoneChars = 4;
constexpr size_t kMaxSegmentations = 16;

bool IsQuote(char32_t cp) { return cp == '"' || cp == 0x201C || cp == 0x201D; }

bool IsAsciiLetters(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

std::string Cat(std::string_view a, std::string_view b) {
  std::string s(a);
  s.append(b);
  return s;
}

void Unique(std::vector<std::string>& v) {
  std::vector<std::string> out;
  for (std::string& s : v) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  }
  v = std::move(out);
}

// The AND of a query's parts. One part that can match nothing (an unknown ID number) makes the
// whole query match nothing.
QueryNode AndOfParts(const std::vector<QueryNode>& parts) {
  if (parts.empty()) return QueryNode();
  for (const QueryNode& p : parts) {
    if (p.op == QueryNode::Op::kNothing) return QueryNode();
  }
  return QueryNode::Of(QueryNode::Op::kAnd, parts);
}

// The dictionary words of a run of Han characters as kWordPrefix terms (none for one word of
// one character). Queries are built on many threads: each has its own iterator.
QueryNode WordBoost(const std::vector<std::string>& chars) {
  thread_local WordBreaker breaker;
  std::vector<char32_t> run;
  run.reserve(chars.size());
  for (const std::string& c : chars) {
    size_t at = 0;
    run.push_back(DecodeUtf8(c, at));
  }
  std::vector<WordSpan> spans;
  breaker.Words(run, spans);
  std::vector<std::string> words;
  for (const WordSpan& w : spans) {
    std::string term(kWordPrefix);
    for (size_t i = w.first; i < w.first + w.length; ++i) term.append(chars[i]);
    words.push_back(std::move(term));
  }
  Unique(words);
  std::vector<QueryNode> terms;
  for (std::string& w : words) terms.push_back(QueryNode::Term(std::move(w)));
  return QueryNode::Of(QueryNode::Op::kOr, std::move(terms));
}

}  // namespace

std::optional<std::string> IdNumberShape(const Analyzer& analyzer, std::string_view text) {
  std::string folded = analyzer.Fold(text);
  const auto digits = [&](size_t n) {
    return std::all_of(folded.begin(), folded.begin() + static_cast<long>(n),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  if (folded.size() == 18 && digits(17) &&
      ((folded[17] >= '0' && folded[17] <= '9') || folded[17] == 'x')) {
    if (folded[17] == 'x') folded[17] = 'X';
    return folded;
  }
  if (folded.size() == 15 && digits(15)) return folded;
  return std::nullopt;
}

std::vector<PhoneSpan> FindPhones(std::string_view query) {
  // Groups: maximal runs of digits, hyphens, '+', parentheses; each with its digits.
  struct Group {
    size_t begin, end;
    std::string digits;
    bool plus;
  };
  std::vector<std::vector<Group>> runs(1);  // groups separated by spaces only
  Group current{0, 0, "", false};
  bool in_group = false;
  size_t pos = 0;
  const auto close = [&] {
    if (in_group) runs.back().push_back(current);
    in_group = false;
  };
  while (pos < query.size()) {
    const size_t begin = pos;
    const char32_t cp = DecodeUtf8(query, pos);
    char digit = 0;
    if (cp >= '0' && cp <= '9') digit = static_cast<char>(cp);
    if (cp >= 0xFF10 && cp <= 0xFF19) digit = static_cast<char>('0' + (cp - 0xFF10));
    const bool joiner = cp == '-' || cp == 0xFF0D || cp == 0x2013 || cp == 0x2014 || cp == '(' ||
                        cp == ')' || cp == 0xFF08 || cp == 0xFF09 || cp == '+' || cp == 0xFF0B;
    if (digit != 0 || joiner) {
      if (!in_group) current = Group{begin, begin, "", false};
      in_group = true;
      if (digit != 0) current.digits.push_back(digit);
      if ((cp == '+' || cp == 0xFF0B) && current.digits.empty()) current.plus = true;
      current.end = pos;
    } else if (cp == ' ' || cp == 0x3000 || cp == '\t') {
      close();
    } else {
      close();
      runs.emplace_back();  // anything else ends the run of groups
    }
  }
  close();
  const auto mobile = [](std::string digits, bool plus) -> std::optional<std::string> {
    if (plus && digits.rfind("86", 0) == 0)
      digits.erase(0, 2);
    else if (digits.rfind("0086", 0) == 0)
      digits.erase(0, 4);
    else if (digits.size() == 13 && digits.rfind("86", 0) == 0)
      digits.erase(0, 2);
    if (digits.size() == 11 && digits[0] == '1' && digits[1] >= '3' && digits[1] <= '9')
      return digits;
    return std::nullopt;
  };
  std::vector<PhoneSpan> out;
  for (const auto& groups : runs) {
    for (size_t i = 0; i < groups.size();) {
      bool found = false;
      std::string digits;
      for (size_t j = i; j < groups.size() && digits.size() < 15; ++j) {
        digits += groups[j].digits;
        if (std::optional<std::string> number = mobile(digits, groups[i].plus)) {
          // A group whose digits run on past the number is another number's beginning.
          out.push_back({groups[i].begin, groups[j].end, *number});
          i = j + 1;
          found = true;
          break;
        }
      }
      if (!found) ++i;
    }
  }
  return out;
}

namespace {

// A word of the query as the answer names it back: mobile numbers in it masked, as every answer
// shows them (whoever asks: the number may be somebody's).
std::string Shown(std::string_view word) {
  std::string out(word);
  const std::vector<PhoneSpan> phones = FindPhones(word);
  for (auto it = phones.rbegin(); it != phones.rend(); ++it) {
    out.replace(it->begin, it->end - it->begin, registry::MaskPhone(it->digits));
  }
  return out;
}

}  // namespace

std::vector<QueryBuilder::Chunk> QueryBuilder::SplitChunks(std::string_view query) const {
  std::vector<Chunk> chunks;
  Chunk current;
  bool in_quotes = false;
  const auto flush = [&] {
    if (!current.text.empty() || current.field != nullptr) chunks.push_back(std::move(current));
    current = Chunk();
  };
  size_t pos = 0;
  while (pos < query.size()) {
    const size_t begin = pos;
    const char32_t cp = DecodeUtf8(query, pos);
    if (IsQuote(cp)) {
      if (in_quotes) {
        current.quoted = true;
        flush();
      } else {
        flush();
      }
      in_quotes = !in_quotes;
      continue;
    }
    if (!in_quotes && u_isUWhiteSpace(static_cast<UChar32>(cp))) {
      flush();
      continue;
    }
    if (!in_quotes && (cp == ':' || cp == 0xFF1A) && current.field == nullptr) {
      if (const FieldSpec* field = FieldByLabel(current.text)) {
        current.text.clear();
        current.field = field;
        continue;
      }
    }
    current.text.append(query.substr(begin, pos - begin));
  }
  if (in_quotes) current.quoted = true;
  flush();
  // "单位: 清华大学": a label alone takes the next word.
  std::vector<Chunk> merged;
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i].field != nullptr && chunks[i].text.empty()) {
      if (i + 1 < chunks.size() && chunks[i + 1].field == nullptr) {
        chunks[i + 1].field = chunks[i].field;
      }
      continue;
    }
    merged.push_back(std::move(chunks[i]));
  }
  return merged;
}

QueryNode QueryBuilder::HanRun(const std::vector<std::string>& chars, const FieldSpec* field,
                               bool quoted, bool fallback, bool known_name,
                               const TermExists& term_exists) const {
  using Op = QueryNode::Op;
  std::string run;
  for (const std::string& c : chars) run.append(c);
  std::vector<std::string> distinct = chars;
  Unique(distinct);
  std::vector<std::string> pairs;
  for (size_t i = 0; i + 1 < chars.size(); ++i) pairs.push_back(chars[i] + chars[i + 1]);
  Unique(pairs);

  // Name tiers. base: the characters of the run (in order when quoted); boosts: better tiers.
  const auto tiers = [&](std::string_view prefix, std::vector<QueryNode>& boosts) {
    std::vector<QueryNode> each;
    for (const std::string& c : quoted ? chars : distinct)
      each.push_back(QueryNode::Term(Cat(prefix, c)));
    QueryNode phrase = QueryNode::Of(Op::kPhrase, std::move(each));
    std::vector<QueryNode> pair_terms;
    for (const std::string& p : pairs) pair_terms.push_back(QueryNode::Term(Cat(prefix, p)));
    if (!pair_terms.empty()) boosts.push_back(QueryNode::Of(Op::kOr, std::move(pair_terms)));
    if (quoted || chars.size() == 1) return phrase;
    std::vector<QueryNode> all;
    for (const std::string& c : distinct) all.push_back(QueryNode::Term(Cat(prefix, c)));
    boosts.push_back(QueryNode::Scale(std::move(phrase), kWNamePhrase / kWNameChars));
    return QueryNode::Of(Op::kAnd, std::move(all));
  };

  std::vector<QueryNode> bases, boosts;
  const bool name_scope = field == nullptr || field->id == FieldId::kName;
  if (name_scope) {
    std::vector<QueryNode> name_boosts;
    QueryNode name_base;
    if (known_name && !quoted && chars.size() > 1) {
      // Somebody has this very name: the names holding it whole (its pairs) are what is wanted.
      // Names that merely share its characters would trail behind them, and on a large pool
      // the common characters of names make that the most expensive part of the search.
      std::vector<QueryNode> whole;
      for (const std::string& p : pairs)
        whole.push_back(QueryNode::Term(Cat(Field(FieldId::kName).prefix, p)));
      name_base = QueryNode::Of(Op::kAnd, std::move(whole));
    } else {
      name_base = tiers(Field(FieldId::kName).prefix, name_boosts);
    }
    name_boosts.push_back(
        QueryNode::Scale(QueryNode::Term(Cat(kNameExact, run)), kWNameExact / kWNameChars));
    name_boosts.push_back(
        QueryNode::Scale(QueryNode::Term(Cat(kNamePart, run)), kWNamePart / kWNameChars));
    name_boosts.push_back(
        QueryNode::Scale(QueryNode::Term(Cat(kGivenName, run)), kWGivenName / kWNameChars));
    // A surname is one character or one of the compound surnames: asking the index about other
    // runs would only cost a lookup.
    if (chars.size() == 1 || (chars.size() == 2 && analyzer_->tables().IsCompoundSurname(run))) {
      name_boosts.push_back(
          QueryNode::Scale(QueryNode::Term(Cat(kSurname, run)), kWSurname / kWNameChars));
    }
    bases.push_back(QueryNode::Scale(std::move(name_base), kWNameChars));
    boosts.push_back(QueryNode::Scale(QueryNode::Of(Op::kOr, std::move(name_boosts)), kWNameChars));
  }
  // Texts hold the pairs of characters without positions (schema.h). A run of one character is
  // every pair it begins; a longer run needs pairs covering all its characters, in any order
  // (the base), and ranks higher with all its pairs, each chained into the next (the chain): the
  // characters in the typed order, but for a rare record holding the pairs in other places.
  const auto text_base = [&](std::string_view prefix) {
    if (chars.size() == 1) return QueryNode::Wildcard(Cat(prefix, chars[0]));
    std::vector<QueryNode> cover;
    size_t i = 0;
    for (; i + 1 < chars.size(); i += 2)
      cover.push_back(QueryNode::Term(Cat(prefix, chars[i] + chars[i + 1])));
    if (i + 1 == chars.size()) {
      cover.push_back(QueryNode::Term(Cat(prefix, chars[i - 1] + chars[i])));
    }
    return QueryNode::Of(Op::kAnd, std::move(cover));
  };
  // A run that is the whole value of a field (高级工程师 as a title, a unit's full name) ranks the
  // records holding that value by its exact term. The chain of its pairs would add little for
  // them and costs a walk of more posting lists, some of them long on a large pool (工程, 研究).
  // It still ranks the run in longer texts.
  const auto whole_value = [&](std::string_view exact_prefix) {
    return !exact_prefix.empty() && term_exists && term_exists(Cat(exact_prefix, run));
  };
  bool chain_boost = !quoted && chars.size() > 2;
  if (chain_boost && field == nullptr) {
    for (const FieldSpec& f : TextFields()) {
      if (f.id != FieldId::kName && whole_value(f.exact_prefix)) {
        chain_boost = false;
        break;
      }
    }
  } else if (chain_boost) {
    chain_boost = !whole_value(field->exact_prefix);
  }
  const auto chain = [&](std::string_view prefix) {
    if (chars.size() == 1) return text_base(prefix);
    std::vector<QueryNode> in_order;
    for (size_t i = 0; i + 1 < chars.size(); ++i) {
      in_order.push_back(QueryNode::Term(Cat(prefix, chars[i] + chars[i + 1])));
    }
    return QueryNode::Of(Op::kAnd, std::move(in_order));
  };
  QueryNode text_chain = chain("");
  if (field == nullptr && known_name) {
    // Somebody's whole name: texts that contain it are found, the name tiers rank.
    bases.push_back(text_base(""));
  } else if (field == nullptr) {
    std::vector<QueryNode> text_boosts;
    bases.push_back(quoted ? text_chain : text_base(""));
    if (chain_boost) text_boosts.push_back(QueryNode::Scale(text_chain, kWTextChain));
    std::vector<QueryNode> exact;
    for (const FieldSpec& f : TextFields()) {
      if (f.id != FieldId::kName && !f.exact_prefix.empty()) {
        exact.push_back(QueryNode::Term(Cat(f.exact_prefix, run)));
      }
    }
    text_boosts.push_back(QueryNode::Scale(QueryNode::Of(Op::kOr, std::move(exact)), kWTextExact));
    text_boosts.push_back(QueryNode::Scale(WordBoost(chars), kWTextWord));
    // The person's fields and post keep their pairs under their own prefix: a word inside one
    // of them says more than the same word somewhere in a long text, and each field's
    // frequencies weigh it there. Not the unit: its words (研究院, 自治区, 大学) name a place.
    // Not the title or ethnic group: their values come from short lists and are typed whole,
    // which their exact terms rank; their pairs (研究, 工程) would only add long posting lists.
    if (chars.size() > 1) {
      std::vector<QueryNode> in_short_field;
      for (FieldId id : {FieldId::kFields, FieldId::kPost})
        in_short_field.push_back(text_base(Field(id).prefix));
      text_boosts.push_back(
          QueryNode::Scale(QueryNode::Of(Op::kOr, std::move(in_short_field)), kWShortField));
    }
    boosts.push_back(QueryNode::Of(Op::kOr, std::move(text_boosts)));
  } else if (!name_scope && field->scoped_terms) {
    // The field's own pairs: chained inside one short value, they are the characters in order.
    std::vector<QueryNode> field_boosts;
    bases.push_back(quoted ? chain(field->prefix) : text_base(field->prefix));
    if (chain_boost) field_boosts.push_back(QueryNode::Scale(chain(field->prefix), kWTextChain));
    if (!field->exact_prefix.empty()) {
      field_boosts.push_back(
          QueryNode::Scale(QueryNode::Term(Cat(field->exact_prefix, run)), kWTextExact));
    }
    if (field->word_terms) field_boosts.push_back(QueryNode::Scale(WordBoost(chars), kWTextWord));
    boosts.push_back(QueryNode::Of(Op::kOr, std::move(field_boosts)));
  } else if (!name_scope) {
    bases.push_back(text_chain);  // a long text: the chain, anywhere in the record
  }
  QueryNode node = QueryNode::Of(Op::kAndMaybe, {QueryNode::Of(Op::kOr, std::move(bases)),
                                                 QueryNode::Of(Op::kOr, std::move(boosts))});
  if (fallback && name_scope && chars.size() >= 2 && chars.size() <= kMaxHomophoneChars) {
    if (std::optional<QueryNode> sounds = Homophones(chars)) {
      node = QueryNode::Of(Op::kOr,
                           {std::move(node), QueryNode::Scale(std::move(*sounds), kWHomophone)});
    }
  }
  return node;
}

std::optional<QueryNode> QueryBuilder::Homophones(const std::vector<std::string>& chars) const {
  std::vector<QueryNode> sounds;
  for (const std::string& c : chars) {
    size_t at = 0;
    std::vector<QueryNode> readings;
    for (std::string_view s : pinyin_->CharReadings(DecodeUtf8(c, at))) {
      readings.push_back(QueryNode::Term(Cat(kSyllable, s)));
    }
    if (readings.empty()) return std::nullopt;
    sounds.push_back(QueryNode::Of(QueryNode::Op::kOr, std::move(readings)));
  }
  return QueryNode::Of(QueryNode::Op::kPhrase, std::move(sounds));
}

QueryNode QueryBuilder::LatinRun(const std::vector<std::string>& words, const FieldSpec* field,
                                 bool last_is_prefix,
                                 std::vector<HighlightTarget>* highlights) const {
  using Op = QueryNode::Op;
  std::vector<QueryNode> alternatives;
  const bool name_scope = field == nullptr || field->id == FieldId::kName;
  const bool letters_only = std::all_of(words.begin(), words.end(), IsAsciiLetters);
  if (name_scope && letters_only) {
    std::string letters;
    for (const std::string& w : words) letters.append(w);
    alternatives.push_back(
        QueryNode::Scale(QueryNode::Term(Cat(kWholePinyin, letters)), kWWholePinyin));
    // Segmentations of the whole run: each word split on its own, combined in order.
    std::vector<std::vector<PinyinPiece>> segmentations{{}};
    for (size_t i = 0; i < words.size() && !segmentations.empty(); ++i) {
      const bool prefix_ok = last_is_prefix && i + 1 == words.size();
      const auto options = pinyin_->Segment(words[i], prefix_ok, kMaxSegmentations);
      std::vector<std::vector<PinyinPiece>> next;
      for (const auto& so_far : segmentations) {
        for (const auto& option : options) {
          if (next.size() >= kMaxSegmentations) break;
          auto combined = so_far;
          combined.insert(combined.end(), option.begin(), option.end());
          next.push_back(std::move(combined));
        }
      }
      segmentations = std::move(next);
    }
    for (const auto& segmentation : segmentations) {
      std::vector<QueryNode> positions;
      bool any_prefix = false;
      for (const PinyinPiece& piece : segmentation) {
        if (!piece.prefix) {
          positions.push_back(QueryNode::Term(Cat(kSyllable, piece.text)));
          continue;
        }
        any_prefix = true;
        if (piece.text.size() == 1) {
          positions.push_back(QueryNode::Term(Cat(kInitial, piece.text)));
          continue;
        }
        std::vector<QueryNode> completions;
        for (std::string_view s : pinyin_->Completions(piece.text)) {
          completions.push_back(QueryNode::Term(Cat(kSyllable, s)));
        }
        positions.push_back(QueryNode::Of(Op::kOr, std::move(completions)));
      }
      alternatives.push_back(QueryNode::Scale(QueryNode::Of(Op::kPhrase, std::move(positions)),
                                              any_prefix ? kWPinyinPrefix : kWPinyinPhrase));
    }
    std::vector<PinyinPiece> initials;
    if (words.size() == 1 && letters.size() <= 8) {
      alternatives.push_back(
          QueryNode::Scale(QueryNode::Term(Cat(kWholeInitials, letters)), kWWholeInitials));
      // The initials of the name's first characters, the rest still to type (zs: 张三丰).
      alternatives.push_back(
          QueryNode::Scale(QueryNode::Term(Cat(kInitialsPrefix, letters)), kWInitialsPhrase));
      for (char c : letters) initials.push_back({std::string(1, c), true});
      segmentations.push_back(initials);
    }
    if (highlights != nullptr) {
      HighlightTarget target;
      target.field = FieldId::kName;
      target.pinyin = std::move(segmentations);
      highlights->push_back(std::move(target));
    }
  }
  // The words themselves, for Latin text (IEEE, CRISPR, 5G) and names written in Latin letters.
  const auto all_words = [&](std::string_view prefix) {
    std::vector<QueryNode> each;
    for (const std::string& w : words) each.push_back(QueryNode::Term(Cat(prefix, w)));
    return QueryNode::Of(Op::kAnd, std::move(each));
  };
  if (field == nullptr) {
    alternatives.push_back(all_words(""));
    alternatives.push_back(QueryNode::Scale(all_words(Field(FieldId::kName).prefix), kWNameChars));
  } else {
    alternatives.push_back(all_words(field->prefix));
  }
  if (highlights != nullptr) {
    HighlightTarget target;
    if (field != nullptr) target.field = field->id;
    target.words = words;
    highlights->push_back(std::move(target));
  }
  return QueryNode::Of(Op::kOr, std::move(alternatives));
}

QueryNode QueryBuilder::ChunkNode(const Chunk& chunk, bool last_chunk, bool fallback,
                                  std::vector<HighlightTarget>* highlights,
                                  const TermExists& term_exists, bool known_name) const {
  using Op = QueryNode::Op;
  AnalyzedText analyzed;
  analyzer_->Analyze(chunk.text, analyzed);
  std::vector<QueryNode> runs;
  std::vector<std::string> han;
  std::vector<std::string> words;
  const auto flush_han = [&] {
    if (han.empty()) return;
    runs.push_back(HanRun(han, chunk.field, chunk.quoted, fallback, known_name, term_exists));
    if (highlights != nullptr) {
      HighlightTarget target;
      if (chunk.field != nullptr) target.field = chunk.field->id;
      for (const std::string& c : han) {
        size_t at = 0;
        target.han.push_back(DecodeUtf8(c, at));
      }
      highlights->push_back(std::move(target));
    }
    han.clear();
  };
  const bool name_scope = chunk.field == nullptr || chunk.field->id == FieldId::kName;
  const auto flush_words = [&](bool at_end) {
    if (words.empty()) return;
    QueryNode latin =
        LatinRun(words, chunk.field, at_end && last_chunk && !chunk.quoted, highlights);
    if (fallback && name_scope && !chunk.quoted) {
      if (std::optional<QueryNode> fuzzy = FuzzyPinyin(words))
        latin = QueryNode::Of(Op::kOr, {std::move(latin), std::move(*fuzzy)});
    }
    runs.push_back(std::move(latin));
    words.clear();
  };
  for (size_t i = 0; i < analyzed.tokens.size(); ++i) {
    const Token& t = analyzed.tokens[i];
    if (t.kind == TokenKind::kHan) {
      flush_words(false);
      if (!t.adjacent) flush_han();
      han.emplace_back(analyzed.Key(t));
    } else {
      flush_han();
      words.emplace_back(analyzed.Key(t));
    }
  }
  flush_han();
  flush_words(true);
  QueryNode node = QueryNode::Of(Op::kAnd, std::move(runs));
  // A surname in characters and the given name in Latin letters (王xiaoming, 胡sm).
  const auto& tokens = analyzed.tokens;
  const size_t surname_len = tokens.size() == 3 && tokens[1].kind == TokenKind::kHan &&
                                     analyzer_->tables().IsCompoundSurname(
                                         Cat(analyzed.Key(tokens[0]), analyzed.Key(tokens[1])))
                                 ? 2
                                 : 1;
  if (name_scope && !chunk.quoted && tokens.size() == surname_len + 1 &&
      tokens[0].kind == TokenKind::kHan && tokens.back().kind == TokenKind::kWord &&
      tokens.back().adjacent && IsAsciiLetters(analyzed.Key(tokens.back()))) {
    std::vector<std::string> surname;
    for (size_t i = 0; i < surname_len; ++i) surname.emplace_back(analyzed.Key(tokens[i]));
    QueryNode by_name =
        SurnameAndLatin(surname, analyzed.Key(tokens.back()), last_chunk && !chunk.quoted);
    // 黄zh is read as a name only, not also as 黄 anywhere beside a word beginning zh anywhere:
    // that reading found mostly noise and cost 20 ms among a million people. It stays for a name
    // written so (我y), and in the fallback when the name finds almost nobody.
    node = known_name || fallback ? QueryNode::Of(Op::kOr, {std::move(node), std::move(by_name)})
                                  : std::move(by_name);
  }
  return node;
}

QueryNode QueryBuilder::FilterNode(const FilterMatch& match, QueryNode text, bool alone) const {
  std::vector<QueryNode> alternatives;
  for (const std::string& t : match.terms) alternatives.push_back(QueryNode::Term(t));
  if (match.birth_from != 0) {
    alternatives.push_back(QueryNode::BirthRange(match.birth_from, match.birth_to));
  }
  QueryNode any = QueryNode::Of(QueryNode::Op::kOr, std::move(alternatives));
  if (match.within_text) {
    if (text.op == QueryNode::Op::kNothing) return text;
    QueryNode both = QueryNode::Of(QueryNode::Op::kAnd, {std::move(any), text});
    return QueryNode::Of(QueryNode::Op::kOr,
                         {QueryNode::Constant(std::move(both), kWFilter), std::move(text)});
  }
  // A word that is a filter only weighs nothing: every match of the query holds it, so a weight
  // would rank nobody above anybody, and a query of such words alone (男, 80后 女) weighs nothing
  // at all, which lets the matcher stop at the page instead of weighing every match.
  if (!match.also_text || text.op == QueryNode::Op::kNothing) {
    return QueryNode::Scale(std::move(any), 0);
  }
  // The word's text ranks by the word's text matches alone, without the boosts a text word has
  // (the exact field value, the pairs in order…): beside a filter every match of which would
  // otherwise read them, they cost more than the rest of the query (广西壮族自治区 男 汉 汽车 among
  // a million people: 18.7 ms with them, 12.4 ms without).
  if (text.op == QueryNode::Op::kAndMaybe) {
    QueryNode matches = std::move(text.children.front());
    text = std::move(matches);
  }
  QueryNode filter = QueryNode::Constant(any, kWFilter);
  if (alone) {
    // The word alone (领军人才, 汉族): the people holding the value weigh kWFilter whatever their
    // texts, and the text finds the others. Their texts mostly name the value they hold, and its
    // weight beside the filter's made the matcher weigh each of them to rank them: 75 ms for
    // 领军人才 among a million people, 0.2 ms now. Beside other words, which rank the matches,
    // this costs more than it saves.
    QueryNode others;
    others.op = QueryNode::Op::kAndNot;
    others.children = {std::move(text), std::move(any)};
    text = std::move(others);
  }
  return QueryNode::Of(QueryNode::Op::kOr, {std::move(filter), std::move(text)});
}

StatusOr<QueryPlan> QueryBuilder::Build(std::string_view query, const IdResolver& resolve_id,
                                        const TermExists& term_exists,
                                        const QueryContext& context) const {
  size_t chars = 0;
  for (size_t pos = 0; pos < query.size(); ++chars) DecodeUtf8(query, pos);
  if (chars > kMaxQueryChars) {
    return InvalidArgument("字段「检索词」：过长，最多 " + std::to_string(kMaxQueryChars) + " 个字",
                           {{"检索词", "过长，最多 " + std::to_string(kMaxQueryChars) + " 个字"}});
  }
  QueryPlan plan;
  std::vector<QueryNode> main_parts;
  std::vector<std::optional<QueryNode>> fallback_parts;  // the homophones of each part, if any
  // Mobile numbers are looked up by their keyed hash and taken out of the text.
  std::string rest(query);
  // Without a resolver (a caller who may not search by phone) a number finds nobody: phones are
  // never indexed as text.
  {
    for (const PhoneSpan& phone : FindPhones(query)) {
      std::vector<QueryNode> people;
      if (context.resolve_phone) {
        plan.has_phone = true;
        for (const int64_t rowid : context.resolve_phone(phone.digits)) {
          people.push_back(QueryNode::Term(std::string(kIdPrefix) + std::to_string(rowid)));
        }
      }
      main_parts.push_back(QueryNode::Of(QueryNode::Op::kOr, std::move(people)));
      fallback_parts.emplace_back();
      plan.words.push_back(registry::MaskPhone(phone.digits));
      plan.understood.emplace_back();
      std::fill(rest.begin() + static_cast<long>(phone.begin),
                rest.begin() + static_cast<long>(phone.end), ' ');
    }
  }
  std::vector<Chunk> chunks = SplitChunks(rest);
  if (chunks.empty() && main_parts.empty()) {
    plan.query.op = QueryNode::Op::kAll;
    return plan;
  }
  for (size_t i = 0; i < chunks.size(); ++i) {
    const Chunk& chunk = chunks[i];
    if (auto id = IdNumberShape(*analyzer_, chunk.text)) {
      plan.has_id_number = true;
      std::optional<int64_t> rowid = resolve_id ? resolve_id(*id) : std::nullopt;
      QueryNode node =
          rowid ? QueryNode::Term(std::string(kIdPrefix) + std::to_string(*rowid)) : QueryNode();
      main_parts.push_back(std::move(node));
      fallback_parts.emplace_back();
      // Named back masked, as every answer shows ID numbers: the answer may be logged or cached.
      plan.words.push_back(registry::MaskIdNumber(*id));
      plan.understood.emplace_back();
      continue;
    }
    // A word naming a filter value (女, 壮族, 80后): that filter, and its text when it may be text.
    if (words_ != nullptr && chunk.field == nullptr && !chunk.quoted) {
      // Fold() parts digits from characters with a space (80 后): the word is read whole.
      std::string folded = analyzer_->Fold(chunk.text);
      std::erase(folded, ' ');
      std::optional<FilterMatch> match =
          words_->Read(folded, chunks.size() == 1, context.today, context.withheld);
      // A city that is somebody's whole name (金华, 安康) is searched as a name, as before.
      if (match && match->within_text && term_exists &&
          term_exists(std::string(kNameExact) + folded)) {
        match.reset();
      }
      if (match) {
        QueryNode text;
        if (match->also_text) {
          Chunk as_text = chunk;
          if (!match->text.empty()) as_text.text = match->text;
          text = ChunkNode(as_text, i + 1 == chunks.size(), false, &plan.highlights, term_exists);
        }
        match->shown.from = chunk.text;
        main_parts.push_back(FilterNode(*match, std::move(text), chunks.size() == 1));
        fallback_parts.emplace_back();
        plan.words.push_back(Shown(chunk.text));
        plan.understood.push_back(std::move(match->shown));
        continue;
      }
    }
    // Consecutive unscoped Latin words ("zhang san") are read together as one name too.
    if (chunk.field == nullptr && !chunk.quoted && IsAsciiLetters(analyzer_->Fold(chunk.text))) {
      std::vector<std::string> words{analyzer_->Fold(chunk.text)};
      size_t j = i + 1;
      while (j < chunks.size() && chunks[j].field == nullptr && !chunks[j].quoted &&
             IsAsciiLetters(analyzer_->Fold(chunks[j].text)) &&
             !IdNumberShape(*analyzer_, chunks[j].text)) {
        words.push_back(analyzer_->Fold(chunks[j].text));
        ++j;
      }
      if (words.size() > 1) {
        std::vector<QueryNode> separate;
        for (size_t k = 0; k < words.size(); ++k) {
          separate.push_back(LatinRun(
              {words[k]}, nullptr, j == chunks.size() && k + 1 == words.size(), &plan.highlights));
        }
        QueryNode joined = LatinRun(words, nullptr, j == chunks.size(), &plan.highlights);
        std::vector<QueryNode> ways{std::move(joined),
                                    QueryNode::Of(QueryNode::Op::kAnd, std::move(separate))};
        if (words.size() <= 3) {
          // The given name first, as on a card or in English (Xiaoming Wang): read surname first.
          std::vector<std::string> turned{words.back()};
          turned.insert(turned.end(), words.begin(), words.end() - 1);
          ways.push_back(LatinRun(turned, nullptr, false, nullptr));
        }
        QueryNode node = QueryNode::Of(QueryNode::Op::kOr, std::move(ways));
        main_parts.push_back(node);
        if (std::optional<QueryNode> fuzzy = FuzzyPinyin(words)) {
          fallback_parts.push_back(QueryNode::Of(QueryNode::Op::kOr, {node, std::move(*fuzzy)}));
        } else {
          fallback_parts.emplace_back();
        }
        std::string typed;
        for (size_t k = i; k < j; ++k) typed += (k > i ? " " : "") + Shown(chunks[k].text);
        plan.words.push_back(std::move(typed));
        plan.understood.emplace_back();
        i = j - 1;
        continue;
      }
    }
    const bool may_be_name = chunk.field == nullptr || chunk.field->id == FieldId::kName;
    const std::string exact_name =
        may_be_name ? std::string(kNameExact) + analyzer_->Fold(chunk.text) : "";
    const bool known_name =
        chunk.field == nullptr && !chunk.quoted && term_exists && term_exists(exact_name);
    QueryNode node =
        ChunkNode(chunk, i + 1 == chunks.size(), false, &plan.highlights, term_exists, known_name);
    if (node.op == QueryNode::Op::kNothing) continue;  // punctuation only: nothing to look for
    // A unit's short or full name: the other writing matches too (中科院, 中国科学院).
    std::vector<Chunk> other_writings;
    if (abbreviations_ != nullptr && !chunk.quoted &&
        (chunk.field == nullptr || chunk.field->id == FieldId::kUnit)) {
      for (std::string& text : abbreviations_->Alternatives(analyzer_->Fold(chunk.text))) {
        other_writings.push_back({std::move(text), chunk.field, false});
      }
    }
    const auto with_other_writings = [&](QueryNode first, bool fallback,
                                         std::vector<HighlightTarget>* highlights) {
      if (other_writings.empty()) return first;
      std::vector<QueryNode> any{std::move(first)};
      for (const Chunk& other : other_writings) {
        any.push_back(ChunkNode(other, i + 1 == chunks.size(), fallback, highlights, term_exists));
      }
      return QueryNode::Of(QueryNode::Op::kOr, std::move(any));
    };
    node = with_other_writings(std::move(node), false, &plan.highlights);
    // A word that is nobody's name but looks like one: also the whole names that sound like it,
    // above longer names that merely begin with it (query_names.cc).
    QueryNode sounds;
    if (chunk.field == nullptr && !chunk.quoted && !known_name) {
      sounds = WholeNameSounds(chunk.text, term_exists);
      if (sounds.op != QueryNode::Op::kNothing)
        node = QueryNode::Of(QueryNode::Op::kOr, {std::move(node), sounds});
    }
    main_parts.push_back(std::move(node));
    plan.words.push_back(chunk.field != nullptr
                             ? std::string(chunk.field->labels[0]) + ":" + chunk.text
                             : chunk.text);
    plan.understood.emplace_back();
    if (may_be_name) plan.exact_name_terms.push_back(exact_name);
    if (known_name) {
      // Somebody has the name: SearchIndex never adds homophones then.
      fallback_parts.emplace_back();
      continue;
    }
    QueryNode with = with_other_writings(
        ChunkNode(chunk, i + 1 == chunks.size(), true, nullptr, term_exists), true, nullptr);
    if (sounds.op != QueryNode::Op::kNothing)
      with = QueryNode::Of(QueryNode::Op::kOr, {std::move(with), std::move(sounds)});
    if (with.Describe() != main_parts.back().Describe()) {
      fallback_parts.push_back(std::move(with));
    } else {
      fallback_parts.emplace_back();
    }
  }
  plan.query = AndOfParts(main_parts);
  plan.parts = std::move(main_parts);
  plan.homophones = std::move(fallback_parts);
  return plan;
}

std::optional<QueryNode> QueryPlan::WithHomophones(const std::vector<bool>& use) const {
  std::vector<QueryNode> chosen;
  bool any = false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool wanted = use.empty() || (i < use.size() && use[i]);
    if (wanted && homophones[i]) {
      chosen.push_back(*homophones[i]);
      any = true;
    } else {
      chosen.push_back(parts[i]);
    }
  }
  if (!any) return std::nullopt;
  return AndOfParts(chosen);
}

}  // namespace tp::indexer
