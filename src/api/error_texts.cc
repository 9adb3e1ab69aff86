#include "api/error_texts.h"

namespace winnow::api {

std::string body_too_large_text(size_t limit) {
  return "Request body larger than the limit of " + std::to_string(limit) + " bytes";
}

const char* transport_error_text(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return kNotFoundText;
    case 405:
      return kMethodNotAllowedText;
    case 408:
      return "Request Timeout";
    case 413:
      return "Request body too large";
    case 414:
      return "URI Too Long";
    case 416:
      return "Range Not Satisfiable";
    default:
      return status >= 500 ? kInternalErrorText : "Bad Request";
  }
}

Status file_not_found() { return Status::not_found("File not found"); }
Status job_not_found() { return Status::not_found("No fine tuning job matches the given query."); }
Status model_not_found() { return Status::not_found("Model not found"); }

Status file_error(const Status& s) {
  return s.code() == StatusCode::kNotFound ? file_not_found() : s;
}
Status job_error(const Status& s) {
  return s.code() == StatusCode::kNotFound ? job_not_found() : s;
}
Status model_error(const Status& s) {
  return s.code() == StatusCode::kNotFound ? model_not_found() : s;
}

}  // namespace winnow::api
