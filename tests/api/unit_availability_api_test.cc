// Units report 可否参加 for their admitted people over HTTP: the list, one
// answer, and a sheet of them that writes nothing when any row is bad.
#include <catch2/catch.hpp>

#include "api/api_test_support.h"

using nlohmann::json;
using tp::apitest::ApiFixture;

namespace {

json Answers(ApiFixture& f, const std::string& token, const std::string& id) {
  auto list = f.Get(token, "/api/v1/availability");
  REQUIRE(list.status == 200);
  const json body = list.Json();
  for (const json& item : body["items"]) {
    if (item["id"] == id) return item["answers"];
  }
  return nullptr;
}

std::string Upload(ApiFixture& f, const std::string& token, const std::string& csv, int* status) {
  auto reply =
      f.Call(token, "POST", "/api/v1/availability/sheet?filename=info.csv", csv, {}, "text/csv");
  *status = reply.status;
  return reply.body;
}

}  // namespace

TEST_CASE(
    "Unit availability API: a unit lists its admitted people and answers for each asking "
    "event, and a staff setting still wins",
    "[api][cohorts][availability]") {
  ApiFixture f;
  const std::string b1 = f.Person("b1").public_id, b2 = f.Person("b2").public_id;
  auto list = f.Get(f.unit_b, "/api/v1/availability");
  REQUIRE(list.status == 200);
  const json body = list.Json();
  REQUIRE(body["events"].size() == 2);  // the 2025 seminar and study tour ask; 2024 did not
  CHECK(body["events"][0]["code"] == "2025-seminar");
  CHECK(body["events"][0]["field"] == "can_attend_seminar");
  REQUIRE(body["total"] == 2);
  CHECK(body["items"][0]["id"] == b1);
  CHECK(body["items"][1]["id"] == b2);
  CHECK(body["items"][0]["answers"]["2025-seminar"]["available"].is_null());

  auto set =
      f.Call(f.unit_b, "PUT", "/api/v1/availability/2025-seminar/" + b1, R"({"available": true})");
  REQUIRE(set.status == 200);
  CHECK(set.Json()["available"] == true);
  CHECK(set.Json()["source"] == "unit_sheet");
  CHECK(Answers(f, f.staff, b1)["2025-seminar"]["source"] == "unit_sheet");
  auto seen = f.Get(f.staff, "/api/v1/events/2025-seminar/availability/" + b1);
  CHECK(seen.Json()["available"] == true);
  CHECK(seen.Json()["source"] == "unit_sheet");
  // Staff say no: the unit's answer is kept but staff's wins until taken back.
  REQUIRE(f.Call(f.staff, "PUT", "/api/v1/events/2025-seminar/availability/" + b1,
                 R"({"available": false})")
              .status == 200);
  auto again =
      f.Call(f.unit_b, "PUT", "/api/v1/availability/2025-seminar/" + b1, R"({"available": true})");
  REQUIRE(again.status == 200);
  CHECK(again.Json()["available"] == false);
  CHECK(again.Json()["source"] == "staff");
  REQUIRE(f.Call(f.staff, "DELETE", "/api/v1/events/2025-seminar/availability/" + b1).status ==
          200);
  CHECK(Answers(f, f.unit_b, b1)["2025-seminar"]["available"] == true);

  // Another unit's person, a person not admitted, an event that asks nothing, a bad value.
  CHECK(f.Call(f.unit_b, "PUT", "/api/v1/availability/2025-seminar/" + f.Person("a1").public_id,
               R"({"available": true})")
            .status == 404);
  auto draft =
      f.Call(f.unit_a, "PUT", "/api/v1/availability/2025-seminar/" + f.Person("a2").public_id,
             R"({"available": true})");
  CHECK(draft.status == 422);
  CHECK(
      f.Call(f.unit_b, "PUT", "/api/v1/availability/2024-training/" + b1, R"({"available": true})")
          .status == 400);
  CHECK(f.Call(f.unit_b, "PUT", "/api/v1/availability/2025-seminar/" + b1, R"({"available": "是"})")
            .status == 400);
  // A province reads its people's answers and writes none.
  auto province = f.Get(f.province, "/api/v1/availability");
  REQUIRE(province.status == 200);
  CHECK(province.Json()["total"] == 1);  // a1; a2 is not admitted
  CHECK(f.Call(f.province, "PUT", "/api/v1/availability/2025-seminar/" + f.Person("a1").public_id,
               R"({"available": true})")
            .status == 403);
  auto audit = f.Get(f.staff, "/api/v1/audit?action=availability&object_id=" + b1);
  REQUIRE(audit.status == 200);
  CHECK(audit.Json()["total"] == 2);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE(
    "Unit availability API: a sheet with a bad row is refused row by row and writes nothing, "
    "a good one sets the answers without creating anyone",
    "[api][cohorts][availability]") {
  ApiFixture f;
  const auto& b1 = f.Person("b1");
  const auto& b2 = f.Person("b2");
  auto persons_before = f.Get(f.staff, "/api/v1/stats").Json()["persons"];
  int status = 0;
  const std::string bad_sheet =
      "序号,姓名,编号,可否参加专题研修班,可否参加国情研修活动\r\n"
      "1,张明远," +
      b1.public_id +
      ",否,是\r\n"
      "2,李静," +
      b2.public_id +
      ",也许,是\r\n"
      "3,覃海涛," +
      f.Person("a1").public_id +
      ",是,是\r\n"
      "4,无此人,P9999999,是,是\r\n"
      "5,王五," +
      b2.public_id + ",是,\r\n";
  const std::string refused = Upload(f, f.unit_b, bad_sheet, &status);
  REQUIRE(status == 400);
  const json error = json::parse(refused)["error"];
  REQUIRE(error["details"].size() == 4);
  CHECK(error["details"][0]["row"] == 3);
  CHECK(error["details"][0]["field"] == "可否参加专题研修班");
  CHECK(error["details"][1]["row"] == 4);
  CHECK(error["details"][1]["message"].get<std::string>().find("不是本单位") != std::string::npos);
  CHECK(error["details"][2]["row"] == 5);
  CHECK(error["details"][2]["field"] == "编号");
  CHECK(error["details"][3]["row"] == 6);
  CHECK(error["details"][3]["field"] == "姓名");
  CHECK(error["message"].get<std::string>().find("未写入") != std::string::npos);
  CHECK(Answers(f, f.unit_b, b1.public_id)["2025-seminar"]["available"].is_null());

  // 附件2 as units fill it: by 身份证号, both events, one answer left blank.
  const std::string good_sheet =
      "序号,姓名,身份证号,可否参加专题研修班,可否参加国情研修活动\r\n"
      "1,张明远," +
      b1.id_number +
      ",否,是\r\n"
      "2,李静," +
      b2.id_number + ",是,\r\n";
  const std::string done = Upload(f, f.unit_b, good_sheet, &status);
  REQUIRE(status == 200);
  CHECK(json::parse(done)["rows"] == 2);
  CHECK(json::parse(done)["changed"] == 3);
  const json b1_answers = Answers(f, f.unit_b, b1.public_id);
  CHECK(b1_answers["2025-seminar"]["available"] == false);
  CHECK(b1_answers["2025-study-tour"]["available"] == true);
  CHECK(Answers(f, f.unit_b, b2.public_id)["2025-seminar"]["available"] == true);
  CHECK(Answers(f, f.unit_b, b2.public_id)["2025-study-tour"]["available"].is_null());
  CHECK(f.Get(f.staff, "/api/v1/stats").Json()["persons"] == persons_before);
  auto audit = f.Get(f.staff, "/api/v1/audit?action=availability&object_id=" + b1.public_id);
  CHECK(audit.Json()["total"] == 2);
  // A generic 可否参加 column needs its event.
  const std::string generic = "姓名,编号,可否参加\r\n张明远," + b1.public_id + ",是\r\n";
  Upload(f, f.unit_b, generic, &status);
  CHECK(status == 400);
  auto named = f.Call(f.unit_b, "POST", "/api/v1/availability/sheet?event=2025-seminar", generic,
                      {}, "text/csv");
  REQUIRE(named.status == 200);
  CHECK(Answers(f, f.unit_b, b1.public_id)["2025-seminar"]["available"] == true);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE(
    "Unit availability API: 附件2 sent as a round's list, or imported by staff, sets the answers "
    "by name and birth month and adds nobody",
    "[api][cohorts][availability][by_name]") {
  ApiFixture f;
  const json round = {{"code", "pool-open-availability"},
                      {"campaign", "pool"},
                      {"title", "测试用常态化报送"},
                      {"opens_at", "2026-01-01 00:00"},
                      {"deadline", "2099-12-31 17:00"},
                      {"rule_set", "pool-national-2025"},
                      {"year", 2026}};
  REQUIRE(f.Call(f.staff, "POST", "/api/v1/rounds", round.dump()).status == 201);
  const std::string b1 = f.Person("b1").public_id, b2 = f.Person("b2").public_id;
  const json persons = f.Get(f.staff, "/api/v1/stats").Json()["persons"];
  // Seed 001's 附件2 as a unit fills it: no 编号, no ID number.
  const std::string sheet =
      "2024 年推荐学员参加活动信息表\r\n联系人及电话:,王芳 010-12345678\r\n填表日期:,2025-08-10\r\n"
      "序号,姓名,性别,民族,出生年月,政治面貌,单位职务,最高学历,擅长领域,联系方式,"
      "可否参加专题研修班,可否参加国情研修活动\r\n"
      "1,张明远,男,汉族,1979.05,民盟盟员,清华大学 教授,研究生,,,是,否\r\n"
      "2,李静,女,回族,1995.08,群众,北京大学 研究员,研究生,,,否,是\r\n";

  auto sent = f.Call(f.unit_b, "POST",
                     "/api/v1/rounds/pool-open-availability/uploads?filename=" +
                         tp::apitest::UrlEncode("附件2.csv"),
                     sheet, {}, "text/csv");
  INFO(sent.body);
  REQUIRE(sent.status == 200);
  const json report = sent.Json();
  CHECK(report["format"] == "availability");
  CHECK(report["added"] == 0);
  CHECK(report["availability"]["written"] == true);
  CHECK(report["availability"]["changed"] == 4);
  CHECK(Answers(f, f.unit_b, b1)["2025-seminar"]["available"] == true);
  CHECK(Answers(f, f.unit_b, b2)["2025-seminar"]["available"] == false);
  auto list = f.Get(f.unit_b, "/api/v1/rounds/pool-open-availability/submission");
  REQUIRE(list.status == 200);
  CHECK(list.Json()["items"].empty());  // no draft
  CHECK(f.Get(f.staff, "/api/v1/stats").Json()["persons"] == persons);

  // The same sheet through the staff import, with one answer changed.
  std::string changed = sheet;
  changed.replace(changed.find(",是,否\r\n"), 9, ",否,否\r\n");
  auto imported =
      f.Call(f.staff, "POST", "/api/v1/imports?filename=info.csv", changed, {}, "text/csv");
  REQUIRE(imported.status == 200);
  CHECK(imported.Json()["format"] == "availability");
  CHECK(imported.Json()["inserted"] == 0);
  CHECK(imported.Json()["availability"]["changed"] == 1);
  CHECK(Answers(f, f.staff, b1)["2025-seminar"]["available"] == false);
  CHECK(f.Get(f.staff, "/api/v1/stats").Json()["persons"] == persons);
  REQUIRE(f.Leaks() == 0);
}
