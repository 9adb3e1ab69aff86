#include "hub/download.h"

#include <fcntl.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <thread>

namespace winnow {
namespace {

constexpr int kRedirectsMax = 10;

struct SplitUrl {
  std::string origin;  // scheme://host[:port]
  std::string path;    // /path?query ("/" when empty)
};

Result<SplitUrl> split_url(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos ||
      (url.compare(0, scheme_end, "http") != 0 && url.compare(0, scheme_end, "https") != 0)) {
    return Status::invalid_argument("not an http(s) URL: '" + url + "'");
  }
  const size_t path_start = url.find('/', scheme_end + 3);
  SplitUrl s;
  s.origin = url.substr(0, path_start);
  s.path = path_start == std::string::npos ? "/" : url.substr(path_start);
  if (s.origin.size() == scheme_end + 3)
    return Status::invalid_argument("URL without a host: '" + url + "'");
  return s;
}

// The redirect target of `location` relative to `base`.
std::string resolve_location(const SplitUrl& base, const std::string& location) {
  if (location.find("://") != std::string::npos) return location;
  if (!location.empty() && location[0] == '/') return base.origin + location;
  const size_t slash = base.path.rfind('/', base.path.find('?'));
  return base.origin + base.path.substr(0, slash + 1) + location;
}

bool token_allowed(const std::string& origin, const HubConnectionOptions& options) {
  auto endpoint = split_url(options.endpoint);
  return (endpoint.is_ok() && endpoint.value().origin == origin) ||
         origin == "https://huggingface.co";
}

// Content-Length as a number; 0 when absent or not a number (then the length is not checked).
uint64_t content_length(const httplib::Response& r) {
  const std::string v = r.get_header_value("Content-Length");
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  return ec == std::errc() && end == v.data() + v.size() ? n : 0;
}

bool retryable(int status) { return status == 408 || status == 429 || status >= 500; }

uint64_t file_size_of(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

}  // namespace

Result<uint64_t> hub_download(const HubConnectionOptions& options, const std::string& url,
                              const std::string& out_path, const HubDownloadProgress& progress) {
  const int fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::io_error(out_path + ": cannot open for writing: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};

  Status last;
  for (int attempt = 0;; ++attempt) {
    std::string current = url;
    std::optional<double> retry_after_s;
    bool retry = false;
    bool token = !options.token.empty();
    for (int redirects = 0;; ++redirects) {
      WINNOW_ASSIGN_OR_RETURN(SplitUrl where, split_url(current));
      if (token) token = token_allowed(where.origin, options);
      httplib::Client client(where.origin);
      if (!client.is_valid())
        return Status::invalid_argument("GET " + current + ": not a valid URL");
      time_t sec = static_cast<time_t>(options.timeout_s);
      time_t usec = static_cast<time_t>((options.timeout_s - static_cast<double>(sec)) * 1e6);
      client.set_connection_timeout(sec, usec);
      client.set_read_timeout(sec, usec);
      client.set_follow_location(false);
      client.set_url_encode(false);
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
      client.enable_server_certificate_verification(true);
      if (!options.ca_cert_path.empty()) client.set_ca_cert_path(options.ca_cert_path);
#endif
      const uint64_t have = file_size_of(fd);
      httplib::Headers headers = {{"User-Agent", "winnow/" WINNOW_VERSION}};
      if (token) headers.emplace("Authorization", "Bearer " + options.token);
      if (have > 0) headers.emplace("Range", "bytes=" + std::to_string(have) + "-");
      int status = 0;
      uint64_t total = 0;
      std::string error_body;
      Status write_status;
      bool cancelled = false;
      httplib::Result response = client.Get(
          where.path, headers,
          [&](const httplib::Response& r) {
            status = r.status;
            if (status == 200) {
              // The whole file (a fresh download, or a server that ignores Range).
              if (::ftruncate(fd, 0) != 0) {
                write_status =
                    Status::io_error(out_path + ": cannot truncate: " + std::strerror(errno));
                return false;
              }
              total = content_length(r);
            } else if (status == 206) {
              total = content_length(r) == 0 ? 0 : have + content_length(r);
            } else if (status == 416 && have > 0) {
              // Nothing left to send: the file is already complete.
            }
            return true;
          },
          [&](const char* data, size_t n) {
            if (status != 200 && status != 206) {
              if (error_body.size() < 300)
                error_body.append(data, std::min<size_t>(n, 300 - error_body.size()));
              return true;
            }
            size_t done = 0;
            while (done < n) {
              const ssize_t w =
                  ::pwrite(fd, data + done, n - done, static_cast<off_t>(file_size_of(fd)));
              if (w < 0 && errno == EINTR) continue;
              if (w < 0) {
                write_status =
                    Status::io_error(out_path + ": write failed: " + std::strerror(errno));
                return false;
              }
              done += static_cast<size_t>(w);
            }
            if (progress && !progress(file_size_of(fd), total)) {
              cancelled = true;
              return false;
            }
            return true;
          });
      WINNOW_RETURN_IF_ERROR(write_status);
      if (cancelled) return Status::cancelled("download of " + url + " cancelled");
      if (!response) {
        last = Status::unavailable("GET " + current +
                                   ": request failed: " + httplib::to_string(response.error()));
        if (response.error() == httplib::Error::SSLServerVerification)
          return Status::failed_precondition(last.message());
        retry = true;
        break;
      }
      if (status == 200 || status == 206) {
        if (total != 0 && file_size_of(fd) != total) {
          last = Status::unavailable("GET " + current + ": the connection ended after " +
                                     std::to_string(file_size_of(fd)) + " of " +
                                     std::to_string(total) + " bytes");
          retry = true;
          break;
        }
        if (::fsync(fd) != 0)
          return Status::io_error(out_path + ": fsync failed: " + std::strerror(errno));
        return file_size_of(fd);
      }
      if (status == 416 && have > 0) return have;
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        const std::string location = response->get_header_value("Location");
        if (location.empty() || redirects >= kRedirectsMax) {
          return Status::unavailable(
              "GET " + current + ": HTTP " + std::to_string(status) +
              (location.empty() ? " redirect without a Location" : ": too many redirects"));
        }
        const std::string next = resolve_location(where, location);
        WINNOW_ASSIGN_OR_RETURN(SplitUrl next_where, split_url(next));
        if (next_where.origin != where.origin) token = false;  // never forward the token
        current = next;
        continue;
      }
      std::string message = "GET " + current + ": HTTP " + std::to_string(status) +
                            (error_body.empty() ? "" : ": " + error_body);
      if (!retryable(status)) {
        if (status == 404) return Status::not_found(message);
        if (status == 401 || status == 403) {
          return Status::failed_precondition(
              message + " (gated or private datasets need a token: set HF_TOKEN)");
        }
        return Status::invalid_argument(message);
      }
      if (response->has_header("Retry-After")) {
        retry_after_s = parse_retry_after(response->get_header_value("Retry-After"),
                                          std::chrono::system_clock::now());
      }
      last = Status::unavailable(message);
      retry = true;
      break;
    }
    if (!retry) break;
    if (attempt >= options.max_retries) {
      return last.with_context("gave up after " + std::to_string(attempt + 1) + " attempt(s)");
    }
    double delay = options.retry_delay_base_s * std::ldexp(1.0, std::min(attempt, 30));
    if (retry_after_s) delay = std::max(delay, *retry_after_s);
    delay = std::min(delay, options.retry_delay_max_s);
    if (options.sleep) {
      options.sleep(delay);
    } else {
      std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    }
  }
  return last;
}

}  // namespace winnow
