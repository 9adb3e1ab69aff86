// Writing answers in the API's shapes (spec §1.4–1.5): JSON with Content-Type
// application/json, errors as {"detail": "..."} or FastAPI's array form
// {"detail": [{"type", "loc", "msg"[, "input"]}]}, and the one mapping from a Status to an HTTP
// status. Thread-safe (no state).
#pragma once

#include <httplib.h>

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace winnow::api {

inline constexpr const char* kJsonType = "application/json";

// Serializes without throwing: invalid UTF-8 in strings becomes U+FFFD.
std::string dump_json(const nlohmann::json& j);
std::string dump_json(const nlohmann::ordered_json& j);

void send_json(httplib::Response& res, int status, const nlohmann::json& body);
void send_json(httplib::Response& res, int status, const nlohmann::ordered_json& body);
void send_json_text(httplib::Response& res, int status, std::string body);
// {"detail": detail}
void send_detail(httplib::Response& res, int status, std::string_view detail);

// One entry of a 422 array-form error.
struct FieldError {
  std::string type;      // "missing", "string_type", "value_error", ...
  nlohmann::json loc;    // ["body", "input", 0]
  std::string msg;       // "Field required"
  nlohmann::json input;  // the offending value (discarded when null)
  bool has_input = false;
};

// The JSON type a field should have had; with FieldErrors::wrong_type, the one table of
// pydantic's type and msg for each (responses.cc), so that a wrong string reads the same on
// every route.
enum class JsonType {
  kString,   // string_type             "Input should be a valid string"
  kInteger,  // int_type                "Input should be a valid integer"
  kNumber,   // float_type              "Input should be a valid number"
  kBoolean,  // bool_type               "Input should be a valid boolean"
  kList,     // list_type               "Input should be a valid list"
  kObject,   // model_attributes_type   "Input should be a valid dictionary or object to extract
             //                          fields from"
  kUuid,     // uuid_type               "Input should be a valid UUID"
};

// Collects field errors of one request; send() answers 422 with all of them.
class FieldErrors {
 public:
  // "missing", "Field required".
  void missing(nlohmann::json loc);
  // `input` at `loc` is not of type `expected`.
  void wrong_type(JsonType expected, nlohmann::json loc, nlohmann::json input);
  // Any other error (range checks, parse failures, ...).
  void add(std::string type, nlohmann::json loc, std::string msg);
  void add(std::string type, nlohmann::json loc, std::string msg, nlohmann::json input);
  bool empty() const { return errors_.empty(); }
  nlohmann::ordered_json body() const;  // {"detail": [...]} with keys in the wire order
  void send(httplib::Response& res) const;

 private:
  std::vector<FieldError> errors_;
};

// ["body", parts...]: the `loc` of a field error in the request body.
nlohmann::json body_loc(std::initializer_list<nlohmann::json> parts);

// The HTTP status for a non-OK Status: invalid argument 422, not found 404, already exists 409,
// failed precondition 400, cancelled 409, unavailable 503, everything else 500.
int http_status_for(const Status& status);

// Answers `status`: {"detail": message} for 4xx; an I/O error for a full disk (ENOSPC) is 507
// {"detail": "Insufficient storage: ..."}; other 5xx are {"detail": "Internal Server Error"}
// (the message goes to the log via the returned string, never to the client). Returns the text
// to log (empty for 4xx).
std::string send_status(httplib::Response& res, const Status& status);

}  // namespace winnow::api
