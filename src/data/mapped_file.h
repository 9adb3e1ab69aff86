// A read-only memory mapping of a whole regular file, for `winnow prepare`'s passes over plain
// CSV: parsing and copying straight from the page cache saves the read() copy of every byte.
//
// Resident memory: pages a reader has touched count toward the process's resident set even
// though they belong to the page cache, so readers that sweep the file call release() behind
// themselves (MADV_DONTNEED: the pages stay cached; only this mapping of them is dropped, and
// touching them again maps them again from the cache).
//
// Limit: if another process truncates the file while it is mapped, touching the lost pages
// raises SIGBUS. Callers map only regular files and check the size they expect (prepare's second
// pass refuses a file whose size changed since the first).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace winnow {

class MappedFile {
 public:
  // Maps `path`. kNotFound / kIoError name the path; kInvalidArgument for a file that cannot be
  // mapped as a whole (not a regular file, or empty): callers then read it as a stream.
  static Result<MappedFile> open(const std::string& path);

  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  const char* data() const { return data_; }
  uint64_t size() const { return size_; }
  std::string_view bytes() const { return {data_, static_cast<size_t>(size_)}; }
  const std::string& path() const { return path_; }

  // Drops this process's mapping of the whole pages inside [begin, end) (file offsets). The
  // bytes stay readable; reading them again faults them back in from the page cache.
  void release(uint64_t begin, uint64_t end) const;
  // Maps [begin, end) in one call rather than one page fault per few pages; advice only.
  void prefetch(uint64_t begin, uint64_t end) const;

 private:
  MappedFile(std::string path, const char* data, uint64_t size)
      : path_(std::move(path)), data_(data), size_(size) {}
  std::string path_;
  const char* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace winnow
