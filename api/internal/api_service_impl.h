// What the route files of the core API share (api_service.cc, persons_routes.cc,
// export_routes.cc, forms_routes.cc, admin_routes.cc): the service's state and handlers, and the
// readers of requests they all use. Only files of api/ include this header.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unordered_set>
#include "api/audit_log.h"
#include "api/cohorts_routes.h"
#include "api/import_run.h"
#include "api/rounds_routes.h"
#include "api/route_helpers.h"
#include "indexer/document_builder.h"
#include "indexer/schema.h"
#include "indexer/search_index.h"
#include "indexer/search_json.h"
#include "indexer/store_change_source.h"
#include "registry/base/paths.h"
#include "registry/base/person_fields.h"
#include "registry/fields/dates.h"
#include "registry/fields/id_number.h"
#include "registry/fields/names.h"
#include "registry/fields/reference_data.h"
#include "registry/fields/validate.h"
#include "registry/import/importer.h"
#include "registry/store/store_api_queries.h"
#include "registry/tables/table_reader.h"

namespace tp::api {

using Json = nlohmann::json;

// An integer query parameter between lo and hi; `fallback` when absent, a 400 naming `label`
// otherwise.
StatusOr<int> IntParam(const HttpRequest& req, const std::string& name, const std::string& label,
                       int fallback, int lo, int hi);
// The header (Origin, else Referer) that names another site than the request's Host; nullopt
// when the request comes from this site or names none.
std::optional<std::string> ForeignOrigin(const HttpRequest& req);
// An address as X-Real-IP may carry it: hex digits, dots and colons.
bool LooksLikeIp(const std::string& s);

struct ApiService::Impl {
  Impl(registry::Store& s, indexer::SearchIndex* i, std::unique_ptr<registry::ApiQueries> q,
       registry::ReferenceData r, ApiOptions o)
      : store(s),
        index(i),
        queries(std::move(q)),
        reference(std::move(r)),
        options(std::move(o)),
        source(s),
        audit(*queries, s.Dir()),
        per_token(options.per_token),
        check_limited(options.check_per_token),
        check_staff(options.check_per_staff_token),
        unauthenticated(options.per_address_unauthenticated),
        sign_in_failures(options.sign_in_failures_per_address),
        uploads(options.upload_gate != nullptr
                    ? options.upload_gate
                    : std::make_shared<UploadGate>(options.max_uploads_at_once,
                                                   options.max_uploads_per_token)) {}

  ~Impl() {
    {
      std::lock_guard<std::mutex> lock(follow_mu);
      follow_stop = true;
    }
    follow_cv.notify_all();
    if (follower.joinable()) follower.join();
  }

  void BuildRoutes();
  void AddSystemRoutes();
  void AddPersonRoutes();
  void AddAdminRoutes();
  void AddSessionRoutes();
  void AddAccountRoutes();
  // A handler of this service as a route's.
  std::function<void(const ApiCall&, HttpResponse&)> Bound(void (Impl::*method)(const ApiCall&,
                                                                                HttpResponse&));
  void StartFollower();
  Status CatchUp();

  std::string RemoteAddr(const HttpRequest& req) const {
    if (!options.trusted_proxy.empty() && req.remote_addr == options.trusted_proxy) {
      std::optional<std::string> real = req.Header("X-Real-IP");
      if (real && LooksLikeIp(*real)) return *real;
    }
    return req.remote_addr;
  }

  // Records who did what; the answer waits for the entry to be committed,
  // and a call whose entry cannot be written is answered with the error.
  // One answer that tells whether an ID number is on file, under the
  // enrolment check's limit: every side door to it shares the check's budget.
  bool AllowEnrolmentAnswer(const Caller& caller, int* retry_after) {
    RateLimiter& limiter = caller.role == Role::kStaff ? check_staff : check_limited;
    return limiter.Allow(caller.Actor(), retry_after);
  }

  Status Audit(const ApiCall& call, std::string action, std::string object_type,
               std::string object_id, Json detail = nullptr) {
    registry::AuditEntry e = WhoCalls(call);
    e.action = std::move(action);
    e.object_type = std::move(object_type);
    e.object_id = std::move(object_id);
    if (!detail.is_null()) e.detail_json = Dump(detail);
    return audit.Record(std::move(e));
  }

  // Handlers.
  void Me(const ApiCall& call, HttpResponse& res);
  void Search(const ApiCall& call, HttpResponse& res);
  void ListPersons(const ApiCall& call, HttpResponse& res);
  void GetPerson(const ApiCall& call, HttpResponse& res);
  // The person of the path's {id} as the caller may see it, with the whole numbers ?reveal=
  // asks for (staff only: 403 for others), into *reveal. 404 out of scope, as for unknown ids.
  StatusOr<registry::PersonRecord> VisiblePersonRecord(const ApiCall& call, RevealRequest* reveal);
  void PatchPerson(const ApiCall& call, HttpResponse& res);
  void ListUnits(const ApiCall& call, HttpResponse& res);
  void GetUnit(const ApiCall& call, HttpResponse& res);
  void EnrollmentCheck(const ApiCall& call, HttpResponse& res);
  void Stats(const ApiCall& call, HttpResponse& res);
  // forms_routes.cc: the 学员情况表 of one person
  void PersonFormPdf(const ApiCall& call, HttpResponse& res);
  void PersonFormDocx(const ApiCall& call, HttpResponse& res);
  void PersonForm(const ApiCall& call, HttpResponse& res, std::string_view format);
  // export_routes.cc
  void SearchXlsx(const ApiCall& call, HttpResponse& res);
  void StatsXlsx(const ApiCall& call, HttpResponse& res);
  void PersonsXlsx(const ApiCall& call, HttpResponse& res);
  void QueryAudit(const ApiCall& call, HttpResponse& res);
  void ListTokens(const ApiCall& call, HttpResponse& res);
  void RevokeToken(const ApiCall& call, HttpResponse& res);
  void Import(const ApiCall& call, HttpResponse& res);
  // The import counters in Prometheus' text format.
  std::string ImportMetrics() const;
  // session_routes.cc
  void SignIn(const ApiCall& call, HttpResponse& res);
  void GetSession(const ApiCall& call, HttpResponse& res);
  void SignOut(const ApiCall& call, HttpResponse& res);
  void ChangePassword(const ApiCall& call, HttpResponse& res);
  void ListAccounts(const ApiCall& call, HttpResponse& res);
  void CreateAccount(const ApiCall& call, HttpResponse& res);
  void AccountAction(const ApiCall& call, HttpResponse& res);
  void EndAccountSessions(const ApiCall& call, HttpResponse& res);
  void CreateToken(const ApiCall& call, HttpResponse& res);
  // The account {id} of the path, if the caller may manage it (404 otherwise).
  StatusOr<registry::Account> ManagedAccount(const ApiCall& call);
  Json AccountJson(const registry::Account& account) const;
  Json SessionJson(const Caller& caller) const;
  // The session cookie's attributes for this request (Secure behind a TLS proxy).
  std::string CookieAttributes(const HttpRequest& req) const;

  // The caller of a request to `route`, or nullopt with `res` set to the
  // refusal (401, 403, 429 for too many failed tokens).
  std::optional<Caller> Authenticate(const RouteSpec& route, const HttpRequest& req,
                                     const std::string& remote_addr, HttpResponse& res);
  // Spends the caller's rate limits on a call; false with `res` set to 429.
  bool CountCall(const RouteSpec& route, const Caller& caller, HttpResponse& res);

  StatusOr<indexer::SearchResult> SearchWithinUnit(const indexer::SearchRequest& request,
                                                   const Caller& caller);
  // The caller's view of a search result, serialised once.
  std::string SearchJson(indexer::SearchResult result, const Caller& caller);
  // Withholds from a result what the caller may not see (民族 and its facet for a unit).
  static void MaskSearchResult(indexer::SearchResult& result, const Caller& caller);
  // Confines a search to the caller's scope; PermissionDenied for a filter outside it.
  static Status ScopeSearch(indexer::SearchRequest& request, const Caller& caller);
  // The search GET /api/v1/search runs for `call`'s parameters, in the caller's scope, with
  // `adjust` (when given) changing the request after the scope is applied; an ID number in the
  // query is audited as a reveal. Not yet masked.
  StatusOr<indexer::SearchResult> RunSearch(
      const ApiCall& call, const std::function<void(indexer::SearchRequest&)>& adjust);

  registry::Store& store;
  indexer::SearchIndex* index;
  std::unique_ptr<registry::ApiQueries> queries;
  registry::ReferenceData reference;
  // How the enrolment check compares names (traditional folded); set by Create.
  std::shared_ptr<const registry::NameMatcher> names;
  ApiOptions options;
  indexer::StoreChangeSource source;
  AuditLog audit;
  RateLimiter per_token;
  RateLimiter check_limited;
  RateLimiter check_staff;
  RateLimiter unauthenticated;
  RateLimiter sign_in_failures;
  std::unique_ptr<registry::Accounts> accounts;
  std::shared_ptr<UploadGate> uploads;  // shared with the rounds routes
  std::vector<RouteSpec> routes;
  std::string openapi;

  // POST /api/v1/imports since the start, for /metrics: calls that ran, and their rows by outcome.
  struct ImportCounters {
    std::atomic<uint64_t> runs{0};
    std::atomic<uint64_t> failed{0};  // refused as a whole (no file, unreadable, not audited)
    std::atomic<uint64_t> inserted{0};
    std::atomic<uint64_t> updated{0};
    std::atomic<uint64_t> unchanged{0};
    std::atomic<uint64_t> rejected{0};
  } imports;

  std::mutex catch_up_mu;
  std::thread follower;
  std::mutex follow_mu;
  std::condition_variable follow_cv;
  bool follow_stop = false;
};

}  // namespace tp::api
