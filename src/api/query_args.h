// Typed query parameters with FastAPI-style 422 entries for bad values
// (loc ["query", name]). Thread-safe (no state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/api_call.h"
#include "api/responses.h"

namespace winnow::api {

// The integer value of `name`, `fallback` when absent; a non-integer or a value outside
// [min, max] adds an error and returns fallback.
int64_t query_int(const ApiCall& call, const std::string& name, int64_t fallback, int64_t min,
                  int64_t max, FieldErrors* errors);
// Same for booleans (true/false, 1/0, yes/no, on/off).
bool query_bool(const ApiCall& call, const std::string& name, bool fallback, FieldErrors* errors);

}  // namespace winnow::api
