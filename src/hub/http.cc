#include "hub/http.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>

namespace winnow {
namespace {

constexpr size_t kErrorBodyPreviewBytes = 300;

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

void split_seconds(double seconds, time_t* sec, time_t* usec) {
  double whole = std::floor(seconds);
  *sec = static_cast<time_t>(whole);
  *usec = static_cast<time_t>((seconds - whole) * 1e6);
}

// The server's {"error": "..."} message, or a one-line preview of a non-JSON body (a proxy's HTML
// page, say) so the user still sees something useful.
std::string error_message_of(const httplib::Response& response) {
  auto json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  std::string message;
  if (json.is_object() && json.contains("error") && json["error"].is_string()) {
    message = json["error"].get<std::string>();
  } else {
    message = response.body.substr(0, kErrorBodyPreviewBytes);
    std::replace_if(
        message.begin(), message.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    if (message.empty()) message = "(empty body)";
  }
  std::string code = response.get_header_value("X-Error-Code");
  std::string out = "HTTP " + std::to_string(response.status);
  if (!code.empty()) out += " (" + code + ")";
  return out + ": " + message;
}

// httplib's error names are terse ("Connection" covers DNS failures, refusals and unreachable
// hosts); say what they mean and keep the name for searching.
std::string describe_transport_error(httplib::Error error) {
  std::string what;
  switch (error) {
    case httplib::Error::Connection:
      what = "could not connect (DNS, refused or unreachable)";
      break;
    case httplib::Error::ConnectionTimeout:
      what = "connecting timed out";
      break;
    case httplib::Error::Read:
      what = "reading the response failed or timed out";
      break;
    case httplib::Error::Write:
      what = "sending the request failed";
      break;
    case httplib::Error::SSLConnection:
      what = "TLS handshake failed";
      break;
    case httplib::Error::SSLLoadingCerts:
      what = "could not load the trusted certificates";
      break;
    case httplib::Error::SSLServerVerification:
      what = "server certificate not trusted";
      break;
    case httplib::Error::ExceedRedirectCount:
      what = "too many redirects";
      break;
    default:
      what = "transport error";
      break;
  }
  return what + " [" + httplib::to_string(error) + "]";
}

bool is_retryable_status(int status) { return status == 408 || status == 429 || status >= 500; }

Status non_retryable_error(int status, const std::string& message) {
  if (status == 404) return Status::not_found(message);
  if (status == 401 || status == 403) {
    return Status::failed_precondition(message +
                                       " (gated or private datasets need a token: set HF_TOKEN)");
  }
  return Status::invalid_argument(message);
}

}  // namespace

void apply_hub_environment(HubConnectionOptions* options) {
  if (const char* endpoint = std::getenv("WINNOW_HUB_ENDPOINT"); endpoint && *endpoint) {
    options->endpoint = endpoint;
  }
  if (const char* token = std::getenv("HF_TOKEN"); token && *token && options->token.empty()) {
    options->token = token;
  }
}

std::string hub_url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::optional<double> parse_retry_after(std::string_view value,
                                        std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::nullopt;  // absurd; let the backoff cap decide
    return static_cast<double>(std::stol(std::string(value)));
  }
  // HTTP-date (IMF-fixdate); strptime is fine here because programs start in the "C" locale.
  std::tm tm{};
  std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  auto at = std::chrono::system_clock::from_time_t(timegm(&tm));
  double seconds = std::chrono::duration<double>(at - now).count();
  return std::max(0.0, seconds);
}

Result<std::unique_ptr<HubHttpClient>> HubHttpClient::create(const HubConnectionOptions& options) {
  const std::string& endpoint = options.endpoint;
  size_t scheme_end = endpoint.find("://");
  bool is_https = starts_with_nocase(endpoint, "https://");
  if (!is_https && !starts_with_nocase(endpoint, "http://")) {
    return Status::invalid_argument("hub endpoint '" + endpoint +
                                    "' must start with http:// or https://");
  }
  if (endpoint.find_first_of("?#") != std::string::npos) {
    return Status::invalid_argument("hub endpoint '" + endpoint +
                                    "' must not have a query or fragment");
  }
  size_t path_start = endpoint.find('/', scheme_end + 3);
  std::string origin = endpoint.substr(0, path_start);
  std::string base_path = path_start == std::string::npos ? "" : endpoint.substr(path_start);
  while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();
  if (origin.size() == scheme_end + 3) {
    return Status::invalid_argument("hub endpoint '" + endpoint + "' has no host");
  }
  if (!(options.timeout_s > 0) || options.max_retries < 0 || options.retry_delay_base_s < 0 ||
      options.retry_delay_max_s < 0) {
    return Status::invalid_argument(
        "hub options: timeout_s must be > 0; max_retries and retry delays must be >= 0");
  }
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
  if (is_https) {
    return Status::failed_precondition("this build of cpp-httplib has no OpenSSL: cannot fetch " +
                                       endpoint);
  }
#endif

  std::unique_ptr<HubHttpClient> self(new HubHttpClient());
  self->options_ = options;
  self->origin_ = origin;
  self->base_path_ = base_path;
  self->client_ = std::make_unique<httplib::Client>(origin);
  if (!self->client_->is_valid()) {
    return Status::invalid_argument("hub endpoint '" + endpoint + "' is not a valid URL");
  }
  httplib::Client& client = *self->client_;
  time_t sec = 0;
  time_t usec = 0;
  split_seconds(options.timeout_s, &sec, &usec);
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  client.set_keep_alive(true);  // one TLS handshake for thousands of pages
  // Mirrors may redirect, but cpp-httplib would forward the token to whatever host a redirect
  // names, so with a token a redirect is reported instead of followed.
  client.set_follow_location(options.token.empty());
  client.set_url_encode(false);  // callers pass percent-encoded paths
  if (!options.token.empty()) client.set_bearer_token_auth(options.token);
  client.set_default_headers(
      {{"User-Agent", "winnow/" WINNOW_VERSION}, {"Accept", "application/json"}});
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
  if (is_https) {
    client.enable_server_certificate_verification(true);
    if (!options.ca_cert_path.empty()) client.set_ca_cert_path(options.ca_cert_path);
  }
#endif
  return self;
}

HubHttpClient::~HubHttpClient() = default;

std::string HubHttpClient::url(const std::string& path_and_query) const {
  return origin_ + base_path_ + path_and_query;
}

double HubHttpClient::backoff_s(int attempt, std::optional<double> retry_after_s) const {
  double delay = options_.retry_delay_base_s * std::ldexp(1.0, std::min(attempt, 30));
  if (retry_after_s) delay = std::max(delay, *retry_after_s);
  return std::min(delay, options_.retry_delay_max_s);
}

Result<std::string> HubHttpClient::get(const std::string& path_and_query) {
  const std::string full_path = base_path_ + path_and_query;
  const std::string full_url = url(path_and_query);
  Status last;
  for (int attempt = 0;; ++attempt) {
    std::optional<double> retry_after_s;
    httplib::Result response = client_->Get(full_path.c_str());
    if (!response) {
      std::string why = describe_transport_error(response.error());
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
      if (long verify = client_->get_openssl_verify_result(); verify != 0) {
        why += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
      }
#endif
      last = Status::unavailable("GET " + full_url + ": request failed: " + why);
      // A certificate the client does not trust will not become trusted by retrying.
      if (response.error() == httplib::Error::SSLServerVerification ||
          response.error() == httplib::Error::SSLLoadingCerts) {
        return Status::failed_precondition(last.message());
      }
    } else if (response->status >= 200 && response->status < 300) {
      return std::move(response->body);
    } else if (response->status >= 300 && response->status < 400) {
      return Status::failed_precondition(
          "GET " + full_url + ": HTTP " + std::to_string(response->status) + " redirect to '" +
          response->get_header_value("Location") +
          "' not followed (with a token set, use the final endpoint URL)");
    } else {
      std::string message = "GET " + full_url + ": " + error_message_of(*response);
      if (!is_retryable_status(response->status)) {
        return non_retryable_error(response->status, message);
      }
      last = Status::unavailable(message);
      if (response->has_header("Retry-After")) {
        retry_after_s = parse_retry_after(response->get_header_value("Retry-After"),
                                          std::chrono::system_clock::now());
      }
    }
    if (attempt >= options_.max_retries) {
      return last.with_context("gave up after " + std::to_string(attempt + 1) + " attempt(s)");
    }
    double delay_s = backoff_s(attempt, retry_after_s);
    if (options_.sleep) {
      options_.sleep(delay_s);
    } else {
      std::this_thread::sleep_for(std::chrono::duration<double>(delay_s));
    }
  }
}

}  // namespace winnow
