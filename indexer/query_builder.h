// The query side of the Chinese search: turns what a user typed into a plan of weighted tiers
// over the terms DocumentBuilder writes. For each run of Han characters: exact name, phrase over
// the name's characters, AND of characters boosted by pairs; in texts, pairs covering the run,
// boosted by the chain of all its pairs and by whole values and words; a low-weight pinyin
// homophone fallback (for runs of a name's length, two to four characters) kept apart per word, for
// SearchIndex to add only when the first tiers find little, to the words that find almost nobody
// alone. Latin input: every pinyin segmentation (the last syllable as a prefix, for type-ahead),
// initials, whole-name spellings, plain words. `姓名:`, `单位:`… scope a word to one field. ID
// numbers (15/18 characters, any case or width) are never searched as text: the IdResolver maps
// them to a person, or to nothing. The plan is plain data (no Xapian type): SearchIndex translates
// it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/analyzer.h"
#include "indexer/pinyin.h"
#include "indexer/query_words.h"
#include "indexer/schema.h"
#include "indexer/unit_abbreviations.h"
#include "registry/base/status.h"

namespace tp::indexer {

struct QueryNode {
  enum class Op : uint8_t {
    kNothing,
    kAll,
    kTerm,
    kAnd,
    kOr,
    kAndMaybe,
    kPhrase,
    kScale,
    kWildcard,
    kConstant,    // the matches of children[0], each weighing `factor` whatever its terms
    kBirthRange,  // people born between the YYYYMMDD dates of `term` ("19800101:19891231")
    kAndNot       // the matches of children[0] that children[1] does not match
  };
  Op op = Op::kNothing;
  std::string term;     // kTerm; kWildcard: the prefix of the terms it stands for
  double factor = 1.0;  // kScale
  std::vector<QueryNode> children;

  static QueryNode Term(std::string term);
  static QueryNode Wildcard(std::string prefix);
  static QueryNode Of(Op op, std::vector<QueryNode> children);  // collapses 0/1 children
  static QueryNode Scale(QueryNode child, double factor);
  static QueryNode Constant(QueryNode child, double weight);
  static QueryNode BirthRange(int from, int to);

  // A readable form for tests and logs: AND(N张, OR(…)), PHRASE(…), 2*(…).
  std::string Describe() const;
  // Every term named anywhere in the tree.
  void CollectTerms(std::vector<std::string>& out) const;
};

// What a hit's fields are marked for: a run of Han characters, Latin words, or pinyin pieces
// read against the name's characters (initials are one-letter prefix pieces).
struct HighlightTarget {
  std::optional<FieldId> field;  // nullopt: any field
  std::vector<char32_t> han;
  std::vector<std::string> words;
  std::vector<std::vector<PinyinPiece>> pinyin;
};

struct QueryPlan {
  QueryNode query;  // kAll for an empty query
  // The parts `query` ANDs, one per word of the query, and for each the same part with homophone
  // alternatives (nullopt when it has none).
  std::vector<QueryNode> parts;
  std::vector<std::optional<QueryNode>> homophones;
  // For each part, the word(s) of the query as typed, and the filter value it was read as.
  std::vector<std::string> words;
  std::vector<std::optional<UnderstoodFilter>> understood;
  std::vector<HighlightTarget> highlights;
  bool has_id_number = false;  // an ID number was looked up (resolved or not)
  bool has_phone = false;      // a phone number was looked up (resolved or not)
  // The whole-name terms of the query's Han runs: when a person has one of these names, the
  // homophone fallback is not wanted.
  std::vector<std::string> exact_name_terms;

  // The query with the homophones of the parts `use` marks (every part when `use` is empty);
  // nullopt when none of them has any.
  std::optional<QueryNode> WithHomophones(const std::vector<bool>& use = {}) const;
};

// Maps a normalised ID number (18 characters, upper-case X; 15-digit ones as typed) to the
// person's rowid through the registry's keyed hash; nullopt when nobody has it.
using IdResolver = std::function<std::optional<int64_t>(std::string_view normalized)>;

// Maps a mobile number (11 digits) to the persons who gave it, through the registry's keyed hash.
using PhoneResolver = std::function<std::vector<int64_t>(std::string_view phone)>;

// Whether the index holds a term; the builder asks it about whole-name and whole-value terms, to
// tell a run that is somebody's full name, or some field's whole value, from other words.
using TermExists = std::function<bool(std::string_view term)>;

// What reading a query depends on beyond its text.
struct QueryContext {
  int today = 0;  // YYYYMMDD, for age phrases
  // Filters the caller may not use (a unit: ethnic_group): words naming their values stay text.
  std::vector<std::string> withheld;
  // Mobile numbers in any common writing (13920511341, 139-2051-1341, 139 2051 1341, +86 139…)
  // are looked up with it, never searched as text; without it they find nobody.
  PhoneResolver resolve_phone;
};

class QueryBuilder {
 public:
  // With `words`, unscoped unquoted words that name a filter value (女, 壮族, 广西, 80后) are read
  // as that filter (query_words.h).
  // With `abbreviations`, a word holding a unit's short name (中科院, 湖南农大) or full name also
  // matches the other writing (unit_abbreviations.h).
  QueryBuilder(const Analyzer& analyzer, const Pinyin& pinyin, const QueryWords* words = nullptr,
               const UnitAbbreviations* abbreviations = nullptr)
      : analyzer_(&analyzer), pinyin_(&pinyin), words_(words), abbreviations_(abbreviations) {}

  // Fails with InvalidArgument (field 检索词) when the query is longer than 200 characters.
  // With `term_exists`, an unscoped word that is somebody's whole name is searched as a name: the
  // name tiers rank it, other texts containing it are still found but not ranked among
  // themselves, and it gets no homophones. A word that is the whole value of a field (a title,
  // an ethnic group, a unit) is ranked by that value's exact term instead of the chain of its
  // pairs.
  StatusOr<QueryPlan> Build(std::string_view query, const IdResolver& resolve_id,
                            const TermExists& term_exists = nullptr,
                            const QueryContext& context = {}) const;

 private:
  struct Chunk {
    std::string text;
    const FieldSpec* field = nullptr;
    bool quoted = false;
  };
  std::vector<Chunk> SplitChunks(std::string_view query) const;
  QueryNode HanRun(const std::vector<std::string>& chars, const FieldSpec* field, bool quoted,
                   bool fallback, bool known_name, const TermExists& term_exists) const;
  // The run as its readings in order (a name typed with a homophone: 黄浩 for 黄昊); nullopt
  // when a character has no reading.
  std::optional<QueryNode> Homophones(const std::vector<std::string>& chars) const;
  QueryNode LatinRun(const std::vector<std::string>& words, const FieldSpec* field,
                     bool last_is_prefix, std::vector<HighlightTarget>* highlights) const;
  QueryNode ChunkNode(const Chunk& chunk, bool last_chunk, bool fallback,
                      std::vector<HighlightTarget>* highlights, const TermExists& term_exists,
                      bool known_name = false) const;

  // A word read as a filter: its filter match, OR its text matches when it may be text too.
  // `alone`: the word is the whole query.
  QueryNode FilterNode(const FilterMatch& match, QueryNode text, bool alone) const;

  // Names as people type them (query_names.cc). Southern-accent readings of Latin words
  // (denyong: 邓勇), for the fallback; nullopt when no syllable has a fuzzy variant or the words
  // are longer than a name.
  std::optional<QueryNode> FuzzyPinyin(const std::vector<std::string>& words) const;
  // A surname in characters and the given name in pinyin or initials (王xiaoming, 胡sm).
  QueryNode SurnameAndLatin(const std::vector<std::string>& surname, std::string_view letters,
                            bool last_is_prefix) const;
  // People whose whole name reads as `word` does (黄浩 for 黄昊), when `word` is two to four Han
  // characters that look like a name (somebody has its surname, and each other character is in
  // somebody's name); kNothing otherwise. The caller knows nobody has it as a name.
  QueryNode WholeNameSounds(std::string_view word, const TermExists& term_exists) const;

  const Analyzer* analyzer_;
  const Pinyin* pinyin_;
  const QueryWords* words_;
  const UnitAbbreviations* abbreviations_;
};

// The mobile numbers written in `query`, each as its 11 digits with the byte range it spans (one or
// more groups of digits, spaces, hyphens, a +86 or 0086 prefix; full-width digits too). Digits of
// another length (a year, an ID number) are not taken.
struct PhoneSpan {
  size_t begin = 0, end = 0;
  std::string digits;
};
std::vector<PhoneSpan> FindPhones(std::string_view query);

// The normalised form of an ID-number-shaped string (half- or full-width, any case), or nullopt
// when `text` does not have the shape of one.
std::optional<std::string> IdNumberShape(const Analyzer& analyzer, std::string_view text);

}  // namespace tp::indexer
