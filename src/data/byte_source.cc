#include "data/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace winnow {
namespace {

constexpr size_t kGzipBufferBytes = 256 * 1024;

class FdSource : public ByteSource {
 public:
  FdSource(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~FdSource() override {
    if (fd_ > 0) ::close(fd_);  // fd 0 is stdin: never closed
  }
  Result<size_t> read(char* buffer, size_t capacity) override {
    // Bytes peeked while sniffing the gzip magic come first.
    if (!peeked_.empty()) {
      size_t n = std::min(capacity, peeked_.size());
      std::memcpy(buffer, peeked_.data(), n);
      peeked_.erase(0, n);
      position_ += n;
      return n;
    }
    for (;;) {
      ssize_t n = ::read(fd_, buffer, capacity);
      if (n >= 0) {
        position_ += static_cast<uint64_t>(n);
        return static_cast<size_t>(n);
      }
      if (errno != EINTR) return Status::io_error(path_ + ": read failed: " + std::strerror(errno));
    }
  }
  uint64_t position_bytes() const override { return position_; }
  uint64_t size_bytes() const override { return size_; }
  const std::string& path() const override { return path_; }
  bool compressed() const override { return false; }
  void set_peeked(std::string bytes) { peeked_ = std::move(bytes); }
  void set_position(uint64_t position) { position_ = position; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
  uint64_t position_ = 0;
  std::string peeked_;
};

// Inflates a gzip stream (several concatenated members allowed, as gzip(1) writes them).
class GzipSource : public ByteSource {
 public:
  // The input buffer is no larger than the compressed file (size 0: unknown, e.g. stdin).
  explicit GzipSource(std::unique_ptr<FdSource> raw)
      : raw_(std::move(raw)),
        in_(raw_->size_bytes() == 0 ? kGzipBufferBytes
                                    : std::min<uint64_t>(raw_->size_bytes(), kGzipBufferBytes)) {
    std::memset(&z_, 0, sizeof z_);
    inflateInit2(&z_, 16 + MAX_WBITS);
  }
  ~GzipSource() override { inflateEnd(&z_); }

  Result<size_t> read(char* buffer, size_t capacity) override {
    if (done_) return size_t{0};
    z_.next_out = reinterpret_cast<Bytef*>(buffer);
    z_.avail_out = static_cast<uInt>(capacity);
    while (z_.avail_out == capacity) {
      if (z_.avail_in == 0) {
        WINNOW_ASSIGN_OR_RETURN(size_t n, raw_->read(in_.data(), in_.size()));
        if (n == 0) {
          if (in_member_) {
            return Status::corruption(raw_->path() +
                                      ": truncated gzip stream (the file ends inside compressed "
                                      "data; was the download or copy cut short?)");
          }
          done_ = true;
          break;
        }
        z_.next_in = reinterpret_cast<Bytef*>(in_.data());
        z_.avail_in = static_cast<uInt>(n);
      }
      in_member_ = true;
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
        inflateReset(&z_);  // another member may follow
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::corruption(raw_->path() + ": corrupt gzip data (" +
                                  (z_.msg != nullptr ? z_.msg : "inflate failed") + ")");
      }
    }
    return capacity - z_.avail_out;
  }
  uint64_t position_bytes() const override { return raw_->position_bytes(); }
  uint64_t size_bytes() const override { return raw_->size_bytes(); }
  const std::string& path() const override { return raw_->path(); }
  bool compressed() const override { return true; }

 private:
  std::unique_ptr<FdSource> raw_;
  std::vector<char> in_;
  z_stream z_;
  bool in_member_ = false;
  bool done_ = false;
};

}  // namespace

Result<std::unique_ptr<ByteSource>> open_byte_source(const std::string& path,
                                                     uint64_t start_offset) {
  int fd = 0;
  uint64_t size = 0;
  std::string name = path;
  if (path == "-") {
    name = "<stdin>";
  } else {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      int e = errno;
      std::string m = path + ": cannot open: " + std::strerror(e);
      return e == ENOENT ? Status::not_found(m) : Status::io_error(m);
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return Status::invalid_argument(path + ": is a directory, expected a file");
      }
      size = static_cast<uint64_t>(st.st_size);
    }
  }
  auto raw = std::make_unique<FdSource>(name, fd, size);
  // Sniff the gzip magic (1f 8b) without losing the bytes for the plain path.
  char magic[2];
  size_t got = 0;
  while (got < 2) {
    WINNOW_ASSIGN_OR_RETURN(size_t n, raw->read(magic + got, 2 - got));
    if (n == 0) break;
    got += n;
  }
  bool gzip = got == 2 && static_cast<unsigned char>(magic[0]) == 0x1f &&
              static_cast<unsigned char>(magic[1]) == 0x8b;
  if (start_offset > 0) {
    if (gzip || path == "-") {
      return Status::invalid_argument(
          path + ": cannot start reading in the middle of a gzip stream or stdin");
    }
    if (::lseek(fd, static_cast<off_t>(start_offset), SEEK_SET) < 0) {
      return Status::io_error(path + ": seek failed: " + std::strerror(errno));
    }
    raw->set_position(start_offset);
    return std::unique_ptr<ByteSource>(std::move(raw));
  }
  raw->set_peeked(std::string(magic, got));
  if (gzip) return std::unique_ptr<ByteSource>(std::make_unique<GzipSource>(std::move(raw)));
  return std::unique_ptr<ByteSource>(std::move(raw));
}

size_t initial_buffer_bytes(const ByteSource& source, size_t buffer_bytes) {
  const uint64_t size = source.size_bytes();
  if (source.compressed() || size == 0 || size >= buffer_bytes) return buffer_bytes;
  return std::max<size_t>(static_cast<size_t>(size) + 1, 16);
}

LineReader::LineReader(std::unique_ptr<ByteSource> source, size_t buffer_bytes)
    : source_(std::move(source)), buffer_(initial_buffer_bytes(*source_, buffer_bytes)) {}

Status refill_buffer(ByteSource& source, std::vector<char>* buffer, size_t* begin, size_t* end,
                     bool* eof) {
  if (*begin > 0) {
    std::memmove(buffer->data(), buffer->data() + *begin, *end - *begin);
    *end -= *begin;
    *begin = 0;
  }
  if (*end == buffer->size()) buffer->resize(buffer->size() * 2);
  WINNOW_ASSIGN_OR_RETURN(size_t n, source.read(buffer->data() + *end, buffer->size() - *end));
  if (n == 0) *eof = true;
  *end += n;
  return Status::ok();
}

Status LineReader::fill() { return refill_buffer(*source_, &buffer_, &begin_, &end_, &eof_); }

Result<bool> LineReader::next(std::string_view* line) {
  for (;;) {
    if (!started_ && (end_ - begin_ >= 3 || eof_)) {
      started_ = true;
      if (end_ - begin_ >= 3 && std::memcmp(buffer_.data() + begin_, "\xEF\xBB\xBF", 3) == 0) {
        begin_ += 3;
      }
    }
    if (started_) {
      const char* start = buffer_.data() + begin_;
      const void* nl = std::memchr(start, '\n', end_ - begin_);
      if (nl != nullptr || (eof_ && end_ > begin_)) {
        size_t len = nl != nullptr ? static_cast<size_t>(static_cast<const char*>(nl) - start)
                                   : end_ - begin_;
        begin_ += len + (nl != nullptr ? 1 : 0);
        if (len > 0 && start[len - 1] == '\r') --len;
        *line = std::string_view(start, len);
        ++line_number_;
        return true;
      }
      if (eof_) return false;
    }
    WINNOW_RETURN_IF_ERROR(fill());
  }
}

}  // namespace winnow
