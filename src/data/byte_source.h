// Sequential byte streams over files that may be gzip-compressed (detected by the gzip magic
// bytes, not the extension), and a line reader on top. Memory is bounded by the buffer size and
// the longest line, never by the file size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace winnow {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `capacity` bytes; returns 0 at end of stream. A damaged stream (truncated or
  // corrupt gzip) is a kCorruption error naming the file.
  virtual Result<size_t> read(char* buffer, size_t capacity) = 0;
  // Compressed bytes consumed so far (file bytes for plain files): for progress bars.
  virtual uint64_t position_bytes() const = 0;
  // Size of the underlying file in bytes (0 if unknown).
  virtual uint64_t size_bytes() const = 0;
  virtual const std::string& path() const = 0;
  // True for gzip streams (offsets then refer to decompressed bytes and cannot be pread).
  virtual bool compressed() const = 0;
};

// Opens `path` ("-" is stdin). Errors: kNotFound / kIoError with the path in the message.
// A non-zero `start_offset` starts reading a plain file there (gzip streams cannot be entered
// in the middle: kInvalidArgument).
Result<std::unique_ptr<ByteSource>> open_byte_source(const std::string& path,
                                                     uint64_t start_offset = 0);

// The buffer a reader of `source` needs at first: `buffer_bytes`, or less for a plain file that is
// smaller (its size plus one byte, at least 16), so that opening a small file does not allocate
// and clear a large buffer. Readers' buffers still grow when one item is longer.
size_t initial_buffer_bytes(const ByteSource& source, size_t buffer_bytes);

// Shared by the readers below: moves the unconsumed bytes [*begin, *end) of *buffer to its front,
// doubles the buffer when it is full (one item longer than the buffer), then reads more from
// `source`; sets *eof when the stream has ended.
Status refill_buffer(ByteSource& source, std::vector<char>* buffer, size_t* begin, size_t* end,
                     bool* eof);

// Splits a ByteSource into lines. A line ends at '\n'; a trailing '\r' is removed; the last line
// need not end with '\n'. A UTF-8 byte-order mark at the start of the stream is skipped.
class LineReader {
 public:
  explicit LineReader(std::unique_ptr<ByteSource> source, size_t buffer_bytes = 1 << 20);
  // Sets *line to the next line (valid until the next call) and returns true; false at the end.
  // Errors from the source are returned as a Status.
  Result<bool> next(std::string_view* line);
  // 1-based number of the line last returned.
  uint64_t line_number() const { return line_number_; }
  const ByteSource& source() const { return *source_; }

 private:
  Status fill();
  std::unique_ptr<ByteSource> source_;
  std::vector<char> buffer_;
  size_t begin_ = 0;  // start of unconsumed bytes
  size_t end_ = 0;    // end of valid bytes
  bool eof_ = false;
  bool started_ = false;
  uint64_t line_number_ = 0;
};

}  // namespace winnow
