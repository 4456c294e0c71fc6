// The API's request handling, past authentication: every route of the service (its own, the
// cohorts' and the rounds') called in-process with a caller of a chosen role, path and query
// parameters and a JSON body from the input, against one registry of 40 demo people and its
// index. This reaches the handlers' JSON readers (recommendations, rounds, rule sets, events,
// plans, enrolments, merges, enrolment checks, person updates) and the search parameters.
//
// Input, as text: line 1 "METHOD /api/v1/pattern/{name}" (a line that names no route picks one
// by its hash), line 2 the role (staff, province or unit), line 3 "name=value&…" (names in the
// pattern fill it, the rest are the query string), then the body. Rounds are timed by a clock
// fixed inside the 2025 national round, so adding people can succeed.
//
// Checks: no answer is a 500 or outside 100-599; a JSON answer parses, and an error has a code
// and a message; a province or unit caller never sees one of the registry's ID numbers whole
// unless it sent it. SearchRequestFromParams over line 3: a request it accepts with a page and
// size in range searches without error.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_service.h"
#include "api/auth.h"
#include "api/rounds_routes.h"
#include "fuzz_support.h"
#include "indexer/search_json.h"
#include "registry/rounds/rounds.h"

namespace {

using namespace tp;

struct Service {
  std::unique_ptr<api::ApiService> service;
  std::vector<api::RouteSpec> rounds_routes;  // the rounds' routes, on the fixed clock
  std::vector<const api::RouteSpec*> routes;
  std::map<std::string, const api::RouteSpec*> by_line;  // "POST /api/v1/rounds"
  std::map<std::string, api::Caller> callers;
};

[[noreturn]] void SetupFailed(std::string_view what, const Status& status) {
  fuzz::Fail(what, status.message());
}

api::Caller CallerOf(registry::Store& store, std::string_view role, std::string_view unit,
                     std::string_view province) {
  auto token = store.CreateToken(role, unit, province, "fuzz");
  if (!token.ok()) SetupFailed("token", token.status());
  auto info = store.FindToken(*token);
  if (!info.ok()) SetupFailed("token", info.status());
  auto caller = api::CallerFromToken(*info);
  if (!caller.ok()) SetupFailed("caller", caller.status());
  return *caller;
}

Service& Shared() {
  static std::unique_ptr<Service> shared = [] {
    auto s = std::make_unique<Service>();
    fuzz::SharedRegistry& registry = fuzz::Registry();
    api::ApiOptions options;
    options.per_token = options.check_per_token = options.check_per_staff_token =
        options.per_address_unauthenticated = {
            0, 1};  // unlimited: the fuzzer calls thousands of times
    options.index_follow_interval = std::chrono::milliseconds(0);
    auto service = api::ApiService::Create(*registry.store, registry.index.get(), options);
    if (!service.ok()) SetupFailed("service", service.status());
    s->service = std::move(*service);

    api::RoundsRouteOptions rounds;
    auto opened = registry::ParseBeijingTime("2025-08-01 10:00");
    if (!opened.ok()) SetupFailed("clock", opened.status());
    const int64_t now = *opened;
    rounds.clock = [now] { return now; };
    api::ApiService* raw = s->service.get();
    rounds.after_write = [raw] { (void)raw->CatchUpIndex(); };
    Status added =
        api::AddRoundsRoutes(*registry.store, fuzz::Reference(), rounds, &s->rounds_routes);
    if (!added.ok()) SetupFailed("rounds routes", added);

    for (const api::RouteSpec& r : s->rounds_routes) s->by_line[r.method + " " + r.pattern] = &r;
    for (const api::RouteSpec& r : s->service->Routes()) {
      if (r.body_content_type != "application/json") continue;  // uploads: csv_fuzz, xlsx_fuzz
      s->by_line.emplace(r.method + " " + r.pattern, &r);       // keeps the fixed-clock rounds
    }
    for (const auto& [line, route] : s->by_line) s->routes.push_back(route);

    auto units = registry.store->ListUnits();
    if (!units.ok() || units->empty())
      SetupFailed("units", units.ok() ? InvalidArgument("none") : units.status());
    std::string province = units->front().province.empty() ? "45" : units->front().province;
    s->callers.emplace("staff", CallerOf(*registry.store, "staff", "", ""));
    s->callers.emplace("province", CallerOf(*registry.store, "province", "", province));
    s->callers.emplace("unit", CallerOf(*registry.store, "unit", units->front().code, ""));
    return s;
  }();
  return *shared;
}

std::string_view NextLine(std::string_view& rest) {
  std::size_t end = rest.find('\n');
  std::string_view line = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return line;
}

// The {name} segments of a route pattern.
std::vector<std::string> PatternNames(const std::string& pattern) {
  std::vector<std::string> names;
  for (std::size_t open = pattern.find('{'); open != std::string::npos;
       open = pattern.find('{', open + 1)) {
    std::size_t close = pattern.find('}', open);
    if (close == std::string::npos) break;
    names.push_back(pattern.substr(open + 1, close - open - 1));
  }
  return names;
}

void CheckSearchParams(const api::NameValues& params) {
  auto request = indexer::SearchRequestFromParams(params);
  if (!request.ok()) {
    TP_FUZZ_CHECK(request.status().code() == StatusCode::kInvalidArgument,
                  request.status().message());
    return;
  }
  for (const auto& [name, value] : request->filters) {
    TP_FUZZ_CHECK(indexer::IsFilterName(name) && !value.empty(), name);
  }
  if (request->page < 1 || request->page > 20 || request->size < 1 || request->size > 100) return;
  request->today = 20250601;
  auto result = fuzz::Registry().index->Search(*request);
  if (!result.ok()) {
    // Only a filter value the index cannot read (an unknown age band) may be refused.
    TP_FUZZ_CHECK(result.status().code() == StatusCode::kInvalidArgument,
                  result.status().message());
    return;
  }
  TP_FUZZ_CHECK(result->hits.size() <= static_cast<std::size_t>(request->size), request->query);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Service& s = Shared();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string line(NextLine(rest));
  const std::string role(NextLine(rest));
  const std::string_view param_line = NextLine(rest);

  const api::RouteSpec* route = nullptr;
  if (auto found = s.by_line.find(line); found != s.by_line.end()) {
    route = found->second;
  } else {
    route = s.routes[std::hash<std::string>()(line) % s.routes.size()];
  }
  auto caller_it = s.callers.find(role);
  const api::Caller* caller =
      caller_it != s.callers.end() ? &caller_it->second : &s.callers.at("staff");
  if (!api::Allows(route->roles, caller->role)) caller = &s.callers.at("staff");

  api::HttpRequest request;
  request.method = route->method;
  request.remote_addr = "127.0.0.1";
  request.request_id = "fuzz";
  request.headers.emplace_back("content-type", "application/json");
  const std::vector<std::string> names = PatternNames(route->pattern);
  api::NameValues all_params;
  std::string_view params = param_line;
  while (!params.empty()) {
    std::size_t amp = params.find('&');
    std::string_view pair = params.substr(0, amp);
    params = amp == std::string_view::npos ? std::string_view() : params.substr(amp + 1);
    std::size_t eq = pair.find('=');
    std::string name(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    all_params.emplace_back(name, value);
    if (name == "if-match") {
      request.headers.emplace_back("if-match", value);
    } else if (std::find(names.begin(), names.end(), name) != names.end()) {
      request.path_params.emplace_back(name, value);
    } else {
      request.query.emplace_back(name, value);
    }
  }
  for (const std::string& name : names) {
    if (request.PathParam(name).empty()) request.path_params.emplace_back(name, "x");
  }
  request.path = route->pattern;
  if (route->max_body_bytes > 0) request.body = std::string(rest.substr(0, route->max_body_bytes));

  CheckSearchParams(all_params);

  api::HttpResponse response;
  response.actor = caller->Actor();
  api::ApiCall call{request, caller, request.remote_addr};
  route->handler(call, response);

  const std::string context =
      line + " -> " + std::to_string(response.status) + " " + response.body.substr(0, 500);
  TP_FUZZ_CHECK(response.status >= 100 && response.status <= 599, context);
  TP_FUZZ_CHECK(response.status != 500, context);
  if (response.content_type.rfind("application/json", 0) == 0 && !response.body.empty()) {
    nlohmann::json answer = nlohmann::json::parse(response.body, nullptr, false);
    TP_FUZZ_CHECK(!answer.is_discarded(), context);
    if (response.status >= 400) {
      TP_FUZZ_CHECK(answer.is_object() && answer.contains("error"), context);
      const nlohmann::json& error = answer["error"];
      TP_FUZZ_CHECK(error.is_object() && error.contains("code") && error["code"].is_string(),
                    context);
      TP_FUZZ_CHECK(error.contains("message") && error["message"].is_string() &&
                        !error["message"].get<std::string>().empty(),
                    context);
    }
  }
  if (caller->role != api::Role::kStaff) {
    for (const std::string& id : fuzz::Registry().id_numbers) {
      if (std::string_view(reinterpret_cast<const char*>(data), size).find(id) !=
          std::string_view::npos)
        continue;
      TP_FUZZ_CHECK(response.body.find(id) == std::string::npos, context);
    }
  }
  return 0;
}
