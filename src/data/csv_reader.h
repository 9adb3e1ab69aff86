// A streaming RFC 4180 CSV reader: fields separated by ',', records ended by LF or CRLF, fields
// optionally quoted with '"' (a quote inside is doubled; quoted fields may hold commas, quotes
// and newlines). A UTF-8 BOM is skipped; blank lines are skipped. Memory is bounded by the buffer
// and the longest record, never by the file. Errors name the file and the line where the bad
// record starts: "train.csv:17: unterminated quoted field (opened in field 2)".
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

namespace winnow {

class CsvReader {
 public:
  explicit CsvReader(std::unique_ptr<ByteSource> source, size_t buffer_bytes = 1 << 20);

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
  // the line terminator: enough to re-read exactly this record later with parse_csv_record.
  uint64_t record_offset() const { return record_offset_; }
  uint64_t record_size_bytes() const { return record_size_; }

  const ByteSource& source() const { return *source_; }
  const std::string& path() const { return source_->path(); }

 private:
  enum class Parse { kComplete, kNeedMore, kError };
  Parse parse_record(size_t* consumed);
  Status fill();

  std::unique_ptr<ByteSource> source_;
  std::vector<char> buffer_;
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
  };
  std::vector<Span> spans_;
  std::string scratch_;  // unescaped copies of quoted fields with doubled quotes
  std::vector<std::string_view> fields_;
  std::string error_;
  uint64_t error_line_ = 0;
  uint64_t record_line_ = 0;
  uint64_t record_offset_ = 0;
  uint64_t record_size_ = 0;
  uint64_t record_newlines_ = 0;
};

// Parses one complete record held in memory (e.g. re-read by its offset) into `fields`.
// `where` names the record's file in errors.
Status parse_csv_record(std::string_view record, const std::string& where,
                        std::vector<std::string>* fields);

}  // namespace winnow
