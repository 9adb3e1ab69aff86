// The API's fixed error texts, each written once: the "detail" (or, for 401, "message") strings
// that clients and tests match on, and the not-found Status of each record kind as the API
// states it (the store's own not-found messages name ids for the log; the wire texts follow the
// Mistral API: /work/shared/docs/mistral-api.md). Field errors of a request body (422) have their
// own table in responses.h (FieldErrors). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"

namespace winnow::api {

// Answers of the dispatcher and the static files, not of a route.
inline constexpr const char* kNotFoundText = "Not Found";                   // 404: no such path
inline constexpr const char* kMethodNotAllowedText = "Method Not Allowed";  // 405
inline constexpr const char* kUnauthorizedText = "Unauthorized";            // 401 {"message"}
inline constexpr const char* kInternalErrorText = "Internal Server Error";  // 500: cause logged
inline constexpr const char* kMalformedBodyText = "Malformed or incomplete request body";  // 400
inline constexpr const char* kDiskFullText =
    "Insufficient storage: no space left on device";  // 507
// 413: a body over `limit` bytes.
std::string body_too_large_text(size_t limit);
// The transport's own error answers (httplib's error handler), by HTTP status.
const char* transport_error_text(int status);

// 404s of the routes, one per record kind.
Status file_not_found();   // "File not found"
Status job_not_found();    // "No fine tuning job matches the given query."
Status model_not_found();  // "Model not found"

// A store error on a record as the API states it: not found becomes the kind's 404 above;
// anything else is unchanged.
Status file_error(const Status& s);
Status job_error(const Status& s);
Status model_error(const Status& s);

}  // namespace winnow::api
