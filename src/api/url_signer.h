// Signed download URLs (API F6): HMAC-SHA256 over (workspace, file id, expiry) with a secret
// kept in the data directory (<data_dir>/url-signing.key, created once with mode 0600), so URLs
// stay valid across restarts and servers sharing a data directory. Thread-safe (immutable).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace winnow::api {

class UrlSigner {
 public:
  // Reads the secret, creating it (32 random bytes) if absent. Errors name the path.
  static Result<UrlSigner> open(const std::string& data_dir);
  explicit UrlSigner(std::string secret) : secret_(std::move(secret)) {}

  // 64 hex digits.
  std::string sign(std::string_view workspace, std::string_view file_id, int64_t expires) const;
  // True if `signature` is sign(...) of these values (constant-time) and expires >= now.
  bool verify(std::string_view workspace, std::string_view file_id, int64_t expires,
              std::string_view signature, int64_t now) const;

 private:
  std::string secret_;
};

}  // namespace winnow::api
