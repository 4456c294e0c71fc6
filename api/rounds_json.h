// The JSON of recommendation rounds (rounds_routes.cc): rounds, quotas, a unit's list and its
// items as each caller may see them, the body of a recommendation, and the small readers of
// requests those routes share.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "api/api_service.h"
#include "api/auth.h"
#include "api/http_server.h"
#include "registry/base/status.h"
#include "registry/cohorts/unit_availability.h"
#include "registry/rounds/summary_sheet.h"
#include "registry/rounds/workflow.h"

namespace tp::api {

inline constexpr const char* kXlsxType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// A key's text, an integer as its digits; empty when absent, null or of another type.
std::string TextOf(const nlohmann::json& j, const char* key);

// An instant the store keeps in UTC ("2025-08-01T01:00:00Z") as Beijing time
// ("2025-08-01T09:00:00+08:00"), as every time of the rounds' API is shown; null when empty,
// the text as it is when it is no UTC instant.
nlohmann::json BeijingOrNull(const std::string& utc_iso);

// RFC 5987: a download's Chinese file name.
std::string Attachment(const std::string& filename);

// A workbook to download under `filename`.
void SendXlsx(HttpResponse& res, std::string bytes, const std::string& filename);

nlohmann::json CampaignJson(const registry::Campaign& c);

nlohmann::json RoundJson(const registry::Round& r, int64_t now);

nlohmann::json QuotaJson(const registry::QuotaState& q);

// Staff see the stored record and where the unit's copy differs from it;
// a unit, and its province, see what the unit submitted (workflow.h).
nlohmann::json ItemJson(const registry::RecommendationView& v, const Caller& caller);

nlohmann::json SubmissionJson(const registry::SubmissionView& s, const Caller& caller, int64_t now);

nlohmann::json DuplicateJson(const registry::DuplicateCandidate& d);

// The recommendation a request describes: {"person": {"姓名": …} or
// {"name": …}, "person_id", "declared", "group", "opinion"}.
StatusOr<registry::RecommendationInput> InputFrom(const nlohmann::json& body);

// The report of a 汇总表 upload (summary_sheet.h).
nlohmann::json UploadReportJson(const registry::UploadReport& report);

// The report of a 参加活动信息表 sent as a round's list: an upload's report with nothing added,
// and `availability` saying what changed (unit_availability.h).
nlohmann::json AnswerSheetReportJson(const registry::AnswerSheetResult& result);

// Who calls, as the workflow records and checks it.
registry::Actor ActorOf(const ApiCall& call);

// A path parameter that must be a numeric id; a 400 naming it otherwise.
StatusOr<int64_t> IdParam(const HttpRequest& req, const char* name);

}  // namespace tp::api
