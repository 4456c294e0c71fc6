// Class conditions over HTTP: an event's classes carry their age band in and
// out, and an invitation that fails it is refused naming the rule and the age.
#include <catch2/catch.hpp>

#include "api/api_test_support.h"

using nlohmann::json;
using tp::apitest::ApiFixture;

namespace {

json YoungEvent(int max_age) {
  return {{"code", "2026-young"},
          {"title", "2026年青年人才研修班"},
          {"series", "young"},
          {"starts_on", "2026-05-10"},
          {"ends_on", "2026-05-12"},
          {"capacity", 4},
          {"classes",
           {{{"name", "青年班"}, {"level", "青年人才"}, {"capacity", 4}, {"max_age", max_age}}}}};
}

}  // namespace

TEST_CASE("Class API: an event's age band is accepted, returned, validated and enforced",
          "[api][cohorts][rules]") {
  ApiFixture f;
  auto bad = f.Call(f.staff, "POST", "/api/v1/events", YoungEvent(-3).dump());
  REQUIRE(bad.status == 400);
  CHECK(bad.Json()["error"]["details"][0]["field"] == "班次");
  CHECK(bad.Json()["error"]["message"].get<std::string>().find("「青年班」的最高年龄") !=
        std::string::npos);
  json typo = YoungEvent(25);
  typo["classes"][0]["max_age"] = "25岁";
  auto typed = f.Call(f.staff, "POST", "/api/v1/events", typo.dump());
  REQUIRE(typed.status == 400);
  CHECK(typed.Json()["error"]["details"][0]["field"] == "max_age");

  auto made = f.Call(f.staff, "POST", "/api/v1/events", YoungEvent(25).dump());
  REQUIRE(made.status == 201);
  CHECK(made.Json()["classes"][0]["max_age"] == 25);
  CHECK(made.Json()["classes"][0]["min_age"].is_null());
  auto read = f.Get(f.staff, "/api/v1/events/2026-young");
  REQUIRE(read.status == 200);
  CHECK(read.Json()["classes"][0]["max_age"] == 25);
  // The seeded 2024 training's 青年人才班 takes people of 35 or under.
  auto list = f.Get(f.staff, "/api/v1/events");
  REQUIRE(list.status == 200);
  CHECK(list.Json()["items"][0]["classes"][1]["max_age"] == 35);
  CHECK(list.Json()["items"][0]["classes"][0]["max_age"].is_null());

  // 李静 (born 1995-08, 青年人才) is 30 on 2026-05-10.
  const std::string id = f.Person("b2").public_id;
  auto refused = f.Call(f.staff, "POST", "/api/v1/events/2026-young/enrolments",
                        json({{"id", id}, {"action", "invite"}}).dump());
  REQUIRE(refused.status == 422);
  const std::string message = refused.Json()["error"]["message"];
  CHECK(message.find("年龄不超过 25 岁") != std::string::npos);
  CHECK(message.find("李静届时 30 岁") != std::string::npos);
  auto roster = f.Call(f.staff, "POST", "/api/v1/events/2026-young/roster",
                       json({{"roster", {{{"id", id}, {"class", "青年班"}}}}}).dump());
  CHECK(roster.status == 422);
  auto planned = f.Call(f.staff, "POST", "/api/v1/events/2026-young/plan", "{}");
  REQUIRE(planned.status == 200);
  bool counted = false;
  const json plan = planned.Json();
  for (const json& r : plan["left_out"])
    counted |= r["reason"] == "不符合班次条件（年龄）" && r["count"] == 1;
  CHECK(counted);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Class API: goals per class are read, checked with the class named, and reported",
          "[api][cohorts][goals]") {
  ApiFixture f;
  auto planned = f.Call(f.staff, "POST", "/api/v1/events/2024-training/plan",
                        R"({"class_goals": {"领军人才班": {"minority_target": 1}}})");
  REQUIRE(planned.status == 200);
  const json plan = planned.Json();
  bool reported = false;
  for (const json& g : plan["goals"]) {
    if (g["class"] != "领军人才班") continue;
    reported = g["key"] == "minority" && g["target"] == 1 && g["seats"] == 50 && g["met"] == true;
  }
  CHECK(reported);
  CHECK(plan["goals"][0]["class"].is_null());

  auto too_many = f.Call(f.staff, "POST", "/api/v1/events/2024-training/plan",
                         R"({"class_goals": {"青年人才班": {"women_target": 51}}})");
  REQUIRE(too_many.status == 400);
  CHECK(too_many.Json()["error"]["details"][0]["field"] == "青年人才班：女性目标");
  auto weight = f.Call(f.staff, "POST", "/api/v1/events/2024-training/plan",
                       R"({"class_goals": {"青年人才班": {"seat_weight": 5}}})");
  REQUIRE(weight.status == 400);
  CHECK(weight.Json()["error"]["details"][0]["field"] == "class_goals.青年人才班.seat_weight");
  auto unknown = f.Call(f.staff, "POST", "/api/v1/events/2024-training/plan",
                        R"({"class_goals": {"丙班": {"women_target": 1}}})");
  REQUIRE(unknown.status == 400);
  CHECK(unknown.Json()["error"]["message"].get<std::string>().find("没有班次「丙班」") !=
        std::string::npos);
  REQUIRE(f.Leaks() == 0);
}
