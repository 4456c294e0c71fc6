// The JSON shape of a search, shared by GET /api/v1/search and `talentpool search` (CONTRACT.md):
// {"total", "page", "size", "hits": [{"id", "name", "unit", "highlights": {field: snippet}, …}],
// "facets": {filter: [{"value", "count"}]}}, and the reading of a search's parameters (q, page,
// size, sort, facets, and one parameter per filter name, repeatable) into a SearchRequest.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "indexer/search_index.h"
#include "registry/base/status.h"

namespace tp::indexer {

// Compact JSON text (UTF-8) of `result`. A hit's withheld ethnic group is left out; "homophones",
// "facets_estimated" and "partial" are printed only when true.
std::string SearchResultToJson(const SearchResult& result);

// Builds a request from name/value parameters. InvalidArgument naming the parameter for a page
// or size that is not a number, an unknown sort, or a facets value other than true/false/1/0.
// Unknown parameter names are ignored (the caller's own, such as a token).
StatusOr<SearchRequest> SearchRequestFromParams(
    const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace tp::indexer
