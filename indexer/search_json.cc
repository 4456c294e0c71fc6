#include "indexer/search_json.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "indexer/schema.h"

namespace tp::indexer {
namespace {

StatusOr<int> ParsePositive(const std::string& value, const std::string& field) {
  int out = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc() || end != value.data() + value.size()) {
    return InvalidArgument("字段「" + field + "」：应为整数，收到「" + value + "」",
                           {{field, "应为整数，收到「" + value + "」"}});
  }
  return out;
}

}  // namespace

std::string SearchResultToJson(const SearchResult& result) {
  nlohmann::json hits = nlohmann::json::array();
  for (const SearchHit& h : result.hits) {
    nlohmann::json highlights = nlohmann::json::object();
    for (const auto& [field, snippet] : h.highlights) highlights[field] = snippet;
    nlohmann::json hit = {
        {"id", h.id},
        {"name", h.name},
        {"unit", h.unit},
        {"post", h.post},
        {"title", h.title},
        {"gender", h.gender},
        // The month is all a list needs; the full date stays in the record.
        {"birth_date", h.birth_date.substr(0, 7)},
        {"province", h.province},
        {"unit_type", h.unit_type},
        {"tier", h.tier},
        {"recommending_unit", h.recommending_unit},
        {"admission_year", h.admission_year},
        {"trained", h.trained},
        {"score", h.score},
        {"highlights", std::move(highlights)},
    };
    if (h.ethnic_group) hit["ethnic_group"] = *h.ethnic_group;
    hits.push_back(std::move(hit));
  }
  nlohmann::json facets = nlohmann::json::object();
  for (const auto& [name, values] : result.facets) {
    if (values.empty()) continue;
    nlohmann::json list = nlohmann::json::array();
    for (const FacetValue& v : values) list.push_back({{"value", v.value}, {"count", v.count}});
    facets[name] = std::move(list);
  }
  nlohmann::json out = {
      {"total", result.total},   {"page", result.page},         {"size", result.size},
      {"hits", std::move(hits)}, {"facets", std::move(facets)},
  };
  if (result.homophones) out["homophones"] = true;
  if (result.facets_estimated) out["facets_estimated"] = true;
  if (result.partial) out["partial"] = true;
  // Always present, so a page can draw its chips and notices without testing for the keys.
  nlohmann::json understood = nlohmann::json::array();
  for (const UnderstoodFilter& u : result.understood) {
    understood.push_back(
        {{"filter", u.filter}, {"value", u.value}, {"from", u.from}, {"label", u.label}});
  }
  out["understood"] = std::move(understood);
  out["unmatched"] = result.unmatched;
  if (!result.did_you_mean.empty()) out["did_you_mean"] = result.did_you_mean;
  if (result.loose) out["loose"] = true;
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

StatusOr<SearchRequest> SearchRequestFromParams(
    const std::vector<std::pair<std::string, std::string>>& params) {
  SearchRequest request;
  for (const auto& [name, value] : params) {
    if (name == "q") {
      request.query = value;
    } else if (name == "page") {
      TP_ASSIGN_OR_RETURN(auto page, ParsePositive(value, "page"));
      request.page = page;
    } else if (name == "size") {
      TP_ASSIGN_OR_RETURN(auto size, ParsePositive(value, "size"));
      request.size = size;
    } else if (name == "sort") {
      TP_ASSIGN_OR_RETURN(auto sort, ParseSortOrder(value));
      request.sort = sort;
    } else if (name == "facets") {
      if (value == "true" || value == "1") {
        request.facets = true;
      } else if (value == "false" || value == "0") {
        request.facets = false;
      } else {
        return InvalidArgument("字段「facets」：应为 true 或 false",
                               {{"facets", "应为 true 或 false"}});
      }
    } else if (IsFilterName(name)) {
      if (!value.empty()) request.filters.emplace_back(name, value);
    }
  }
  return request;
}

}  // namespace tp::indexer
