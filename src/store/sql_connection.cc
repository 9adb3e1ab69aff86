#include "store/sql_connection.h"

#include <charconv>
#include <cstdlib>

namespace winnow::store {

SqlArgs& SqlArgs::add(std::string_view text) {
  values_.emplace_back(std::string(text));
  return *this;
}
SqlArgs& SqlArgs::add(int64_t value) {
  values_.emplace_back(value);
  return *this;
}
SqlArgs& SqlArgs::add(double value) {
  values_.emplace_back(value);
  return *this;
}
SqlArgs& SqlArgs::add(const std::optional<std::string>& value) {
  if (value) return add(std::string_view(*value));
  values_.emplace_back(SqlNull{SqlType::kText});
  return *this;
}
SqlArgs& SqlArgs::add(const std::optional<int64_t>& value) {
  if (value) return add(*value);
  values_.emplace_back(SqlNull{SqlType::kInt64});
  return *this;
}
SqlArgs& SqlArgs::add(const std::optional<double>& value) {
  if (value) return add(*value);
  values_.emplace_back(SqlNull{SqlType::kReal});
  return *this;
}

bool SqlRow::is_null(int column) const {
  return std::holds_alternative<std::monostate>((*cells_)[static_cast<size_t>(column)]);
}

int64_t SqlRow::int64(int column) const {
  const SqlCell& c = (*cells_)[static_cast<size_t>(column)];
  if (const auto* i = std::get_if<int64_t>(&c)) return *i;
  if (const auto* d = std::get_if<double>(&c)) return static_cast<int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&c)) {
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    WINNOW_CHECK(ec == std::errc() && end == s->data() + s->size());
    return v;
  }
  return 0;
}

double SqlRow::real(int column) const {
  const SqlCell& c = (*cells_)[static_cast<size_t>(column)];
  if (const auto* d = std::get_if<double>(&c)) return *d;
  if (const auto* i = std::get_if<int64_t>(&c)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&c)) {
    // strtod, not from_chars: it also reads PostgreSQL's "NaN", "Infinity", "-Infinity".
    char* end = nullptr;
    const double v = std::strtod(s->c_str(), &end);
    WINNOW_CHECK(end == s->c_str() + s->size());
    return v;
  }
  return 0.0;
}

std::string SqlRow::text(int column) const {
  const SqlCell& c = (*cells_)[static_cast<size_t>(column)];
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (const auto* i = std::get_if<int64_t>(&c)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&c)) {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, end);
  }
  return {};
}

std::optional<std::string> SqlRow::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}
std::optional<int64_t> SqlRow::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}
std::optional<double> SqlRow::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

std::string SqlDialect::contains(std::string_view column) const {
  if (engine == SqlEngine::kPostgres) return "strpos(" + std::string(column) + ", ?) > 0";
  return "instr(" + std::string(column) + ", ?) > 0";
}

std::string SqlDialect::json_array_has(std::string_view column, std::string_view key) const {
  if (engine == SqlEngine::kPostgres) {
    // Element text by key (->>); never the jsonb '?' operator, which reads as a parameter.
    // A value that is not an array has no elements (jsonb_array_elements would raise).
    const std::string json = std::string(column) + "::jsonb";
    return "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(" + json +
           ") = 'array' THEN " + json + " ELSE '[]'::jsonb END) AS element(value) WHERE " +
           "element.value->>'" + std::string(key) + "' = ?)";
  }
  return "EXISTS (SELECT 1 FROM json_each(" + std::string(column) +
         ") WHERE json_extract(value, '$." + std::string(key) + "') = ?)";
}

}  // namespace winnow::store
