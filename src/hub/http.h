// HTTP access to the Hugging Face dataset viewer (datasets-server) API: GET requests against a
// configurable endpoint with timeouts, bearer-token auth, and retries with capped exponential
// backoff. Only JSON GETs are needed; the pages themselves are interpreted by the callers.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace httplib {
class Client;
}

namespace winnow {

inline constexpr std::string_view kHubDefaultEndpoint = "https://datasets-server.huggingface.co";

struct HubConnectionOptions {
  // "http[s]://host[:port][/prefix]"; requests go to <endpoint>/rows, <endpoint>/splits.
  std::string endpoint{kHubDefaultEndpoint};
  // Sent as "Authorization: Bearer <token>" when non-empty (gated or private datasets). Redirects
  // are followed only without a token, so the token never reaches another host.
  std::string token;
  // Connect and per-read timeout of one request.
  double timeout_s = 30;
  // Retries of one request after a connection error, HTTP 408, 429 or 5xx (0 = try once).
  int max_retries = 5;
  // Delay before retry k (0-based) is retry_delay_base_s * 2^k, raised to the server's
  // Retry-After when that is longer, and never more than retry_delay_max_s.
  double retry_delay_base_s = 1;
  double retry_delay_max_s = 30;
  // PEM file of trusted CAs for https; empty = the system store (OpenSSL's default paths, which
  // honour SSL_CERT_FILE / SSL_CERT_DIR).
  std::string ca_cert_path;
  // Waits before a retry. Empty = std::this_thread::sleep_for. Tests inject a recorder here so
  // that backoff is checked without sleeping.
  std::function<void(double seconds)> sleep;
};

// Applies the environment to `options`: WINNOW_HUB_ENDPOINT replaces the endpoint, HF_TOKEN sets
// the token if none was given. Front ends call this before applying their own flags.
void apply_hub_environment(HubConnectionOptions* options);

// Percent-encodes everything except RFC 3986 unreserved characters ("google/x" -> "google%2Fx").
std::string hub_url_encode(std::string_view text);

// Seconds to wait according to a Retry-After header value: delta-seconds ("7") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now`; past dates give 0). nullopt if unparseable.
std::optional<double> parse_retry_after(std::string_view value,
                                        std::chrono::system_clock::time_point now);

// One connection (kept alive across requests) to a datasets-server endpoint.
// Not thread-safe: use one client per thread.
class HubHttpClient {
 public:
  // kInvalidArgument if the endpoint is not an http(s) URL or the options are out of range.
  static Result<std::unique_ptr<HubHttpClient>> create(const HubConnectionOptions& options);
  ~HubHttpClient();
  HubHttpClient(const HubHttpClient&) = delete;
  HubHttpClient& operator=(const HubHttpClient&) = delete;

  // GETs <endpoint><path_and_query> (already percent-encoded) and returns the body of a 2xx
  // response. Errors name the URL and carry the server's {"error": ...} message:
  //   404 -> kNotFound; 401/403 -> kFailedPrecondition (hints at HF_TOKEN); other 4xx ->
  //   kInvalidArgument, all without retrying; connection errors, 408, 429 and 5xx are retried and
  //   become kUnavailable once the retries are spent.
  Result<std::string> get(const std::string& path_and_query);

  // The full URL of a request, for messages.
  std::string url(const std::string& path_and_query) const;

 private:
  HubHttpClient() = default;
  double backoff_s(int attempt, std::optional<double> retry_after_s) const;

  HubConnectionOptions options_;
  std::string origin_;     // scheme://host[:port]
  std::string base_path_;  // "" or "/prefix" (no trailing slash)
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace winnow
