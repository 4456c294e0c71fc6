// The JSON API of CONTRACT.md under /api/v1/, as a table of routes. Each
// route declares which roles may call it (deny by default: a role not named
// gets 403, a missing or unknown token 401), its parameters and answers; the
// same table drives the server, the OpenAPI document at
// /api/v1/openapi.json and the tests that walk every route with every role.
//
// People sign in with an account (session_routes.cc, docs/accounts.md) and
// are then authenticated by a session cookie; a write through the cookie must
// carry the session's CSRF token and come from this site. Scripts keep
// calling with Bearer tokens, unchanged.
//
// Privacy rules applied here, for every route: a unit token sees only the
// people its unit recommended and a province token only its province's;
// an object out of scope is answered 404, as if it did not exist. ID numbers
// and phones are masked unless a staff token asks ?reveal=id_number (or
// phone) on one person, which the audit log records; 民族 and 政治面貌 go to
// staff and province tokens only. Reads of a person, reveals, changes,
// imports and every enrolment check are audited with the token, never with
// an ID number or phone. Calls are rate-limited per token (the enrolment
// check more strictly), and failed authentications per client address.
//
// Besides its own routes the table holds the route groups of training
// cohorts (cohorts_routes.h) and recommendation rounds (rounds_routes.h),
// which go through the same authentication, roles and limits.
//
// The service keeps the search index in step with the registry: after its
// own writes at once, and every `index_follow_interval` for writes of other
// processes (the command-line import). Thread-safe once installed.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/auth.h"
#include "api/http_server.h"
#include "api/rate_limiter.h"
#include "api/upload_gate.h"
#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::indexer {
class SearchIndex;
}

namespace tp::api {

struct ApiOptions {
  RateLimit per_token{50, 200};                  // every call of a token
  RateLimit check_per_token{2, 30};              // enrolment checks of a province or unit token
  RateLimit check_per_staff_token{20, 100};      // enrolment checks of a staff token
  RateLimit per_address_unauthenticated{2, 20};  // calls without a valid token or session
  // Sign-in failures of one client address, whatever the usernames: 20 at once, then one a
  // minute (each username also locks on its own after five, AccountOptions).
  RateLimit sign_in_failures_per_address{1.0 / 60, 20};
  // Accounts and sessions: timeouts, lockout, the cost of a password hash, the clock.
  registry::AccountOptions accounts = {};
  // The clock of rounds, reviews and the 公示 (Unix seconds); empty: the system's. Tests set it.
  std::function<int64_t()> rounds_clock = {};
  std::size_t max_json_body_bytes = 64 * 1024;
  std::size_t max_import_bytes = 32 * 1024 * 1024;
  // Uploads read at once (POST /api/v1/imports and the 汇总表 upload), in all and per token:
  // past them 503 or 429 with Retry-After. Each holds its file and what the file inflates to
  // (registry's XlsxLimits), tens of MB, so these bound the memory uploads can take.
  int max_uploads_at_once = 2;
  int max_uploads_per_token = 1;
  // One count shared with others (tests hold slots of it); null: the service makes its own.
  std::shared_ptr<UploadGate> upload_gate;
  // Requests from this address may name the client in X-Real-IP (nginx in front). Empty:
  // the header is never believed, so a client on the host cannot pose as many addresses.
  std::string trusted_proxy;
  std::chrono::milliseconds index_follow_interval{2000};  // 0: never in the background
  // A unit token's search looks at most this many of the unit's people.
  int unit_scope_limit = 5000;
  // GET /api/v1/search.xlsx refuses a search with more hits than this (the caller narrows it).
  // Five thousand rows is under a megabyte of workbook, built in memory within a second.
  int64_t search_export_limit = 5000;
  // GET /metrics answers these client addresses only (the connection's own, never X-Real-IP).
  std::vector<std::string> metrics_from = {"127.0.0.1", "::1"};
  // The server's own metrics (requests, latencies) put before the service's; may be empty.
  std::function<std::string()> server_metrics;
};

// One parameter of a route, for the OpenAPI document.
struct RouteParam {
  std::string name;
  std::string in;               // "query", "path" or "header"
  std::string type = "string";  // "string", "integer", "boolean"
  std::string description;
  bool required = false;
  // The values the route takes (an enum in the document); empty: any value of `type`.
  std::vector<std::string> values = {};
  // Several of `values`, comma-separated (reveal=id_number,phone).
  bool list = false;
};

struct ApiCall {
  const HttpRequest& request;
  const Caller* caller;     // nullptr on a public route
  std::string remote_addr;  // the client, behind a trusted proxy too
};

// The audit entry of who makes a call (action and object to be filled in): the caller, or
// "anonymous" on a public route.
inline registry::AuditEntry WhoCalls(const ApiCall& call) {
  if (call.caller != nullptr) return call.caller->Who(call.remote_addr);
  registry::AuditEntry e;
  e.actor = "anonymous";
  e.remote_addr = call.remote_addr;
  return e;
}

// A route, written with designated initialisers: what is left out keeps its default.
struct RouteSpec {
  std::string method = {};
  std::string pattern = {};  // "/api/v1/persons/{id}"
  // The OpenAPI operationId, the name a generated client gives the call: lowerCamelCase, no
  // slashes, unique in the table ("getPerson", "createEvent").
  std::string operation_id = {};
  bool needs_token = true;
  RoleSet roles = kNoRoles;  // who may call it; kNoRoles with a token: nobody
  std::string summary = {};  // one line, Chinese
  std::string tag = {};
  std::vector<RouteParam> params = {};
  std::string request_schema = {};   // a components/schemas name, empty without a body
  std::string response_schema = {};  // a components/schemas name
  std::vector<int> statuses = {};    // answers besides 200 (401/403/429 implied by roles)
  std::size_t max_body_bytes = 0;
  std::string body_content_type = "application/json";
  std::function<void(const ApiCall&, HttpResponse&)> handler = {};
  // The answer can tell whether an ID number is on file (the enrolment check,
  // a recommendation, its edit): such calls share the enrolment check's limit.
  bool answers_enrolment = false;
  // Callable by a person who must change a password someone else set, before changing it.
  bool before_password_change = false;
};

class ApiService {
 public:
  // `index` may be null: search then answers 503. Both must outlive the
  // service. Loads the reference tables from the data folder.
  static StatusOr<std::unique_ptr<ApiService>> Create(registry::Store& store,
                                                      indexer::SearchIndex* index,
                                                      ApiOptions options = {});
  ~ApiService();
  ApiService(const ApiService&) = delete;
  ApiService& operator=(const ApiService&) = delete;

  const std::vector<RouteSpec>& Routes() const;
  // Adds every route to `server` (with authentication, roles, rate limits).
  void Install(HttpServer& server);
  // The OpenAPI 3 document of Routes().
  std::string OpenApiJson() const;

  // Brings the search index up to date with the registry now.
  Status CatchUpIndex();

  struct Impl;
  // Use Create(); an Impl cannot be made elsewhere.
  explicit ApiService(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// The OpenAPI 3 document for a route table (see openapi.cc). Each of
// `extra_schemas` is a JSON object (name -> schema) added to
// components/schemas, for route groups that bring schemas of their own.
std::string BuildOpenApiDocument(const std::vector<RouteSpec>& routes,
                                 const std::vector<std::string>& extra_schemas = {});

}  // namespace tp::api
