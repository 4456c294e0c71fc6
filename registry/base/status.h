// The error vocabulary of talentpool. Work that can fail returns a Status or a
// StatusOr<T>; exceptions are reserved for broken invariants and are caught at
// module boundaries. Each code maps onto exactly one HTTP status (see
// HttpStatusFor), so an error travels from the store to the wire unchanged.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tp {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // 400: the input is malformed or a field is invalid
  kUnauthenticated,     // 401: no token or an unknown one
  kPermissionDenied,    // 403: the caller may not do this
  kNotFound,            // 404
  kAlreadyExists,       // 409: a duplicate or a conflicting write
  kPreconditionFailed,  // 412: a stale ETag / version
  kTooLarge,            // 413
  kRuleViolated,        // 422: well-formed but breaks a business rule
  kResourceExhausted,   // 429: rate limit
  kInternal,            // 500: never carries internals to a client
  kUnavailable,         // 503
};

// One problem with one field, e.g. {"身份证号", "校验码错误，应为 X"}.
// `row` is 0 when the error is not about a row of a file.
struct FieldError {
  std::string field;
  std::string message;
  long row = 0;
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, std::vector<FieldError> details = {})
      : code_(code), message_(std::move(message)), details_(std::move(details)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<FieldError>& details() const { return details_; }

  // "INVALID_ARGUMENT: message" — for logs and the command line.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::vector<FieldError> details_;
};

inline Status InvalidArgument(std::string m, std::vector<FieldError> d = {}) {
  return Status(StatusCode::kInvalidArgument, std::move(m), std::move(d));
}
inline Status Unauthenticated(std::string m) {
  return Status(StatusCode::kUnauthenticated, std::move(m));
}
inline Status NotFound(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
inline Status AlreadyExists(std::string m, std::vector<FieldError> d = {}) {
  return Status(StatusCode::kAlreadyExists, std::move(m), std::move(d));
}
inline Status PermissionDenied(std::string m) {
  return Status(StatusCode::kPermissionDenied, std::move(m));
}
inline Status PreconditionFailed(std::string m) {
  return Status(StatusCode::kPreconditionFailed, std::move(m));
}
inline Status RuleViolated(std::string m, std::vector<FieldError> d = {}) {
  return Status(StatusCode::kRuleViolated, std::move(m), std::move(d));
}
inline Status Internal(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }
inline Status Unavailable(std::string m) { return Status(StatusCode::kUnavailable, std::move(m)); }

// The wire name of a code ("INVALID_ARGUMENT") and its HTTP status (400).
std::string_view CodeName(StatusCode code);
int HttpStatusFor(StatusCode code);

// A value or the Status that explains why there is none.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT
    assert(!status_.ok() && "StatusOr needs a value or an error");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T& value() & {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace tp

// Early return on error, the way the store and the importer chain steps.
#define TP_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::tp::Status tp_status_ = (expr);        \
    if (!tp_status_.ok()) return tp_status_; \
  } while (0)

// Declares or assigns `lhs` from the value of a StatusOr, or returns its error:
//   TP_ASSIGN_OR_RETURN(auto rows, LoadRows(path));
// The StatusOr lives in a variable named after the line, so two uses may share a scope.
#define TP_ASSIGN_OR_RETURN(lhs, expr) \
  TP_ASSIGN_OR_RETURN_IMPL_(TP_STATUS_CONCAT_(tp_status_or_, __LINE__), lhs, expr)
#define TP_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                              \
  if (!result.ok()) return result.status();          \
  lhs = std::move(result).value()
#define TP_STATUS_CONCAT_(a, b) TP_STATUS_CONCAT_INNER_(a, b)
#define TP_STATUS_CONCAT_INNER_(a, b) a##b
