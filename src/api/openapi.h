// The OpenAPI 3.1 document of GET /v1/openapi.json, generated from the routing table (every
// route, its summary, auth, body and answer schema) plus the shared component schemas of the
// spec's objects (§2). Pure function of the router; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "api/router.h"

namespace winnow::api {

// {"$ref": "#/components/schemas/<name>"}
nlohmann::json schema_ref(const char* name);

nlohmann::json openapi_document(const Router& router, const std::string& version);

}  // namespace winnow::api
