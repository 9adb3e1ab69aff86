// The routing table: method + path pattern ("/v1/files/{file_id}/content") → handler, with the
// facts the dispatcher and the OpenAPI document need (auth, body kind, summary, schemas).
//
// Matching works on the raw request path split at '/': literal segments must equal the
// decoded segment, "{name}" segments capture one non-empty decoded segment (so a model id sent
// as "ft%3Aclassifier%3A..." or with raw ':' both arrive as "ft:classifier:..."). A path that
// matches some route but not with the request's method is "method not allowed" (405); a path
// matching none is "not found" (404).
//
// Thread-safety: add() before serving; match() is const and thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/api_call.h"

namespace winnow::api {

enum class BodyKind {
  kNone,       // no body expected; one sent is read and ignored (bodyless POSTs, §1.3)
  kJson,       // a JSON object, parsed before the handler runs
  kMultipart,  // multipart/form-data, streamed by the handler
};

using RouteHandler = std::function<void(ApiCall&)>;

struct RouteSpec {
  std::string method;   // GET, POST, PATCH, DELETE
  std::string pattern;  // "/v1/files/{file_id}"
  std::string summary;  // one line for the OpenAPI document
  std::string tag;   // OpenAPI grouping: files, fine-tuning, models, classifiers, winnow, service
  bool auth = true;  // needs an API key when the server requires auth
  BodyKind body = BodyKind::kNone;
  nlohmann::json request_schema;   // OpenAPI schema of the body (null: none / multipart)
  nlohmann::json response_schema;  // OpenAPI schema of the 200 answer (null: unspecified)
  std::string response_type = "application/json";
  // Error statuses of this route beyond the ones every route may answer (400, 401, 404, 413, 422,
  // 500, 503: openapi.cc error_responses), for the OpenAPI document; e.g. 409 for a conflict.
  std::vector<int> errors = {};
};

struct Route {
  RouteSpec spec;
  RouteHandler handler;
  size_t index = 0;                   // position in the table (metrics use it)
  std::vector<std::string> segments;  // "{name}" for parameters
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method and path
  std::vector<std::pair<std::string, std::string>> params;
  bool path_known = false;  // some route has this path (with another method): 405
  std::vector<std::string> allowed_methods;
};

class Router {
 public:
  void add(RouteSpec spec, RouteHandler handler);
  RouteMatch match(std::string_view method, std::string_view raw_path) const;
  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }

 private:
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace winnow::api
