// A nominee fills in their own form through an invitation link, and the unit takes it in:
// over HTTP, on a real registry.
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "api/api_test_support.h"
#include "support/photo_writer.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

constexpr const char* kRound = "pool-national-2025";

struct Invited {
  int64_t id = 0;
  std::string secret;
};

// The national round, kept open for unit A by a deadline staff moved; an invitation to 韦晓明.
Invited Invite(ApiFixture& f) {
  REQUIRE(f.Call(f.staff, "POST",
                 std::string("/api/v1/rounds/") + kRound + "/units/" + f.unit_a_code + "/deadline",
                 json{{"deadline", "2099-12-31 17:00"}}.dump())
              .status == 200);
  Reply made = f.Call(f.unit_a, "POST", std::string("/api/v1/rounds/") + kRound + "/invitations",
                      json{{"name", "韦晓明"}, {"mobile", "13877112345"}}.dump());
  REQUIRE(made.status == 201);
  const json j = made.Json();
  CHECK(j["link"] == "nominee.html#invite=" + j["token"].get<std::string>());
  CHECK(j["invitation"]["contact"] == "138****2345");
  CHECK(j["invitation"]["state"] == "sent");
  return {j["invitation"]["id"].get<int64_t>(), j["token"].get<std::string>()};
}

Reply Nominee(ApiFixture& f, const std::string& secret, const std::string& method,
              const std::string& target, const std::string& body = "") {
  return f.Call("", method, target, body, {{"X-Invitation", secret}});
}

const json kComplete = {{"values",
                         {{"gender", "男"},
                          {"birth_date", "1985-04-12"},
                          {"ethnic_group", "壮族"},
                          {"political_affiliation", "九三学社社员"},
                          {"id_number", MakeIdNumber("450103", "19850412", "035")},
                          {"unit", "广西大学"},
                          {"post", "副院长"},
                          {"title", "教授"},
                          {"education", "研究生"},
                          {"career", "2008年至今 广西大学"},
                          {"achievements", "甘蔗育种"}}}};

TEST_CASE("Invitations: a nominee fills in, submits, is returned, resubmits, the unit takes it",
          "[api][invitations]") {
  ApiFixture f;
  Invited inv = Invite(f);
  // The link opens the form without an account, with the name and mobile filled in.
  Reply opened = Nominee(f, inv.secret, "GET", "/api/v1/nominee/form");
  REQUIRE(opened.status == 200);
  json form = opened.Json();
  CHECK(form["values"]["name"] == "韦晓明");
  CHECK(form["values"]["phone"] == "13877112345");
  CHECK(form["unit"] == "广西壮族自治区科学技术协会");
  CHECK_FALSE(form["errors"].empty());
  // A bad value is named by its field, the draft is kept.
  Reply draft =
      Nominee(f, inv.secret, "PUT", "/api/v1/nominee/form",
              json{{"values", {{"birth_date", "1985-13-40"}, {"unit", "广西大学"}}}}.dump());
  REQUIRE(draft.status == 200);
  const json drafted = draft.Json();
  bool birth_error = false;
  for (const json& e : drafted["errors"]) birth_error |= e["field"] == "birth_date";
  CHECK(birth_error);
  CHECK(Nominee(f, inv.secret, "GET", "/api/v1/nominee/form").Json()["values"]["unit"] ==
        "广西大学");
  Reply refused = Nominee(f, inv.secret, "POST", "/api/v1/nominee/submit");
  CHECK(refused.status == 400);
  CHECK_FALSE(refused.Json()["error"]["details"].empty());
  CHECK(Nominee(f, inv.secret, "PUT", "/api/v1/nominee/form",
                json{{"values", {{"salary", "1"}}}}.dump())
            .status == 400);
  // Complete and submitted: the link is closed.
  REQUIRE(Nominee(f, inv.secret, "PUT", "/api/v1/nominee/form", kComplete.dump()).status == 200);
  REQUIRE(Nominee(f, inv.secret, "POST", "/api/v1/nominee/submit").status == 200);
  CHECK(Nominee(f, inv.secret, "GET", "/api/v1/nominee/form").status == 403);
  // The unit sees it submitted, returns it with a reason; the nominee sees the reason.
  json listed = f.Get(f.unit_a, std::string("/api/v1/rounds/") + kRound + "/invitations").Json();
  REQUIRE(listed["total"] == 1);
  CHECK(listed["items"][0]["state"] == "submitted");
  const std::string path = "/api/v1/invitations/" + std::to_string(inv.id);
  CHECK(f.Call(f.unit_a, "POST", path + "/return", json{{"reason", ""}}.dump()).status == 400);
  REQUIRE(f.Call(f.unit_a, "POST", path + "/return", json{{"reason", "请补充主要成就"}}.dump())
              .status == 200);
  json back = Nominee(f, inv.secret, "GET", "/api/v1/nominee/form").Json();
  CHECK(back["state"] == "returned");
  CHECK(back["reason"] == "请补充主要成就");
  REQUIRE(Nominee(f, inv.secret, "PUT", "/api/v1/nominee/form",
                  json{{"values", {{"achievements", "甘蔗育种，获广西科技进步奖一等奖"}}}}.dump())
              .status == 200);
  REQUIRE(Nominee(f, inv.secret, "POST", "/api/v1/nominee/submit").status == 200);
  // The unit edits and takes it into its list: a draft recommendation; nobody is admitted.
  REQUIRE(
      f.Call(f.unit_a, "PUT", path + "/form", json{{"values", {{"post", "院长"}}}}.dump()).status ==
      200);
  const auto before = f.store().Stats();
  Reply taken = f.Call(f.unit_a, "POST", path + "/accept");
  REQUIRE(taken.status == 201);
  CHECK(taken.Json()["invitation"]["state"] == "accepted");
  const int64_t rec = taken.Json()["recommendation"]["id"];
  json item = f.Get(f.unit_a, "/api/v1/recommendations/" + std::to_string(rec)).Json();
  CHECK(item["state"] == "draft");
  CHECK(f.store().Stats()->admissions == before->admissions);
  // Accepted: the link is gone for good, and unit B never sees the invitation.
  CHECK(Nominee(f, inv.secret, "GET", "/api/v1/nominee/form").status == 404);
  CHECK(f.Get(f.unit_b, path).status == 404);
}

TEST_CASE("Invitations: a link reads nothing else, is refused when wrong, expires, can be revoked",
          "[api][invitations]") {
  ApiFixture f;
  Invited inv = Invite(f);
  // The secret is no token: every other route answers 401.
  for (const char* target : {"/api/v1/search?q=覃", "/api/v1/persons", "/api/v1/me"}) {
    Reply r = f.Call("", "GET", target, "", {{"X-Invitation", inv.secret}});
    CHECK(r.status == 401);
    r = f.Call(inv.secret, "GET", target);
    CHECK(r.status == 401);
  }
  CHECK(Nominee(f, std::string(64, '0'), "GET", "/api/v1/nominee/form").status == 404);
  // A lost link is replaced: the new one works, the old one no longer.
  Reply renewed =
      f.Call(f.unit_a, "POST", "/api/v1/invitations/" + std::to_string(inv.id) + "/link");
  REQUIRE(renewed.status == 200);
  const std::string fresh = renewed.Json()["token"];
  CHECK(fresh != inv.secret);
  CHECK(Nominee(f, inv.secret, "GET", "/api/v1/nominee/form").status == 404);
  CHECK(Nominee(f, fresh, "GET", "/api/v1/nominee/form").status == 200);
  CHECK(
      f.Call(f.unit_b, "POST", "/api/v1/invitations/" + std::to_string(inv.id) + "/link").status ==
      404);
  inv.secret = fresh;
  CHECK(f.Call("", "GET", "/api/v1/nominee/form").status == 400);
  // Revoked: the link answers as unknown.
  REQUIRE(f.Call(f.unit_a, "DELETE", "/api/v1/invitations/" + std::to_string(inv.id)).status ==
          200);
  CHECK(Nominee(f, inv.secret, "GET", "/api/v1/nominee/form").status == 404);
  // Past 14 days: expired, said so to the unit and the nominee.
  Invited late = Invite(f);
  {
    SQLite::Database db(f.store().Dir() + "/registry.sqlite", SQLite::OPEN_READWRITE);
    db.exec("UPDATE invitations SET expires_at=1 WHERE id=" + std::to_string(late.id));
  }
  Reply expired = Nominee(f, late.secret, "GET", "/api/v1/nominee/form");
  CHECK(expired.status == 403);
  CHECK(expired.body.find("过期") != std::string::npos);
  CHECK(f.Get(f.unit_a, "/api/v1/invitations/" + std::to_string(late.id))
            .Json()["invitation"]["state"] == "expired");
}

}  // namespace
TEST_CASE("Invitations: a nominee uploads their photo, which becomes the person's when taken in",
          "[api][invitations][attachments]") {
  ApiFixture f;
  Invited inv = Invite(f);
  Invited other = Invite(f);
  tp::testing::TempDir dir;
  const std::string photo = tp::testing::MakePhoto(dir, "JPEG", 200, 280, 300);
  Reply up = f.Call("", "POST",
                    "/api/v1/nominee/attachments?kind=photo&filename=" + UrlEncode("韦晓明.jpg"),
                    photo, {{"X-Invitation", inv.secret}}, "application/octet-stream");
  INFO(up.body);
  REQUIRE(up.status == 201);
  const std::string id = std::to_string(up.Json()["id"].get<int64_t>());
  CHECK(up.Json()["person"] == "");
  json mine = Nominee(f, inv.secret, "GET", "/api/v1/nominee/attachments").Json();
  REQUIRE(mine["items"].size() == 1);
  CHECK(mine["items"][0]["content_url"] == "/api/v1/nominee/attachments/" + id + "/content");
  CHECK(mine["missing"].empty());  // the pool round asks for no attachment
  CHECK(Nominee(f, inv.secret, "GET", "/api/v1/nominee/attachments/" + id + "/content").body ==
        photo);
  // Another nominee's link, no link, the staff's routes before the form is taken in: nothing.
  CHECK(Nominee(f, other.secret, "GET", "/api/v1/nominee/attachments/" + id + "/content").status ==
        404);
  CHECK(Nominee(f, other.secret, "GET", "/api/v1/nominee/attachments").Json()["items"].empty());
  CHECK(Nominee(f, other.secret, "DELETE", "/api/v1/nominee/attachments/" + id).status == 404);
  CHECK(f.Call("", "GET", "/api/v1/nominee/attachments").status == 400);
  CHECK(f.Get(f.unit_a, "/api/v1/attachments/" + id).status == 404);
  // A PDF as a photo is refused by content.
  CHECK(f.Call("", "POST", "/api/v1/nominee/attachments?kind=photo&filename=a.jpg",
               tp::testing::MakePdfScan(dir, 1), {{"X-Invitation", inv.secret}},
               "application/octet-stream")
            .status == 400);

  // Submitted and taken in: the photo is the person's, for that recommendation.
  REQUIRE(Nominee(f, inv.secret, "PUT", "/api/v1/nominee/form", kComplete.dump()).status == 200);
  REQUIRE(Nominee(f, inv.secret, "POST", "/api/v1/nominee/submit").status == 200);
  Reply taken =
      f.Call(f.unit_a, "POST", "/api/v1/invitations/" + std::to_string(inv.id) + "/accept");
  REQUIRE(taken.status == 201);
  const std::string rec = std::to_string(taken.Json()["recommendation"]["id"].get<int64_t>());
  const std::string person =
      f.Get(f.staff, "/api/v1/recommendations/" + rec).Json()["person"]["id"];
  json theirs =
      f.Get(f.unit_a, "/api/v1/persons/" + person + "/attachments?round=" + kRound).Json();
  REQUIRE(theirs["items"].size() == 1);
  CHECK(theirs["items"][0]["id"].get<int64_t>() == std::stoll(id));
  CHECK(theirs["items"][0]["round"] == kRound);
  CHECK(f.Get(f.unit_a, "/api/v1/attachments/" + id + "/content").body == photo);
  CHECK(f.Get(f.unit_b, "/api/v1/attachments/" + id).status == 404);
  REQUIRE(f.Leaks() == 0);
}

}  // namespace tp::apitest
