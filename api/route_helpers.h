// What the route files (api_service.cc, rounds_routes.cc, cohorts_routes.cc) share: JSON in and
// out, and the errors that name the field a client got wrong.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "registry/base/status.h"

namespace tp::api {

struct HttpRequest;  // http_server.h
struct Caller;       // auth.h

// Compact JSON; text that is not UTF-8 is replaced, never thrown on.
std::string Dump(const nlohmann::json& j);

// null for an empty text or an absent yes/no: a field not given.
nlohmann::json TextOrNull(const std::string& s);
nlohmann::json BoolOrNull(const std::optional<bool>& b);

// An error naming one field: 字段「field」：message, with the field in its details.
Status FieldStatus(StatusCode code, const std::string& field, const std::string& message);
// The same, as a 400.
Status BadField(const std::string& field, const std::string& message);

// Every key of `object` must be one of `known`: a misspelt key is a 400 naming it (inside
// `where` when given: "goals.max_people"), never silently dropped.
Status OnlyKeys(const nlohmann::json& object, std::initializer_list<std::string_view> known,
                const std::string& where = "");

// Row errors as answers list them: [{"row", "field", "message"}].
nlohmann::json FieldErrorsJson(const std::vector<FieldError>& errors);

// A request body that must be a JSON object; the parser's message, which would quote the body,
// stays out of the answer.
StatusOr<nlohmann::json> ParseJsonObject(const std::string& body);

// A Content-Disposition value for a download named `filename` (Chinese allowed): RFC 5987's
// filename*=UTF-8''… with `ascii_fallback` as the plain filename for clients without it.
std::string AttachmentDisposition(std::string_view filename, std::string_view ascii_fallback);

// Whom a printed form's watermark names: the account's display name, else the token's label,
// else how the audit log names the caller.
std::string PrintedBy(const Caller& caller);

// The file of an upload: a multipart form's part named "file" (else its first file), or the raw
// body, read where the server holds it (a copy would be one more file's worth of memory). Its
// name is the part's file name, else ?filename=, else `fallback`: a hint for messages only, the
// content decides the format. A 400 naming "file" when the form holds no file or it is empty.
struct UploadedFile {
  std::string_view bytes;  // valid as long as the request
  std::string filename;
};
StatusOr<UploadedFile> UploadedFileOf(const HttpRequest& request, std::string_view fallback);

// The whole numbers a request asks for with ?reveal=id_number,phone (the parameter may repeat):
// a 400 naming "reveal" for any other value. Who may have them is the route's decision.
struct RevealRequest {
  bool id_number = false;
  bool phone = false;
  bool any() const { return id_number || phone; }
};
StatusOr<RevealRequest> RevealOf(const HttpRequest& request);
// reveal=phone (true), no reveal (false), or a 400 naming `reveal` for any other value.
StatusOr<bool> RevealPhoneOf(const HttpRequest& request);

}  // namespace tp::api
