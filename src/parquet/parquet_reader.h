// Reading Apache Parquet files: the documented subset in docs/parquet.md (flat schemas;
// BOOLEAN, INT32, INT64, FLOAT, DOUBLE and BYTE_ARRAY columns, REQUIRED or OPTIONAL; PLAIN and
// dictionary pages, data pages v1 and v2; UNCOMPRESSED, SNAPPY, GZIP, ZSTD) — what pyarrow,
// arrow-rs and the Hugging Face hub's conversion write by default.
//
// ParquetFile checks the magic bytes and decodes the footer. ParquetRowReader then streams rows
// of chosen top-level columns: it reads only those columns' chunks, one page of each at a time
// (see column_reader.h), so memory is bounded by the pages of the chosen columns, independent
// of the row group and file size. Row groups are read in file order.
//
// Errors are values: every message starts with the file's path and names the row group and
// column (and the page's offset) where the problem is. Nothing here throws, and no length or
// offset in the file is trusted before it is checked against the file's size.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "parquet/column_reader.h"
#include "parquet/parquet_metadata.h"
#include "parquet/random_access.h"

namespace winnow::parquet {

// "PAR1": the first and last four bytes of a Parquet file.
inline constexpr std::string_view kParquetMagic = "PAR1";
// Footers larger than this are rejected (pyarrow's are kilobytes; one row group costs ~100 bytes
// per column).
inline constexpr uint32_t kFooterBytesMax = 64u << 20;

class ParquetFile {
 public:
  // Opens and checks `path`: magic at both ends, the footer's length and content. Errors:
  // kNotFound / kIoError (the OS), kCorruption (not Parquet, truncated, malformed footer),
  // kInvalidArgument (encrypted files and other unsupported features), each naming the path.
  static Result<std::unique_ptr<ParquetFile>> open(const std::string& path);
  static Result<std::unique_ptr<ParquetFile>> open(std::unique_ptr<RandomAccessSource> source);

  const FileMetadata& metadata() const { return metadata_; }
  const std::string& path() const { return source_->path(); }
  const RandomAccessSource& source() const { return *source_; }
  // Index in metadata().fields of the top-level field `name`, or -1.
  int field_index(std::string_view name) const;

 private:
  ParquetFile() = default;
  std::unique_ptr<RandomAccessSource> source_;
  FileMetadata metadata_;
};

class ParquetRowReader {
 public:
  // Rows of the top-level fields `fields` (indices into metadata().fields; repeats allowed).
  // kInvalidArgument when a field is not flat or its type is unsupported, naming it and why.
  // `file` must outlive the reader.
  static Result<std::unique_ptr<ParquetRowReader>> open(const ParquetFile& file,
                                                        std::vector<int> fields);

  // Moves to the next row; false after the last. Errors name file, row group, column and page.
  Result<bool> next();

  // The current row's value of the i-th chosen field. Strings stay valid until next().
  bool is_null(size_t i) const { return columns_[i].batch.present[columns_[i].index - 1] == 0; }
  double number(size_t i) const { return columns_[i].batch.numbers[columns_[i].index - 1]; }
  std::string_view string(size_t i) const {
    return columns_[i].batch.strings[columns_[i].index - 1];
  }

  // 0-based index of the current row in the file, and its row group.
  uint64_t row_index() const { return row_index_; }
  size_t row_group() const { return group_; }
  // Where the current row group's data starts in the file (for progress), and the file's size.
  uint64_t position_bytes() const;
  uint64_t size_bytes() const { return file_.source().size_bytes(); }
  // Pages read so far, over all chosen columns.
  PageCounts page_counts() const;

 private:
  explicit ParquetRowReader(const ParquetFile& file) : file_(file) {}
  Status start_row_group(size_t group);

  struct Column {
    int field = -1;
    int leaf = -1;
    std::unique_ptr<ColumnChunkReader> reader;
    ColumnBatch batch;
    size_t index = 0;  // next value in batch
  };
  const ParquetFile& file_;
  std::vector<Column> columns_;
  size_t group_ = 0;
  bool started_ = false;
  int64_t group_rows_left_ = 0;
  uint64_t row_index_ = 0;
  uint64_t rows_read_ = 0;
  PageCounts finished_counts_;  // of the row groups before the current one
};

}  // namespace winnow::parquet
