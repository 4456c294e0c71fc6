// What a hostile unit can try through the API of a real server on loopback:
// taking over another unit's person by its ID number, through the form, an
// uploaded 汇总表 and an edit of its own recommendation.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "api/api_test_support.h"
#include "registry/fields/masking.h"
#include "registry/rounds/summary_sheet.h"
#include "registry/tables/xlsx_writer.h"

namespace tp::apitest {
namespace {

using json = nlohmann::json;

constexpr const char* kRound = "pool-open-test";

// A round open from 2026 to 2099, so that it is open whenever the test runs.
void OpenRound(ApiFixture& f) {
  json spec = {{"code", kRound},
               {"campaign", "pool"},
               {"title", "测试用常态化报送"},
               {"opens_at", "2026-01-01 00:00"},
               {"deadline", "2099-12-31 17:00"},
               {"rule_set", "pool-national-2025"},
               {"year", 2026}};
  Reply made = f.Call(f.staff, "POST", "/api/v1/rounds", spec.dump());
  INFO(made.body);
  REQUIRE(made.status == 201);
}

// The service's rate limits, with a unit's enrolment answers down to `burst`
// and hardly any more after them.
FixtureOptions WithCheckBurst(double burst) {
  FixtureOptions options;
  options.relax_rate_limits = false;
  options.api.check_per_token = {0.01, burst};
  return options;
}

// Whether the stored record of `key` still holds the fixture's values.
void CheckUnchanged(ApiFixture& f, const std::string& key) {
  const registry::Person& p = f.Person(key);
  auto stored = f.store().GetPerson(p.public_id, /*decrypt=*/true);
  REQUIRE(stored.ok());
  CHECK(stored->person.name == p.name);
  CHECK(stored->person.unit_name == p.unit_name);
  CHECK(stored->person.phone == p.phone);
  CHECK(stored->person.ethnic_group == p.ethnic_group);
  CHECK(stored->person.political_affiliation == p.political_affiliation);
}

}  // namespace

TEST_CASE(
    "Security: a unit recommending another unit's person changes none of the record and reads none "
    "of it",
    "[api][security]") {
  ApiFixture f;
  OpenRound(f);
  const registry::Person& a2 = f.Person("a2");  // unit A's, not admitted
  json body = {{"person",
                {{"姓名", "冒名者"},
                 {"身份证号", a2.id_number},
                 {"民族", "回族"},
                 {"政治面貌", "无党派人士"},
                 {"工作单位", "某某科技公司"},
                 {"手机", "13900000099"}}},
               {"opinion", "同意推荐。"}};
  Reply added = f.Call(f.unit_b, "POST",
                       std::string("/api/v1/rounds/") + kRound + "/recommendations", body.dump());
  INFO(added.body);
  REQUIRE(added.status == 201);
  json item = added.Json()["item"];
  CHECK(added.Json()["person_created"] == false);
  CHECK(item["person"]["name"] == "冒名者");
  CHECK(item["person"]["unit"] == "某某科技公司");
  CHECK(item["person"]["id"].is_null());
  CHECK(item["person"]["post"].is_null());
  CHECK_FALSE(item.contains("differences"));
  CheckUnchanged(f, "a2");

  // The record stays unit A's: unit B can neither open nor find it.
  CHECK(f.Get(f.unit_b, "/api/v1/persons/" + a2.public_id).status == 404);
  Reply found = f.Get(f.unit_b, "/api/v1/search?q=" + UrlEncode(a2.name));
  REQUIRE(found.status == 200);
  CHECK(found.Json()["total"] == 0);
  CHECK(f.Get(f.unit_a, "/api/v1/persons/" + a2.public_id).Json()["name"] == a2.name);

  // Its edit changes its own copy only.
  const std::string link = "/api/v1/recommendations/" + std::to_string(item["id"].get<int64_t>());
  Reply patched =
      f.Call(f.unit_b, "PATCH", link, json{{"person", {{"工作单位", "另一家公司"}}}}.dump());
  INFO(patched.body);
  REQUIRE(patched.status == 200);
  CHECK(patched.Json()["person"]["unit"] == "另一家公司");
  CHECK(patched.Json()["person"]["name"] == "冒名者");
  CheckUnchanged(f, "a2");
  Reply own_view = f.Get(f.unit_b, link);
  CHECK(own_view.Json()["person"]["unit"] == "另一家公司");

  // Staff see the stored record and what the unit's copy says otherwise.
  Reply staff_view = f.Get(f.staff, link);
  INFO(staff_view.body);
  REQUIRE(staff_view.status == 200);
  const json staff_item = staff_view.Json();
  std::vector<std::string> fields;
  for (const json& d : staff_item["differences"]) fields.push_back(d["field"].get<std::string>());
  CHECK(staff_item["person"]["name"] == a2.name);
  for (const char* c : {"姓名", "民族", "工作单位", "手机"}) {
    CHECK(std::find(fields.begin(), fields.end(), c) != fields.end());
  }
  Reply pairs = f.Get(f.staff, std::string("/api/v1/rounds/") + kRound + "/duplicates");
  REQUIRE(pairs.status == 200);
  CHECK(pairs.body.find("推荐单位填报的信息与库中记录不一致") != std::string::npos);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE(
    "Security: an uploaded 汇总表 naming another unit's person by ID number leaves the record "
    "alone",
    "[api][security]") {
  ApiFixture f;
  OpenRound(f);
  const registry::Person& a2 = f.Person("a2");
  auto xlsx = registry::WriteXlsxToBytes([&](registry::XlsxWriter& w) -> Status {
    TP_RETURN_IF_ERROR(w.WriteHeader(
        {"序号", "姓名", "身份证号", "民族", "政治面貌", "工作单位", "手机", "推荐单位意见"}));
    return w.WriteRow({"1", "冒名者", a2.id_number, "回族", "无党派人士", "某某科技公司",
                       "13900000099", "同意推荐"});
  });
  REQUIRE(xlsx.ok());
  Reply report = f.Call(f.unit_b, "POST",
                        std::string("/api/v1/rounds/") + kRound + "/uploads?filename=list.xlsx",
                        *xlsx, {}, "application/octet-stream");
  INFO(report.body);
  REQUIRE(report.status == 200);
  CHECK(report.Json()["added"] == 1);
  CheckUnchanged(f, "a2");
  Reply list = f.Get(f.unit_b, std::string("/api/v1/rounds/") + kRound + "/submission");
  REQUIRE(list.status == 200);
  REQUIRE(list.Json()["items"].size() == 1);
  CHECK(list.Json()["items"][0]["person"]["name"] == "冒名者");
  CHECK(list.body.find(a2.name) == std::string::npos);
  CHECK(list.body.find(a2.unit_name) == std::string::npos);
  CHECK(f.Get(f.unit_b, "/api/v1/persons/" + a2.public_id).status == 404);
  REQUIRE(f.Leaks() == 0);
}

namespace {

// Token guesses from one host, each claiming another client address.
int GuessesLimited(FixtureOptions options) {
  options.relax_rate_limits = false;
  options.api.per_address_unauthenticated = {0.1, 5};
  ApiFixture f(options);
  int limited = 0;
  for (int i = 0; i < 8; ++i) {
    Reply r = f.Call("tp_guess" + std::to_string(i), "GET", "/api/v1/persons", "",
                     {{"X-Real-IP", "203.0.113." + std::to_string(i + 1)}});
    limited += r.status == 429;
  }
  return limited;
}

}  // namespace

TEST_CASE("Security: X-Real-IP is believed only from a proxy the server was told of",
          "[api][security][ratelimit]") {
  // By default the header changes nothing: the guesses share the host's limit.
  CHECK(GuessesLimited({}) == 3);
  // Behind a configured proxy, each named client has a limit of its own.
  FixtureOptions behind_proxy;
  behind_proxy.api.trusted_proxy = "127.0.0.1";
  CHECK(GuessesLimited(behind_proxy) == 0);
}

TEST_CASE(
    "Security: recommendations and their edits share the enrolment check's limit, refusals are "
    "audited",
    "[api][security][ratelimit]") {
  ApiFixture f(WithCheckBurst(3));
  OpenRound(f);
  // a1 was admitted in 2024: each attempt to recommend the number says so.
  json body = {{"person",
                {{"姓名", "试探者"},
                 {"身份证号", f.Person("a1").id_number},
                 {"民族", "汉族"},
                 {"政治面貌", "无党派人士"},
                 {"工作单位", "北京大学"}}},
               {"opinion", "同意推荐。"}};
  const std::string add = std::string("/api/v1/rounds/") + kRound + "/recommendations";
  std::vector<int> statuses;
  for (int i = 0; i < 4; ++i) statuses.push_back(f.Call(f.unit_b, "POST", add, body.dump()).status);
  CHECK(statuses == std::vector<int>{409, 409, 409, 429});
  CHECK(f.Call(f.unit_b, "PATCH", "/api/v1/recommendations/1", R"({"person":{"身份证号":"x"}})")
            .status == 429);
  // Another unit's budget is its own.
  CHECK(f.Call(f.unit_a, "POST", add, body.dump()).status == 409);
  json audit = f.Get(f.staff, "/api/v1/audit?action=check").Json();
  CHECK(audit["total"] == 4);
  CHECK(audit.dump().find("recommendation") != std::string::npos);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE(
    "Security: an uploaded 汇总表 asks about no more ID numbers than the enrolment check would "
    "answer",
    "[api][security][ratelimit]") {
  ApiFixture f(WithCheckBurst(2));
  OpenRound(f);
  auto xlsx = registry::WriteXlsxToBytes([&](registry::XlsxWriter& w) -> Status {
    TP_RETURN_IF_ERROR(w.WriteHeader(
        {"序号", "姓名", "身份证号", "民族", "政治面貌", "工作单位", "推荐单位意见"}));
    const char* names[] = {"新人甲", "新人乙", "新人丙", "新人丁"};
    for (int i = 0; i < 4; ++i) {
      TP_RETURN_IF_ERROR(w.WriteRow({std::to_string(i + 1), names[i],
                                     MakeIdNumber("110108", "19900101", "10" + std::to_string(i)),
                                     "汉族", "无党派人士", "北京大学", "同意推荐"}));
    }
    return Status::Ok();
  });
  REQUIRE(xlsx.ok());
  Reply report = f.Call(f.unit_b, "POST",
                        std::string("/api/v1/rounds/") + kRound + "/uploads?filename=list.xlsx",
                        *xlsx, {}, "application/octet-stream");
  INFO(report.body);
  REQUIRE(report.status == 200);
  CHECK(report.Json()["added"] == 2);
  CHECK(report.Json()["rejected"] == 2);
  CHECK(report.body.find("入库查询过于频繁") != std::string::npos);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Security: a search by a whole ID number is recorded as a reveal of whom it found",
          "[api][security][audit]") {
  ApiFixture f;
  const registry::Person& a1 = f.Person("a1");
  Reply found = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode(a1.id_number));
  REQUIRE(found.status == 200);
  CHECK(found.Json()["total"] == 1);
  json audit = f.Get(f.staff, "/api/v1/audit?action=reveal&object_id=" + a1.public_id).Json();
  REQUIRE(audit["total"] == 1);
  CHECK(audit.dump().find("search") != std::string::npos);
  // A number on file for nobody is recorded too, finding nobody.
  REQUIRE(f.Get(f.unit_b, "/api/v1/search?q=" + MakeIdNumber("450103", "19860307", "999")).status ==
          200);
  CHECK(f.Get(f.staff, "/api/v1/audit?action=reveal").Json()["total"] == 2);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Security: a mobile number finds its person for staff only, recorded as a reveal",
          "[api][security][audit][phone]") {
  ApiFixture f;
  const registry::Person& a1 = f.Person("a1");
  const std::string spaced =
      a1.phone.substr(0, 3) + " " + a1.phone.substr(3, 4) + " " + a1.phone.substr(7);
  Reply found = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode(spaced));
  REQUIRE(found.status == 200);
  CHECK(found.Json()["total"] == 1);
  CHECK(found.Json()["hits"][0]["id"] == a1.public_id);
  json audit = f.Get(f.staff, "/api/v1/audit?action=reveal&object_id=" + a1.public_id).Json();
  REQUIRE(audit["total"] == 1);
  CHECK(audit.dump().find("phone") != std::string::npos);
  // A unit, even for its own person, and a province find nobody by phone; the number comes back
  // masked.
  for (const std::string* token : {&f.unit_a, &f.province}) {
    Reply none = f.Get(*token, "/api/v1/search?q=" + UrlEncode(a1.phone));
    REQUIRE(none.status == 200);
    CHECK(none.Json()["total"] == 0);
    CHECK(none.Json()["unmatched"] == json::array({registry::MaskPhone(a1.phone)}));
  }
  CHECK(f.Get(f.staff, "/api/v1/audit?action=reveal").Json()["total"] == 1);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest
