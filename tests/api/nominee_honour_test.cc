// A nominee invited into an honour round fills the 推荐表's own-person boxes with their form; the
// unit's boxes stay the unit's; accepting the form stores the boxes as the recommendation's
// 推荐表. Over HTTP, on a real registry.
#include <catch2/catch.hpp>

#include "api/api_test_support.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

constexpr const char* kRound = "zuimei-nominee-http";

Reply Nominee(ApiFixture& f, const std::string& secret, const std::string& method,
              const std::string& body = "") {
  const std::string target =
      method == "POST" ? "/api/v1/nominee/submit" : std::string("/api/v1/nominee/form");
  return f.Call("", method, target, body, {{"X-Invitation", secret}});
}

bool Names(const Reply& r, const std::string& field) {
  const json body = r.Json();
  for (const json& d : body["error"]["details"])
    if (d.value("field", "") == field) return true;
  return false;
}

const json kPerson = {{"gender", "男"},
                      {"birth_date", "1980-01-01"},
                      {"ethnic_group", "壮族"},
                      {"political_affiliation", "中共党员"},
                      {"id_number", MakeIdNumber("450103", "19800101", "071")},
                      {"unit", "广西农业科学院甘蔗研究所"},
                      {"post", "研究室主任"},
                      {"title", "研究员"},
                      {"education", "研究生"},
                      {"degree", "博士"},
                      {"graduated_from", "广西大学"},
                      {"major", "作物遗传育种"},
                      {"career", "2006年至今 广西农业科学院"},
                      {"achievements", "糖料蔗育种"}};

json OwnBoxes(int deeds) {
  return {{"推荐领域", {"科技服务民生"}},
          {"办公电话", "0771-3243011"},
          {"学习工作经历",
           {{{"起止年月", "2006.07—今"}, {"单位", "广西农业科学院"}, {"工作", "研究员"}}}},
          {"主要事迹", "培育糖料蔗新品种。" + Repeat("蔗", deeds)},
          {"感人故事", {"台风过后他第一个走进蔗田。"}},
          {"个人声明", true}};
}

TEST_CASE("Nominee honour form: the nominee fills the 推荐表's own boxes and accepting stores them",
          "[api][invitations][honour]") {
  ApiFixture f;
  std::string code;
  {
    auto batch = f.store().BeginWrite();
    REQUIRE(batch.ok());
    auto a = (*batch)->EnsureUnit("广西农学会", "省级学会", "45");
    REQUIRE(a.ok());
    REQUIRE((*batch)->Commit().ok());
    code = a->code;
  }
  auto token = f.store().CreateToken("unit", code, "", "nominee-honour-test");
  REQUIRE(token.ok());
  const std::string unit = *token;
  const json round = {{"code", kRound},
                      {"campaign", "zuimei-guangxi-2024"},
                      {"title", "最美科技工作者推荐（邀请填表）"},
                      {"opens_at", BeijingDay(-1) + " 00:00"},
                      {"deadline", BeijingDay(20) + " 24:00"},
                      {"reference_date", BeijingDay(20)},
                      {"rule_set", "zuimei-guangxi-2024"}};
  REQUIRE(f.Call(f.staff, "POST", "/api/v1/rounds", round.dump()).status == 201);
  Reply made = f.Call(unit, "POST", std::string("/api/v1/rounds/") + kRound + "/invitations",
                      json{{"name", "黄志强"}, {"mobile", "13907710002"}}.dump());
  INFO(made.body);
  REQUIRE(made.status == 201);
  const std::string secret = made.Json()["token"];
  const int64_t invitation = made.Json()["invitation"]["id"];

  // The nominee sees their part of the 推荐表: their boxes, never the unit's.
  Reply opened = Nominee(f, secret, "GET");
  REQUIRE(opened.status == 200);
  const json honour = opened.Json()["honour"];
  REQUIRE(honour.is_object());
  std::vector<std::string> keys;
  for (const json& box : honour["spec"]["fields"]) keys.push_back(box["key"]);
  CHECK(keys == std::vector<std::string>{"推荐领域", "办公电话", "学习工作经历", "主要事迹",
                                         "感人故事", "个人声明"});
  CHECK(honour["groups"] == json{"理科", "工科", "农科", "医科", "综合", "地市"});
  CHECK_FALSE(honour.contains("attachments"));
  CHECK(opened.body.find("所在单位意见") == std::string::npos);

  // The unit's box, an unknown box and a group the rule set lacks are refused by name.
  json forbidden = {{"values", json::object()}, {"honour_form", {{"所在单位意见", "同意推荐"}}}};
  Reply refused = Nominee(f, secret, "PUT", forbidden.dump());
  CHECK(refused.status == 400);
  CHECK(Names(refused, "所在单位意见"));
  refused = Nominee(f, secret, "PUT",
                    json{{"values", json::object()}, {"honour_form", {{"爱好", "钓鱼"}}}}.dump());
  CHECK(refused.status == 400);
  CHECK(Names(refused, "爱好"));
  refused = Nominee(f, secret, "PUT", json{{"values", json::object()}, {"group", "文科"}}.dump());
  CHECK(refused.status == 400);
  CHECK(Names(refused, "推荐组别"));
  // Over its hard limit: 400, nothing saved.
  refused = Nominee(f, secret, "PUT",
                    json{{"values", json::object()}, {"honour_form", OwnBoxes(3000)}}.dump());
  CHECK(refused.status == 400);
  CHECK(Names(refused, "主要事迹"));
  CHECK(Nominee(f, secret, "GET").Json()["honour"]["values"].empty());

  // A short 主要事迹 is saved with advice; the form cannot go without the boxes it requires.
  json draft = {{"values", kPerson}, {"honour_form", {{"主要事迹", "培育糖料蔗新品种。"}}}};
  Reply saved = Nominee(f, secret, "PUT", draft.dump());
  REQUIRE(saved.status == 200);
  CHECK(saved.Json()["honour"]["warnings"].size() == 1);
  CHECK(saved.Json()["honour"]["warnings"][0]["field"] == "主要事迹");
  Reply early = Nominee(f, secret, "POST");
  CHECK(early.status == 400);
  CHECK(Names(early, "学习工作经历"));
  CHECK(Names(early, "推荐组别"));

  // Complete: the whole part, 1,500 characters of 主要事迹, the group ticked.
  json complete = {{"values", json::object()}, {"honour_form", OwnBoxes(1491)}, {"group", "农科"}};
  saved = Nominee(f, secret, "PUT", complete.dump());
  INFO(saved.body);
  REQUIRE(saved.status == 200);
  CHECK(saved.Json()["honour"]["warnings"].empty());
  CHECK(saved.Json()["honour"]["group"] == "农科");
  CHECK(saved.Json()["errors"].empty());
  REQUIRE(Nominee(f, secret, "POST").status == 200);

  // The unit reviews the part with the form and takes it in; the 推荐表 holds the boxes.
  const std::string path = "/api/v1/invitations/" + std::to_string(invitation);
  json seen = f.Get(unit, path).Json();
  CHECK(seen["form"]["honour"]["values"]["办公电话"] == "0771-3243011");
  Reply taken = f.Call(unit, "POST", path + "/accept");
  INFO(taken.body);
  REQUIRE(taken.status == 201);
  const int64_t rec = taken.Json()["recommendation"]["id"];
  Reply stored = f.Get(unit, "/api/v1/recommendations/" + std::to_string(rec) + "/honour-form");
  REQUIRE(stored.status == 200);
  const json form = stored.Json();
  CHECK(form["group"] == "农科");
  CHECK(form["values"]["推荐领域"] == json{"科技服务民生"});
  CHECK(form["values"]["学习工作经历"][0]["单位"] == "广西农业科学院");
  CHECK(form["values"]["主要事迹"] == "培育糖料蔗新品种。" + Repeat("蔗", 1491));
  CHECK(form["values"]["感人故事"] == json{"台风过后他第一个走进蔗田。"});
  CHECK(form["values"]["个人声明"] == true);
  CHECK_FALSE(form["values"].contains("所在单位意见"));
  CHECK(form["person"]["title"] == "研究员");
  // The unit's own box is still the unit's to fill.
  json with_opinion = form["values"];
  with_opinion["所在单位意见"] = "同意推荐。";
  CHECK(f.Call(unit, "PUT", "/api/v1/recommendations/" + std::to_string(rec) + "/honour-form",
               with_opinion.dump())
            .status == 200);
}

TEST_CASE("Nominee honour form: an invitation outside honour rounds has no 推荐表 part",
          "[api][invitations][honour]") {
  ApiFixture f;
  REQUIRE(f.Call(f.staff, "POST",
                 "/api/v1/rounds/pool-national-2025/units/" + f.unit_a_code + "/deadline",
                 json{{"deadline", "2099-12-31 17:00"}}.dump())
              .status == 200);
  Reply made = f.Call(f.unit_a, "POST", "/api/v1/rounds/pool-national-2025/invitations",
                      json{{"name", "韦晓明"}, {"mobile", "13877112345"}}.dump());
  REQUIRE(made.status == 201);
  const std::string secret = made.Json()["token"];
  Reply opened = Nominee(f, secret, "GET");
  REQUIRE(opened.status == 200);
  CHECK_FALSE(opened.Json().contains("honour"));
  Reply refused =
      Nominee(f, secret, "PUT",
              json{{"values", json::object()}, {"honour_form", {{"主要事迹", "甘蔗育种"}}}}.dump());
  CHECK(refused.status == 400);
  CHECK(Names(refused, "honour_form"));
}

}  // namespace
}  // namespace tp::apitest
