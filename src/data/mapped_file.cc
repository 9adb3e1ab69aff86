#include "data/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace winnow {
namespace {

uint64_t page_bytes() {
  static const auto kPage = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return kPage;
}

}  // namespace

Result<MappedFile> MappedFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    std::string m = path + ": cannot open: " + std::strerror(e);
    return e == ENOENT ? Status::not_found(m) : Status::io_error(m);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    std::string m = path + ": cannot stat: " + std::strerror(errno);
    ::close(fd);
    return Status::io_error(m);
  }
  if (!S_ISREG(st.st_mode) || st.st_size <= 0) {
    ::close(fd);
    return Status::invalid_argument(path + ": not a non-empty regular file; cannot be mapped");
  }
  const auto size = static_cast<uint64_t>(st.st_size);
  void* p = ::mmap(nullptr, static_cast<size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0);
  const int e = errno;
  ::close(fd);  // the mapping keeps the file
  if (p == MAP_FAILED) return Status::io_error(path + ": cannot map: " + std::strerror(e));
  return MappedFile(path, static_cast<const char*>(p), size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), static_cast<size_t>(size_));
    path_ = std::move(other.path_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), static_cast<size_t>(size_));
}

void MappedFile::release(uint64_t begin, uint64_t end) const {
  const uint64_t page = page_bytes();
  begin = (begin + page - 1) / page * page;  // whole pages only: neighbours may still be in use
  end = end >= size_ ? (size_ + page - 1) / page * page : end / page * page;
  if (data_ == nullptr || end <= begin) return;
  ::madvise(const_cast<char*>(data_) + begin, static_cast<size_t>(end - begin), MADV_DONTNEED);
}

void MappedFile::prefetch(uint64_t begin, uint64_t end) const {
#ifdef MADV_POPULATE_READ
  const uint64_t page = page_bytes();
  begin = begin / page * page;
  end = std::min(end, size_);
  if (data_ == nullptr || end <= begin) return;
  ::madvise(const_cast<char*>(data_) + begin, static_cast<size_t>(end - begin), MADV_POPULATE_READ);
#else
  (void)begin;
  (void)end;
#endif
}

}  // namespace winnow
