#include "store/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace winnow::store {
namespace {

Status errno_status(const std::string& what, const std::string& path, int err) {
  return Status::io_error(path + ": " + what + ": " + std::strerror(err));
}

// Writes all of `bytes` to fd; returns 0 or the errno of the failed write.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return 0;
}

Status write_and_sync(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status("cannot create", path, errno);
  if (int err = write_all(fd, bytes); err != 0) {
    ::close(fd);
    return errno_status("write failed", path, err);
  }
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return errno_status("fsync failed", path, err);
  }
  if (::close(fd) != 0) return errno_status("close failed", path, errno);
  return Status::ok();
}

// A copy of `from` at `to` (fsynced), for file systems without hard links.
Status copy_file(const std::string& from, const std::string& to) {
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return errno_status("cannot open", from, errno);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out < 0) {
    const int err = errno;
    ::close(in);
    return errno_status("cannot create", to, err);
  }
  char buffer[1 << 16];
  int err = 0;
  for (;;) {
    const ssize_t n = ::read(in, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    if (n == 0) break;
    if ((err = write_all(out, std::string_view(buffer, static_cast<size_t>(n)))) != 0) break;
  }
  if (err == 0 && ::fsync(out) != 0) err = errno;
  ::close(in);
  if (::close(out) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(to.c_str());
    return errno_status("copy failed", to, err);
  }
  return Status::ok();
}

class RealFileIo final : public FileIo {
 public:
  Status write_file(const std::string& path, std::string_view bytes) override {
    return write_and_sync(path, bytes);
  }
  Status rename(const std::string& from, const std::string& to) override {
    if (std::rename(from.c_str(), to.c_str()) != 0) {
      return errno_status("rename from " + from + " failed", to, errno);
    }
    return Status::ok();
  }
  Status link(const std::string& from, const std::string& to) override {
    if (::link(from.c_str(), to.c_str()) == 0) return Status::ok();
    const int err = errno;
    if (err == ENOENT) return Status::not_found(from + ": no such file");
    if (err == EXDEV || err == EPERM || err == ENOTSUP || err == EMLINK) {
      return copy_file(from, to);
    }
    return errno_status("hard link from " + from + " failed", to, err);
  }
  Status remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return errno_status("cannot remove", path, errno);
    }
    return Status::ok();
  }
  Status remove_tree(const std::string& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) return Status::io_error(path + ": cannot remove: " + ec.message());
    return Status::ok();
  }
  Status make_dirs(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status::io_error(path + ": cannot create directory: " + ec.message());
    return Status::ok();
  }
  Status fsync_dir(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno_status("cannot open directory", path, errno);
    if (::fsync(fd) != 0 && errno != EINVAL) {
      const int err = errno;
      ::close(fd);
      return errno_status("fsync failed", path, err);
    }
    ::close(fd);
    return Status::ok();
  }
  Status commit(const std::function<Status()>& commit) override { return commit(); }
};

Status enospc(const std::string& path) {
  return Status::io_error(path + ": " + std::strerror(ENOSPC) + " (injected fault)");
}

}  // namespace

FileIo& real_file_io() {
  static RealFileIo io;
  return io;
}

void FaultInjectingFileIo::arm(int64_t fail_at, unsigned fail_kinds, bool fail_all_after) {
  kinds_ = fail_kinds;
  fail_all_after_ = fail_all_after;
  calls_ = 0;
  failures_ = 0;
  fail_at_ = fail_at;
}

bool FaultInjectingFileIo::should_fail(Kind kind) {
  if ((kinds_.load() & kind) == 0) return false;
  const int64_t n = ++calls_;
  const int64_t at = fail_at_.load();
  const bool fail = at > 0 && (n == at || (fail_all_after_.load() && n > at));
  if (fail) ++failures_;
  return fail;
}

Status FaultInjectingFileIo::write_file(const std::string& path, std::string_view bytes) {
  if (should_fail(kWrite)) {
    // A full disk: half the bytes land, then the write fails.
    (void)real_file_io().write_file(path, bytes.substr(0, bytes.size() / 2));
    return enospc(path);
  }
  return real_file_io().write_file(path, bytes);
}
Status FaultInjectingFileIo::rename(const std::string& from, const std::string& to) {
  if (should_fail(kRename)) return enospc(to);
  return real_file_io().rename(from, to);
}
Status FaultInjectingFileIo::link(const std::string& from, const std::string& to) {
  if (should_fail(kLink)) return enospc(to);
  return real_file_io().link(from, to);
}
Status FaultInjectingFileIo::remove(const std::string& path) {
  if (should_fail(kRemove)) return enospc(path);
  return real_file_io().remove(path);
}
Status FaultInjectingFileIo::remove_tree(const std::string& path) {
  if (should_fail(kRemove)) return enospc(path);
  return real_file_io().remove_tree(path);
}
Status FaultInjectingFileIo::make_dirs(const std::string& path) {
  if (should_fail(kMakeDirs)) return enospc(path);
  return real_file_io().make_dirs(path);
}
Status FaultInjectingFileIo::fsync_dir(const std::string& path) {
  if (should_fail(kFsyncDir)) return enospc(path);
  return real_file_io().fsync_dir(path);
}
Status FaultInjectingFileIo::commit(const std::function<Status()>& commit) {
  if (should_fail(kCommit)) return enospc("database commit");
  return real_file_io().commit(commit);
}

}  // namespace winnow::store
