// Status and Result<T>: the error values every fallible retailcast call returns.
// No exception crosses the public API; third-party exceptions are caught at module edges.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace retailcast {

// The closed set of error categories. Each maps to one CLI exit code (src/cli/exit_codes.h)
// and one HTTP status (src/serve), each mapping written in one place.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller passed a bad option or parameter
  kNotFound,            // a named series, model, file or artifact does not exist
  kDataError,           // input data is malformed (bad row, bad date, duplicate key...)
  kFailedPrecondition,  // the system is not in a state that allows the call
  kNotSupported,        // valid request we do not implement
  kIoError,             // the OS or the database failed
  kInternal,            // a bug in retailcast
};

// Name of a code, e.g. "DataError".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status DataError(std::string m) { return {StatusCode::kDataError, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status NotSupported(std::string m) { return {StatusCode::kNotSupported, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "DataError: message" (or "OK").
  std::string ToString() const;
  // A copy with `context + ": "` put before the message, for adding where an error happened.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = Status::Internal("Result built from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  // Requires ok().
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace retailcast

#define RETAILCAST_CONCAT_INNER_(a, b) a##b
#define RETAILCAST_CONCAT_(a, b) RETAILCAST_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETAILCAST_RETURN_IF_ERROR(expr)      \
  do {                                        \
    ::retailcast::Status rc_status_ = (expr); \
    if (!rc_status_.ok()) return rc_status_;  \
  } while (false)

// `lhs = value of expr` or return its status. lhs may declare a variable: `auto x`.
#define RETAILCAST_ASSIGN_OR_RETURN(lhs, expr) \
  RETAILCAST_ASSIGN_OR_RETURN_IMPL_(RETAILCAST_CONCAT_(rc_result_, __LINE__), lhs, expr)
// tmp and lhs are names or declarations, which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define RETAILCAST_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                      \
  if (!tmp.ok()) return tmp.status();                     \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
