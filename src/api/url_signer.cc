#include "api/url_signer.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace winnow::api {

Result<UrlSigner> UrlSigner::open(const std::string& data_dir) {
  const std::string path = (std::filesystem::path(data_dir) / "url-signing.key").string();
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream s;
      s << in.rdbuf();
      std::string secret = s.str();
      if (secret.size() < 16) return Status::corruption(path + ": signing key too short");
      return UrlSigner(std::move(secret));
    }
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return Status::internal("RAND_bytes failed");
  std::string secret;
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char b : bytes) {
    secret.push_back(kHex[b >> 4]);
    secret.push_back(kHex[b & 15]);
  }
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::io_error(tmp + ": " + std::strerror(errno));
  const bool written =
      ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) &&
      ::fsync(fd) == 0;
  ::close(fd);
  // link() fails if another process created the key meanwhile: then theirs is used.
  if (!written) {
    ::unlink(tmp.c_str());
    return Status::io_error(tmp + ": cannot write the signing key");
  }
  if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return Status::io_error(path + ": " + std::strerror(err));
  }
  ::unlink(tmp.c_str());
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return UrlSigner(s.str());
}

std::string UrlSigner::sign(std::string_view workspace, std::string_view file_id,
                            int64_t expires) const {
  std::string message(workspace);
  message.push_back('\n');
  message.append(file_id);
  message.push_back('\n');
  message.append(std::to_string(expires));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < mac_len; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 15]);
  }
  return out;
}

bool UrlSigner::verify(std::string_view workspace, std::string_view file_id, int64_t expires,
                       std::string_view signature, int64_t now) const {
  const std::string expected = sign(workspace, file_id, expires);
  if (signature.size() != expected.size()) return false;
  const bool match = CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
  return match && expires >= now;
}

}  // namespace winnow::api
