#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
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
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return errno_status("cannot create", tmp);
  static constexpr size_t kBufferBytes = 1 << 20;
  std::setvbuf(f, nullptr, _IOFBF, kBufferBytes);
  return AtomicFileWriter(path, std::move(tmp), f);
}

AtomicFileWriter::AtomicFileWriter(AtomicFileWriter&& other) noexcept
    : path_(std::move(other.path_)), tmp_path_(std::move(other.tmp_path_)), file_(other.file_) {
  other.file_ = nullptr;
}

AtomicFileWriter::~AtomicFileWriter() {
  if (file_ != nullptr) {
    std::fclose(file_);
    ::unlink(tmp_path_.c_str());
  }
}

Status AtomicFileWriter::write(std::string_view bytes) {
  if (file_ == nullptr) return Status::failed_precondition(path_ + ": writer already closed");
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return errno_status("write failed", tmp_path_);
  }
  return Status::ok();
}

Status AtomicFileWriter::commit() {
  if (file_ == nullptr) return Status::failed_precondition(path_ + ": writer already closed");
  FILE* f = file_;
  file_ = nullptr;
  bool ok = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  int saved = errno;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    errno = saved;
    Status s = errno_status("write failed", tmp_path_);
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
