// API keys (spec §1.2): "Authorization: Bearer <key>" → the key's workspace. Keys come from
// the command line, a keys file ("KEY [WORKSPACE]" per line, '#' comments) or the environment
// (WINNOW_API_KEYS, comma-separated). Keys are kept only as SHA-256 digests and compared in
// constant time (CRYPTO_memcmp over every configured key), so neither timing nor a memory dump
// of the table reveals them; nothing here ever logs a key.
//
// Thread-safety: authenticate() may run on any thread while replace() swaps the table.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/server_options.h"
#include "core/status.h"

namespace winnow::api {

// Parses a keys file's text. Errors (kInvalidArgument) name the line: "line 3: ...".
Result<std::vector<ApiKey>> parse_api_keys(std::string_view text);
// Reads and parses a keys file (errors name the path).
Result<std::vector<ApiKey>> read_api_keys_file(const std::string& path);
// Keys from a comma-separated list (WINNOW_API_KEYS); empty entries are skipped.
std::vector<ApiKey> api_keys_from_list(std::string_view list);

class ApiKeyTable {
 public:
  explicit ApiKeyTable(const std::vector<ApiKey>& keys);
  // Swaps in a new set of keys (e.g. the keys file re-read on SIGHUP).
  void replace(const std::vector<ApiKey>& keys);
  size_t size() const;
  // The workspace of the key in an Authorization header value ("Bearer <key>"); nullopt for a
  // missing, malformed or unknown key.
  std::optional<std::string> authenticate(std::string_view authorization) const;

 private:
  struct Entry {
    std::array<unsigned char, 32> digest;
    std::string workspace;
  };
  // The current table: replace() swaps in a new one under mu_; authenticate() copies the pointer
  // under mu_ and compares outside it, so a reload never waits for requests nor they for it
  // beyond that copy. (Not std::atomic<std::shared_ptr>: libstdc++ 12's load() releases its
  // internal lock with a relaxed store, so a load and the next store race on the stored pointer;
  // ThreadSanitizer reports it on a SIGHUP reload.)
  mutable std::mutex mu_;
  std::shared_ptr<const std::vector<Entry>> entries_;
};

// 32 random lower-case hex digits (request ids, classification ids).
std::string random_hex_id();

}  // namespace winnow::api
