// Every route of the table x every role (and no token) x an object of the
// caller's own scope and one of another unit or province. A "forbidden
// success" is a 2xx answer where the role may not call the route, where the
// object is out of the caller's scope, or whose body names a person out of
// scope. Their count is printed and must be 0; so must the count of refusals
// where the caller was entitled to an answer.
#include <catch2/catch.hpp>

#include <cstdio>
#include <set>

#include "api/api_test_support.h"

namespace tp::apitest {

TEST_CASE("Role matrix: no route answers any role beyond what it may see", "[api][roles][matrix]") {
  ApiFixture f;
  const std::vector<std::string> callers = {"", "staff", "province", "unit_a", "unit_b", "expert"};
  const std::vector<std::string> everyone = {"a1", "a2", "b1", "b2"};
  int calls = 0, forbidden_successes = 0, wrongful_refusals = 0;
  std::vector<std::string> report;

  for (const api::RouteSpec& route : f.service().Routes()) {
    for (const std::string& who : callers) {
      for (bool other : {false, true}) {
        Reply r = CallRoute(f, route.method, route.pattern, who, other);
        ++calls;
        const bool success = r.status >= 200 && r.status < 300;
        std::optional<api::Role> role =
            who.empty() ? std::nullopt : api::ParseRole(who.rfind("unit", 0) == 0 ? "unit" : who);
        const bool may_call = !route.needs_token || (role && api::Allows(route.roles, *role));
        // An object named in the path out of the caller's scope must look absent.
        const bool out_of_scope = other && who != "staff" && NamesScopedObject(route.pattern);

        std::string why;
        if (success && !may_call) why = "role may not call the route";
        if (success && may_call && out_of_scope) why = "object of another scope answered";
        if (success && who != "staff") {
          std::vector<std::string> visible = VisibleTo(who);
          for (const std::string& key : everyone) {
            if (std::find(visible.begin(), visible.end(), key) != visible.end()) continue;
            const registry::Person& p = f.Person(key);
            if (r.body.find(p.public_id) != std::string::npos ||
                r.body.find(p.name) != std::string::npos)
              why = "answer names " + key + ", out of scope";
          }
        }
        std::string label = route.method + " " + route.pattern + " as " +
                            (who.empty() ? "(no token)" : who) +
                            (other ? " on another's object" : " on its own object") + " -> " +
                            std::to_string(r.status);
        if (!why.empty()) {
          ++forbidden_successes;
          report.push_back("FORBIDDEN SUCCESS: " + label + " (" + why + ")");
        }
        // Entitled callers are let in: of this module's routes they get their
        // answer; the route groups' placeholder bodies may be refused as
        // invalid (400, 404, 409, 412, 422) but never as unauthorised.
        const bool refused =
            IsCoreRoute(route.method, route.pattern)
                ? !success
                : (r.status == 0 || r.status == 401 || r.status == 403 || r.status >= 500);
        if (may_call && !out_of_scope && refused) {
          ++wrongful_refusals;
          report.push_back("WRONGFUL REFUSAL: " + label + " " + r.body.substr(0, 200));
        }
        INFO(label);
        if (!may_call) CHECK((r.status == (who.empty() ? 401 : 403)));
        if (may_call && out_of_scope) CHECK_FALSE(success);
      }
    }
  }
  std::printf(
      "role matrix: %d calls (%zu routes x %zu callers x 2 objects), %d forbidden successes, "
      "%d wrongful refusals\n",
      calls, f.service().Routes().size(), callers.size(), forbidden_successes, wrongful_refusals);
  for (const std::string& line : report) std::printf("  %s\n", line.c_str());
  CHECK(calls == static_cast<int>(f.service().Routes().size() * callers.size() * 2));
  CHECK(forbidden_successes == 0);
  CHECK(wrongful_refusals == 0);
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("Role matrix: every protected route names a role, and a province writes only accounts",
          "[api][roles]") {
  ApiFixture f;
  for (const api::RouteSpec& route : f.service().Routes()) {
    INFO(route.method << " " << route.pattern);
    if (!route.needs_token) {
      // Public: health, signing in, and a nominee's own form (by the link's secret); /metrics
      // answers only the configured addresses (observe_api_test.cc).
      const bool health = route.method == "GET" &&
                          (route.pattern.find("healthz") != std::string::npos ||
                           route.pattern == "/api/v1/openapi.json" || route.pattern == "/metrics");
      const bool nominee = route.pattern.rfind("/api/v1/nominee/", 0) == 0;
      CHECK((health || nominee || (route.method == "POST" && route.pattern == "/api/v1/session")));
      continue;
    }
    CHECK(route.roles != api::kNoRoles);
    // This module's writes are staff's; the rounds group lets a unit write its own list. A
    // province writes only its own session and tokens and the accounts of its units.
    const bool writes = route.method != "GET" && route.pattern != "/api/v1/enrollment-check";
    const bool own_credentials = route.pattern.rfind("/api/v1/session", 0) == 0 ||
                                 route.pattern.rfind("/api/v1/tokens", 0) == 0;
    const bool accounts = route.pattern.rfind("/api/v1/accounts", 0) == 0;
    if (writes && IsCoreRoute(route.method, route.pattern)) CHECK(route.roles == api::kStaffOnly);
    if (writes && !own_credentials && !accounts)
      CHECK_FALSE(api::Allows(route.roles, api::Role::kProvince));
    if (accounts) CHECK_FALSE(api::Allows(route.roles, api::Role::kUnit));
  }
}

}  // namespace tp::apitest
