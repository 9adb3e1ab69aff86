// Errors as values: Status carries a closed set of codes plus a message that gains context at
// each layer ("train.csv:17: toxicity: not a number"). Result<T> is a T or a non-OK Status.
// Library code returns these instead of throwing or exiting; front ends map them to exit codes
// or HTTP statuses in exactly one place each.
//
// Public header: part of the installed API (include/winnow/), so it includes only standard
// headers. Winnow's own code includes it through src/core/status.h, which adds WINNOW_CHECK.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace winnow {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong (bad option, malformed file)
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // creating something that exists
  kFailedPrecondition,  // the system is not in a state to do this
  kCorruption,          // stored data is damaged (bad checksum, truncated file)
  kIoError,             // the operating system refused a read or write
  kUnavailable,         // a remote service did not answer; retrying may help
  kCancelled,           // the operation was stopped on request
  kInternal,            // a bug: an invariant did not hold
};

std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status invalid_argument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status already_exists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status failed_precondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status io_error(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message" (OK stays OK).
  Status with_context(std::string_view context) const;

  // "invalid argument: train.csv:3: ..." for logs; the message alone is usually what users see.
  std::string to_string() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Holds either a value or a non-OK Status. Accessing value() of an error is a bug (aborts).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(data_).is_ok()) {
      data_ = Status::internal("Result constructed from an OK status");
    }
  }

  bool is_ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOkStatus;
    return is_ok() ? kOkStatus : std::get<Status>(data_);
  }
  T& value() & { return checked(); }
  const T& value() const& { return const_cast<Result*>(this)->checked(); }
  T&& value() && { return std::move(checked()); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->checked(); }
  T& operator*() & { return checked(); }

 private:
  T& checked() {
    if (!is_ok()) {
      std::fprintf(stderr, "winnow: value() of an error Result: %s\n",
                   std::get<Status>(data_).to_string().c_str());
      std::abort();
    }
    return std::get<T>(data_);
  }
  std::variant<T, Status> data_;
};

}  // namespace winnow

#define WINNOW_CONCAT_INNER(a, b) a##b
#define WINNOW_CONCAT(a, b) WINNOW_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if it is not OK.
#define WINNOW_RETURN_IF_ERROR(expr)                    \
  do {                                                  \
    ::winnow::Status winnow_status_ = (expr);           \
    if (!winnow_status_.is_ok()) return winnow_status_; \
  } while (0)

// `WINNOW_ASSIGN_OR_RETURN(auto x, make_x());` declares x from a Result or returns its Status.
#define WINNOW_ASSIGN_OR_RETURN(lhs, expr) \
  WINNOW_ASSIGN_OR_RETURN_IMPL(WINNOW_CONCAT(winnow_result_, __LINE__), lhs, expr)
#define WINNOW_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.is_ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
