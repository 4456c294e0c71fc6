// What a client generator needs from /api/v1/openapi.json beyond the shapes of the answers: a
// name for every call, a server to join the paths to.
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <set>

#include "api/api_test_support.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

}  // namespace

TEST_CASE("OpenAPI: every route has an operationId of its own, without slashes", "[api][openapi]") {
  ApiFixture f;
  const std::regex camel("[a-z][A-Za-z0-9]*");
  std::map<std::string, std::string> owner;  // operation id -> the route that has it
  for (const api::RouteSpec& route : f.service().Routes()) {
    const std::string name = route.method + " " + route.pattern;
    INFO(name);
    CHECK_FALSE(route.operation_id.empty());
    CHECK(std::regex_match(route.operation_id, camel));
    auto [it, fresh] = owner.emplace(route.operation_id, name);
    INFO("also the operationId of " + it->second);
    CHECK(fresh);
  }
  // The document names each call by that id.
  json doc = f.Get("", "/api/v1/openapi.json").Json();
  std::set<std::string> documented;
  for (auto& [path, ops] : doc["paths"].items())
    for (auto& [method, op] : ops.items()) documented.insert(op.value("operationId", ""));
  std::set<std::string> declared;
  for (const auto& [id, route] : owner) declared.insert(id);
  CHECK(documented == declared);
  CHECK(documented.count("listAudit") == 1);
  CHECK(documented.count("createEvent") == 1);
  CHECK(documented.count("getPerson") == 1);
}

TEST_CASE("OpenAPI: the server entry joins the written paths to the site's root",
          "[api][openapi]") {
  ApiFixture f;
  json doc = f.Get("", "/api/v1/openapi.json").Json();
  REQUIRE(doc["servers"].is_array());
  REQUIRE(doc["servers"].size() == 1);
  const std::string base = doc["servers"][0]["url"].get<std::string>();
  // A path as written, after the server's URL, is the address the server answers.
  std::string joined = base.back() == '/' ? base.substr(0, base.size() - 1) : base;
  joined += "/api/v1/healthz";
  CHECK(f.Get("", joined).status == 200);
  CHECK(doc["paths"].contains("/api/v1/healthz"));
}

}  // namespace tp::apitest
