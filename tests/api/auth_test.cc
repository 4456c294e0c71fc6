#include <catch2/catch.hpp>

#include "api/auth.h"

namespace tp::api {
namespace {

TEST_CASE("BearerToken: takes the token of a Bearer header and nothing else", "[api][auth]") {
  CHECK(BearerToken("Bearer tp_abc-DEF_123") == std::optional<std::string>("tp_abc-DEF_123"));
  CHECK(BearerToken("bearer   tp_abc  ") == std::optional<std::string>("tp_abc"));
  CHECK_FALSE(BearerToken("Basic dXNlcjpwYXNz"));
  CHECK_FALSE(BearerToken("Bearer "));
  CHECK_FALSE(BearerToken("Bearertp_abc"));
  CHECK_FALSE(BearerToken("Bearer tp_abc def"));
  CHECK_FALSE(BearerToken("Bearer tp_abc\r\nX-Evil: 1"));
  CHECK_FALSE(BearerToken("Bearer " + std::string(200, 'a')));
  CHECK_FALSE(BearerToken(""));
}

TEST_CASE("CallerFromToken: each role gets its scope, incomplete tokens are denied",
          "[api][auth][roles]") {
  registry::TokenInfo staff{1, "staff", "", 0, "", "ops", "", ""};
  auto s = CallerFromToken(staff);
  REQUIRE(s.ok());
  CHECK(s->role == Role::kStaff);
  CHECK(s->Scope().kind == registry::PersonScope::Kind::kAll);
  CHECK(s->Actor() == "token:1");
  CHECK(s->SeesSensitiveAttributes());

  registry::TokenInfo province{2, "province", "", 0, "45", "", "", ""};
  auto p = CallerFromToken(province);
  REQUIRE(p.ok());
  CHECK(p->Scope().kind == registry::PersonScope::Kind::kProvince);
  CHECK(p->Scope().province == "45");
  CHECK(p->SeesSensitiveAttributes());

  registry::TokenInfo unit{3, "unit", "U000007", 7, "", "", "", ""};
  auto u = CallerFromToken(unit);
  REQUIRE(u.ok());
  CHECK(u->Scope().kind == registry::PersonScope::Kind::kUnit);
  CHECK(u->Scope().unit_rowid == 7);
  CHECK_FALSE(u->SeesSensitiveAttributes());

  CHECK(CallerFromToken({4, "admin", "", 0, "", "", "", ""}).status().code() ==
        StatusCode::kPermissionDenied);
  CHECK(CallerFromToken({5, "unit", "", 0, "", "", "", ""}).status().code() ==
        StatusCode::kPermissionDenied);
  CHECK(CallerFromToken({6, "province", "", 0, "", "", "", ""}).status().code() ==
        StatusCode::kPermissionDenied);
}

TEST_CASE("Roles: route role sets allow exactly the roles they name", "[api][auth][roles]") {
  CHECK(Allows(kStaffOnly, Role::kStaff));
  CHECK_FALSE(Allows(kStaffOnly, Role::kProvince));
  CHECK_FALSE(Allows(kStaffOnly, Role::kUnit));
  CHECK(Allows(kStaffRoles, Role::kProvince));
  CHECK_FALSE(Allows(kStaffRoles, Role::kUnit));
  // An expert sees candidates only through the routes of their reviews.
  CHECK_FALSE(Allows(kAllRoles, Role::kExpert));
  CHECK(Allows(kExpertOnly, Role::kExpert));
  CHECK_FALSE(Allows(kExpertOnly, Role::kStaff));
  for (Role r : kEveryRole) {
    CHECK(Allows(kSignedIn, r));
    CHECK_FALSE(Allows(kNoRoles, r));
    CHECK(ParseRole(RoleName(r)) == r);
  }
  CHECK_FALSE(ParseRole("Staff"));
}

}  // namespace
}  // namespace tp::api

namespace tp::api {
namespace {

TEST_CASE("CookieValue and SameOrigin: the session cookie, and whether a page is this site's",
          "[api][auth]") {
  CHECK(CookieValue("a=1; tp_session=abc; b=2", "tp_session") == "abc");
  CHECK(CookieValue("tp_session=abc", "tp_session") == "abc");
  CHECK(CookieValue("xtp_session=abc", "tp_session").empty());
  CHECK(CookieValue("", "tp_session").empty());
  CHECK(SameOrigin("http://127.0.0.1:8080", "127.0.0.1:8080"));
  CHECK(SameOrigin("https://Kexie.example/cast/index.html?q=1", "kexie.example"));
  CHECK_FALSE(SameOrigin("https://kexie.example.evil.test", "kexie.example"));
  CHECK_FALSE(SameOrigin("http://127.0.0.1:8081", "127.0.0.1:8080"));
  CHECK_FALSE(SameOrigin("http://user@127.0.0.1:8080", "127.0.0.1:8080"));
  CHECK_FALSE(SameOrigin("null", "127.0.0.1:8080"));
  CHECK_FALSE(SameOrigin("http://127.0.0.1:8080", ""));
}

TEST_CASE("Caller: a session and an account's token are named by the account", "[api][auth]") {
  registry::Session session;
  session.account.id = 9;
  session.account.username = "wangfang";
  session.account.display_name = "王芳";
  session.account.role = "province";
  session.account.province = "45";
  auto c = CallerFromSession(session);
  REQUIRE(c.ok());
  CHECK(c->Actor() == "account:wangfang");
  CHECK(c->Who("10.0.0.1").actor_name == "王芳");
  CHECK(c->Scope().province == "45");
  registry::TokenInfo token{12, "staff", "", 0, "", "脚本", "", ""};
  token.account_id = 9;
  token.account_username = "wangfang";
  CHECK(CallerFromToken(token)->Actor() == "token:12@wangfang");
}

}  // namespace
}  // namespace tp::api
