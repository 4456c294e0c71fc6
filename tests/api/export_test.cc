// XLSX downloads of search results and of the dashboard's charts: the same people and
// numbers as the JSON answers, in the caller's scope, masked as search masks, audited.
#include <catch2/catch.hpp>

#include <algorithm>

#include "api/api_test_support.h"
#include "registry/fields/masking.h"
#include "registry/tables/table_reader.h"
#include "support/workbook_rows.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

std::vector<std::vector<std::string>> Rows(const std::string& bytes) {
  return tp::testing::WorkbookRows(bytes);
}

// The 编号 column of a search export, sorted.
std::vector<std::string> ExportedIds(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> ids;
  for (size_t i = 1; i < rows.size(); ++i) ids.push_back(rows[i][0]);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> SearchedIds(ApiFixture& f, const std::string& token,
                                     const std::string& params) {
  const json answer = f.Get(token, "/api/v1/search?size=100&" + params).Json();
  std::vector<std::string> ids;
  for (const json& hit : answer["hits"]) ids.push_back(hit["id"]);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

TEST_CASE("Exports: search results as XLSX hold the people search shows, in the caller's scope",
          "[api][export]") {
  ApiFixture f;
  for (const std::string* token : {&f.staff, &f.province, &f.unit_a}) {
    Reply r = f.Get(*token, "/api/v1/search.xlsx?q=");
    REQUIRE(r.status == 200);
    CHECK(r.Header("content-type").find("spreadsheetml") != std::string::npos);
    auto rows = Rows(r.body);
    CHECK(ExportedIds(rows) == SearchedIds(f, *token, "q="));
    CHECK_FALSE(ExportedIds(rows).empty());
  }
  // A province sees its own people only; the staff see both provinces.
  auto province_rows = Rows(f.Get(f.province, "/api/v1/search.xlsx").body);
  for (size_t i = 1; i < province_rows.size(); ++i) CHECK(province_rows[i][11] == "广西壮族自治区");
  CHECK(Rows(f.Get(f.staff, "/api/v1/search.xlsx").body).size() > province_rows.size());

  // Filters work as in search, and page and size do not cut the export.
  const std::string a1 = f.Person("a1").public_id;
  auto named = Rows(
      f.Get(f.staff, "/api/v1/search.xlsx?size=1&page=1&q=" + UrlEncode(f.Person("a1").name)).body);
  REQUIRE(named.size() >= 2);
  CHECK(named[1][0] == a1);
  CHECK(named[1][1] == f.Person("a1").name);
  CHECK(named[0][4] == "民族");

  // A unit gets no 民族 column, nor may it filter by it; a province may not look elsewhere.
  auto unit_rows = Rows(f.Get(f.unit_a, "/api/v1/search.xlsx").body);
  CHECK(std::find(unit_rows[0].begin(), unit_rows[0].end(), "民族") == unit_rows[0].end());
  CHECK(f.Get(f.unit_a, "/api/v1/search.xlsx?ethnic_group=" + UrlEncode("汉族")).status == 403);
  CHECK(f.Get(f.province, "/api/v1/search.xlsx?province=11").status == 403);
  CHECK(f.Get(f.staff, "/api/v1/search.xlsx?sort=nonsense").status == 400);
  CHECK(f.Get("", "/api/v1/search.xlsx").status == 401);

  // Each download is an audited export, without the query's text.
  const json audit = f.Get(f.staff, "/api/v1/audit?action=export&object_type=search").Json();
  CHECK(audit["total"].get<int>() >= 5);
  CHECK(audit["items"][0]["detail"].contains("rows"));
  CHECK(audit.dump().find(f.Person("a1").name) == std::string::npos);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Exports: a search export past the limit is refused with the count and a way out",
          "[api][export]") {
  FixtureOptions options;
  options.api.search_export_limit = 2;
  ApiFixture f(options);
  Reply refused = f.Get(f.staff, "/api/v1/search.xlsx");
  REQUIRE(refused.status == 422);
  CHECK(refused.body.find("超过导出上限 2 人") != std::string::npos);
  CHECK(f.Get(f.staff, "/api/v1/search.xlsx?q=" + UrlEncode(f.Person("a1").name)).status == 200);
}

TEST_CASE("Exports: every dashboard chart downloads as XLSX with the numbers of the statistics",
          "[api][export]") {
  ApiFixture f;
  const json stats = f.Get(f.staff, "/api/v1/stats").Json();
  Reply tier = f.Get(f.staff, "/api/v1/stats.xlsx?chart=tier");
  REQUIRE(tier.status == 200);
  auto rows = Rows(tier.body);
  REQUIRE(rows[0] == std::vector<std::string>{"类别", "人数", "占比"});
  int64_t total = 0;
  for (size_t i = 1; i + 1 < rows.size(); ++i) {
    CHECK(stats["by_tier"][rows[i][0]] == std::stoll(rows[i][1]));
    total += std::stoll(rows[i][1]);
  }
  CHECK(rows.back()[0] == "合计");
  CHECK(rows.back()[1] == std::to_string(total));

  // Training per year: the people who attended, by the year each event began.
  for (const char* key : {"a1", "b1"}) {
    for (const char* action : {"invite", "confirm", "attend"}) {
      const json body = {{"id", f.Person(key).public_id}, {"action", action}};
      REQUIRE(
          f.Call(f.staff, "POST", "/api/v1/events/2024-training/enrolments", body.dump()).status ==
          200);
    }
  }
  const json attended = f.Get(f.staff, "/api/v1/stats").Json()["attended_by_year"];
  REQUIRE(attended == json{{"2024", 2}});
  auto trained = Rows(f.Get(f.staff, "/api/v1/stats.xlsx?chart=trained-year").body);
  REQUIRE(trained.size() == attended.size() + 2);  // heading, a row a year, 合计
  CHECK(trained[0] == std::vector<std::string>{"类别", "人数", "占比"});
  size_t at = 1;
  for (const auto& [year, n] : attended.items()) {
    CHECK(trained[at][0] == year + "年");
    CHECK(trained[at][1] == std::to_string(n.get<int64_t>()));
    ++at;
  }
  CHECK(trained.back() == std::vector<std::string>{"合计", "2", "100.0%"});

  auto provinces = Rows(f.Get(f.staff, "/api/v1/stats.xlsx?chart=province").body);
  bool guangxi = false;
  for (const auto& row : provinces) guangxi = guangxi || row[0] == "广西壮族自治区";
  CHECK(guangxi);
  // The whole workbook opens on the map's sheet.
  Reply all = f.Get(f.staff, "/api/v1/stats.xlsx");
  REQUIRE(all.status == 200);
  CHECK(Rows(all.body) == provinces);

  const json search = f.Get(f.staff, "/api/v1/search?q=&size=1&facets=true").Json();
  auto gender = Rows(f.Get(f.staff, "/api/v1/stats.xlsx?chart=gender").body);
  for (const json& v : search["facets"]["gender"]) {
    bool found = false;
    for (const auto& row : gender)
      found = found || (row[0] == v["value"] && row[1] == std::to_string(v["count"].get<int>()));
    CHECK(found);
  }

  // A province has its own charts but no map; a unit has no dashboard.
  CHECK(f.Get(f.province, "/api/v1/stats.xlsx?chart=province").status == 400);
  CHECK(f.Get(f.province, "/api/v1/stats.xlsx?chart=tier").status == 200);
  CHECK(f.Get(f.unit_a, "/api/v1/stats.xlsx").status == 403);
  CHECK(f.Get(f.staff, "/api/v1/stats.xlsx?chart=nothing").status == 400);
  const json audit = f.Get(f.staff, "/api/v1/audit?action=export&object_type=stats").Json();
  CHECK(audit["total"].get<int>() >= 5);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE(
    "Exports: the full person export is staff only, masked unless revealed, and imports "
    "back without a change",
    "[api][export][round_trip]") {
  ApiFixture f;
  for (const std::string* token : {&f.province, &f.unit_a, &f.unit_b}) {
    CHECK(f.Get(*token, "/api/v1/persons/export.xlsx").status == 403);
  }
  CHECK(f.Get(f.staff, "/api/v1/persons/export.xlsx?reveal=everything").status == 400);

  Reply masked = f.Get(f.staff, "/api/v1/persons/export.xlsx");
  REQUIRE(masked.status == 200);
  CHECK(masked.Header("content-type").find("spreadsheetml") != std::string::npos);
  auto rows = Rows(masked.body);
  const auto column = [&](const std::string& name) {
    auto at = std::find(rows[0].begin(), rows[0].end(), name);
    REQUIRE(at != rows[0].end());
    return static_cast<std::size_t>(at - rows[0].begin());
  };
  const registry::Person& a1 = f.Person("a1");
  auto row_of = [&](const std::vector<std::vector<std::string>>& sheet) {
    for (const auto& row : sheet) {
      if (row[0] == a1.public_id) return row;
    }
    FAIL("no row for " << a1.public_id);
    return std::vector<std::string>{};
  };
  const std::size_t id_column = column("身份证号"), phone_column = column("手机");
  std::vector<std::string> a1_row = row_of(rows);
  CHECK(a1_row[column("姓名")] == a1.name);
  CHECK(a1_row[id_column] == registry::MaskIdNumber(a1.id_number));
  CHECK(a1_row[phone_column] == registry::MaskPhone(a1.phone));

  Reply revealed = f.Get(f.staff, "/api/v1/persons/export.xlsx?reveal=id_number");
  REQUIRE(revealed.status == 200);
  a1_row = row_of(Rows(revealed.body));
  CHECK(a1_row[id_column] == a1.id_number);
  CHECK(a1_row[phone_column] == registry::MaskPhone(a1.phone));
  const json reveals = f.Get(f.staff, "/api/v1/audit?action=reveal&object_type=persons").Json();
  REQUIRE(reveals["total"] == 1);
  CHECK(reveals["items"][0]["detail"]["fields"] == json::array({"id_number"}));
  CHECK(f.Get(f.staff, "/api/v1/audit?action=export&object_type=persons").Json()["total"] == 1);

  // Read back as it came, the masked file creates nobody and changes nobody.
  const long persons = f.Get(f.staff, "/api/v1/stats").Json()["persons"].get<long>();
  REQUIRE(static_cast<long>(rows.size()) - 1 == persons);
  Reply imported = f.Call(f.staff, "POST", "/api/v1/imports?filename=persons.xlsx", masked.body, {},
                          "application/octet-stream");
  REQUIRE(imported.status == 200);
  const json report = imported.Json();
  INFO(report.dump());
  CHECK(report["inserted"] == 0);
  CHECK(report["updated"] == 0);
  CHECK(report["unchanged"] == persons);
  CHECK(report["rejected"] == 0);
  CHECK(report["ignored_columns"].empty());
  CHECK(f.Get(f.staff, "/api/v1/stats").Json()["persons"] == persons);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest
