// What the cohort route files (cohorts_routes.cc, cohorts_attendance_routes.cc) share: the
// enrolment's JSON and the attendance routes' dependencies. Only api/ includes this header.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/api_service.h"
#include "api/upload_gate.h"
#include "registry/cohorts/cohorts.h"

namespace tp::api::cohort_routes {

// An enrolment as the API answers it, with its recorded days.
nlohmann::json EnrolmentJson(const registry::Enrolment& e);

struct AttendanceRouteOptions {
  std::shared_ptr<registry::Cohorts> cohorts;  // kept alive by the routes
  std::function<void()> after_write;
  std::shared_ptr<UploadGate> upload_gate;  // may be null
  std::size_t max_upload_bytes = 0;
};

// POST /api/v1/events/{code}/attendance and /signin.
void AddAttendanceRoutes(const AttendanceRouteOptions& options, std::vector<RouteSpec>* routes);

// Their components/schemas entries, without the surrounding braces.
const char* AttendanceOpenApiSchemas();

// The enrolment states by name, in the registry's order (the roster's `states` values).
std::vector<std::string> AllStateNames();

}  // namespace tp::api::cohort_routes
