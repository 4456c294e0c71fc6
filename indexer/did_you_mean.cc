#include "indexer/did_you_mean.h"

#include <algorithm>

namespace tp::indexer {
namespace {

size_t CharCount(const std::string& s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string DidYouMean(const QueryPlan& plan, const std::vector<bool>& by_homophones,
                       const std::vector<bool>& kept, const SearchResult& result) {
  if (plan.has_id_number || plan.has_phone || result.hits.empty()) return "";
  std::string out;
  bool changed = false;
  for (size_t i = 0; i < plan.words.size(); ++i) {
    if (i < kept.size() && !kept[i]) {
      changed = true;
      continue;
    }
    std::string word = plan.words[i];
    // A name's homophone has as many characters as the name (黄昊 黄浩); other words searched
    // by their homophones too (北京大学) stay as typed.
    const std::string& name = result.hits[0].name;
    if (result.homophones && i < by_homophones.size() && by_homophones[i] && !name.empty() &&
        name != word && CharCount(name) == CharCount(word)) {
      word = name;
      changed = true;
    }
    if (!out.empty()) out.push_back(' ');
    out.append(word);
  }
  return changed ? out : "";
}

}  // namespace tp::indexer
