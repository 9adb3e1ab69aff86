#include "api/auth.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <fstream>
#include <random>
#include <sstream>
#include <utility>

namespace winnow::api {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::array<unsigned char, 32> digest_of(std::string_view key) {
  std::array<unsigned char, 32> d{};
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), d.data());
  return d;
}

}  // namespace

Result<std::vector<ApiKey>> parse_api_keys(std::string_view text) {
  std::vector<ApiKey> keys;
  size_t line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    ApiKey key;
    const size_t space = line.find_first_of(" \t");
    if (space == std::string_view::npos) {
      key.key = std::string(line);
    } else {
      key.key = std::string(line.substr(0, space));
      std::string_view ws = trim(line.substr(space));
      if (ws.find_first_of(" \t") != std::string_view::npos) {
        return Status::invalid_argument("line " + std::to_string(line_no) +
                                        ": expected 'KEY [WORKSPACE]', got more fields");
      }
      key.workspace = std::string(ws);
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

Result<std::vector<ApiKey>> read_api_keys_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found(path + ": cannot open the API keys file");
  std::ostringstream text;
  text << in.rdbuf();
  Result<std::vector<ApiKey>> keys = parse_api_keys(text.str());
  if (!keys.is_ok()) return keys.status().with_context(path);
  return keys;
}

std::vector<ApiKey> api_keys_from_list(std::string_view list) {
  std::vector<ApiKey> keys;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view k = trim(list.substr(start, comma - start));
    if (!k.empty()) keys.push_back(ApiKey{std::string(k), "default"});
    start = comma + 1;
  }
  return keys;
}

ApiKeyTable::ApiKeyTable(const std::vector<ApiKey>& keys) { replace(keys); }

void ApiKeyTable::replace(const std::vector<ApiKey>& keys) {
  auto entries = std::make_shared<std::vector<Entry>>();
  for (const ApiKey& k : keys) entries->push_back(Entry{digest_of(k.key), k.workspace});
  std::shared_ptr<const std::vector<Entry>> old;  // freed after the lock is released
  std::lock_guard lock(mu_);
  old = std::exchange(entries_, std::move(entries));
}

size_t ApiKeyTable::size() const {
  std::lock_guard lock(mu_);
  return entries_->size();
}

std::optional<std::string> ApiKeyTable::authenticate(std::string_view authorization) const {
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() <= kBearer.size()) return std::nullopt;
  for (size_t i = 0; i < kBearer.size(); ++i) {
    const char c = authorization[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kBearer[i])
      return std::nullopt;
  }
  const std::string_view key = trim(authorization.substr(kBearer.size()));
  if (key.empty()) return std::nullopt;
  const std::array<unsigned char, 32> d = digest_of(key);
  const std::shared_ptr<const std::vector<Entry>> entries = [&] {
    std::lock_guard lock(mu_);
    return entries_;
  }();
  const Entry* found = nullptr;
  // Every entry is compared, so the time does not depend on which (if any) matches.
  for (const Entry& e : *entries) {
    if (CRYPTO_memcmp(e.digest.data(), d.data(), d.size()) == 0 && found == nullptr) found = &e;
  }
  if (found == nullptr) return std::nullopt;
  return found->workspace;
}

std::string random_hex_id() {
  thread_local std::mt19937_64 rng{[] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int half = 0; half < 2; ++half) {
    uint64_t v = rng();
    for (int i = 0; i < 16; ++i) {
      out[static_cast<size_t>(half * 16 + i)] = kHex[v & 15];
      v >>= 4;
    }
  }
  return out;
}

}  // namespace winnow::api
