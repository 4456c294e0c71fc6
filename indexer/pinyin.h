// Pinyin for the name search: the readings of a name's characters (surname readings first, then
// only the common readings of the others) and the ways a typed Latin string splits into
// syllables. Spelling: toneless, lower case, u-umlaut both as "v" and "u" ("lv" and "lu").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/analyzer.h"
#include "indexer/text_tables.h"

namespace tp::indexer {

// One piece of a typed pinyin string: a whole syllable, or (the last piece while typing) the
// beginning of one.
struct PinyinPiece {
  std::string text;
  bool prefix = false;
  bool operator==(const PinyinPiece&) const = default;
};

class Pinyin {
 public:
  explicit Pinyin(const TextTables& tables);

  // The syllables each token of an analysed name may be read as (one list per token; empty for
  // words and unknown characters). The surname — a compound one from the table, else the first
  // character — takes its surname readings (曾 zeng, 单 shan); other characters their common
  // readings. A syllable spelt with "v" is listed with its "u" spelling too.
  std::vector<std::vector<std::string_view>> NameReadings(const AnalyzedText& name) const;

  // The common readings of one Han character (both spellings of u-umlaut).
  std::vector<std::string_view> CharReadings(char32_t han) const;

  // Every way of reading `letters` (a-z only) as consecutive syllables, longest syllables first,
  // at most `limit`. With `last_is_prefix` the last piece may be the start of a syllable
  // ("zhangs" -> zhang + s…). Empty when there is none ("zs").
  std::vector<std::vector<PinyinPiece>> Segment(std::string_view letters, bool last_is_prefix,
                                                size_t limit = 16) const;

  // The syllables beginning with `prefix`, at most `limit`.
  std::vector<std::string_view> Completions(std::string_view prefix, size_t limit = 64) const;

  bool IsSyllable(std::string_view s) const;

  // Southern-accent ("fuzzy pinyin") readings of `typed`, a syllable or a near-syllable: the
  // syllables reached by swapping the initials zh/z, ch/c, sh/s, n/l and the finals an/ang
  // (with ian/iang and uan/uang), en/eng, in/ing, the pairs the common input methods offer as
  // fuzzy pinyin. At most 3 (two pairs at most apply to a syllable); `typed` itself not listed.
  std::vector<std::string_view> FuzzyVariants(std::string_view typed) const;

  // The ways of reading `letters` as at most `max_pieces` whole pieces, each a syllable or a
  // string with fuzzy variants ("ten" for teng), at most `limit` ways; only ways that hold at
  // least one piece with a fuzzy variant.
  std::vector<std::vector<std::string>> SegmentFuzzy(std::string_view letters, size_t max_pieces,
                                                     size_t limit) const;

 private:
  void SegmentFrom(std::string_view letters, size_t at, bool last_is_prefix, size_t limit,
                   std::vector<PinyinPiece>& current,
                   std::vector<std::vector<PinyinPiece>>& out) const;

  const TextTables* tables_;
  std::vector<std::string> spellings_;  // sorted, unique: every syllable in both spellings
  std::vector<std::vector<std::string_view>> by_id_;  // syllable id -> its spellings
};

}  // namespace tp::indexer
