// URL pieces of an HTTP request target: percent-decoding, path segments and query parameters
// (repeated keys kept in order). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace winnow::api {

// Decodes %XX escapes (either case). With plus_as_space (query strings), '+' becomes ' '.
// Returns nullopt for a malformed escape ("%4", "%zz").
std::optional<std::string> percent_decode(std::string_view s, bool plus_as_space);

// Escapes everything except unreserved characters (A-Z a-z 0-9 - _ . ~).
std::string percent_encode(std::string_view s);

// The path of a request target ("/v1/files?x=1" -> "/v1/files") and its query ("x=1").
std::pair<std::string_view, std::string_view> split_target(std::string_view target);

// Raw (still encoded) segments of a path: "/v1/models/a%3Ab" -> {"v1", "models", "a%3Ab"}.
// A trailing slash gives a trailing empty segment.
std::vector<std::string_view> path_segments(std::string_view path);

// Query parameters in order, decoded. Malformed escapes keep the raw text.
class QueryParams {
 public:
  QueryParams() = default;
  explicit QueryParams(std::string_view query);

  bool has(std::string_view key) const;
  // The first value of `key`.
  std::optional<std::string> get(std::string_view key) const;
  // Every value of `key`, in order ("?a=1&a=2" -> {"1", "2"}).
  std::vector<std::string> get_all(std::string_view key) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// "true"/"false" (any case), "1"/"0", "yes"/"no", "on"/"off"; nullopt otherwise.
std::optional<bool> parse_bool(std::string_view s);
// A whole decimal integer; nullopt for anything else (overflow included).
std::optional<int64_t> parse_int(std::string_view s);
// ISO-8601 date-time ("2026-01-01T00:00:00.000Z", "2026-01-01T00:00:00+02:00",
// "2026-01-01") to epoch seconds; nullopt if malformed. Without a zone, UTC.
std::optional<int64_t> parse_iso8601(std::string_view s);

}  // namespace winnow::api
