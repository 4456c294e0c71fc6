// The request bodies /api/v1/openapi.json describes are the ones the server takes: every plan
// goal's documented range is the one the planner checks, the rule set's keys are the loader's at
// every level, and a key a schema does not list is refused where it says additionalProperties
// false.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "api/api_test_support.h"
#include "registry/base/paths.h"
#include "registry/cohorts/cohorts.h"
#include "registry/rounds/rules.h"

namespace tp::apitest {
namespace {

using nlohmann::json;

json Document(ApiFixture& f) { return f.Get("", "/api/v1/openapi.json").Json(); }

const json& Component(const json& doc, const std::string& name) {
  REQUIRE(doc["components"]["schemas"].contains(name));
  return doc["components"]["schemas"][name];
}

// A plan of the seeded event 2025-seminar with one goal set.
Reply PlanWith(ApiFixture& f, const std::string& goal, const json& value) {
  return f.Call(f.staff, "POST", "/api/v1/events/2025-seminar/plan",
                json{{"goals", {{goal, value}}}}.dump());
}

std::string FirstField(const Reply& r) {
  json j = r.Json();
  if (!j.contains("error") || !j["error"].contains("details") || j["error"]["details"].empty())
    return "";
  return j["error"]["details"][0].value("field", "");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The keys the loader lists as allowed when it meets `unknown` in the object at `pointer`.
std::set<std::string> LoaderKeysAt(json rule_set, const std::string& pointer) {
  rule_set[json::json_pointer(pointer)]["zz_unknown"] = 1;
  auto parsed = registry::RuleSet::Parse(rule_set.dump(), "probe.json");
  REQUIRE_FALSE(parsed.ok());
  const std::string message = parsed.status().message();
  const std::string open = "未知的键（可用：";
  const size_t at = message.find(open);
  INFO(message);
  REQUIRE(at != std::string::npos);
  const size_t from = at + open.size();
  const std::string list = message.substr(from, message.find("）", from) - from);
  std::set<std::string> keys;
  size_t start = 0;
  const std::string sep = "、";
  while (true) {
    const size_t next = list.find(sep, start);
    keys.insert(list.substr(start, next == std::string::npos ? std::string::npos : next - start));
    if (next == std::string::npos) break;
    start = next + sep.size();
  }
  return keys;
}

std::set<std::string> SchemaKeys(const json& schema) {
  std::set<std::string> keys;
  for (auto& [key, value] : schema["properties"].items()) keys.insert(key);
  return keys;
}

}  // namespace

TEST_CASE("OpenAPI: every plan goal's documented type and range is the one the planner checks",
          "[api][openapi][cohorts]") {
  ApiFixture f;
  json doc = Document(f);
  const json& goals = Component(doc, "PlanGoals");
  CHECK(goals["additionalProperties"] == false);
  REQUIRE(goals["properties"].size() == 14);
  REQUIRE(PlanWith(f, "women_target", 0).status == 200);
  for (auto& [key, schema] : goals["properties"].items()) {
    INFO("goal " + key);
    const bool integer = schema["type"] == "integer";
    REQUIRE(schema.contains("minimum"));
    REQUIRE(schema.contains("default"));
    CHECK(PlanWith(f, key, schema["default"]).status == 200);
    const double min = schema["minimum"].get<double>();
    const bool exclusive = schema.value("exclusiveMinimum", false);
    // The least accepted value, and the one just below it.
    const json least = exclusive ? json(min + 0.01)
                       : integer ? json(static_cast<int>(min))
                                 : json(min);
    CHECK(PlanWith(f, key, least).status == 200);
    const json below = exclusive ? json(min)
                       : integer ? json(static_cast<int>(min) - 1)
                                 : json(min - 0.5);
    Reply refused = PlanWith(f, key, below);
    CHECK(refused.status == 400);
    if (schema.contains("maximum")) {
      const double max = schema["maximum"].get<double>();
      CHECK(PlanWith(f, key, max).status == 200);
      CHECK(PlanWith(f, key, max + 0.5).status == 400);
    } else {
      // A target is a count of the event's seats: far beyond them it is refused.
      CHECK(PlanWith(f, key, 100000).status == 400);
    }
    if (integer) {
      Reply fraction = PlanWith(f, key, 1.5);
      CHECK(fraction.status == 400);
      CHECK(FirstField(fraction) == "goals." + key);
    }
    CHECK(PlanWith(f, key, "1").status == 400);
  }
  Reply unknown = PlanWith(f, "minorities", 3);
  CHECK(unknown.status == 400);
  CHECK(FirstField(unknown) == "goals.minorities");
}

TEST_CASE("OpenAPI: the rule set schema lists the keys the loader allows at every level",
          "[api][openapi][rounds]") {
  ApiFixture f;
  json doc = Document(f);
  const std::string path = registry::DataDir() + "/rules/pool-national-2025.json";
  json rule_set = json::parse(ReadFile(path));
  REQUIRE(registry::RuleSet::Parse(rule_set.dump(), "pool-national-2025.json").ok());
  // Every part the loader reads, present in this rule set.
  REQUIRE(rule_set.contains("opinion"));
  REQUIRE(rule_set["quotas"][0].contains("minimums"));
  REQUIRE_FALSE(rule_set["eligibility"].empty());
  if (!rule_set.contains("groups")) rule_set["groups"] = {{"values", {"一组"}}};
  rule_set["quotas"][0]["unit_seats"] = {{{"unit", "某学会"}, {"max", 9}}};
  REQUIRE(registry::RuleSet::Parse(rule_set.dump(), "pool-national-2025.json").ok());
  const std::string category = rule_set["categories"].begin().key();
  rule_set["categories"]["zz_retired"] = {
      {"label", "已过法定退休年龄"},
      {"past_retirement_age",
       {{"男", {{"base_age", 60}, {"from_birth", "1965-01"}, {"every_months", 4}}}}}};
  if (!rule_set.contains("checks"))
    rule_set["checks"] = {
        {{"code", "probe"}, {"name", "探针"}, {"when", category}, {"message", "m"}}};
  REQUIRE(registry::RuleSet::Parse(rule_set.dump(), "probe.json").ok());
  const struct {
    const char* pointer;
    const char* schema;
  } levels[] = {{"", "RuleSetBody"},
                {"/opinion", nullptr},
                {"/groups", nullptr},
                {"/eligibility/0", "RuleEligibility"},
                {"/quotas/0", "RuleQuota"},
                {"/quotas/0/minimums/0", "RuleMinimum"},
                {"/quotas/0/unit_seats/0", "RuleUnitSeats"},
                {"/categories/society_leader/society_post", "RuleSocietyPost"},
                {"/checks/0", "RuleCheck"},
                {"/categories/zz_retired/past_retirement_age/男", "RuleRetirement"}};
  for (const auto& level : levels) {
    INFO(std::string("rule set at ") + (*level.pointer ? level.pointer : "/"));
    const json& schema = level.schema != nullptr
                             ? Component(doc, level.schema)
                             : Component(doc, "RuleSetBody")["properties"][level.pointer + 1];
    CHECK(schema["additionalProperties"] == false);
    CHECK(SchemaKeys(schema) == LoaderKeysAt(rule_set, level.pointer));
  }
  INFO("a category");
  const json& cat = Component(doc, "RuleCategory");
  CHECK(cat["additionalProperties"] == false);
  CHECK(SchemaKeys(cat) == LoaderKeysAt(rule_set, "/categories/" + category));
  // The fields a rule may read are the loader's own.
  std::set<std::string> fields;
  for (const json& name : Component(doc, "RuleFieldName")["enum"]) fields.insert(name);
  std::set<std::string> loader(registry::RuleFieldNames().begin(),
                               registry::RuleFieldNames().end());
  CHECK(fields == loader);
  CHECK(fields.count("民族") == 1);
}

TEST_CASE("OpenAPI: the enrolment states and actions listed are those the registry knows",
          "[api][openapi][cohorts]") {
  ApiFixture f;
  json doc = Document(f);
  std::set<std::string> states;
  for (const json& s : Component(doc, "EnrolmentState")["enum"]) {
    INFO(s.dump());
    auto parsed = registry::ParseState(s.get<std::string>());
    REQUIRE(parsed.has_value());
    CHECK(registry::StateName(*parsed) == s.get<std::string>());
    states.insert(s.get<std::string>());
  }
  CHECK(states.size() == 7);
  bool move = false;
  for (const json& a : Component(doc, "EnrolmentAction")["properties"]["action"]["enum"]) {
    INFO(a.dump());
    // A waiting-list move is the route's own action (Cohorts::MoveOnWaitlist), not a state change.
    if (a == "move") {
      move = true;
      continue;
    }
    auto parsed = registry::ParseAction(a.get<std::string>());
    REQUIRE(parsed.has_value());
    CHECK(registry::ActionName(*parsed) == a.get<std::string>());
  }
  CHECK(move);
  CHECK_FALSE(registry::ParseAction("accept").has_value());
}

TEST_CASE("OpenAPI: every query parameter's listed values are taken by its route, others refused",
          "[api][openapi]") {
  ApiFixture f;
  json doc = Document(f);
  // What a route needs besides the parameter tried, for a call that succeeds.
  const std::map<std::string, std::string> needs = {
      {"exportAdmissions", "year=2024"},
      {"getRoundSummaryPdf", "unit=" + f.unit_a_code},
      {"getRoundSummaryDocx", "unit=" + f.unit_a_code}};
  std::set<std::string> tried;
  for (auto& [path, ops] : doc["paths"].items()) {
    for (auto& [method, op] : ops.items()) {
      if (method != "get" || !op.contains("parameters")) continue;
      const std::string id = op["operationId"];
      const std::string base = needs.count(id) ? needs.at(id) : "";
      for (const json& p : op["parameters"]) {
        const json& schema = p["schema"];
        const bool list = schema.value("type", "") == "array";
        const json& values = list ? schema["items"]["enum"] : schema.value("enum", json());
        if (p["in"] != "query" || values.is_null()) continue;
        const std::string name = p["name"];
        INFO(id + " ?" + name);
        if (list) {
          CHECK(p["style"] == "form");
          CHECK(p["explode"] == false);
        }
        // The route's pattern as a variable of its own: a lambda may not capture a structured
        // binding under clang 14.
        const std::string pattern = path;
        auto call = [&](const std::string& value) {
          std::string query = name + "=" + UrlEncode(value);
          if (!base.empty()) query = base + "&" + query;
          return CallRoute(f, "GET", pattern, "staff", false, query);
        };
        std::string all;
        for (const json& v : values) {
          INFO("value " + v.dump());
          Reply r = call(v.get<std::string>());
          INFO(r.body.substr(0, 300));
          CHECK(r.status == 200);
          all += (all.empty() ? "" : ",") + v.get<std::string>();
        }
        if (list) CHECK(call(all).status == 200);
        Reply unknown = call("zz-unknown");
        INFO(unknown.body.substr(0, 300));
        CHECK(unknown.status == 400);
        tried.insert(id + "?" + name);
      }
    }
  }
  // The parameters whose values the routes check are all listed.
  for (const char* expected :
       {"searchPersons?sort", "searchPersons?age_band", "searchPersons?trained",
        "exportSearch?sort", "listPersons?sort", "exportPersons?reveal", "getPerson?reveal",
        "getPersonFormPdf?reveal", "exportStats?chart", "exportRoster?sheet", "exportRoster?states",
        "exportRoster?reveal", "exportAdmissions?reveal"}) {
    INFO(expected);
    CHECK(tried.count(expected) == 1);
  }
  // Where the registry holds the list, the document's is that list.
  const json& states = doc["paths"]["/api/v1/events/{code}/roster.xlsx"]["get"]["parameters"];
  for (const json& p : states) {
    if (p["name"] != "states") continue;
    std::set<std::string> listed(p["schema"]["items"]["enum"].begin(),
                                 p["schema"]["items"]["enum"].end());
    std::set<std::string> known;
    for (const json& s : Component(doc, "EnrolmentState")["enum"]) known.insert(s);
    CHECK(listed == known);
  }
}

TEST_CASE("OpenAPI: every request example is accepted as it stands, and an unknown key refused",
          "[api][openapi]") {
  // The rounds' clock stands within the window of the round the round example creates (10 March
  // 2027, noon in Beijing), so the unit's examples are sent while it is open.
  FixtureOptions options;
  options.api.rounds_clock = [] { return int64_t{1804651200}; };
  ApiFixture f(options);
  json doc = Document(f);
  // The request examples, by operationId: the path, the method and the example body.
  struct Example {
    std::string method, path;
    json body;
    bool closed = false;  // additionalProperties false
    json responses;
  };
  std::map<std::string, Example> examples;
  for (auto& [path, ops] : doc["paths"].items()) {
    for (auto& [method, op] : ops.items()) {
      if (!op.contains("requestBody")) continue;
      const json& content = op["requestBody"]["content"];
      if (!content.contains("application/json")) continue;
      const std::string ref = content["application/json"]["schema"].value("$ref", "");
      const json& schema = Component(doc, ref.substr(ref.rfind('/') + 1));
      if (!schema.contains("example")) continue;
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      examples[op["operationId"].get<std::string>()] = {
          upper, path, schema["example"], schema.value("additionalProperties", true) == false,
          op["responses"]};
    }
  }
  // The people the examples name: two more 领军人才 admitted in 2024, after the fixture's four.
  {
    auto batch = f.store().BeginWrite();
    REQUIRE(batch.ok());
    for (const char* name : {"林良", "周文博"}) {
      registry::Person p = f.Person("a1");
      p.public_id.clear();
      p.rowid = 0;
      p.name = name;
      p.id_number = MakeIdNumber("230102", "19760404", name == std::string("林良") ? "031" : "053");
      p.phone.clear();
      REQUIRE((*batch)->UpsertPerson(&p).ok());
    }
    REQUIRE((*batch)->Commit().ok());
  }
  REQUIRE(f.store().GetPerson("P0000005").ok());
  REQUIRE(f.store().GetPerson("P0000006").ok());
  // The account the sign-in example names, its initial password changed to the example's.
  const json sign_in = examples.count("signIn") ? examples["signIn"].body : json::object();
  REQUIRE(sign_in.contains("username"));
  Reply made = f.Call(
      f.staff, "POST", "/api/v1/accounts",
      json{{"username", sign_in["username"]}, {"display_name", "王芳"}, {"role", "staff"}}.dump());
  REQUIRE(made.status == 201);
  Reply first =
      f.Call("", "POST", "/api/v1/session",
             json{{"username", sign_in["username"]}, {"password", made.Json()["initial_password"]}}
                 .dump());
  REQUIRE(first.status == 200);
  const std::string set_cookie = first.Header("Set-Cookie");
  Reply changed = f.Call("", "POST", "/api/v1/session/password",
                         json{{"current_password", made.Json()["initial_password"]},
                              {"new_password", sign_in["password"]}}
                             .dump(),
                         {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))},
                          {"X-CSRF-Token", first.Json()["csrf_token"].get<std::string>()}});
  REQUIRE(changed.status == 200);

  // In an order that makes each example's objects before the next needs them: the event the
  // event example creates is the one the plan, enrolment, roster, capacity and availability
  // examples are sent to; the round the round example creates takes the unit's recommendation,
  // its update and its list's submission (the opinion keyed by the recommendation's number),
  // and staff then admit it.
  const std::string event =
      examples.count("createEvent") ? examples["createEvent"].body.value("code", "") : "";
  const std::string round =
      examples.count("createRound") ? examples["createRound"].body.value("code", "") : "";
  const std::set<std::string> by_unit = {"addRecommendation", "updateRecommendation",
                                         "submitRecommendations"};
  std::string recommendation;  // the number of the recommendation the example adds
  std::set<std::string> sent;
  for (const char* id : {"createEvent", "planEvent", "changeEnrolment", "applyRoster",
                         "updateEvent", "setAvailability", "signIn", "updatePerson",
                         "checkEnrollment", "createRound", "addRecommendation",
                         "updateRecommendation", "submitRecommendations", "decideRecommendation"}) {
    INFO(std::string("the request example of ") + id);
    REQUIRE(examples.count(id) == 1);
    const Example& e = examples[id];
    std::string target = e.path;
    const bool of_round = target.rfind("/api/v1/rounds/", 0) == 0;
    if (size_t at = target.find("{code}"); at != std::string::npos)
      target.replace(at, 6, of_round ? round : event);
    // A person in a path is the one the examples invite; a recommendation the one added.
    const bool of_recommendation = target.rfind("/api/v1/recommendations/", 0) == 0;
    if (size_t at = target.find("{id}"); at != std::string::npos)
      target.replace(at, 4, of_recommendation ? recommendation : "P0000005");
    const std::string token = id == std::string("signIn") ? ""
                              : by_unit.count(id)         ? f.unit_a
                                                          : f.staff;
    std::vector<std::pair<std::string, std::string>> headers;
    if (id == std::string("updatePerson")) {
      headers.emplace_back("If-Match", f.Get(f.staff, target).Header("ETag"));
    }
    if (e.closed) {
      json more = e.body;
      more["zz_unknown"] = 1;
      Reply refused = f.Call(token, e.method, target, more.dump(), headers);
      CHECK(refused.status == 400);
      CHECK(FirstField(refused) == "zz_unknown");
    }
    Reply r = f.Call(token, e.method, target, e.body.dump(), headers);
    INFO(r.body.substr(0, 300));
    CHECK(r.status >= 200);
    CHECK(r.status < 300);
    // The success is the one the document declares (201 for what the call creates).
    CHECK(e.responses.contains(std::to_string(r.status)));
    if (id == std::string("addRecommendation")) {
      recommendation = std::to_string(r.Json()["item"]["id"].get<int64_t>());
      // The submission example's opinion is keyed by this number.
      REQUIRE(examples["submitRecommendations"].body["opinions"].contains(recommendation));
    }
    if (id == std::string("decideRecommendation")) CHECK(r.Json()["state"] == "admitted");
    sent.insert(id);
  }
  // An example added to the document is sent here too.
  std::set<std::string> documented;
  for (const auto& [id, e] : examples) documented.insert(id);
  CHECK(documented == sent);
}

}  // namespace tp::apitest
