// The query side of names as people type them: southern-accent pinyin, a Han surname with the
// given name in pinyin or initials, and whole names that sound like the typed one. Part of
// QueryBuilder (query_builder.h); the tiers' weights are those of query_builder.cc.
#include <algorithm>

#include "indexer/query_builder.h"
#include "indexer/utf8.h"

namespace tp::indexer {
namespace {

constexpr double kWWholePinyin = 10;    // as query_builder.cc: the whole name's pinyin
constexpr double kWWholeInitials = 8;   // the whole name's initials
constexpr double kWPinyinPhrase = 5;    // syllables in order
constexpr double kWPinyinPrefix = 3;    // the same, the last syllable still being typed
constexpr double kWInitialsPhrase = 3;  // initials in order
// A southern-accent reading weighs a fifth of an exact one (kWPinyinPhrase): exact readings
// rank above it, and it is only asked for when the exact readings find almost nobody.
constexpr double kWFuzzyPinyin = 1;
// A whole name that reads as the typed one (黄浩 for 黄昊, same length) weighs this much,
// whatever its terms: more than a name that merely begins with the typed characters (黄昊天),
// whose weight on a pool of a million stays under 300, and less than a word of a loose query
// (1,000 in search_index_search.cc), so it never counts as one more word matched.
constexpr double kWSoundsLikeName = 500;
// Bounds: a name has at most four syllables (a compound surname and two characters); at most
// four ways of cutting the letters, each syllable with at most three variants: at most
// 4 x 4 x 4 = 64 terms in phrases, and 16 whole-name spellings of the first way, whatever the
// length typed.
constexpr size_t kMaxNameSyllables = 4;
constexpr size_t kMaxFuzzySegmentations = 4;
constexpr size_t kMaxSpellings = 16;

std::string Cat(std::string_view a, std::string_view b) {
  std::string s(a);
  s.append(b);
  return s;
}

// Every spelling of a sequence of readings (one list per character), at most kMaxSpellings.
std::vector<std::string> Spellings(const std::vector<std::vector<std::string_view>>& readings) {
  std::vector<std::string> out{""};
  for (const auto& options : readings) {
    if (options.empty()) return {};
    std::vector<std::string> next;
    for (const std::string& so_far : out) {
      for (std::string_view s : options) {
        if (next.size() < kMaxSpellings) next.push_back(so_far + std::string(s));
      }
    }
    out = std::move(next);
  }
  return out;
}

}  // namespace

std::optional<QueryNode> QueryBuilder::FuzzyPinyin(const std::vector<std::string>& words) const {
  using Op = QueryNode::Op;
  std::string letters;
  for (const std::string& w : words) letters.append(w);
  std::vector<QueryNode> ways, whole;
  for (const auto& pieces :
       pinyin_->SegmentFuzzy(letters, kMaxNameSyllables, kMaxFuzzySegmentations)) {
    std::vector<QueryNode> positions;
    std::vector<std::vector<std::string_view>> spelt;
    for (const std::string& piece : pieces) {
      // (A phrase takes only terms and ORs of terms: no weight of its own for each syllable.)
      std::vector<QueryNode> sounds;
      spelt.emplace_back();
      if (pinyin_->IsSyllable(piece)) {
        sounds.push_back(QueryNode::Term(Cat(kSyllable, piece)));
        spelt.back().push_back(piece);
      }
      for (std::string_view v : pinyin_->FuzzyVariants(piece)) {
        sounds.push_back(QueryNode::Term(Cat(kSyllable, v)));
        spelt.back().push_back(v);
      }
      positions.push_back(QueryNode::Of(Op::kOr, std::move(sounds)));
    }
    ways.push_back(QueryNode::Of(Op::kPhrase, std::move(positions)));
    // Whole names of that many syllables rank above longer ones that begin with them.
    if (whole.empty()) {
      for (const std::string& s : Spellings(spelt))
        whole.push_back(QueryNode::Term(Cat(kWholePinyin, s)));
    }
  }
  if (ways.empty()) return std::nullopt;
  ways = {QueryNode::Of(Op::kAndMaybe,
                        {QueryNode::Of(Op::kOr, std::move(ways)),
                         QueryNode::Scale(QueryNode::Of(Op::kOr, std::move(whole)), 2)})};
  return QueryNode::Scale(QueryNode::Of(Op::kOr, std::move(ways)), kWFuzzyPinyin);
}

QueryNode QueryBuilder::SurnameAndLatin(const std::vector<std::string>& surname,
                                        std::string_view letters, bool last_is_prefix) const {
  using Op = QueryNode::Op;
  // The given name: whole syllables (the last maybe a beginning), or one initial per character.
  std::vector<std::vector<PinyinPiece>> ways;
  for (auto& way : pinyin_->Segment(letters, last_is_prefix, 8)) {
    if (way.size() + surname.size() <= kMaxNameSyllables) ways.push_back(std::move(way));
  }
  const bool initials = letters.size() + surname.size() <= kMaxNameSyllables;
  if (initials) {
    std::vector<PinyinPiece> each;
    for (char c : letters) each.push_back({std::string(1, c), true});
    ways.push_back(std::move(each));
  }
  std::vector<QueryNode> phrases;
  for (const auto& way : ways) {
    std::vector<QueryNode> positions;
    for (const std::string& c : surname)
      positions.push_back(QueryNode::Term(Cat(Field(FieldId::kName).prefix, c)));
    bool any_prefix = false;
    for (const PinyinPiece& piece : way) {
      if (!piece.prefix) {
        positions.push_back(QueryNode::Term(Cat(kSyllable, piece.text)));
      } else if (piece.text.size() == 1) {
        any_prefix = true;
        positions.push_back(QueryNode::Term(Cat(kInitial, piece.text)));
      } else {
        any_prefix = true;
        std::vector<QueryNode> completions;
        for (std::string_view s : pinyin_->Completions(piece.text))
          completions.push_back(QueryNode::Term(Cat(kSyllable, s)));
        positions.push_back(QueryNode::Of(Op::kOr, std::move(completions)));
      }
    }
    const bool all_initials = std::all_of(way.begin(), way.end(), [](const PinyinPiece& p) {
      return p.prefix && p.text.size() == 1;
    });
    phrases.push_back(QueryNode::Scale(QueryNode::Of(Op::kPhrase, std::move(positions)),
                                       all_initials ? kWInitialsPhrase
                                       : any_prefix ? kWPinyinPrefix
                                                    : kWPinyinPhrase));
  }
  // The whole name's spellings and initials: the given name has exactly the letters typed.
  std::string run;
  for (const std::string& c : surname) run.append(c);
  const std::vector<std::vector<uint16_t>>* special = analyzer_->tables().SurnameReadings(run);
  std::vector<std::string> spellings;
  if (special != nullptr) {
    for (const auto& alternative : *special) {
      std::string spelt;
      for (uint16_t id : alternative) spelt.append(analyzer_->tables().Syllable(id));
      spellings.push_back(std::move(spelt));
    }
  } else {
    std::vector<std::vector<std::string_view>> each;
    for (const std::string& c : surname) {
      size_t at = 0;
      each.push_back(pinyin_->CharReadings(DecodeUtf8(c, at)));
    }
    spellings = Spellings(each);
  }
  std::vector<QueryNode> whole;
  for (const std::string& s : spellings) {
    whole.push_back(QueryNode::Scale(QueryNode::Term(Cat(kWholePinyin, s + std::string(letters))),
                                     kWWholePinyin));
    if (initials && surname.size() == 1) {
      whole.push_back(QueryNode::Scale(
          QueryNode::Term(Cat(kWholeInitials, s.substr(0, 1) + std::string(letters))),
          kWWholeInitials));
    }
  }
  return QueryNode::Of(Op::kAndMaybe, {QueryNode::Of(Op::kOr, std::move(phrases)),
                                       QueryNode::Of(Op::kOr, std::move(whole))});
}

QueryNode QueryBuilder::WholeNameSounds(std::string_view word,
                                        const TermExists& term_exists) const {
  if (!term_exists) return QueryNode();
  AnalyzedText name;
  analyzer_->Analyze(word, name);
  std::vector<std::string> chars;
  for (const Token& t : name.tokens) {
    if (t.kind != TokenKind::kHan || (!chars.empty() && !t.adjacent) || t.after_dot)
      return QueryNode();
    chars.emplace_back(name.Key(t));
  }
  if (chars.size() < 2 || chars.size() > kMaxNameSyllables) return QueryNode();
  size_t surname_len = 1;
  if (chars.size() >= 3 && analyzer_->tables().IsCompoundSurname(chars[0] + chars[1]))
    surname_len = 2;
  std::string surname;
  for (size_t i = 0; i < surname_len; ++i) surname.append(chars[i]);
  // Looks like a name: somebody has the surname, and each other character is in somebody's
  // name (高级 is not a name, though 高 is a surname).
  if (!term_exists(Cat(kSurname, surname))) return QueryNode();
  for (size_t i = surname_len; i < chars.size(); ++i) {
    if (!term_exists(Cat(Field(FieldId::kName).prefix, chars[i]))) return QueryNode();
  }
  std::vector<QueryNode> terms;
  for (const std::string& s : Spellings(pinyin_->NameReadings(name)))
    terms.push_back(QueryNode::Term(Cat(kWholePinyin, s)));
  return QueryNode::Constant(QueryNode::Of(QueryNode::Op::kOr, std::move(terms)), kWSoundsLikeName);
}

}  // namespace tp::indexer
