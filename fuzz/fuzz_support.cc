#include "fuzz_support.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace winnow::fuzz {

MemoryByteSource::MemoryByteSource(std::string_view data, size_t chunk_bytes, std::string path)
    : data_(data), chunk_bytes_(std::max<size_t>(chunk_bytes, 1)), path_(std::move(path)) {}

Result<size_t> MemoryByteSource::read(char* buffer, size_t capacity) {
  const size_t n = std::min({capacity, chunk_bytes_, data_.size() - position_});
  if (n > 0) std::memcpy(buffer, data_.data() + position_, n);
  position_ += n;
  return n;
}

namespace {

// The scratch directory, created on first use and removed with its files at exit.
class ScratchDir {
 public:
  ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string base = tmp != nullptr && *tmp != '\0'              ? tmp
                       : std::filesystem::is_directory("/dev/shm") ? "/dev/shm"
                                                                   : "/tmp";
    path_ = base + "/winnow-fuzz-" + std::to_string(::getpid());
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

const std::string& scratch_dir() {
  static ScratchDir dir;
  return dir.path();
}

std::string write_scratch_file(std::string_view name, std::string_view data) {
  std::string path = scratch_dir() + "/" + std::string(name);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  fuzz_check(fd >= 0, "cannot create the scratch file " + path);
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    fuzz_check(n > 0, "cannot write the scratch file " + path);
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return path;
}

void fuzz_check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", what);
  std::abort();
}

void fuzz_check(bool condition, const std::string& what) { fuzz_check(condition, what.c_str()); }

}  // namespace winnow::fuzz
