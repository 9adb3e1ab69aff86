#include "hub/fetch_state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

namespace winnow {
namespace {

constexpr std::string_view kStateFormat = "winnow.hub_fetch.v1";
constexpr size_t kScanBufferBytes = 1 << 20;

Status errno_status(const std::string& what, const std::string& path) {
  std::string message = path + ": " + what + ": " + std::strerror(errno);
  return errno == ENOENT ? Status::not_found(message) : Status::io_error(message);
}

Status write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_status("write failed", path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::ok();
}

// Makes a rename durable: the directory entry lives in the parent directory.
void sync_parent_dir(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the data itself is already fsynced
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

std::string hub_state_path(const std::string& out_path) { return out_path + ".hub.json"; }

Result<std::optional<HubFetchState>> read_hub_fetch_state(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<HubFetchState>();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_status("cannot open", path);
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = errno_status("read failed", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);

  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  auto string_field = [&](const char* key) -> const nlohmann::json* {
    auto it = json.find(key);
    return it != json.end() && it->is_string() ? &*it : nullptr;
  };
  if (!json.is_object() || string_field("format") == nullptr ||
      json["format"].get<std::string>() != kStateFormat || !string_field("dataset") ||
      !string_field("config") || !string_field("split") || !json.contains("num_rows_total") ||
      !json["num_rows_total"].is_number_unsigned() || !json.contains("partial") ||
      !json["partial"].is_boolean()) {
    return Status::corruption(path + ": not a " + std::string(kStateFormat) +
                              " state file (delete it and the output to start over)");
  }
  HubFetchState state;
  state.dataset = json["dataset"].get<std::string>();
  state.config = json["config"].get<std::string>();
  state.split = json["split"].get<std::string>();
  state.num_rows_total = json["num_rows_total"].get<uint64_t>();
  state.partial = json["partial"].get<bool>();
  return std::optional<HubFetchState>(std::move(state));
}

Status write_hub_fetch_state(const std::string& path, const HubFetchState& state) {
  nlohmann::ordered_json json = {{"format", kStateFormat},
                                 {"dataset", state.dataset},
                                 {"config", state.config},
                                 {"split", state.split},
                                 {"num_rows_total", state.num_rows_total},
                                 {"partial", state.partial}};
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status("cannot create", tmp);
  Status written = write_all(fd, json.dump(2) + "\n", tmp);
  if (written.is_ok() && ::fsync(fd) != 0) written = errno_status("fsync failed", tmp);
  ::close(fd);
  if (!written.is_ok()) return written;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return errno_status("cannot rename onto", path);
  sync_parent_dir(path);
  return Status::ok();
}

Result<uint64_t> keep_complete_lines(const std::string& path, uint64_t max_lines) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return uint64_t{0};
    return errno_status("cannot open", path);
  }
  std::vector<char> buffer(kScanBufferBytes);
  uint64_t lines = 0;
  uint64_t keep_bytes = 0;  // end of the last line kept
  uint64_t position = 0;
  while (lines < max_lines) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = errno_status("read failed", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    bool saw_nul = false;
    for (ssize_t i = 0; i < n && lines < max_lines; ++i) {
      char c = buffer[static_cast<size_t>(i)];
      if (c == '\n') {
        ++lines;
        keep_bytes = position + static_cast<uint64_t>(i) + 1;
      } else if (c == '\0') {
        saw_nul = true;
        break;
      }
    }
    if (saw_nul) break;
    position += static_cast<uint64_t>(n);
  }
  struct stat st {};
  Status status;
  if (::fstat(fd, &st) != 0) {
    status = errno_status("stat failed", path);
  } else if (static_cast<uint64_t>(st.st_size) > keep_bytes) {
    if (::ftruncate(fd, static_cast<off_t>(keep_bytes)) != 0 || ::fsync(fd) != 0) {
      status = errno_status("cannot truncate", path);
    }
  }
  ::close(fd);
  if (!status.is_ok()) return status;
  return lines;
}

Result<DurableAppender> DurableAppender::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status("cannot open for appending", path);
  return DurableAppender(fd, path);
}

DurableAppender::DurableAppender(DurableAppender&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      dirty_(std::exchange(other.dirty_, false)),
      path_(std::move(other.path_)) {}

DurableAppender::~DurableAppender() {
  if (fd_ < 0) return;
  if (dirty_) ::fsync(fd_);
  ::close(fd_);
}

Status DurableAppender::append(std::string_view bytes) {
  dirty_ = true;
  return write_all(fd_, bytes, path_);
}

Status DurableAppender::sync() {
  if (!dirty_) return Status::ok();
  if (::fsync(fd_) != 0) return errno_status("fsync failed", path_);
  dirty_ = false;
  return Status::ok();
}

}  // namespace winnow
