// The routes of an honour recommendation's 推荐表 (registry/rounds/honour_forms.h):
//   GET  /api/v1/recommendations/{id}/honour-form       the form, its spec (boxes, limits, which
//        are required), what is missing, advice, attachments and the exclusions with answers;
//   PUT  /api/v1/recommendations/{id}/honour-form       the boxes as a JSON object (a key the
//        form lacks is 400 naming it); while the list is a draft or returned;
//   POST /api/v1/recommendations/{id}/exclusions        {"check", "answer": confirm|correct,
//        "note"}: the unit's answer to an exclusion the data raises;
//   GET  /api/v1/recommendations/{id}/honour-form.pdf   the printed 推荐表, watermarked, audited;
//   GET  /api/v1/recommendations/{id}/honour-form.docx  the same as a Word file, which the round's
//        upload reads back as the same form.
// Staff see every recommendation, a province its units', a unit its own (others answer 404).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/api_service.h"
#include "api/route_helpers.h"
#include "registry/rounds/honour_forms.h"
#include "registry/store/store.h"

namespace tp::api {

// `keep` holds what the forms use (the workflow and its rounds) alive with the routes.
void AddHonourFormRoutes(registry::Store& store, std::shared_ptr<registry::HonourForms> forms,
                         std::shared_ptr<void> keep, std::size_t max_json_body_bytes,
                         std::vector<RouteSpec>* routes);

// A 推荐表 uploaded into an honour round's list (registry/rounds/honour_form_docx.h): when the
// round has a form and `upload` is a Word document holding its boxes, imports it, answers with
// the upload's report and the recommendation's id (`after_write` called when stored) and
// returns true; otherwise false, the response untouched.
bool UploadHonourForm(registry::Workflow& workflow, registry::HonourForms& forms,
                      const std::string& round, int64_t unit_rowid, const UploadedFile& upload,
                      const registry::Actor& actor, const std::function<bool()>& may_check,
                      const std::function<void()>& after_write, HttpResponse& res);

// A form's spec as GET .../honour-form answers it: boxes (with whether the nominee fills them),
// limits, the person fields it prints and the attachments it asks for.
nlohmann::json HonourFormSpecJson(const registry::HonourFormSpec& spec);

// The components/schemas entries the routes name, as a JSON object's text.
std::string HonourFormOpenApiSchemas();

}  // namespace tp::api
