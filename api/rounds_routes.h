// The routes of recommendation rounds under /api/v1/: rounds and rule sets,
// a unit's list with its live quota, adding people (one by one or by
// uploading the 推荐学员汇总表), submitting, staff review and 入库, possible
// duplicates and merges, and the XLSX exports. The rules live in registry/
// (rounds.h, workflow.h, summary_sheet.h); these handlers only translate
// HTTP and JSON and apply who may call what:
//
//   staff     everything, acting for any unit with ?unit=CODE;
//   province  reads: rounds, rule sets and the lists of its province's units;
//   unit      its own list only — other units' lists, people and uploads
//             answer 404; possible duplicates are counted, never shown; a
//             hard duplicate says the year and round, never who.
//
// AddRoundsRoutes opens the rounds (seeding data/rounds.json and
// data/rules/*.json, which fails on a broken file) and appends the routes to
// a route table; the state the handlers share lives as long as the routes.
// RoundsSchemasJson() holds the JSON schemas their bodies use, for the
// OpenAPI document's components.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/api_service.h"
#include "api/upload_gate.h"
#include "registry/base/status.h"
#include "registry/fields/reference_data.h"
#include "registry/rounds/rounds.h"
#include "registry/store/store.h"

namespace tp::api {

struct RoundsRouteOptions {
  std::size_t max_json_body_bytes = 64 * 1024;
  std::size_t max_upload_bytes = 32 * 1024 * 1024;  // a 汇总表
  // Called after each write: recommendations, admissions and honours show in
  // a person's search document, so the index can catch up at once.
  std::function<void()> after_write;
  // Decides whether a round is open; tests set it.
  registry::Clock clock = registry::SystemClock;
  // Counts the 汇总表 uploads read at once with the service's other uploads;
  // null: no bound.
  std::shared_ptr<UploadGate> upload_gate;
  // An uploaded row with an ID number asks whether that number is on file: it
  // is processed only while this allows one more such answer (the enrolment
  // check's limit); null: always.
  std::function<bool(const ApiCall&)> allow_enrolment_answer;
  // Records answers that told the caller an ID number is on file (a refused
  // recommendation or edit, rows of an upload), as the enrolment check
  // records its answers; null: not recorded.
  std::function<Status(const ApiCall&, const std::string& via, int answers)> audit_enrolment_answer;
  // Records a read of personal data (an expert reading a candidate's form or file); null: not
  // recorded.
  std::function<Status(const ApiCall&, const std::string& action, const std::string& object_type,
                       const std::string& object_id, const nlohmann::json& detail)>
      audit;
};

// Appends the routes to `routes`. The store must outlive them. Fails when
// a seed file under data/ is missing or wrong.
Status AddRoundsRoutes(registry::Store& store, const registry::ReferenceData& reference,
                       const RoundsRouteOptions& options, std::vector<RouteSpec>* routes);

// A JSON object: schema name -> schema, for components/schemas.
const std::string& RoundsSchemasJson();

}  // namespace tp::api
