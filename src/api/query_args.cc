#include "api/query_args.h"

namespace winnow::api {

int64_t query_int(const ApiCall& call, const std::string& name, int64_t fallback, int64_t min,
                  int64_t max, FieldErrors* errors) {
  std::optional<std::string> raw = call.query.get(name);
  if (!raw) return fallback;
  std::optional<int64_t> v = parse_int(*raw);
  if (!v) {
    errors->add("int_parsing", nlohmann::json::array({"query", name}),
                "Input should be a valid integer, unable to parse string as an integer", *raw);
    return fallback;
  }
  if (*v < min) {
    errors->add("greater_than_equal", nlohmann::json::array({"query", name}),
                "Input should be greater than or equal to " + std::to_string(min), *raw);
    return fallback;
  }
  if (*v > max) {
    errors->add("less_than_equal", nlohmann::json::array({"query", name}),
                "Input should be less than or equal to " + std::to_string(max), *raw);
    return fallback;
  }
  return *v;
}

bool query_bool(const ApiCall& call, const std::string& name, bool fallback, FieldErrors* errors) {
  std::optional<std::string> raw = call.query.get(name);
  if (!raw) return fallback;
  std::optional<bool> v = parse_bool(*raw);
  if (!v) {
    errors->add("bool_parsing", nlohmann::json::array({"query", name}),
                "Input should be a valid boolean, unable to interpret input", *raw);
    return fallback;
  }
  return *v;
}

}  // namespace winnow::api
