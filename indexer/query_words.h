// Words of a query that name a filter value: 女, 青年人才, 壮族, 广西, 35岁以下, 80后, 1983,
// 2024年入库, 参加过培训. QueryBuilder asks about each unscoped, unquoted word; a word read as a
// filter matches the people holding that value, and, when the word can also be text (a unit
// named 青年…, a province in an address), the people whose texts hold it too: it narrows the
// search as a filter would, without losing anybody the text finds. The vocabulary comes from the
// registry's reference tables (ethnic groups, provinces) and from the filters' own values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "registry/fields/reference_data.h"

namespace tp::indexer {

// One word read as a filter value, as the answer shows it: {"filter", "value", "from", "label"}.
// `filter` is one of schema.h's kFilterNames, or "age" (an age bound) or "birth_year" (a year or
// a range of years, 1980-1989).
struct UnderstoodFilter {
  std::string filter;
  std::string value;
  std::string from;   // the word as typed
  std::string label;  // a readable value: 广西壮族自治区 for province 45; the value otherwise
  bool operator==(const UnderstoodFilter&) const = default;
};

// How a word read as a filter matches. Each alternative is a filter term (K…) or a range of
// birth dates; any of them is a match.
struct FilterMatch {
  UnderstoodFilter shown;
  std::vector<std::string> terms;    // boolean filter terms, any of which matches
  int birth_from = 0, birth_to = 0;  // YYYYMMDD bounds of a birth date range, when not 0
  bool also_text = false;            // the word may be text too: its text matches count as well
  // The filter weighs only beside the word's text (a city: people of its province whose texts
  // name it rank first); the text alone still matches.
  bool within_text = false;
  std::string text;  // the text to match instead of the word, when not empty (南宁 for 南宁市)
};

class QueryWords {
 public:
  explicit QueryWords(registry::ReferenceData reference);

  // `word` is the query word folded by the analyser (simplified, lower case, half-width).
  // `alone`: the query holds this word only (a one-character short form such as 壮 or 回 is then
  // read as text: it is more often a surname). `today` is YYYYMMDD. `withheld`: filter names the
  // caller may not use (a unit may not select by 民族): such words stay text.
  std::optional<FilterMatch> Read(std::string_view word, bool alone, int today,
                                  const std::vector<std::string>& withheld) const;

 private:
  // Six-digit code of a current prefecture-level unit (地级市, 地区, 盟, 自治州) from its full
  // name (南宁市) or, but for 自治州, its name without the suffix (南宁); empty when it names none
  // or several.
  std::string PrefectureCode(std::string_view name) const;

  registry::ReferenceData reference_;
  std::unordered_map<std::string, std::string> prefectures_;  // name -> code; "" when ambiguous
};

}  // namespace tp::indexer
