#include "indexer/internal/xapian_query.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/internal/match_parts.h"
#include "indexer/schema.h"

namespace tp::indexer {
namespace {

// The terms a wildcard stands for, at most.
constexpr Xapian::termcount kWildcardTerms = 200;

// What a phrase's position asks for, as the name's pairs spell it (schema.h's kSyllablePair): a
// character, syllables or initials; nothing when it asks for anything else. The views point into
// `position`.
struct PairUnits {
  enum class Kind { kNone, kCharacter, kSyllables, kInitials } kind = Kind::kNone;
  std::vector<std::string_view> units;
};
PairUnits PairUnitsAt(const QueryNode& position) {
  using Kind = PairUnits::Kind;
  const auto unit = [](const QueryNode& n, Kind kind) -> std::string_view {
    const std::string_view prefix = kind == Kind::kSyllables  ? kSyllable
                                    : kind == Kind::kInitials ? kInitial
                                                              : Field(FieldId::kName).prefix;
    if (n.op != QueryNode::Op::kTerm || n.term.size() <= prefix.size() ||
        !n.term.starts_with(prefix))
      return {};
    const std::string_view rest = std::string_view(n.term).substr(prefix.size());
    const bool latin = rest[0] >= 'a' && rest[0] <= 'z';
    // A character: one Han character (three or four bytes) after the name's prefix.
    if (kind == Kind::kCharacter) return !latin && rest.size() <= 4 ? rest : "";
    return latin ? rest : "";
  };
  for (const Kind kind : {Kind::kSyllables, Kind::kInitials, Kind::kCharacter}) {
    PairUnits out;
    out.kind = kind;
    if (position.op == QueryNode::Op::kOr && kind != Kind::kCharacter) {
      for (const QueryNode& c : position.children) {
        const std::string_view u = unit(c, kind);
        if (u.empty()) break;
        out.units.push_back(u);
      }
      if (!out.units.empty() && out.units.size() == position.children.size()) return out;
    } else if (const std::string_view u = unit(position, kind); !u.empty()) {
      out.units.push_back(u);
      return out;
    }
  }
  return {};
}

// What every match of a phrase over a name holds: for each two neighbouring positions, one of
// their pairs (schema.h's kSyllablePair). These rare terms lead the match and the phrase reads
// positions only for the names that hold them: liu li, or 黄 with a syllable beginning zh, among a
// million names no longer checks the positions of every name holding both parts. They weigh
// nothing, and the phrase implies them: its matches and their weights are unchanged.
Xapian::Query NamePairs(const QueryNode& phrase) {
  constexpr size_t kMaxPairs = 64;  // beyond, the ORed pairs would cost what they save
  std::vector<Xapian::Query> required;
  using Kind = PairUnits::Kind;
  PairUnits before;
  for (const QueryNode& position : phrase.children) {
    PairUnits here = PairUnitsAt(position);
    // The pairs begin with a reading or a character and end with a reading or an initial.
    const bool paired = (before.kind == Kind::kSyllables || before.kind == Kind::kCharacter) &&
                        (here.kind == Kind::kSyllables || here.kind == Kind::kInitials);
    if (paired && before.units.size() * here.units.size() <= kMaxPairs) {
      std::vector<Xapian::Query> pairs;
      for (std::string_view a : before.units) {
        for (std::string_view b : here.units) {
          std::string term(kSyllablePair);
          term.append(a);
          term.append(b);
          pairs.emplace_back(std::move(term));
        }
      }
      required.emplace_back(Xapian::Query::OP_OR, pairs.begin(), pairs.end());
    }
    before = std::move(here);
  }
  if (required.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_AND, required.begin(), required.end());
}

// The terms of `node` when it is a term or an OR of terms; none otherwise.
std::vector<std::string> TermsOf(const QueryNode& node) {
  if (node.op == QueryNode::Op::kTerm) return {node.term};
  std::vector<std::string> terms;
  if (node.op != QueryNode::Op::kOr) return terms;
  for (const QueryNode& c : node.children) {
    if (c.op != QueryNode::Op::kTerm) return {};
    terms.push_back(c.term);
  }
  return terms;
}

}  // namespace

// Whole decades and years by their terms (schema.h's kBirthPrefix), and only the days a range
// cuts out of a year through the birth-date slot, among that year's people. A range of more than
// kTermYears years (40岁以上) is a value range: it matches most of the pool, so it never leads a
// match.
Xapian::Query BornBetween(int from, int to) {
  constexpr int kTermYears = 40;
  const auto days = [](int a, int b) {
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, kSlotBirthDate,
                         Xapian::sortable_serialise(a), Xapian::sortable_serialise(b));
  };
  const int first = from / 10000, last = to / 10000;
  if (from > to) return Xapian::Query();
  if (last - first > kTermYears) return days(from, to);
  const auto term = [](int number) {
    std::string name(kBirthPrefix);
    name += std::to_string(number);
    return Xapian::Query(name);
  };
  const auto whole = [&](int year) {
    return from <= year * 10000 + 101 && to >= year * 10000 + 1231;
  };
  std::vector<Xapian::Query> pieces;
  for (int year = first; year <= last;) {
    if (year % 10 == 0 && year + 9 <= last && whole(year) && whole(year + 9)) {
      pieces.push_back(term(year / 10));
      year += 10;
    } else if (whole(year)) {
      pieces.push_back(term(year));
      ++year;
    } else {
      pieces.emplace_back(
          Xapian::Query::OP_FILTER, term(year),
          days(std::max(from, year * 10000 + 101), std::min(to, year * 10000 + 1231)));
      ++year;
    }
  }
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                       Xapian::Query(Xapian::Query::OP_OR, pieces.begin(), pieces.end()), 0);
}

Xapian::Query ToXapian(const QueryNode& node) {
  using Op = QueryNode::Op;
  switch (node.op) {
    case Op::kNothing: return Xapian::Query();
    case Op::kAll: return Xapian::Query::MatchAll;
    case Op::kTerm: return Xapian::Query(node.term);
    case Op::kWildcard:
      // One character in a text: the pairs it begins. The most frequent ones are enough to rank.
      return Xapian::Query(Xapian::Query::OP_WILDCARD, node.term, kWildcardTerms,
                           Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    case Op::kScale:
      return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, ToXapian(node.children.at(0)),
                           node.factor);
    case Op::kConstant:
      if (std::vector<std::string> terms = TermsOf(node.children.at(0)); !terms.empty()) {
        return Xapian::Query((new TermsWeightSource(std::move(terms), node.factor))->release());
      }
      // The child's matches, its own weight dropped, each weighing `factor`.
      return Xapian::Query(
          Xapian::Query::OP_AND,
          Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, ToXapian(node.children.at(0)), 0),
          Xapian::Query((new Xapian::FixedWeightPostingSource(node.factor))->release()));
    case Op::kBirthRange: {
      const size_t colon = node.term.find(':');
      int from = 0, to = 0;
      std::from_chars(node.term.data(), node.term.data() + colon, from);
      std::from_chars(node.term.data() + colon + 1, node.term.data() + node.term.size(), to);
      return BornBetween(from, to);
    }
    default: break;
  }
  std::vector<Xapian::Query> children;
  children.reserve(node.children.size());
  for (const QueryNode& c : node.children) children.push_back(ToXapian(c));
  Xapian::Query::op op = Xapian::Query::OP_AND;
  switch (node.op) {
    case Op::kOr: op = Xapian::Query::OP_OR; break;
    case Op::kAndMaybe: op = Xapian::Query::OP_AND_MAYBE; break;
    case Op::kAndNot: op = Xapian::Query::OP_AND_NOT; break;
    case Op::kPhrase: {
      Xapian::Query phrase(Xapian::Query::OP_PHRASE, children.begin(), children.end(),
                           static_cast<Xapian::termcount>(children.size()));
      Xapian::Query pairs = NamePairs(node);
      if (pairs.empty()) return phrase;
      return Xapian::Query(Xapian::Query::OP_FILTER, phrase, pairs);
    }
    default: break;
  }
  return Xapian::Query(op, children.begin(), children.end());
}

QueryNode Unweighted(const QueryNode& node) {
  using Op = QueryNode::Op;
  switch (node.op) {
    case Op::kAndMaybe:
    case Op::kScale:
    case Op::kConstant: return Unweighted(node.children.at(0));
    case Op::kAnd:
    case Op::kOr:
    case Op::kAndNot: {
      QueryNode out = node;
      for (QueryNode& c : out.children) c = Unweighted(c);
      if (out.op != Op::kOr) return out;
      // OR(a, AND_NOT(b, a)) matches what OR(a, b) does (a filter word alone: the people holding
      // the value, and the others whose texts name it). Finding b's matches outside a reads both
      // lists through, whatever the sample: 汉族's value and text are each held by 93% of the
      // pool, and its count took 15 of its 29 ms among a million people.
      for (QueryNode& c : out.children) {
        if (c.op != Op::kAndNot) continue;
        const std::string without = c.children.at(1).Describe();
        const bool sibling =
            std::any_of(out.children.begin(), out.children.end(),
                        [&](const QueryNode& o) { return o.Describe() == without; });
        if (sibling) c = QueryNode(c.children.at(0));
      }
      return out;
    }
    default: return node;
  }
}

double ExpectedShare(const Xapian::Database& db, const QueryNode& node) {
  using Op = QueryNode::Op;
  switch (node.op) {
    case Op::kNothing: return 0;
    case Op::kTerm: {
      const double everybody = std::max<double>(1, db.get_doccount());
      return std::min(1.0, db.get_termfreq(node.term) / everybody);
    }
    case Op::kAnd:
    case Op::kPhrase: {
      double share = 1;
      for (const QueryNode& c : node.children) share *= ExpectedShare(db, c);
      return share;
    }
    case Op::kOr: {
      double none = 1;
      for (const QueryNode& c : node.children) none *= 1 - ExpectedShare(db, c);
      return 1 - none;
    }
    case Op::kAndMaybe:
    case Op::kAndNot:
    case Op::kScale:
    case Op::kConstant: return ExpectedShare(db, node.children.at(0));
    case Op::kAll:
    case Op::kWildcard:
    case Op::kBirthRange: return 1;
  }
  return 1;
}

bool Weighs(const QueryNode& node) {
  using Op = QueryNode::Op;
  switch (node.op) {
    case Op::kTerm:
    case Op::kWildcard: return true;
    case Op::kScale: return node.factor > 0 && Weighs(node.children.at(0));
    case Op::kConstant: return node.factor > 0;
    case Op::kAndNot: return Weighs(node.children.at(0));
    default:
      return std::any_of(node.children.begin(), node.children.end(),
                         [](const QueryNode& c) { return Weighs(c); });
  }
}

}  // namespace tp::indexer
