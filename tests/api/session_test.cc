// Signing in over HTTP: the cookie, the CSRF rule, the first password change, who manages whom,
// and the audit log naming the account.
#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "api/api_test_support.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

struct Browser {
  std::string cookie;  // "tp_session=…"
  std::string csrf;
};

Reply SignIn(ApiFixture& f, const std::string& username, const std::string& password,
             Browser* browser = nullptr) {
  Reply r = f.Call("", "POST", "/api/v1/session",
                   json{{"username", username}, {"password", password}}.dump());
  if (browser != nullptr && r.status == 200) {
    const std::string set = r.Header("Set-Cookie");
    browser->cookie = set.substr(0, set.find(';'));
    browser->csrf = r.Json()["csrf_token"].get<std::string>();
  }
  return r;
}

Reply Send(ApiFixture& f, const Browser& b, const std::string& method, const std::string& target,
           const std::string& body = "", bool with_csrf = true,
           std::vector<std::pair<std::string, std::string>> more = {}) {
  more.emplace_back("Cookie", b.cookie);
  if (with_csrf) more.emplace_back("X-CSRF-Token", b.csrf);
  return f.Call("", method, target, body, more);
}

// Unit A's account, signed in, its initial password changed to `password`.
Browser ReadyUnitA(ApiFixture& f, const std::string& password = "Nanning-Kexie-2026") {
  Browser b;
  REQUIRE(SignIn(f, "unit-a", f.account_a_password, &b).status == 200);
  REQUIRE(Send(f, b, "POST", "/api/v1/session/password",
               json{{"current_password", f.account_a_password}, {"new_password", password}}.dump())
              .status == 200);
  return b;
}

TEST_CASE("Session: sign-in sets an HttpOnly SameSite=Strict cookie and answers who",
          "[api][session]") {
  ApiFixture f;
  Browser b;
  Reply r = SignIn(f, "unit-a", f.account_a_password, &b);
  REQUIRE(r.status == 200);
  const std::string set = r.Header("Set-Cookie");
  CHECK(set.rfind("tp_session=", 0) == 0);
  CHECK(set.find("; HttpOnly") != std::string::npos);
  CHECK(set.find("; SameSite=Strict") != std::string::npos);
  CHECK(set.find("; Path=/") != std::string::npos);
  CHECK(set.find("Secure") == std::string::npos);  // plain HTTP, no proxy
  json j = r.Json();
  CHECK(j["role"] == "unit");
  CHECK(j["display_name"] == "单位甲联系人");
  CHECK(j["scope"]["unit"]["code"] == f.unit_a_code);
  CHECK(j["must_change_password"] == true);
  CHECK(j["csrf_token"].get<std::string>().size() == 64);
  // Until the password is changed, nothing else.
  Reply search = Send(f, b, "GET", "/api/v1/search?q=覃");
  CHECK(search.status == 403);
  CHECK(search.body.find("修改初始密码") != std::string::npos);
  CHECK(Send(f, b, "GET", "/api/v1/me").Json()["must_change_password"] == true);
}

TEST_CASE("Session: behind the trusted proxy over TLS the cookie is Secure", "[api][session]") {
  FixtureOptions options;
  options.api.trusted_proxy = "127.0.0.1";
  ApiFixture f(options);
  const std::string body = json{{"username", "unit-a"}, {"password", f.account_a_password}}.dump();
  Reply tls = f.Call("", "POST", "/api/v1/session", body,
                     {{"X-Forwarded-Proto", "https"}, {"X-Real-IP", "203.0.113.7"}});
  REQUIRE(tls.status == 200);
  CHECK(tls.Header("Set-Cookie").find("; Secure") != std::string::npos);
  Reply plain = f.Call("", "POST", "/api/v1/session", body, {{"X-Forwarded-Proto", "http"}});
  REQUIRE(plain.status == 200);
  CHECK(plain.Header("Set-Cookie").find("Secure") == std::string::npos);
}

TEST_CASE("Session: unknown user and wrong password get the same 401 body", "[api][session]") {
  ApiFixture f;
  Reply unknown = SignIn(f, "no-such-user", "Whatever-2026x");
  Reply wrong = SignIn(f, "unit-a", "Whatever-2026x");
  CHECK(unknown.status == 401);
  CHECK(wrong.status == 401);
  CHECK(unknown.Json()["error"] == wrong.Json()["error"]);
  CHECK(unknown.Header("Set-Cookie").empty());
  CHECK(SignIn(f, "unit-a", "").status == 400);
  // Another site cannot post the sign-in form.
  CHECK(f.Call("", "POST", "/api/v1/session",
               json{{"username", "unit-a"}, {"password", f.account_a_password}}.dump(),
               {{"Origin", "https://evil.example"}})
            .status == 403);
  CHECK(f.Call("", "POST", "/api/v1/session", R"({"username":"unit-a","pass":"x"})").status == 400);
}

TEST_CASE("Session: the fifth failure locks the account with 429 and Retry-After",
          "[api][session]") {
  ApiFixture f;
  for (int i = 0; i < 4; ++i) CHECK(SignIn(f, "unit-a", "Wrong-Pass-2026").status == 401);
  Reply fifth = SignIn(f, "unit-a", "Wrong-Pass-2026");
  CHECK(fifth.status == 429);
  CHECK(fifth.Header("Retry-After") == "900");
  Reply right = SignIn(f, "unit-a", f.account_a_password);
  CHECK(right.status == 429);
  CHECK(right.body.find("锁定") != std::string::npos);
  // Staff unlock it; both ends are in the audit log.
  CHECK(f.Call(f.staff, "POST", "/api/v1/accounts/" + std::to_string(f.account_a) + "/unlock")
            .status == 200);
  CHECK(SignIn(f, "unit-a", f.account_a_password).status == 200);
  const json audit = f.Get(f.staff, "/api/v1/audit?object_type=account&object_id=unit-a").Json();
  std::vector<std::string> actions;
  for (const json& e : audit["items"]) actions.push_back(e["action"]);
  CHECK(std::count(actions.begin(), actions.end(), "lock") == 1);
  CHECK(std::count(actions.begin(), actions.end(), "unlock") == 1);
}

TEST_CASE("Session: failures from one address are limited whatever the usernames",
          "[api][session]") {
  FixtureOptions options;
  options.api.sign_in_failures_per_address = {0.001, 3};
  ApiFixture f(options);
  for (int i = 0; i < 3; ++i)
    CHECK(SignIn(f, "user-" + std::to_string(i), "Wrong-Pass-2026").status == 401);
  Reply fourth = SignIn(f, "unit-a", f.account_a_password);
  CHECK(fourth.status == 429);
  CHECK_FALSE(fourth.Header("Retry-After").empty());
}

TEST_CASE("Session: a cookie write without the CSRF token or from another site is refused",
          "[api][session][csrf]") {
  ApiFixture f;
  Browser b = ReadyUnitA(f);
  const std::string check = json{{"name", "覃海涛"}, {"birth_date", "1986-03-07"}}.dump();
  Reply no_token = Send(f, b, "POST", "/api/v1/enrollment-check", check, false);
  CHECK(no_token.status == 403);
  CHECK(no_token.body.find("X-CSRF-Token") != std::string::npos);
  Browser forged = b;
  forged.csrf = std::string(64, 'a');
  CHECK(Send(f, forged, "POST", "/api/v1/enrollment-check", check).status == 403);
  const std::string host = "127.0.0.1:" + std::to_string(f.port());
  CHECK(Send(f, b, "POST", "/api/v1/enrollment-check", check, true,
             {{"Origin", "https://evil.example"}})
            .status == 403);
  CHECK(Send(f, b, "POST", "/api/v1/enrollment-check", check, true,
             {{"Referer", "http://evil.example/page.html"}})
            .status == 403);
  CHECK(Send(f, b, "POST", "/api/v1/enrollment-check", check, true, {{"Origin", "http://" + host}})
            .status == 200);
  // Reads need no CSRF token; a Bearer call is unchanged.
  CHECK(Send(f, b, "GET", "/api/v1/persons", "", false).status == 200);
  CHECK(f.Call(f.unit_a, "POST", "/api/v1/enrollment-check", check).status == 200);
}

TEST_CASE("Session: a password change ends the other sessions, sign-out ends this one",
          "[api][session]") {
  ApiFixture f;
  Browser one = ReadyUnitA(f, "Nanning-Kexie-2026");
  Browser two;
  REQUIRE(SignIn(f, "unit-a", "Nanning-Kexie-2026", &two).status == 200);
  Reply weak = Send(
      f, one, "POST", "/api/v1/session/password",
      json{{"current_password", "Nanning-Kexie-2026"}, {"new_password", "unit-a12345"}}.dump());
  CHECK(weak.status == 400);
  CHECK(weak.Json()["error"]["details"][0]["field"] == "new_password");
  REQUIRE(Send(f, one, "POST", "/api/v1/session/password",
               json{{"current_password", "Nanning-Kexie-2026"}, {"new_password", "Guilin-Shan-77!"}}
                   .dump())
              .status == 200);
  CHECK(Send(f, two, "GET", "/api/v1/me").status == 401);
  CHECK(Send(f, one, "GET", "/api/v1/me").status == 200);
  Reply out = Send(f, one, "DELETE", "/api/v1/session");
  CHECK(out.status == 200);
  CHECK(out.Header("Set-Cookie").find("Max-Age=0") != std::string::npos);
  CHECK(Send(f, one, "GET", "/api/v1/me").status == 401);
}

TEST_CASE("Accounts: staff and provinces manage, units cannot, the audit names the account",
          "[api][session][accounts]") {
  ApiFixture f;
  Browser unit = ReadyUnitA(f);
  // A unit account manages no accounts.
  CHECK(Send(f, unit, "GET", "/api/v1/accounts").status == 403);
  CHECK(Send(f, unit, "POST", "/api/v1/accounts",
             json{{"username", "sneaky"}, {"display_name", "某"}, {"role", "staff"}}.dump())
            .status == 403);
  // A province creates unit accounts of its province only, and sees only those.
  Reply made = f.Call(f.province, "POST", "/api/v1/accounts",
                      json{{"username", "gx-unit-2"},
                           {"display_name", "覃明"},
                           {"role", "unit"},
                           {"unit", f.unit_a_code}}
                          .dump());
  REQUIRE(made.status == 201);
  CHECK(made.Json()["initial_password"].get<std::string>().size() >= 10);
  CHECK(f.Call(f.province, "POST", "/api/v1/accounts",
               json{{"username", "bj-unit"},
                    {"display_name", "张明"},
                    {"role", "unit"},
                    {"unit", f.unit_b_code}}
                   .dump())
            .status == 404);
  CHECK(f.Call(f.province, "POST", "/api/v1/accounts",
               json{{"username", "gx-staff"}, {"display_name", "张明"}, {"role", "staff"}}.dump())
            .status == 403);
  std::set<std::string> seen;
  const json listed = f.Get(f.province, "/api/v1/accounts").Json();
  for (const json& a : listed["items"]) seen.insert(a["username"].get<std::string>());
  CHECK(seen == std::set<std::string>{"gx-unit-2", "unit-a"});
  CHECK(f.Call(f.province, "POST", "/api/v1/accounts/" + std::to_string(f.account_b) + "/disable")
            .status == 404);
  // What the unit does is audited under its account and display name.
  REQUIRE(Send(f, unit, "POST", "/api/v1/enrollment-check",
               json{{"name", "覃海涛"}, {"birth_date", "1986-03-07"}}.dump())
              .status == 200);
  f.service().CatchUpIndex();
  json audit = f.Get(f.staff, "/api/v1/audit?actor=account:unit-a&action=change_password").Json();
  REQUIRE(audit["total"] == 1);
  CHECK(audit["items"][0]["actor_name"] == "单位甲联系人");
  // Staff end every session of the account.
  Reply ended =
      f.Call(f.staff, "DELETE", "/api/v1/accounts/" + std::to_string(f.account_a) + "/sessions");
  CHECK(ended.status == 200);
  CHECK(ended.Json()["ended"] == 1);
  CHECK(Send(f, unit, "GET", "/api/v1/me").status == 401);
}

TEST_CASE("Tokens: a signed-in account makes one for its scope, the audit names both",
          "[api][session][tokens]") {
  ApiFixture f;
  Browser unit = ReadyUnitA(f);
  Reply made = Send(f, unit, "POST", "/api/v1/tokens",
                    json{{"label", "报送脚本"}, {"expires_in_days", 30}}.dump());
  REQUIRE(made.status == 201);
  const std::string token = made.Json()["token"];
  CHECK(made.Json()["unit"] == f.unit_a_code);
  CHECK(Send(f, unit, "POST", "/api/v1/tokens", json{{"label", "越权"}, {"role", "staff"}}.dump())
            .status == 403);
  // A token cannot make tokens.
  CHECK(f.Call(token, "POST", "/api/v1/tokens", json{{"label", "x"}}.dump()).status == 400);
  Reply me = f.Get(token, "/api/v1/me");
  CHECK(me.Json()["via"] == "token");
  CHECK(me.Json()["username"] == "unit-a");
  const std::string id = std::to_string(made.Json()["id"].get<int64_t>());
  json listed = Send(f, unit, "GET", "/api/v1/tokens").Json();
  REQUIRE(listed["total"] == 1);
  CHECK(listed["items"][0]["account"] == "unit-a");
  REQUIRE(f.Call(token, "POST", "/api/v1/enrollment-check",
                 json{{"name", "覃海涛"}, {"birth_date", "1986-03-07"}}.dump())
              .status == 200);
  // Checks are spooled: the entry arrives within a moment.
  json audit;
  for (int i = 0; i < 50; ++i) {
    audit = f.Get(f.staff, "/api/v1/audit?action=check&actor=token:" + id + "@unit-a").Json();
    if (audit["total"] == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(audit["total"] == 1);
  CHECK(audit["items"][0]["actor_name"] == "单位甲联系人");
  CHECK(Send(f, unit, "DELETE", "/api/v1/tokens/" + id).status == 200);
  CHECK(f.Get(token, "/api/v1/me").status == 401);
}

}  // namespace
}  // namespace tp::apitest
