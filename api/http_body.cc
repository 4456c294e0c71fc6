// Reading request bodies: by Content-Length or in chunks, never beyond the
// route's limit nor the budget of all bodies in flight, and splitting a
// multipart/form-data body into its parts.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>

#include "api/internal/http_server_internal.h"

namespace tp::api {

using namespace http_internal;

namespace {

constexpr std::size_t kMaxChunkLineBytes = 1024;
constexpr std::size_t kMaxTrailerBytes = 8 * 1024;
constexpr std::size_t kMaxMultipartParts = 16;

// The value of `key="..."` (or unquoted) in a Content-Disposition line.
std::string DispositionParam(std::string_view line, std::string_view key) {
  std::string lower = Lower(line);
  size_t at = 0;
  std::string needle = std::string(key) + "=";
  while ((at = lower.find(needle, at)) != std::string::npos) {
    bool boundary_before = at == 0 || lower[at - 1] == ';' || lower[at - 1] == ' ';
    if (boundary_before) break;
    at += needle.size();
  }
  if (at == std::string::npos) return "";
  std::string_view rest = line.substr(at + needle.size());
  if (!rest.empty() && rest.front() == '"') {
    size_t close = rest.find('"', 1);
    return std::string(
        rest.substr(1, close == std::string_view::npos ? rest.size() - 1 : close - 1));
  }
  return TrimAscii(rest.substr(0, rest.find(';')));
}

}  // namespace

bool HttpServer::Impl::ReadBody(const httplib::Request& req, const Route& route,
                                ConnectionContext& ctx, std::string* body, HttpResponse& res,
                                size_t* budget_taken) {
  const size_t limit = route.options.max_body_bytes;
  GuardedStream& stream = *ctx.stream;
  stream.StartBody();
  auto fail = [&](int status, std::string_view message) {
    ctx.close_after = true;
    if (status == 413) n_body_too_large.fetch_add(1);
    if (status == 408) n_timeouts.fetch_add(1);
    res.status = status;
    res.content_type = "application/json; charset=utf-8";
    res.body = JsonError(CodeForStatus(status), message);
    return false;
  };
  auto read_exact = [&](char* out, size_t n) {
    while (n > 0) {
      ssize_t r = stream.read(out, n);
      if (r <= 0) return false;
      out += r;
      n -= static_cast<size_t>(r);
    }
    return true;
  };
  auto read_line = [&](std::string* line, size_t max) {
    line->clear();
    char c;
    while (line->size() <= max) {
      if (stream.read(&c, 1) != 1) return false;
      if (c == '\n') {
        if (!line->empty() && line->back() == '\r') line->pop_back();
        return true;
      }
      line->push_back(c);
    }
    return false;
  };
  // Takes `n` more bytes from the budget of bodies in flight.
  auto take = [&](size_t n) {
    size_t before = body_bytes_in_flight.fetch_add(n);
    *budget_taken += n;
    return before + n <= options.max_body_bytes_in_flight;
  };
  auto broken = [&]() {
    return stream.timed_out() ? fail(408, MessageForStatus(408)) : fail(400, "请求体不完整");
  };

  if (req.has_header("Transfer-Encoding")) {
    // The length is unknown: room for the largest body is reserved (address
    // space only; memory is used as bytes arrive), so growing never copies.
    body->reserve(limit);
    std::string line;
    for (;;) {
      if (!read_line(&line, kMaxChunkLineBytes)) return broken();
      std::string size_text = TrimAscii(std::string_view(line).substr(0, line.find(';')));
      if (size_text.empty() || size_text.size() > 15 ||
          size_text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        return fail(400, "请求体：分块编码格式错误");
      size_t chunk = std::stoull(size_text, nullptr, 16);
      if (chunk == 0) break;
      if (chunk > limit || body->size() + chunk > limit) return fail(413, MessageForStatus(413));
      if (!take(chunk)) return fail(503, "服务器繁忙，请稍后再试");
      size_t old = body->size();
      body->resize(old + chunk);
      if (!read_exact(body->data() + old, chunk)) return broken();
      char crlf[2];
      if (!read_exact(crlf, 2)) return broken();
      if (crlf[0] != '\r' || crlf[1] != '\n') return fail(400, "请求体：分块编码格式错误");
    }
    size_t trailer_bytes = 0;
    for (;;) {
      if (!read_line(&line, kMaxTrailerBytes)) return broken();
      if (line.empty()) break;
      trailer_bytes += line.size();
      if (trailer_bytes > kMaxTrailerBytes) return fail(431, MessageForStatus(431));
    }
    return true;
  }
  std::string length_text = req.get_header_value("Content-Length");
  if (length_text.empty()) return true;
  uint64_t length = std::strtoull(length_text.c_str(), nullptr, 10);
  if (length > limit) return fail(413, MessageForStatus(413));
  if (!take(length)) return fail(503, "服务器繁忙，请稍后再试");
  body->resize(length);
  if (!read_exact(body->data(), length)) return broken();
  return true;
}

namespace http_internal {

std::string BoundaryOf(std::string_view content_type) {
  std::string lower = Lower(content_type);
  size_t at = lower.find("boundary=");
  if (at == std::string::npos) return "";
  std::string_view rest = content_type.substr(at + 9);
  if (!rest.empty() && rest.front() == '"') {
    size_t close = rest.find('"', 1);
    if (close == std::string_view::npos) return "";
    return std::string(rest.substr(1, close - 1));
  }
  size_t end = rest.find(';');
  return TrimAscii(rest.substr(0, end));
}

Status ParseMultipart(const std::string& body, const std::string& boundary,
                      std::vector<UploadedPart>* parts) {
  const Status bad = InvalidArgument("请求体：multipart/form-data 格式错误");
  if (boundary.empty() || boundary.size() > 200) return bad;
  const std::string delimiter = "--" + boundary;
  size_t at = body.find(delimiter);
  if (at == std::string::npos) return bad;
  at += delimiter.size();
  for (;;) {
    if (body.compare(at, 2, "--") == 0) return Status::Ok();
    if (body.compare(at, 2, "\r\n") != 0) return bad;
    at += 2;
    size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string::npos) return bad;
    UploadedPart part;
    std::string_view head(body.data() + at, head_end - at);
    size_t line_start = 0;
    while (line_start <= head.size()) {
      size_t line_end = head.find("\r\n", line_start);
      if (line_end == std::string_view::npos) line_end = head.size();
      std::string_view line = head.substr(line_start, line_end - line_start);
      size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string name = Lower(TrimAscii(line.substr(0, colon)));
        std::string value = TrimAscii(line.substr(colon + 1));
        if (name == "content-disposition") {
          part.name = DispositionParam(value, "name");
          part.filename = DispositionParam(value, "filename");
        } else if (name == "content-type") {
          part.content_type = value;
        }
      }
      line_start = line_end + 2;
    }
    size_t content_start = head_end + 4;
    size_t next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string::npos) return bad;
    part.content = body.substr(content_start, next - content_start);
    if (parts->size() >= kMaxMultipartParts) return InvalidArgument("请求体：上传的部分过多");
    parts->push_back(std::move(part));
    at = next + 2 + delimiter.size();
  }
}

}  // namespace http_internal
}  // namespace tp::api
