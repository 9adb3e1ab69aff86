// A streaming RFC 4180 CSV reader: fields separated by ',', records ended by LF or CRLF, fields
// optionally quoted with '"' (a quote inside is doubled; quoted fields may hold commas, quotes
// and newlines). A UTF-8 BOM is skipped; blank lines are skipped. Memory is bounded by the buffer
// and the longest record, never by the file. Errors name the file and the line where the bad
// record starts: "train.csv:17: unterminated quoted field (opened in field 2)".
//
// Two ways in, with the same records, offsets, line numbers and errors: a ByteSource (any
// stream, copied through a buffer), or a MappedFile (a plain file parsed in place, without the
// read() copy; the pages behind the reader are released as it goes, so its resident memory stays
// a few MB whatever the file's size).
//
// Why not a library: Debian's CSV libraries either fix the column count at compile time
// (fast-cpp-csv-parser) or copy byte by byte through callbacks without positions (libcsv); we
// need exact line numbers in errors, zero-copy fields and byte offsets to re-read kept records.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "data/byte_source.h"
#include "data/mapped_file.h"

namespace winnow {

class CsvReader {
 public:
  // `start_offset` is where `source` starts in its file (a record boundary); offsets reported
  // are file offsets, and line numbers count from 1 at that point. A BOM is only looked for at 0.
  explicit CsvReader(std::unique_ptr<ByteSource> source, size_t buffer_bytes = 1 << 20,
                     uint64_t start_offset = 0);
  // Parses `file` in place from `start_offset` (0, or a record boundary; a BOM is only looked
  // for at 0). Line numbers count from 1 at `start_offset`.
  explicit CsvReader(std::shared_ptr<const MappedFile> file, uint64_t start_offset = 0);

  // Parses the next record. Returns true with fields available, false at the end of the file,
  // or a kInvalidArgument error "path:line: problem" for malformed CSV.
  Result<bool> next();

  size_t field_count() const { return fields_.size(); }
  // Field i of the current record, unquoted; valid until the next call to next().
  std::string_view field(size_t i) const { return fields_[i]; }
  const std::vector<std::string_view>& fields() const { return fields_; }

  // 1-based line on which the current record starts.
  uint64_t line() const { return record_line_; }
  // Byte offset of the current record in the (decompressed) stream, and its length including
  // the line terminator.
  uint64_t record_offset() const { return record_offset_; }
  uint64_t record_size_bytes() const { return record_size_; }

  // Where field i's bytes sit in the stream, exactly as written (with its quotes if quoted):
  // enough to fetch one field later without re-parsing its record (see unquote_csv_field).
  struct RawField {
    uint64_t offset;
    uint64_t size;
    bool quoted;
  };
  RawField raw_field(size_t i) const;

  const std::string& path() const { return file_ ? file_->path() : source_->path(); }
  // Bytes of the file consumed so far, and its size (0 if unknown): for progress bars.
  uint64_t position_bytes() const { return file_ ? begin_ : source_->position_bytes(); }
  uint64_t size_bytes() const { return file_ ? file_->size() : source_->size_bytes(); }

 private:
  enum class Parse { kComplete, kNeedMore, kError };
  Parse parse_record(size_t* consumed);
  Status fill();
  // Where buffer indices point: the stream buffer, or the mapped file (indices = file offsets).
  const char* base() const { return file_ ? file_->data() : buffer_.data(); }

  std::unique_ptr<ByteSource> source_;  // stream mode
  std::vector<char> buffer_;
  std::shared_ptr<const MappedFile> file_;  // mapped mode
  uint64_t released_ = 0;                   // mapped mode: pages before this are released
  uint64_t prefetched_ = 0;                 // mapped mode: pages before this were prefetched
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool started_ = false;
  uint64_t stream_offset_ = 0;  // stream offset of buffer_[begin_]
  uint64_t next_line_ = 1;      // line on which the next record starts

  struct Span {
    size_t offset;
    size_t size;
    bool in_scratch;
    bool quoted;
    size_t raw_begin;  // buffer index of the field's first byte (its opening quote if quoted)
    size_t raw_size;
  };
  // spans_[0, span_count_) are the current record's; the vector only grows (no per-field
  // capacity check and call in the hot loop).
  std::vector<Span> spans_;
  size_t span_count_ = 0;
  void add_span(const Span& span) {
    if (span_count_ == spans_.size()) spans_.resize(spans_.size() * 2 + 8);
    spans_[span_count_++] = span;
  }
  std::string scratch_;  // unescaped copies of quoted fields with doubled quotes
  std::vector<std::string_view> fields_;
  std::string error_;
  uint64_t error_line_ = 0;
  uint64_t record_line_ = 0;
  uint64_t record_offset_ = 0;
  uint64_t record_size_ = 0;
  size_t record_begin_ = 0;  // buffer index where the current record starts
  uint64_t record_newlines_ = 0;
};

// The value of a field from its raw bytes (RawField): quotes removed, doubled quotes undone.
std::string unquote_csv_field(std::string_view raw, bool quoted);

}  // namespace winnow
