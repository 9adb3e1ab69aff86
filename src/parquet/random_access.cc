#include "parquet/random_access.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace winnow::parquet {
namespace {

Status past_end(const std::string& path, uint64_t offset, size_t size, uint64_t file_size) {
  return Status::corruption(path + ": reading " + std::to_string(size) + " bytes at offset " +
                            std::to_string(offset) + " runs past the end of the file (" +
                            std::to_string(file_size) + " bytes); it is truncated or corrupt");
}

class FileSource : public RandomAccessSource {
 public:
  FileSource(int fd, uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  Status read_at(uint64_t offset, size_t size, uint8_t* out) const override {
    if (offset > size_ || size > size_ - offset) return past_end(path_, offset, size, size_);
    size_t done = 0;
    while (done < size) {
      const ssize_t n = ::pread(fd_, out + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::io_error(path_ + ": read failed: " + std::strerror(errno));
      if (n == 0) return past_end(path_, offset, size, size_);  // shrank since it was opened
      done += static_cast<size_t>(n);
    }
    return Status::ok();
  }
  uint64_t size_bytes() const override { return size_; }
  const std::string& path() const override { return path_; }

 private:
  int fd_;
  uint64_t size_;
  std::string path_;
};

class MemorySource : public RandomAccessSource {
 public:
  MemorySource(std::string_view data, std::string path) : data_(data), path_(std::move(path)) {}
  Status read_at(uint64_t offset, size_t size, uint8_t* out) const override {
    if (offset > data_.size() || size > data_.size() - offset) {
      return past_end(path_, offset, size, data_.size());
    }
    if (size > 0) std::memcpy(out, data_.data() + offset, size);
    return Status::ok();
  }
  uint64_t size_bytes() const override { return data_.size(); }
  const std::string& path() const override { return path_; }

 private:
  std::string_view data_;
  std::string path_;
};

}  // namespace

Result<std::unique_ptr<RandomAccessSource>> open_file_source(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return Status::not_found(path + ": no such file");
    return Status::io_error(path + ": cannot open: " + std::strerror(e));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::invalid_argument(path + ": not a regular file");
  }
  return std::unique_ptr<RandomAccessSource>(
      new FileSource(fd, static_cast<uint64_t>(st.st_size), path));
}

std::unique_ptr<RandomAccessSource> memory_source(std::string_view data, std::string path) {
  return std::make_unique<MemorySource>(data, std::move(path));
}

}  // namespace winnow::parquet
