#include "api/body_fields.h"

#include <cmath>

namespace winnow::api {

using nlohmann::json;

namespace {

// A bound as the message shows it: 0, not 0.0; 5e-05 as JSON writes it.
std::string bound_text(double v) {
  if (std::floor(v) == v && std::fabs(v) < 9e15) return std::to_string(static_cast<int64_t>(v));
  return dump_json(json(v));
}

}  // namespace

std::optional<double> number_field(const json& obj, const char* key, json where, double min,
                                   double max, bool min_exclusive, FieldErrors* errors) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) {
    errors->wrong_type(JsonType::kNumber, where, *it);
    return std::nullopt;
  }
  const double v = it->get<double>();
  if (!std::isfinite(v) || (min_exclusive ? v <= min : v < min)) {
    errors->add(min_exclusive ? "greater_than" : "greater_than_equal", where,
                std::string("Input should be greater than ") +
                    (min_exclusive ? "" : "or equal to ") + bound_text(min),
                *it);
    return std::nullopt;
  }
  if (v > max) {
    errors->add("less_than_equal", where,
                "Input should be less than or equal to " + bound_text(max), *it);
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> int_field(const json& obj, const char* key, json where, int64_t min,
                                 FieldErrors* errors, int64_t max) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  int64_t v = 0;
  if (it->is_number_integer()) {
    v = it->get<int64_t>();
  } else if (it->is_number_float() && std::floor(it->get<double>()) == it->get<double>() &&
             std::fabs(it->get<double>()) < 9e15) {
    v = static_cast<int64_t>(it->get<double>());
  } else {
    errors->wrong_type(JsonType::kInteger, where, *it);
    return std::nullopt;
  }
  if (v < min) {
    errors->add("greater_than_equal", where,
                "Input should be greater than or equal to " + std::to_string(min), *it);
    return std::nullopt;
  }
  if (v > max) {
    errors->add("less_than_equal", where,
                "Input should be less than or equal to " + std::to_string(max), *it);
    return std::nullopt;
  }
  return v;
}

std::optional<bool> bool_field(const json& obj, const char* key, json where, FieldErrors* errors) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) {
    errors->wrong_type(JsonType::kBoolean, std::move(where), *it);
    return std::nullopt;
  }
  return it->get<bool>();
}

std::optional<std::string> string_field(const json& obj, const char* key, json where,
                                        FieldErrors* errors) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    errors->wrong_type(JsonType::kString, where, *it);
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<std::string> required_string_field(const json& obj, const char* key, json where,
                                                 FieldErrors* errors) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    errors->missing(where);
    return std::nullopt;
  }
  return string_field(obj, key, std::move(where), errors);
}

std::optional<std::optional<std::string>> clearable_string_field(const json& obj, const char* key,
                                                                 json where, FieldErrors* errors) {
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  if (it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    errors->wrong_type(JsonType::kString, std::move(where), *it);
    return std::nullopt;
  }
  return std::optional<std::string>(it->get<std::string>());
}

std::optional<std::vector<std::string>> string_list_field(const json& obj, const char* key,
                                                          json where, FieldErrors* errors) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) {
    errors->wrong_type(JsonType::kList, where, *it);
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& e = (*it)[i];
    if (!e.is_string()) {
      json loc = where;
      loc.push_back(i);
      errors->wrong_type(JsonType::kString, loc, e);
      ok = false;
      continue;
    }
    out.push_back(e.get<std::string>());
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace winnow::api
