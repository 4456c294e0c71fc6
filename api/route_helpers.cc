#include "api/route_helpers.h"

#include <algorithm>

#include <cctype>

#include "api/auth.h"
#include "api/http_server.h"

namespace tp::api {

using Json = nlohmann::json;

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json TextOrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json BoolOrNull(const std::optional<bool>& b) { return b ? Json(*b) : Json(nullptr); }

Status FieldStatus(StatusCode code, const std::string& field, const std::string& message) {
  return Status(code, "字段「" + field + "」：" + message, {{field, message, 0}});
}

Status BadField(const std::string& field, const std::string& message) {
  return FieldStatus(StatusCode::kInvalidArgument, field, message);
}

StatusOr<Json> ParseJsonObject(const std::string& body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return InvalidArgument("请求体应为 JSON 对象", {{"请求体", "应为 JSON 对象", 0}});
  }
  return parsed;
}

std::string PrintedBy(const Caller& caller) {
  if (!caller.display_name.empty()) return caller.display_name;
  if (!caller.label.empty()) return caller.label;
  return caller.Actor();
}

std::string AttachmentDisposition(std::string_view filename, std::string_view ascii_fallback) {
  static const char* kHex = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : filename) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  std::string fallback;
  for (char c : ascii_fallback) {
    // Nothing that would end the quoted string or the header.
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20 &&
        static_cast<unsigned char>(c) < 0x7f)
      fallback += c;
  }
  return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

StatusOr<UploadedFile> UploadedFileOf(const HttpRequest& request, std::string_view fallback) {
  UploadedFile out;
  out.filename = request.Query("filename").value_or("");
  if (!request.parts.empty()) {
    const UploadedPart* file = nullptr;
    for (const UploadedPart& part : request.parts) {
      if (part.name == "file" || (!part.filename.empty() && file == nullptr)) file = &part;
    }
    if (file == nullptr) return BadField("file", "表单中没有上传的文件");
    out.bytes = file->content;
    if (!file->filename.empty()) out.filename = file->filename;
  } else {
    out.bytes = request.body;
  }
  if (out.bytes.empty()) return BadField("file", "上传的文件为空");
  if (out.filename.empty()) out.filename = std::string(fallback);
  return out;
}

Status OnlyKeys(const nlohmann::json& object, std::initializer_list<std::string_view> known,
                const std::string& where) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      return BadField(where.empty() ? it.key() : where + "." + it.key(), "不认识的字段");
  }
  return Status::Ok();
}

nlohmann::json FieldErrorsJson(const std::vector<FieldError>& errors) {
  nlohmann::json out = nlohmann::json::array();
  for (const FieldError& e : errors) {
    out.push_back({{"row", e.row}, {"field", e.field}, {"message", e.message}});
  }
  return out;
}

StatusOr<RevealRequest> RevealOf(const HttpRequest& request) {
  RevealRequest reveal;
  for (const std::string& value : request.QueryAll("reveal")) {
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t end = value.find(',', start);
      if (end == std::string::npos) end = value.size();
      const std::string_view item = std::string_view(value).substr(start, end - start);
      if (item == "id_number") {
        reveal.id_number = true;
      } else if (item == "phone") {
        reveal.phone = true;
      } else if (!item.empty()) {
        return FieldStatus(StatusCode::kInvalidArgument, "reveal", "只能是 id_number 或 phone");
      }
      start = end + 1;
    }
  }
  return reveal;
}

StatusOr<bool> RevealPhoneOf(const HttpRequest& request) {
  const std::string value = request.Query("reveal").value_or("");
  if (!value.empty() && value != "phone") return BadField("reveal", "只能是 phone");
  return value == "phone";
}

}  // namespace tp::api
