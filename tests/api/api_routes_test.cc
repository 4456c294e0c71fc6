// The routes of /api/v1/ against a real registry, index and server.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "api/api_test_support.h"
#include "registry/base/paths.h"
#include "registry/import/demo_data.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

std::string PersonPath(const ApiFixture& f, const std::string& key) {
  return "/api/v1/persons/" + f.Person(key).public_id;
}

// How many audit entries match, read straight from the store's audit query.
int64_t AuditCount(ApiFixture& f, const std::string& action, const std::string& object_id) {
  Reply r =
      f.Get(f.staff, "/api/v1/audit?action=" + action + "&object_id=" + object_id + "&size=500");
  REQUIRE(r.status == 200);
  return r.Json()["total"].get<int64_t>();
}

}  // namespace

TEST_CASE("Health: /healthz answers ok without a token", "[api][health]") {
  ApiFixture f;
  Reply r = f.Get("", "/healthz");
  CHECK(r.status == 200);
  CHECK(r.Json()["status"] == "ok");
  CHECK(f.Get("", "/api/v1/healthz").status == 200);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Auth: a call without a token is 401 in the contract's error shape", "[api][auth]") {
  ApiFixture f;
  Reply r = f.Get("", "/api/v1/persons");
  CHECK(r.status == 401);
  CHECK(r.Header("WWW-Authenticate") == "Bearer");
  json j = r.Json();
  CHECK(j["error"]["code"] == "UNAUTHENTICATED");
  CHECK_FALSE(j["error"]["message"].get<std::string>().empty());
  CHECK(f.Get("tp_not-a-real-token", "/api/v1/persons").status == 401);
  CHECK(
      f.Call("", "GET", "/api/v1/persons", "", {{"Authorization", "Basic dXNlcjpwYXNz"}}).status ==
      401);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Auth: a revoked token stops working at once", "[api][auth][tokens]") {
  ApiFixture f;
  REQUIRE(f.Get(f.unit_b, "/api/v1/me").status == 200);
  Reply list = f.Get(f.staff, "/api/v1/tokens");
  REQUIRE(list.status == 200);
  int64_t unit_b_id = 0;
  const json tokens = list.Json();
  for (const json& t : tokens["items"]) {
    CHECK_FALSE(t.contains("hash"));
    CHECK_FALSE(t.contains("token"));
    if (t["unit"] == f.unit_b_code) unit_b_id = t["id"].get<int64_t>();
  }
  REQUIRE(unit_b_id > 0);
  CHECK(list.body.find(f.unit_b) == std::string::npos);
  CHECK(f.Call(f.staff, "DELETE", "/api/v1/tokens/" + std::to_string(unit_b_id)).status == 200);
  CHECK(f.Get(f.unit_b, "/api/v1/me").status == 401);
  CHECK(f.Call(f.staff, "DELETE", "/api/v1/tokens/" + std::to_string(unit_b_id)).status == 404);
  CHECK(AuditCount(f, "revoke", std::to_string(unit_b_id)) >= 1);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Persons: ID numbers and phones are masked for every role by default",
          "[api][persons][privacy]") {
  ApiFixture f;
  const registry::Person& a1 = f.Person("a1");
  for (const std::string& token : {f.staff, f.province, f.unit_a}) {
    Reply r = f.Get(token, PersonPath(f, "a1"));
    REQUIRE(r.status == 200);
    json j = r.Json();
    CHECK(j["name"] == a1.name);
    std::string id = j["id_number"].get<std::string>();
    CHECK(id.size() == 18);
    CHECK(id.substr(0, 4) == a1.id_number.substr(0, 4));
    CHECK(id.substr(14) == a1.id_number.substr(14));
    CHECK(id.find("**********") == 4);
    CHECK(j["phone"] == "138****0001");
    CHECK(j["revealed"].empty());
  }
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Persons: staff may reveal an ID number, and the reveal is audited",
          "[api][persons][privacy][audit]") {
  ApiFixture f;
  const registry::Person& b1 = f.Person("b1");
  int64_t before = AuditCount(f, "reveal", b1.public_id);
  Reply r = f.Get(f.staff, PersonPath(f, "b1") + "?reveal=id_number");
  REQUIRE(r.status == 200);
  CHECK(r.Json()["id_number"] == b1.id_number);
  CHECK(r.Json()["phone"] == "136****0003");
  CHECK(AuditCount(f, "reveal", b1.public_id) == before + 1);
  Reply audit = f.Get(f.staff, "/api/v1/audit?action=reveal&object_id=" + b1.public_id);
  CHECK(audit.body.find(b1.id_number) == std::string::npos);

  Reply both = f.Get(f.staff, PersonPath(f, "b1") + "?reveal=id_number,phone");
  CHECK(both.Json()["phone"] == b1.phone);
  // Other roles are refused, naming the field.
  Reply province = f.Get(f.province, PersonPath(f, "a1") + "?reveal=id_number");
  CHECK(province.status == 403);
  CHECK(province.Json()["error"]["details"][0]["field"] == "身份证号");
  CHECK(f.Get(f.unit_a, PersonPath(f, "a1") + "?reveal=phone").status == 403);
  CHECK(f.Get(f.staff, PersonPath(f, "a1") + "?reveal=everything").status == 400);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Persons: a unit sees its own people and gets 404 for another unit's",
          "[api][persons][scope]") {
  ApiFixture f;
  CHECK(f.Get(f.unit_a, PersonPath(f, "a1")).status == 200);
  CHECK(f.Get(f.unit_a, PersonPath(f, "a2")).status == 200);
  Reply other = f.Get(f.unit_a, PersonPath(f, "b1"));
  CHECK(other.status == 404);
  CHECK(other.body.find(f.Person("b1").name) == std::string::npos);
  CHECK(f.Get(f.unit_b, PersonPath(f, "a1")).status == 404);
  CHECK(f.Get(f.province, PersonPath(f, "b2")).status == 404);
  CHECK(f.Get(f.province, PersonPath(f, "a2")).status == 200);
  CHECK(f.Get(f.staff, "/api/v1/persons/P9999999").status == 404);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Persons: 民族 and 政治面貌 go to staff and province tokens only",
          "[api][persons][privacy]") {
  ApiFixture f;
  json staff = f.Get(f.staff, PersonPath(f, "a1")).Json();
  CHECK(staff["ethnic_group"] == "壮族");
  CHECK(staff["political_affiliation"] == "九三学社社员");
  json province = f.Get(f.province, PersonPath(f, "a1")).Json();
  CHECK(province["ethnic_group"] == "壮族");
  Reply unit = f.Get(f.unit_a, PersonPath(f, "a1"));
  CHECK_FALSE(unit.Json().contains("ethnic_group"));
  CHECK_FALSE(unit.Json().contains("political_affiliation"));
  CHECK(unit.body.find("九三学社") == std::string::npos);
  Reply list = f.Get(f.unit_a, "/api/v1/persons");
  REQUIRE(list.Json()["items"].size() == 2);
  const json items = list.Json()["items"];
  for (const json& item : items) CHECK_FALSE(item.contains("ethnic_group"));
  CHECK(f.Get(f.staff, "/api/v1/persons").Json()["items"][0].contains("ethnic_group"));
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Persons: pages follow a stable order and never overlap", "[api][persons]") {
  ApiFixture f;
  for (std::string sort : {"id", "name", "-name", "birth_date", "-updated_at"}) {
    std::vector<std::string> seen;
    Reply first = f.Get(f.staff, "/api/v1/persons?size=1&page=1&sort=" + sort);
    REQUIRE(first.status == 200);
    int64_t total = first.Json()["total"].get<int64_t>();
    CHECK(total == 4);
    for (int page = 1; page <= total; ++page) {
      Reply r =
          f.Get(f.staff, "/api/v1/persons?size=1&page=" + std::to_string(page) + "&sort=" + sort);
      REQUIRE(r.Json()["items"].size() == 1);
      seen.push_back(r.Json()["items"][0]["id"].get<std::string>());
    }
    CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 4);
    Reply again = f.Get(f.staff, "/api/v1/persons?size=4&sort=" + sort);
    for (size_t i = 0; i < 4; ++i) CHECK(again.Json()["items"][i]["id"] == seen[i]);
  }
  Reply by_birth = f.Get(f.staff, "/api/v1/persons?sort=birth_date");
  CHECK(by_birth.Json()["items"][0]["name"] == "张明远");
  CHECK(f.Get(f.staff, "/api/v1/persons?sort=salary").status == 400);
  CHECK(f.Get(f.staff, "/api/v1/persons?size=1000").status == 400);
  CHECK(f.Get(f.unit_a, "/api/v1/persons").Json()["total"] == 2);
  CHECK(f.Get(f.province, "/api/v1/persons").Json()["total"] == 2);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("PATCH: a stale If-Match is 412 and the current one updates and moves the ETag",
          "[api][persons][etag]") {
  ApiFixture f;
  Reply read = f.Get(f.staff, PersonPath(f, "a1"));
  std::string etag = read.Header("ETag");
  REQUIRE(etag == "\"v" + std::to_string(read.Json()["version"].get<int64_t>()) + "\"");
  Reply first = f.Call(f.staff, "PATCH", PersonPath(f, "a1"), R"({"title": "教授级高级工程师"})",
                       {{"If-Match", etag}});
  REQUIRE(first.status == 200);
  CHECK(first.Json()["title"] == "教授级高级工程师");
  CHECK(first.Header("ETag") != etag);
  // A second editor who read before the first write must not overwrite it.
  Reply second =
      f.Call(f.staff, "PATCH", PersonPath(f, "a1"), R"({"title": "研究员"})", {{"If-Match", etag}});
  CHECK(second.status == 412);
  CHECK(second.Json()["error"]["code"] == "PRECONDITION_FAILED");
  CHECK(f.Get(f.staff, PersonPath(f, "a1")).Json()["title"] == "教授级高级工程师");
  Reply missing = f.Call(f.staff, "PATCH", PersonPath(f, "a1"), R"({"title": "研究员"})");
  CHECK(missing.status == 412);
  CHECK(missing.Json()["error"]["details"][0]["field"] == "If-Match");
  CHECK(AuditCount(f, "update", f.Person("a1").public_id) == 1);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("PATCH: no mass assignment, unknown and read-only fields are refused by name",
          "[api][persons]") {
  ApiFixture f;
  std::string etag = f.Get(f.staff, PersonPath(f, "a2")).Header("ETag");
  Reply unknown = f.Call(f.staff, "PATCH", PersonPath(f, "a2"),
                         R"({"title": "研究员", "is_admin": true})", {{"If-Match", etag}});
  CHECK(unknown.status == 400);
  CHECK(unknown.Json()["error"]["details"][0]["field"] == "is_admin");
  Reply readonly =
      f.Call(f.staff, "PATCH", PersonPath(f, "a2"), R"({"version": 99})", {{"If-Match", etag}});
  CHECK(readonly.status == 400);
  CHECK(readonly.Json()["error"]["details"][0]["field"] == "version");
  Reply unit = f.Call(f.staff, "PATCH", PersonPath(f, "a2"),
                      R"({"recommending_unit": "中国化学会"})", {{"If-Match", etag}});
  CHECK(unit.status == 400);
  // Nothing was written by the refused bodies.
  CHECK(f.Get(f.staff, PersonPath(f, "a2")).Header("ETag") == etag);
  CHECK(f.Call(f.staff, "PATCH", PersonPath(f, "a2"), "[1,2]", {{"If-Match", etag}}).status == 400);
  CHECK(f.Call(f.staff, "PATCH", PersonPath(f, "a2"), "{}", {{"If-Match", etag}}).status == 400);
  // Other roles may not write at all.
  CHECK(f.Call(f.province, "PATCH", PersonPath(f, "a2"), R"({"title": "x"})", {{"If-Match", etag}})
            .status == 403);
  CHECK(f.Call(f.unit_a, "PATCH", PersonPath(f, "a2"), R"({"title": "x"})", {{"If-Match", etag}})
            .status == 403);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("PATCH: values are validated like an imported row, naming the field", "[api][persons]") {
  ApiFixture f;
  const registry::Person& a2 = f.Person("a2");
  std::string etag = f.Get(f.staff, PersonPath(f, "a2")).Header("ETag");
  std::string wrong = a2.id_number.substr(0, 17) + (a2.id_number[17] == '0' ? "1" : "0");
  Reply bad_id = f.Call(f.staff, "PATCH", PersonPath(f, "a2"), json{{"id_number", wrong}}.dump(),
                        {{"If-Match", etag}});
  CHECK(bad_id.status == 400);
  CHECK(bad_id.Json()["error"]["details"][0]["field"] == "身份证号");
  CHECK(bad_id.body.find(wrong) == std::string::npos);
  Reply gender =
      f.Call(f.staff, "PATCH", PersonPath(f, "a2"), R"({"gender": "男"})", {{"If-Match", etag}});
  CHECK(gender.status == 400);
  CHECK(gender.Json()["error"]["details"][0]["field"] == "性别");
  Reply empty_name =
      f.Call(f.staff, "PATCH", PersonPath(f, "a2"), R"({"name": null})", {{"If-Match", etag}});
  CHECK(empty_name.status == 400);
  Reply ok =
      f.Call(f.staff, "PATCH", PersonPath(f, "a2"),
             R"({"fields": ["肿瘤学", "科普"], "can_attend_seminar": true, "hobbies": null})",
             {{"If-Match", etag}});
  REQUIRE(ok.status == 200);
  CHECK(ok.Json()["fields"] == json({"肿瘤学", "科普"}));
  CHECK(ok.Json()["can_attend_seminar"] == true);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("PATCH: a change is found by search at once", "[api][persons][search]") {
  ApiFixture f;
  std::string etag = f.Get(f.staff, PersonPath(f, "b2")).Header("ETag");
  REQUIRE(f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("量子计算")).Json()["total"] == 0);
  Reply r = f.Call(f.staff, "PATCH", PersonPath(f, "b2"), R"({"achievements": "量子计算芯片"})",
                   {{"If-Match", etag}});
  REQUIRE(r.status == 200);
  json found = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("量子计算")).Json();
  REQUIRE(found["total"] == 1);
  CHECK(found["hits"][0]["id"] == f.Person("b2").public_id);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Enrollment check: a unit learns yes/no and the year, never the record",
          "[api][enrollment][privacy]") {
  ApiFixture f;
  const registry::Person& b1 = f.Person("b1");
  Reply r = f.Call(f.unit_a, "POST", "/api/v1/enrollment-check",
                   json{{"id_number", b1.id_number}}.dump());
  REQUIRE(r.status == 200);
  json j = r.Json();
  CHECK(j["enrolled"] == true);
  CHECK(j["year"] == 2024);
  CHECK_FALSE(j.contains("matches"));
  CHECK(r.body.find(b1.name) == std::string::npos);
  CHECK(r.body.find(b1.public_id) == std::string::npos);
  std::set<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.insert(it.key());
  CHECK(keys == std::set<std::string>{"enrolled", "year", "round"});

  // Known but not admitted, and unknown, look the same to a unit.
  const registry::Person& a2 = f.Person("a2");
  json not_admitted =
      f.Call(f.unit_b, "POST", "/api/v1/enrollment-check", json{{"id_number", a2.id_number}}.dump())
          .Json();
  json unknown = f.Call(f.unit_b, "POST", "/api/v1/enrollment-check",
                        json{{"id_number", MakeIdNumber("450103", "19700101", "013")}}.dump())
                     .Json();
  CHECK(not_admitted == unknown);
  CHECK(unknown["enrolled"] == false);

  json by_name = f.Call(f.unit_a, "POST", "/api/v1/enrollment-check",
                        json{{"name", "李静"}, {"birth_date", "1995-08-08"}}.dump())
                     .Json();
  CHECK(by_name["enrolled"] == true);
  CHECK(by_name["year"] == 2025);
  // Staff see who matched; a province only its own province's people.
  json staff =
      f.Call(f.staff, "POST", "/api/v1/enrollment-check", json{{"id_number", b1.id_number}}.dump())
          .Json();
  REQUIRE(staff["matches"].size() == 1);
  CHECK(staff["matches"][0]["id"] == b1.public_id);
  json province = f.Call(f.province, "POST", "/api/v1/enrollment-check",
                         json{{"id_number", b1.id_number}}.dump())
                      .Json();
  CHECK(province["enrolled"] == true);
  CHECK(province["matches"].empty());
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Enrollment check: bad input is 400 naming the field", "[api][enrollment]") {
  ApiFixture f;
  const registry::Person& b1 = f.Person("b1");
  std::string wrong = b1.id_number.substr(0, 17) + (b1.id_number[17] == '0' ? "1" : "0");
  Reply bad =
      f.Call(f.unit_a, "POST", "/api/v1/enrollment-check", json{{"id_number", wrong}}.dump());
  CHECK(bad.status == 400);
  CHECK(bad.Json()["error"]["details"][0]["field"] == "身份证号");
  Reply extra = f.Call(f.unit_a, "POST", "/api/v1/enrollment-check",
                       json{{"id_number", b1.id_number}, {"unit", "x"}}.dump());
  CHECK(extra.status == 400);
  CHECK(extra.Json()["error"]["details"][0]["field"] == "unit");
  Reply date = f.Call(f.unit_a, "POST", "/api/v1/enrollment-check",
                      json{{"name", "李静"}, {"birth_date", "1995-13-08"}}.dump());
  CHECK(date.status == 400);
  CHECK(date.Json()["error"]["details"][0]["field"] == "出生日期");
  CHECK(f.Call(f.unit_a, "POST", "/api/v1/enrollment-check", "not json").status == 400);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Enrollment check: traditional characters and the import's date forms find the person",
          "[api][enrollment]") {
  ApiFixture f;
  struct Case {
    const char* name;
    const char* birth_date;
  };
  // 李静, born 1995-08-08, admitted in 2025: written as units and HK/TW records write her.
  const Case cases[] = {{"李靜", "1995-08-08"},   {"李静", "1995.8.8"},  {"李静", "1995/8/8"},
                        {"李靜", "1995年8月8日"}, {"李 静", "19950808"}, {"李静", "1995.08.08"}};
  for (const Case& c : cases) {
    INFO(c.name << " " << c.birth_date);
    Reply r = f.Call(f.unit_a, "POST", "/api/v1/enrollment-check",
                     json{{"name", c.name}, {"birth_date", c.birth_date}}.dump());
    REQUIRE(r.status == 200);
    CHECK(r.Json()["enrolled"] == true);
    CHECK(r.Json()["year"] == 2025);
  }
  // A record kept in traditional characters answers to the simplified name too.
  std::string etag = f.Get(f.staff, PersonPath(f, "b1")).Header("ETag");
  REQUIRE(
      f.Call(f.staff, "PATCH", PersonPath(f, "b1"), R"({"name": "張明遠"})", {{"If-Match", etag}})
          .status == 200);
  json stored = f.Call(f.unit_a, "POST", "/api/v1/enrollment-check",
                       json{{"name", "张明远"}, {"birth_date", "1979.5.14"}}.dump())
                    .Json();
  CHECK(stored["enrolled"] == true);
  // Another day, or a date with no day, is not the person.
  CHECK(f.Call(f.unit_a, "POST", "/api/v1/enrollment-check",
               json{{"name", "李靜"}, {"birth_date", "1995.8.9"}}.dump())
            .Json()["enrolled"] == false);
  Reply month = f.Call(f.unit_a, "POST", "/api/v1/enrollment-check",
                       json{{"name", "李静"}, {"birth_date", "1995.8"}}.dump());
  CHECK(month.status == 400);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Persons: updated_at is shown in Beijing time", "[api][persons]") {
  ApiFixture f;
  const json person = f.Get(f.staff, PersonPath(f, "a1")).Json();
  const std::string updated = person["updated_at"].get<std::string>();
  INFO(updated);
  REQUIRE(updated.size() == 25);
  CHECK(updated.substr(19) == "+08:00");
  const json found = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode(f.Person("a1").name)).Json();
  REQUIRE(found["total"].get<int>() >= 1);
  CHECK(found["hits"][0].value("updated_at", std::string("+08:00")).find("+08:00") !=
        std::string::npos);
}

TEST_CASE("Enrollment check: every call is audited, without the ID number",
          "[api][enrollment][audit]") {
  ApiFixture f;
  const registry::Person& b1 = f.Person("b1");
  for (int i = 0; i < 3; ++i)
    REQUIRE(f.Call(f.unit_a, "POST", "/api/v1/enrollment-check",
                   json{{"id_number", b1.id_number}}.dump())
                .status == 200);
  f.Call(f.unit_a, "POST", "/api/v1/enrollment-check",
         json{{"name", "无此人"}, {"birth_date", "1990-01-01"}}.dump());
  Reply audit = f.Get(f.staff, "/api/v1/audit?action=check&size=100");
  REQUIRE(audit.status == 200);
  CHECK(audit.Json()["total"] == 4);
  const json entries = audit.Json()["items"];
  for (const json& e : entries) CHECK(e["role"] == "unit");
  CHECK(audit.body.find(b1.id_number) == std::string::npos);
  CHECK(audit.body.find(b1.public_id) != std::string::npos);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Enrollment check: a unit token is rate-limited (429 with Retry-After)",
          "[api][enrollment][ratelimit]") {
  FixtureOptions options;
  options.relax_rate_limits = false;
  options.api.check_per_token = {0.5, 3};
  ApiFixture f(options);
  std::string body = json{{"id_number", f.Person("b1").id_number}}.dump();
  int ok = 0, limited = 0;
  Reply last;
  for (int i = 0; i < 6; ++i) {
    last = f.Call(f.unit_a, "POST", "/api/v1/enrollment-check", body);
    if (last.status == 200) ++ok;
    if (last.status == 429) {
      ++limited;
      CHECK(std::atoi(last.Header("Retry-After").c_str()) >= 1);
      CHECK(last.Json()["error"]["code"] == "RESOURCE_EXHAUSTED");
    }
  }
  CHECK(ok == 3);
  CHECK(limited == 3);
  // Another token has a bucket of its own.
  CHECK(f.Call(f.unit_b, "POST", "/api/v1/enrollment-check", body).status == 200);
  // Refused calls are still calls: only the answered ones are audited as checks.
  CHECK(f.Get(f.staff, "/api/v1/audit?action=check").Json()["total"] == 4);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Auth: guessing tokens from one address is slowed down", "[api][auth][ratelimit]") {
  FixtureOptions options;
  options.relax_rate_limits = false;
  options.api.per_address_unauthenticated = {0.1, 5};
  ApiFixture f(options);
  int unauthorized = 0, limited = 0;
  for (int i = 0; i < 8; ++i) {
    int status = f.Get("tp_guess" + std::to_string(i), "/api/v1/persons").status;
    unauthorized += status == 401;
    limited += status == 429;
  }
  CHECK(unauthorized == 5);
  CHECK(limited == 3);
  // A valid token is not held back by others' failures.
  CHECK(f.Get(f.staff, "/api/v1/persons").status == 200);
}

TEST_CASE("Search: each role sees only its scope, best first, in the contract's shape",
          "[api][search][scope]") {
  ApiFixture f;
  json staff = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("研究员")).Json();
  CHECK(staff["total"] == 4);
  REQUIRE(staff["hits"].is_array());
  CHECK(staff["hits"][0].contains("highlights"));
  CHECK(staff.contains("facets"));
  json unit = f.Get(f.unit_a, "/api/v1/search?q=" + UrlEncode("研究员")).Json();
  CHECK(unit["total"] == 2);
  for (const json& h : unit["hits"]) CHECK(h["recommending_unit"] == "广西壮族自治区科学技术协会");
  json unit_all = f.Get(f.unit_b, "/api/v1/search").Json();
  CHECK(unit_all["total"] == 2);
  json province = f.Get(f.province, "/api/v1/search?q=" + UrlEncode("研究员")).Json();
  CHECK(province["total"] == 2);
  std::set<std::string> ids;
  for (const json& h : province["hits"]) ids.insert(h["id"].get<std::string>());
  CHECK(ids == std::set<std::string>{f.Person("a1").public_id, f.Person("a2").public_id});
  // By name: another unit's person is simply not found.
  CHECK(f.Get(f.unit_a, "/api/v1/search?q=" + UrlEncode("张明远")).Json()["total"] == 0);
  CHECK(f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("张明远")).Json()["total"] == 1);
  // An ID number finds the person for staff only within scope for others.
  CHECK(f.Get(f.unit_a, "/api/v1/search?q=" + f.Person("b1").id_number).Json()["total"] == 0);
  CHECK(f.Get(f.province, "/api/v1/search?province=11").status == 403);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Search: a unit token never sees 民族, as a field, highlight, facet or filter",
          "[api][search][privacy]") {
  ApiFixture f;
  Reply r = f.Get(f.unit_a, "/api/v1/search?q=" + UrlEncode("覃海涛"));
  REQUIRE(r.status == 200);
  REQUIRE(r.Json()["total"] == 1);
  // (壮族 is part of the unit's name, 广西壮族自治区…: look at the fields.)
  CHECK_FALSE(r.Json()["hits"][0].contains("ethnic_group"));
  CHECK_FALSE(r.Json()["hits"][0]["highlights"].contains("ethnic_group"));
  CHECK_FALSE(r.Json()["facets"].contains("ethnic_group"));
  Reply by_text = f.Get(f.unit_a, "/api/v1/search?q=" + UrlEncode("覃海涛") + "&facets=true");
  CHECK_FALSE(by_text.Json()["facets"].contains("ethnic_group"));
  Reply filtered = f.Get(f.unit_a, "/api/v1/search?ethnic_group=" + UrlEncode("壮族"));
  CHECK(filtered.status == 403);
  CHECK(filtered.Json()["error"]["details"][0]["field"] == "民族");
  Reply staff = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("覃海涛"));
  CHECK(staff.Json()["hits"][0]["ethnic_group"] == "壮族");
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Search: 政治面貌 is a filter for staff and provinces, never for a unit",
          "[api][search][privacy][political]") {
  ApiFixture f;
  json staff = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("九三学社") + "&facets=true").Json();
  REQUIRE(staff["total"] == 1);
  CHECK(staff["hits"][0]["name"] == "覃海涛");
  CHECK(staff["understood"][0]["filter"] == "political");
  CHECK(staff["understood"][0]["value"] == "九三学社社员");
  json all = f.Get(f.staff, "/api/v1/search?q=&facets=true").Json();
  CHECK(all["facets"]["political"].size() == 4);
  CHECK(f.Get(f.staff, "/api/v1/search?political=" + UrlEncode("民盟盟员")).Json()["total"] == 1);
  // A unit: the word is text only, the facet absent, the filter refused.
  json unit = f.Get(f.unit_a, "/api/v1/search?q=" + UrlEncode("九三学社") + "&facets=true").Json();
  CHECK(unit["understood"] == json::array());
  CHECK_FALSE(
      f.Get(f.unit_a, "/api/v1/search?q=&facets=true").Json()["facets"].contains("political"));
  Reply filtered = f.Get(f.unit_a, "/api/v1/search?political=" + UrlEncode("九三学社社员"));
  CHECK(filtered.status == 403);
  CHECK(filtered.Json()["error"]["details"][0]["field"] == "政治面貌");
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Search: words that find nobody and words read as filters are named in the answer",
          "[api][search][understood]") {
  ApiFixture f;
  json noisy = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("研究员 锟斤拷")).Json();
  CHECK(noisy["total"] == 4);
  CHECK(noisy["unmatched"] == json::array({"锟斤拷"}));
  CHECK(noisy["understood"] == json::array());
  json exact = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("研究员")).Json();
  CHECK(exact["unmatched"] == json::array());
  json guangxi = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("广西 研究员")).Json();
  REQUIRE(guangxi["understood"].size() == 1);
  CHECK(guangxi["understood"][0]["filter"] == "province");
  CHECK(guangxi["understood"][0]["value"] == "45");
  CHECK(guangxi["understood"][0]["from"] == "广西");
  // 民族 is read as a filter for staff, and stays text for a unit, which may not select by it.
  json staff = f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("壮族 研究员")).Json();
  REQUIRE(staff["understood"].size() == 1);
  CHECK(staff["understood"][0]["filter"] == "ethnic_group");
  json unit = f.Get(f.unit_a, "/api/v1/search?q=" + UrlEncode("壮族 研究员")).Json();
  CHECK(unit["understood"] == json::array());
  // Within its scope only: a unit learns that a name outside it matches nobody, no more.
  json other = f.Get(f.unit_a, "/api/v1/search?q=" + UrlEncode("张明远 研究员")).Json();
  CHECK(other["unmatched"] == json::array({"张明远"}));
  for (const json& h : other["hits"]) CHECK(h["recommending_unit"] == "广西壮族自治区科学技术协会");
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Units and stats follow the token's scope", "[api][units][stats]") {
  ApiFixture f;
  CHECK(f.Get(f.staff, "/api/v1/units").Json()["total"] == 2);
  json unit = f.Get(f.unit_a, "/api/v1/units").Json();
  REQUIRE(unit["total"] == 1);
  CHECK(unit["items"][0]["code"] == f.unit_a_code);
  CHECK(f.Get(f.unit_a, "/api/v1/units/" + f.unit_b_code).status == 404);
  CHECK(f.Get(f.unit_b, "/api/v1/units/" + f.unit_b_code).status == 200);
  CHECK(f.Get(f.province, "/api/v1/units").Json()["total"] == 1);

  json staff_stats = f.Get(f.staff, "/api/v1/stats").Json();
  CHECK(staff_stats["persons"] == 4);
  json unit_stats = f.Get(f.unit_a, "/api/v1/stats").Json();
  CHECK(unit_stats["persons"] == 2);
  CHECK(unit_stats["admitted"] == 1);
  CHECK(unit_stats["scope"] == "unit:" + f.unit_a_code);
  CHECK_FALSE(unit_stats.contains("by_province"));
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Import: a CSV uploaded as a form file is imported like the command line's",
          "[api][import]") {
  ApiFixture f;
  std::string good = MakeIdNumber("450103", "19900101", "031");
  std::string bad = MakeIdNumber("450103", "19900202", "041");
  bad[17] = bad[17] == '0' ? '1' : '0';
  std::string csv =
      "姓名,性别,出生日期,身份证号,工作单位,推荐单位,推荐单位类型,人才类别,入库年度\r\n"
      "黄一鸣,男,1990-01-01," +
      good +
      ",广西大学,广西壮族自治区科学技术协会,省级科协,青年人才,2025\r\n"
      "蒙二,男,1990-02-02," +
      bad + ",广西大学,广西壮族自治区科学技术协会,省级科协,青年人才,2025\r\n";
  std::string boundary = "----talentpool-test-boundary";
  std::string body =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"汇总表.csv\"\r\n"
      "Content-Type: text/csv\r\n\r\n" +
      csv + "\r\n--" + boundary + "--\r\n";
  Reply r = f.Call(f.staff, "POST", "/api/v1/imports", body, {},
                   "multipart/form-data; boundary=" + boundary);
  REQUIRE(r.status == 200);
  json j = r.Json();
  CHECK(j["imported"] == 1);
  CHECK(j["rejected"] == 1);
  REQUIRE(j["errors"].size() >= 1);
  CHECK(j["errors"][0]["field"] == "身份证号");
  CHECK(j["errors"][0]["row"] == 3);
  CHECK(f.Get(f.staff, "/api/v1/search?q=" + UrlEncode("黄一鸣")).Json()["total"] == 1);
  // A raw body works too; importing the same rows again changes nothing, never duplicates.
  Reply raw = f.Call(f.staff, "POST", "/api/v1/imports?filename=pool.csv", csv, {}, "text/csv");
  REQUIRE(raw.status == 200);
  CHECK(raw.Json()["inserted"] == 0);
  CHECK(raw.Json()["updated"] == 0);
  CHECK(raw.Json()["unchanged"] == 1);
  CHECK(f.Get(f.staff, "/api/v1/stats").Json()["persons"] == 5);
  CHECK(f.Get(f.staff, "/api/v1/audit?action=import").Json()["total"] == 2);
  // Not a table at all.
  CHECK(f.Call(f.staff, "POST", "/api/v1/imports", "PK\x03\x04garbage", {},
               "application/octet-stream")
            .status == 400);
  CHECK(f.Call(f.unit_a, "POST", "/api/v1/imports", csv, {}, "text/csv").status == 403);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Request log: one line per request, no query string, no ID number",
          "[api][log][privacy]") {
  ApiFixture f;
  const registry::Person& b1 = f.Person("b1");
  f.Get(f.staff, "/api/v1/search?q=" + b1.id_number);
  f.Call(f.unit_a, "POST", "/api/v1/enrollment-check", json{{"id_number", b1.id_number}}.dump());
  f.Get(f.staff, "/api/v1/persons/" + b1.id_number);
  std::vector<std::string> lines = f.LogLines(3);
  REQUIRE(lines.size() >= 3);
  bool saw_search = false;
  for (const std::string& line : lines) {
    CHECK(line.find('?') == std::string::npos);
    CHECK(line.find(f.staff) == std::string::npos);
    if (line.find("/api/v1/search") != std::string::npos) {
      saw_search = true;
      CHECK(line.find("actor=token:") != std::string::npos);
    }
  }
  CHECK(saw_search);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest

namespace tp::apitest {

TEST_CASE("Search: a unit finds every one of its people that staff find for the same query",
          "[api][search][scope]") {
  ApiFixture f;
  registry::DemoOptions demo;
  demo.persons = 400;
  auto generator = registry::DemoGenerator::Create(demo, registry::DataDir());
  REQUIRE(generator.ok());
  std::string csv;
  registry::AppendCsvRecord(registry::DemoGenerator::Header(), &csv);
  std::vector<std::string> row;
  while (generator->Next(&row)) registry::AppendCsvRecord(row, &csv);
  REQUIRE(f.Call(f.staff, "POST", "/api/v1/imports", csv, {}, "text/csv").status == 200);
  // The unit with the most people.
  std::map<std::string, int> per_unit;
  for (int page = 1; page <= 5; ++page) {
    json hits =
        f.Get(f.staff, "/api/v1/search?size=100&page=" + std::to_string(page)).Json()["hits"];
    for (const json& h : hits) per_unit[h["recommending_unit"].get<std::string>()]++;
  }
  auto biggest = std::max_element(per_unit.begin(), per_unit.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; });
  REQUIRE(biggest != per_unit.end());
  std::string code;
  auto units = f.store().ListUnits();
  REQUIRE(units.ok());
  for (const auto& u : *units)
    if (u.name == biggest->first) code = u.code;
  REQUIRE_FALSE(code.empty());
  auto token = f.store().CreateToken("unit", code, "", "biggest");
  REQUIRE(token.ok());
  for (std::string q : {"研究员", "zhang", "李", "教授"}) {
    std::set<std::string> expected;
    for (int page = 1; page <= 5; ++page) {
      json hits = f.Get(f.staff, "/api/v1/search?size=100&page=" + std::to_string(page) +
                                     "&q=" + UrlEncode(q))
                      .Json()["hits"];
      for (const json& h : hits)
        if (h["recommending_unit"] == biggest->first) expected.insert(h["id"].get<std::string>());
    }
    std::set<std::string> found;
    json unit = f.Get(*token, "/api/v1/search?size=100&q=" + UrlEncode(q)).Json();
    for (const json& h : unit["hits"]) found.insert(h["id"].get<std::string>());
    INFO("query " << q);
    CHECK(unit["total"] == expected.size());
    CHECK(found == expected);
    CHECK_FALSE(unit.contains("partial"));
  }
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Stats: 入库人员 counts people with an admission, not drafts", "[api][stats]") {
  ApiFixture f;
  const nlohmann::json stats = f.Get(f.staff, "/api/v1/stats").Json();
  // a2 is on file without an admission (a recommendation's draft, say).
  CHECK(stats["persons"] == 4);
  CHECK(stats["admitted"] == 3);
}

TEST_CASE("Calendar: GET /api/v1/calendar/workdays counts a 公示's working days across 国庆节",
          "[api][workdays]") {
  ApiFixture f;
  Reply r = f.Get(f.unit_a, "/api/v1/calendar/workdays?from=2024-09-27&days=5");
  REQUIRE(r.status == 200);
  const nlohmann::json j = r.Json();
  CHECK(j["last_day"] == "2024-10-09");
  CHECK(j["first_day"] == "2024-09-27");
  CHECK(j["workdays"].size() == 5);
  CHECK(j["workdays"][1] == "2024-09-29");
  REQUIRE(j["rest_days"].size() == 8);  // 28 September and the seven days of 国庆节
  CHECK(j["rest_days"][0] == nlohmann::json({{"date", "2024-09-28"}, {"why", "周末"}}));
  CHECK(j["rest_days"][1]["why"] == "国庆节");
  Reply unknown = f.Get(f.staff, "/api/v1/calendar/workdays?from=2027-03-01&days=5");
  CHECK(unknown.status == 400);
  CHECK(unknown.body.find("2027") != std::string::npos);
  CHECK(f.Get(f.staff, "/api/v1/calendar/workdays?from=2024-09-27&days=0").status == 400);
  CHECK(f.Get(f.staff, "/api/v1/calendar/workdays?from=20240927&days=5").status == 400);
  CHECK(f.Get(f.staff, "/api/v1/calendar/workdays?days=5").status == 400);
  CHECK(f.Get("", "/api/v1/calendar/workdays?from=2024-09-27&days=5").status == 401);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest
