#include "indexer/search_json.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "index_test_support.h"

namespace tp::indexer {
namespace {

TEST_CASE("SearchJson: a result prints as CONTRACT.md's search shape", "[json]") {
  testing::TempDir dir;
  testing::MemoryLog log;
  auto p = testing::Person(1, "张三", "清华大学", "研究员");
  p.person.province = "11";
  p.person.birth_date = "1980-02-03";
  log.Put(p);
  auto index = SearchIndex::Open(dir.path() + "/index");
  REQUIRE(index.ok());
  REQUIRE((*index)->CatchUp(log).ok());
  SearchRequest request;
  request.query = "张三 <b>";
  auto result = (*index)->Search(request);
  REQUIRE(result.ok());
  request.query = "张三";
  result = (*index)->Search(request);
  REQUIRE(result.ok());
  const auto json = nlohmann::json::parse(SearchResultToJson(*result));
  CHECK(json["total"] == 1);
  REQUIRE(json["hits"].size() == 1);
  const auto& hit = json["hits"][0];
  CHECK(hit["id"] == "P0000001");
  CHECK(hit["name"] == "张三");
  CHECK(hit["unit"] == "清华大学");
  CHECK(hit["birth_date"] == "1980-02");
  CHECK(hit["highlights"]["name"] == "<em>张三</em>");
  CHECK(json["facets"]["province"][0]["value"] == "11");
  CHECK(json["facets"]["province"][0]["count"] == 1);
  CHECK_FALSE(json.contains("homophones"));
}

TEST_CASE("SearchJson: parameters become a request, bad numbers name the parameter", "[json]") {
  auto request = SearchRequestFromParams({{"q", "张三"},
                                          {"page", "2"},
                                          {"size", "20"},
                                          {"sort", "-age"},
                                          {"province", "45"},
                                          {"province", "11"},
                                          {"facets", "false"},
                                          {"token", "ignored"}});
  REQUIRE(request.ok());
  CHECK(request->query == "张三");
  CHECK(request->page == 2);
  CHECK(request->size == 20);
  CHECK(request->sort == SortOrder::kOldestFirst);
  CHECK_FALSE(request->facets);
  CHECK(request->filters.size() == 2);
  auto bad = SearchRequestFromParams({{"size", "ten"}});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().details().at(0).field == "size");
}

TEST_CASE("SearchJson: highlights escape HTML of the record", "[json][highlight]") {
  testing::TempDir dir;
  testing::MemoryLog log;
  auto p = testing::Person(1, "张三", "<script>清华</script>");
  log.Put(p);
  auto index = SearchIndex::Open(dir.path() + "/index");
  REQUIRE(index.ok());
  REQUIRE((*index)->CatchUp(log).ok());
  SearchRequest request;
  request.query = "清华";
  auto result = (*index)->Search(request);
  REQUIRE(result.ok());
  REQUIRE(result->hits.size() == 1);
  const auto json = nlohmann::json::parse(SearchResultToJson(*result));
  CHECK(json["hits"][0]["highlights"]["unit"] == "&lt;script&gt;<em>清华</em>&lt;/script&gt;");
}

}  // namespace
}  // namespace tp::indexer
