#include "api/responses.h"

#include "api/error_texts.h"

namespace winnow::api {

std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string dump_json(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  send_json_text(res, status, dump_json(body));
}

void send_json(httplib::Response& res, int status, const nlohmann::ordered_json& body) {
  send_json_text(res, status, dump_json(body));
}

void send_json_text(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.body = std::move(body);
  res.set_header("Content-Type", kJsonType);
}

void send_detail(httplib::Response& res, int status, std::string_view detail) {
  nlohmann::ordered_json j;
  j["detail"] = std::string(detail);
  send_json(res, status, j);
}

void FieldErrors::missing(nlohmann::json loc) { add("missing", std::move(loc), "Field required"); }

void FieldErrors::wrong_type(JsonType expected, nlohmann::json loc, nlohmann::json input) {
  struct Text {
    const char* type;
    const char* msg;
  };
  Text t{"string_type", "Input should be a valid string"};
  switch (expected) {
    case JsonType::kString:
      break;
    case JsonType::kInteger:
      t = {"int_type", "Input should be a valid integer"};
      break;
    case JsonType::kNumber:
      t = {"float_type", "Input should be a valid number"};
      break;
    case JsonType::kBoolean:
      t = {"bool_type", "Input should be a valid boolean"};
      break;
    case JsonType::kList:
      t = {"list_type", "Input should be a valid list"};
      break;
    case JsonType::kObject:
      t = {"model_attributes_type",
           "Input should be a valid dictionary or object to extract fields from"};
      break;
    case JsonType::kUuid:
      t = {"uuid_type", "Input should be a valid UUID"};
      break;
  }
  add(t.type, std::move(loc), t.msg, std::move(input));
}

void FieldErrors::add(std::string type, nlohmann::json loc, std::string msg) {
  errors_.push_back({std::move(type), std::move(loc), std::move(msg), nullptr, false});
}

void FieldErrors::add(std::string type, nlohmann::json loc, std::string msg, nlohmann::json input) {
  errors_.push_back({std::move(type), std::move(loc), std::move(msg), std::move(input), true});
}

nlohmann::ordered_json FieldErrors::body() const {
  nlohmann::ordered_json detail = nlohmann::ordered_json::array();
  for (const FieldError& e : errors_) {
    nlohmann::ordered_json item;
    item["type"] = e.type;
    item["loc"] = e.loc;
    item["msg"] = e.msg;
    if (e.has_input) item["input"] = e.input;
    detail.push_back(std::move(item));
  }
  nlohmann::ordered_json out;
  out["detail"] = std::move(detail);
  return out;
}

void FieldErrors::send(httplib::Response& res) const { send_json(res, 422, body()); }

int http_status_for(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 422;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 400;
    case StatusCode::kCancelled:
      return 409;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kCorruption:
    case StatusCode::kIoError:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

std::string send_status(httplib::Response& res, const Status& status) {
  // A full disk is the operator's to fix, not a bug: 507 with a detail saying so.
  if (status.code() == StatusCode::kIoError &&
      status.message().find("No space left on device") != std::string::npos) {
    send_detail(res, 507, kDiskFullText);
    return status.to_string();
  }
  const int code = http_status_for(status);
  if (code >= 500) {
    send_detail(res, code, code == 503 ? status.message() : kInternalErrorText);
    return status.to_string();
  }
  send_detail(res, code, status.message());
  return {};
}

nlohmann::json body_loc(std::initializer_list<nlohmann::json> parts) {
  nlohmann::json l = nlohmann::json::array({"body"});
  for (const nlohmann::json& p : parts) l.push_back(p);
  return l;
}

}  // namespace winnow::api
