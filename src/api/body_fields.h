// Readers for the fields of a JSON request body, shared by every route, so that a wrong field
// is reported the same way everywhere: each records a FastAPI-style error (type, loc, msg,
// input: responses.h FieldErrors) and returns nullopt, letting a route collect every bad field
// of a body before answering 422 once. An absent or null field is nullopt without an error
// unless the reader says "required".
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/responses.h"

namespace winnow::api {

// A number at obj[key] within [min, max] (open at min with min_exclusive); NaN and infinities
// are refused.
std::optional<double> number_field(const nlohmann::json& obj, const char* key, nlohmann::json where,
                                   double min, double max, bool min_exclusive, FieldErrors* errors);

// An integer at obj[key] (a float with an integral value counts, as in pydantic) in [min, max].
std::optional<int64_t> int_field(const nlohmann::json& obj, const char* key, nlohmann::json where,
                                 int64_t min, FieldErrors* errors,
                                 int64_t max = std::numeric_limits<int64_t>::max());

// A boolean at obj[key] (no coercion: "true" or 1 are "bool_type").
std::optional<bool> bool_field(const nlohmann::json& obj, const char* key, nlohmann::json where,
                               FieldErrors* errors);

// A string at obj[key].
std::optional<std::string> string_field(const nlohmann::json& obj, const char* key,
                                        nlohmann::json where, FieldErrors* errors);

// A string at obj[key] that must be there: absent or null is "missing" ("Field required").
std::optional<std::string> required_string_field(const nlohmann::json& obj, const char* key,
                                                 nlohmann::json where, FieldErrors* errors);

// A field a PATCH body may set to null to clear it: absent is nullopt (leave it as it is), null
// is an engaged empty optional (clear it), a string is the new value; anything else is reported
// ("string_type") and nullopt.
std::optional<std::optional<std::string>> clearable_string_field(const nlohmann::json& obj,
                                                                 const char* key,
                                                                 nlohmann::json where,
                                                                 FieldErrors* errors);

// A list of strings at obj[key]; each element that is not a string is reported at its index.
std::optional<std::vector<std::string>> string_list_field(const nlohmann::json& obj,
                                                          const char* key, nlohmann::json where,
                                                          FieldErrors* errors);

}  // namespace winnow::api
