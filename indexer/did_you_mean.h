// 「您要找的是不是……」: the query the person most likely meant, offered when the answer is not to
// the letter of what was typed.
#pragma once

#include <string>
#include <vector>

#include "indexer/query_builder.h"
#include "indexer/search_index.h"

namespace tp::indexer {

// After a homophone search, the query's words with each name answered by its homophones (a word
// of as many characters as the top hit's name) replaced by that name (黄昊 → 黄浩; 黄昊 北京大学 → 黄浩 北京大学); after words were left out
// (`kept` false), the words kept. `by_homophones[i]` says part i was searched by its homophones.
// Empty when the answer is to the letter, when there is no hit, and when the query held an ID or
// phone number (named back masked, it could not be searched again).
std::string DidYouMean(const QueryPlan& plan, const std::vector<bool>& by_homophones,
                       const std::vector<bool>& kept, const SearchResult& result);

}  // namespace tp::indexer
