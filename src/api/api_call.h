// What a route handler receives: the HTTP request and response, the decoded path parameters
// and query, the caller's workspace, and the request body as its route declared it.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/url.h"

namespace winnow::api {

struct ApiCall {
  const httplib::Request& http;
  httplib::Response& response;
  std::string request_id;                                        // 32 hex digits
  std::string workspace;                                         // empty for routes without auth
  std::vector<std::pair<std::string, std::string>> path_params;  // decoded
  QueryParams query;
  // Routes with BodyKind::kJson: the parsed body (an object; the dispatcher answered 422
  // otherwise). Routes with BodyKind::kMultipart: null; read it through `content_reader`.
  nlohmann::json body;
  const httplib::ContentReader* content_reader = nullptr;

  // The decoded value of path parameter `name` ("" if the route has none by that name).
  const std::string& param(std::string_view name) const {
    static const std::string kEmpty;
    for (const auto& [k, v] : path_params) {
      if (k == name) return v;
    }
    return kEmpty;
  }
};

// True if the request announces a body (chunked framing, or a Content-Length other than 0).
// Without either there is none (curl -X POST sends neither): reading would wait for the client
// to close the connection.
inline bool announces_body(const httplib::Request& req) {
  if (req.get_header_value("Transfer-Encoding").find("chunked") != std::string::npos) return true;
  const std::string length = req.get_header_value("Content-Length");
  return !length.empty() && length != "0";
}

}  // namespace winnow::api
