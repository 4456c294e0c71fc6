// The routes that print a unit's list in a round as the 推荐学员汇总表 (registry/forms/
// summary_form.h): GET /api/v1/rounds/{code}/summary.pdf and summary.docx. Staff name the unit
// with ?unit=CODE, a province one of its province's units; a unit gets its own list (another
// unit's answers 404). Phones are masked unless staff ask ?reveal=phone; a unit's copy leaves
// 民族 and 政治面貌 blank, as everywhere it reads people. Every download is audited as the
// XLSX export of the round is.
#pragma once

#include <memory>
#include <vector>

#include <string_view>

#include "api/api_service.h"
#include "registry/rounds/summary_sheet.h"
#include "registry/rounds/workflow.h"
#include "registry/store/store.h"

namespace tp::api {

// One unit's list of the round `call` names, as the routes above send it: "pdf", "docx", or
// "xlsx" (the one sheet of the round's export.xlsx, for a unit or a province exporting it).
void SendUnitSummary(registry::Store& store, registry::SummarySheets& sheets, const ApiCall& call,
                     HttpResponse& res, std::string_view format);

// `keep` holds what the workflow needs (its rounds) alive with the routes.
void AddSummaryFormRoutes(registry::Store& store, registry::Workflow& workflow,
                          std::shared_ptr<void> keep, std::vector<RouteSpec>* routes);

}  // namespace tp::api
