// The HTTP routes of attachments (registry/attachments/attachments.h): a person's photos and
// stamped scans, their own or one recommendation's, uploaded by staff or by the unit that
// recommends the person; listed with what the round's campaign still lacks; read (audited as a
// read of personal data) and removed. A person out of the caller's scope, and their
// attachments, answer 404 as if absent.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/api_service.h"
#include "api/upload_gate.h"
#include "registry/attachments/attachments.h"
#include "registry/base/status.h"
#include "registry/rounds/invitations.h"
#include "registry/store/store.h"

namespace tp::api {

struct AttachmentRouteOptions {
  // The largest upload: the largest kind's limit (data/attachments.json) with room for a
  // multipart form around it. A larger body is refused before it is read.
  std::size_t max_upload_bytes = 32 * 1024 * 1024;
  std::shared_ptr<UploadGate> upload_gate;
  // Records a read of personal data (the service's audit log).
  std::function<Status(const ApiCall&, const std::string& action, const std::string& object_id,
                       const nlohmann::json& detail)>
      audit;
};

// Appends the routes to `routes`. The store must outlive them. Fails when
// data/attachments.json cannot be read.
Status AddAttachmentRoutes(registry::Store& store, const AttachmentRouteOptions& options,
                           std::vector<RouteSpec>* routes);

// The nominee's own uploads, by the invitation link's secret (header X-Invitation), while the
// form is theirs to fill in: GET and POST /api/v1/nominee/attachments, GET
// /api/v1/nominee/attachments/{id}/content, DELETE /api/v1/nominee/attachments/{id}. They become
// the person's when the unit takes the form into its list. `keep` holds what the invitations use.
Status AddNomineeAttachmentRoutes(registry::Store& store,
                                  std::shared_ptr<registry::Invitations> invitations,
                                  std::shared_ptr<void> keep, std::size_t max_upload_bytes,
                                  std::shared_ptr<UploadGate> upload_gate,
                                  std::vector<RouteSpec>* routes);

// An attachment's record as the routes answer it, with the URL of its content.
nlohmann::json AttachmentJson(const registry::AttachmentRecord& a);
// What a recommendation still lacks: [{"kind", "label", "need", "have"}].
nlohmann::json MissingAttachmentsJson(const std::vector<registry::MissingAttachment>& missing);
// The file itself: photos inline for thumbnails, PDFs saved; nothing the file holds may run.
void SendAttachmentContent(const registry::AttachmentRecord& record, std::string content,
                           HttpResponse& res);

// The components/schemas entries the routes name, as a JSON object's text.
std::string AttachmentOpenApiSchemas();

}  // namespace tp::api
