// Positioned reads from a Parquet file: the reader jumps to the footer, then to each needed
// column chunk, so it needs random access rather than a stream. A file implementation (pread)
// and an in-memory one (tests, fuzzing) share the interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace winnow::parquet {

class RandomAccessSource {
 public:
  virtual ~RandomAccessSource() = default;
  // Reads exactly `size` bytes at `offset` into `out`. Reading past the end is kCorruption
  // ("file is shorter than its metadata says"); an OS error is kIoError. Both name the path.
  // Thread-compatible: distinct sources may be used from distinct threads.
  virtual Status read_at(uint64_t offset, size_t size, uint8_t* out) const = 0;
  virtual uint64_t size_bytes() const = 0;
  virtual const std::string& path() const = 0;
};

// Opens `path` for reading. kNotFound / kIoError naming the path.
Result<std::unique_ptr<RandomAccessSource>> open_file_source(const std::string& path);

// Serves `data` (not owned: it must outlive the source) under the name `path`.
std::unique_ptr<RandomAccessSource> memory_source(std::string_view data, std::string path);

}  // namespace winnow::parquet
