// The HTTP routes of training cohorts: events and their classes, who can
// attend, the roster planner, enrolments with the waiting list, roster and
// sign-in sheets (and the ticked sign-in sheet uploaded back, attendance per
// day), and a person's training history (registry/cohorts/cohorts.h,
// registry/cohorts/planner.h). The handlers turn requests into calls of the
// registry and its answers into JSON; the rules live in the registry.
//
// Who may call what: staff everything; a province token reads events and
// the enrolments and sheets of its own province's people (phones masked);
// every role reads the training history of a person in its scope. Every
// write is audited by the registry with the calling token; a plan run and an
// export are audited here.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/api_service.h"
#include "api/upload_gate.h"
#include "registry/base/status.h"
#include "registry/store/store.h"

namespace tp::api {

struct CohortRouteOptions {
  // Called after each write, so the search index shows a new training
  // history at once rather than at the next catch-up.
  std::function<void()> after_write;
  std::size_t max_json_body_bytes = 256 * 1024;  // a plan's pins, a roster of hundreds
  // The sign-in sheet upload: its size limit and the gate all uploads share (may be null).
  std::size_t max_upload_bytes = 32 * 1024 * 1024;
  std::shared_ptr<UploadGate> upload_gate;
};

// Appends the cohort routes to `routes`. The store must outlive them. Fails
// when data/events.json cannot be read.
Status AddCohortRoutes(registry::Store& store, const CohortRouteOptions& options,
                       std::vector<RouteSpec>* routes);

// The components/schemas entries the routes name (Event, Plan, …) as a JSON
// object, for the OpenAPI document.
std::string CohortOpenApiSchemas();

}  // namespace tp::api
