#include "indexer/did_you_mean.h"

#include <catch2/catch.hpp>

#include "index_test_support.h"
#include "indexer/search_json.h"

#include <nlohmann/json.hpp>

namespace tp::indexer {
namespace {

using testing::IndexOf;
using testing::MemoryLog;
using testing::Person;
using testing::TempDir;

SearchResult Ask(const SearchIndex& index, const std::string& query) {
  SearchRequest request;
  request.query = query;
  request.facets = false;
  auto result = index.Search(request);
  REQUIRE(result.ok());
  return *result;
}

TEST_CASE("Search: an answer not to the letter says what was likely meant",
          "[search][did_you_mean]") {
  TempDir dir;
  MemoryLog log;
  log.Put(Person(1, "黄浩", "北京大学"));
  log.Put(Person(2, "李明", "清华大学"));
  auto index = IndexOf(dir, log);

  // A homophone: the name found instead, alone or with the other words.
  auto homophone = Ask(*index, "黄昊");
  REQUIRE(homophone.homophones);
  CHECK(homophone.did_you_mean == "黄浩");
  CHECK(Ask(*index, "黄昊 北京大学").did_you_mean == "黄浩 北京大学");
  // A word left out: the words kept.
  auto left_out = Ask(*index, "黄浩 锟斤拷");
  REQUIRE(left_out.unmatched == std::vector<std::string>{"锟斤拷"});
  CHECK(left_out.did_you_mean == "黄浩");
  // To the letter, or nobody: nothing to suggest, and no key in the JSON.
  auto exact = Ask(*index, "黄浩");
  CHECK(exact.did_you_mean.empty());
  CHECK_FALSE(nlohmann::json::parse(SearchResultToJson(exact)).contains("did_you_mean"));
  CHECK(Ask(*index, "锟斤拷").did_you_mean.empty());
  CHECK(nlohmann::json::parse(SearchResultToJson(homophone))["did_you_mean"] == "黄浩");
}

TEST_CASE("DidYouMean: never offers a masked number", "[search][did_you_mean]") {
  QueryPlan plan;
  plan.words = {"黄浩", "139****1341"};
  plan.has_phone = true;
  SearchResult result;
  result.hits.push_back({});
  result.hits[0].name = "黄浩";
  CHECK(DidYouMean(plan, {false, false}, {true, false}, result).empty());
  plan.has_phone = false;
  CHECK(DidYouMean(plan, {false, false}, {true, false}, result) == "黄浩");
}

}  // namespace
}  // namespace tp::indexer
