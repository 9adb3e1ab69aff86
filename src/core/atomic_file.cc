#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace winnow {
namespace {

Status errno_status(const std::string& what, const std::string& path) {
  return Status::io_error(path + ": " + what + ": " + std::strerror(errno));
}

}  // namespace

Result<AtomicFileWriter> AtomicFileWriter::open(const std::string& path) {
  std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status("cannot create", tmp);
  return AtomicFileWriter(path, std::move(tmp), fd);
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : path_(std::move(other.path_)), tmp_path_(std::move(other.tmp_path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_path_.c_str());
  }
}

Status AtomicFileWriter::write(std::string_view bytes) {
  if (fd_ < 0) return Status::failed_precondition(path_ + ": writer already closed");
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_status("write failed", tmp_path_);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::ok();
}

void AtomicFileWriter::start_writeback() {
  if (fd_ >= 0) ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
}

Status AtomicFileWriter::commit() {
  if (fd_ < 0) return Status::failed_precondition(path_ + ": writer already closed");
  const int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0) {
    Status s = errno_status("fsync failed", tmp_path_);
    ::close(fd);
    ::unlink(tmp_path_.c_str());
    return s;
  }
  if (::close(fd) != 0) {
    Status s = errno_status("close failed", tmp_path_);
    ::unlink(tmp_path_.c_str());
    return s;
  }
  if (std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
    Status s = errno_status("rename failed", path_);
    ::unlink(tmp_path_.c_str());
    return s;
  }
  std::string dir = std::filesystem::path(path_).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::ok();
}

Status write_file_atomically(const std::string& path, std::string_view bytes) {
  WINNOW_ASSIGN_OR_RETURN(AtomicFileWriter w, AtomicFileWriter::open(path));
  WINNOW_RETURN_IF_ERROR(w.write(bytes));
  return w.commit();
}

}  // namespace winnow
