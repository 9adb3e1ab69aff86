// A test hook that keeps a copy of every answer the server gives, so that a test can check the
// answers the integration tests saw against the OpenAPI document (tests/openapi, docs/api.md
// "One source of truth for the wire shapes").
//
// When the environment variable WINNOW_RECORD_RESPONSES names a directory, each answer to a
// request that reached the dispatcher is appended to DIR/responses-<pid>.jsonl as one JSON line:
//   {"method": "POST", "route": "/v1/files/{file_id}" (null: no route matched; the static
//    dashboard files are not recorded), "status": 200, "content_type": "application/json",
//    "body": "<the answer's bytes as text>" (null when the answer was streamed)}
// Unset (the normal case), the server holds no recorder and pays one null check per request.
// Thread-safe: each line is one write(2) to a file opened O_APPEND.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace winnow::api {

inline constexpr const char* kRecordResponsesVariable = "WINNOW_RECORD_RESPONSES";

class ResponseRecorder {
 public:
  // Null when WINNOW_RECORD_RESPONSES is unset or empty. Errors: the directory cannot be created
  // or the file opened (kIoError naming the path), so that a test run never silently records
  // nothing.
  static Result<std::unique_ptr<ResponseRecorder>> from_environment();
  ~ResponseRecorder();
  ResponseRecorder(const ResponseRecorder&) = delete;
  ResponseRecorder& operator=(const ResponseRecorder&) = delete;

  // `route`: the matched route's pattern, or empty when none matched.
  void record(std::string_view method, std::string_view route, const httplib::Response& res);

 private:
  explicit ResponseRecorder(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace winnow::api
