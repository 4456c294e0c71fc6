// /api/v1/openapi.json is kept true: it lists exactly the server's routes,
// and every documented route, called as a role it names, answers 200 with a
// body that has the documented shape.
#include <catch2/catch.hpp>

#include <set>

#include "api/api_test_support.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

const json& Resolve(const json& doc, const json& schema) {
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"].get<std::string>();
    REQUIRE(ref.rfind("#/components/schemas/", 0) == 0);
    std::string name = ref.substr(std::string("#/components/schemas/").size());
    REQUIRE(doc["components"]["schemas"].contains(name));
    return doc["components"]["schemas"][name];
  }
  if (schema.contains("allOf")) return Resolve(doc, schema["allOf"][0]);
  return schema;
}

bool TypeMatches(const json& value, const std::string& type) {
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  return false;
}

// Checks `value` against `schema`: types, required properties, and the
// properties and items below, as deep as the document describes them.
void CheckShape(const json& doc, const json& raw_schema, const json& value,
                const std::string& where, std::vector<std::string>* problems) {
  const json& schema = Resolve(doc, raw_schema);
  const bool nullable = schema.value("nullable", false) || raw_schema.value("nullable", false);
  if (value.is_null()) {
    if (!nullable && schema.contains("type"))
      problems->push_back(where + ": null but not nullable");
    return;
  }
  if (schema.contains("type") && !TypeMatches(value, schema["type"].get<std::string>())) {
    problems->push_back(where + ": not " + schema["type"].get<std::string>());
    return;
  }
  if (value.is_object()) {
    if (schema.contains("required")) {
      for (const json& key : schema["required"])
        if (!value.contains(key.get<std::string>()))
          problems->push_back(where + ": lacks " + key.get<std::string>());
    }
    if (schema.contains("properties")) {
      for (auto it = schema["properties"].begin(); it != schema["properties"].end(); ++it)
        if (value.contains(it.key()))
          CheckShape(doc, it.value(), value[it.key()], where + "." + it.key(), problems);
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size() && i < 3; ++i)
      CheckShape(doc, schema["items"], value[i], where + "[" + std::to_string(i) + "]", problems);
  }
}

}  // namespace

TEST_CASE("OpenAPI: the document is OpenAPI 3 and lists exactly the server's routes",
          "[api][openapi]") {
  ApiFixture f;
  Reply r = f.Get(f.unit_a, "/api/v1/openapi.json");
  REQUIRE(r.status == 200);
  json doc = r.Json();
  REQUIRE(doc.is_object());
  CHECK(doc["openapi"].get<std::string>().rfind("3.", 0) == 0);
  std::set<std::string> documented;
  for (auto path = doc["paths"].begin(); path != doc["paths"].end(); ++path) {
    for (auto op = path.value().begin(); op != path.value().end(); ++op) {
      std::string method = op.key();
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(method + " " + path.key());
      CHECK(op.value().contains("responses"));
      // One success answer: 200, or 201 for a route that creates something.
      CHECK((op.value()["responses"].contains("200") || op.value()["responses"].contains("201")));
    }
  }
  std::set<std::string> served;
  for (const api::RouteSpec& route : f.service().Routes())
    served.insert(route.method + " " + route.pattern);
  CHECK(documented == served);
  CHECK(served.count("GET /api/v1/search") == 1);
  CHECK(served.count("POST /api/v1/enrollment-check") == 1);
  // It describes no data: served without a token, as the README fetches it.
  Reply open = f.Get("", "/api/v1/openapi.json");
  CHECK(open.status == 200);
  CHECK(open.Json()["openapi"] == "3.0.3");
}

TEST_CASE("OpenAPI: every documented route answers 200 in the documented shape", "[api][openapi]") {
  ApiFixture f;
  json doc = f.Get(f.staff, "/api/v1/openapi.json").Json();
  REQUIRE(doc.is_object());
  int called = 0;
  std::vector<std::string> problems;
  for (auto path = doc["paths"].begin(); path != doc["paths"].end(); ++path) {
    for (auto op = path.value().begin(); op != path.value().end(); ++op) {
      std::string method = op.key();
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      // Each role the document names for the route, or no token at all.
      std::vector<std::string> callers;
      if (op.value().contains("x-roles")) {
        for (const json& role : op.value()["x-roles"]) {
          std::string name = role.get<std::string>();
          callers.push_back(name == "unit" ? "unit_a" : name);
        }
      } else {
        callers.push_back("");
      }
      REQUIRE_FALSE(callers.empty());
      for (const std::string& who : callers) {
        Reply r = CallRoute(f, method, path.key(), who, false);
        ++called;
        std::string where = method + " " + path.key() + " as " + (who.empty() ? "(no token)" : who);
        // This module's routes must answer 200; the cohort and round groups,
        // called with placeholder bodies, must answer a status they document.
        const json& responses = op.value()["responses"];
        std::string status = std::to_string(r.status);
        if (IsCoreRoute(method, path.key()) ? r.status != 200 : !responses.contains(status)) {
          problems.push_back(where + ": status " + status + " " + r.body.substr(0, 200));
          continue;
        }
        if (responses[status].contains("content") &&
            !responses[status]["content"].contains("application/json")) {
          const std::string type = responses[status]["content"].begin().key();
          if (r.Header("Content-Type").rfind(type, 0) != 0)
            problems.push_back(where + ": documented as " + type + ", answered " +
                               r.Header("Content-Type"));
          continue;
        }
        if (!responses[status].contains("content")) continue;
        if (r.Header("Content-Type").rfind("application/json", 0) != 0) {
          problems.push_back(where + ": documented as JSON, answered " + r.Header("Content-Type"));
          continue;
        }
        CheckShape(doc, responses[status]["content"]["application/json"]["schema"], r.Json(), where,
                   &problems);
      }
    }
  }
  for (const std::string& p : problems) UNSCOPED_INFO(p);
  CHECK(problems.empty());
  CHECK(called >= static_cast<int>(f.service().Routes().size()));
  REQUIRE(f.Leaks() == 0);
}

TEST_CASE("OpenAPI: error answers have the documented error shape", "[api][openapi][errors]") {
  ApiFixture f;
  json doc = f.Get(f.staff, "/api/v1/openapi.json").Json();
  const json& error_schema = doc["components"]["schemas"]["Error"];
  std::vector<std::string> problems;
  CheckShape(doc, error_schema, f.Get("", "/api/v1/persons").Json(), "401", &problems);
  CheckShape(doc, error_schema, f.Get(f.unit_a, "/api/v1/audit").Json(), "403", &problems);
  CheckShape(doc, error_schema,
             f.Get(f.unit_a, "/api/v1/persons/" + f.Person("b1").public_id).Json(), "404",
             &problems);
  CheckShape(doc, error_schema, f.Get(f.staff, "/api/v1/persons?size=0").Json(), "400", &problems);
  CHECK(problems.empty());
  for (const std::string& p : problems) UNSCOPED_INFO(p);
}

}  // namespace tp::apitest
