// Event editing and waiting-list moves over HTTP: the registry in a temp dir served on loopback.
#include <catch2/catch.hpp>

#include "api/api_test_support.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

std::string EventBody(int seats) {
  return json({{"code", "2026-edit"},
               {"title", "编辑测试研修班"},
               {"series", "edit"},
               {"starts_on", "2026-05-10"},
               {"ends_on", "2026-05-12"},
               {"place", "北京"},
               {"capacity", seats},
               {"classes", {{{"name", "一班"}, {"level", ""}, {"capacity", seats}}}}})
      .dump();
}

std::string Act(const std::string& id, const std::string& action) {
  return json({{"id", id}, {"action", action}}).dump();
}

}  // namespace

TEST_CASE("Cohort API: staff edit an event's title and classes, bad fields and rules are named",
          "[api][cohorts][edit]") {
  ApiFixture f;
  REQUIRE(f.Call(f.staff, "POST", "/api/v1/events", EventBody(1)).status == 201);
  const std::string a1 = f.Person("a1").public_id;
  REQUIRE(
      f.Call(f.staff, "POST", "/api/v1/events/2026-edit/enrolments", Act(a1, "invite")).status ==
      200);

  Reply edited = f.Call(f.staff, "PATCH", "/api/v1/events/2026-edit",
                        R"({"title": "改名后", "place": "上海",
                            "classes": [{"name": "领军班", "was": "一班", "capacity": 2},
                                        {"name": "二班", "level": "青年人才", "capacity": 3}]})");
  REQUIRE(edited.status == 200);
  json e = edited.Json();
  CHECK(e["title"] == "改名后");
  CHECK(e["place"] == "上海");
  CHECK(e["capacity"] == 5);
  REQUIRE(e["classes"].size() == 2);
  CHECK(e["classes"][0]["name"] == "领军班");
  CHECK(e["classes"][0]["seats_taken"] == 1);
  CHECK(e["classes"][1]["level"] == "青年人才");

  // The capacity-only body keeps working.
  Reply capacity =
      f.Call(f.staff, "PATCH", "/api/v1/events/2026-edit", R"({"class": "二班", "capacity": 4})");
  REQUIRE(capacity.status == 200);
  CHECK(capacity.Json()["capacity"] == 6);

  Reply below = f.Call(f.staff, "PATCH", "/api/v1/events/2026-edit",
                       R"({"classes": [{"name": "领军班", "capacity": 0}]})");
  CHECK(below.status == 400);
  Reply removed = f.Call(f.staff, "PATCH", "/api/v1/events/2026-edit",
                         R"({"classes": [{"name": "二班", "capacity": 4}]})");
  CHECK(removed.status == 422);
  CHECK(removed.body.find("不能删除") != std::string::npos);
  Reply dates =
      f.Call(f.staff, "PATCH", "/api/v1/events/2026-edit", R"({"ends_on": "2026-05-01"})");
  CHECK(dates.status == 400);
  CHECK(dates.body.find("结束日期") != std::string::npos);
  CHECK(f.Call(f.staff, "PATCH", "/api/v1/events/2026-edit", R"({"code": "x"})").status == 400);
  CHECK(f.Call(f.staff, "PATCH", "/api/v1/events/2026-edit",
               R"({"classes": [{"name": "领军班", "capacity": "2"}]})")
            .status == 400);
  CHECK(f.Call(f.province, "PATCH", "/api/v1/events/2026-edit", R"({"title": "省改"})").status ==
        403);
  CHECK(f.Get(f.staff, "/api/v1/events/2026-edit").Json()["title"] == "改名后");

  Reply audit = f.Get(f.staff, "/api/v1/audit?object_type=event&object_id=2026-edit&action=update");
  REQUIRE(audit.status == 200);
  bool seen_title = false;
  const json audits = audit.Json();
  for (const json& item : audits["items"]) {
    if (item["detail"].contains("changes") && item["detail"]["changes"].contains("title")) {
      seen_title = seen_title || item["detail"]["changes"]["title"]["from"] == "编辑测试研修班";
    }
  }
  CHECK(seen_title);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Cohort API: staff move a waiting person up the list with If-Match",
          "[api][cohorts][waitlist]") {
  ApiFixture f;
  REQUIRE(f.Call(f.staff, "POST", "/api/v1/events", EventBody(1)).status == 201);
  const std::string enrol = "/api/v1/events/2026-edit/enrolments";
  const std::string a1 = f.Person("a1").public_id;
  const std::string b1 = f.Person("b1").public_id;
  const std::string b2 = f.Person("b2").public_id;
  REQUIRE(f.Call(f.staff, "POST", enrol, Act(a1, "invite")).status == 200);
  REQUIRE(f.Call(f.staff, "POST", enrol, Act(b1, "waitlist")).status == 200);
  Reply waiting = f.Call(f.staff, "POST", enrol, Act(b2, "waitlist"));
  REQUIRE(waiting.status == 200);
  const int64_t version = waiting.Json()["enrolment"]["version"];
  const std::string etag = "\"v" + std::to_string(version) + "\"";

  const std::string move = json({{"id", b2}, {"action", "move"}, {"rank", 1}}).dump();
  CHECK(f.Call(f.staff, "POST", enrol, move, {{"If-Match", "\"v99\""}}).status == 412);
  Reply moved = f.Call(f.staff, "POST", enrol, move, {{"If-Match", etag}});
  REQUIRE(moved.status == 200);
  CHECK(moved.Json()["enrolment"]["waitlist_rank"] == 1);
  CHECK(moved.Header("etag") == "\"v" + std::to_string(version + 1) + "\"");
  const json list = f.Get(f.staff, enrol).Json();
  int b1_rank = 0;
  for (const json& item : list["items"]) {
    if (item["id"] == b1) b1_rank = item["waitlist_rank"];
  }
  CHECK(b1_rank == 2);
  CHECK(f.Call(f.staff, "POST", enrol, json({{"id", b2}, {"action", "move"}}).dump()).status ==
        400);
  CHECK(f.Call(f.staff, "POST", enrol, json({{"id", b2}, {"action", "move"}, {"rank", 3}}).dump())
            .status == 400);
  CHECK(f.Call(f.staff, "POST", enrol, json({{"id", a1}, {"action", "move"}, {"rank", 1}}).dump())
            .status == 422);

  // The decline frees the seat for the person moved to the front.
  Reply declined = f.Call(f.staff, "POST", enrol, Act(a1, "decline"));
  REQUIRE(declined.status == 200);
  CHECK(declined.Json()["promoted"]["id"] == b2);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Cohort API: a province reads the enrolments of its own people only, and changes none",
          "[api][cohorts][province]") {
  ApiFixture f;
  REQUIRE(f.Call(f.staff, "POST", "/api/v1/events", EventBody(3)).status == 201);
  const std::string enrol = "/api/v1/events/2026-edit/enrolments";
  for (const char* key : {"a1", "b1", "b2"}) {
    REQUIRE(f.Call(f.staff, "POST", enrol, Act(f.Person(key).public_id, "invite")).status == 200);
  }
  CHECK(f.Get(f.staff, enrol).Json()["total"] == 3);
  const json mine = f.Get(f.province, enrol).Json();
  REQUIRE(mine["total"] == 1);
  CHECK(mine["items"][0]["id"] == f.Person("a1").public_id);
  CHECK(f.Call(f.province, "POST", enrol, Act(f.Person("a1").public_id, "confirm")).status == 403);
  CHECK(f.Get(f.unit_a, enrol).status == 403);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest
