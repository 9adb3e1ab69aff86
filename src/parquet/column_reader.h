// Reads the values of one flat column chunk (one column of one row group), page by page, straight
// from the file: only this column's bytes are read, one page at a time, so memory is bounded by
// the largest page (compressed + decompressed) plus the chunk's dictionary, never by the row
// group or the file.
//
// Supported (docs/parquet.md): physical types BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY;
// REQUIRED or OPTIONAL columns (definition levels, RLE); DATA_PAGE (v1) and DATA_PAGE_V2 pages;
// PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY (with a PLAIN dictionary page) and, for booleans,
// RLE values; codecs of codec.h. Page CRCs are verified when present. Anything else is a clear
// error, never a guess.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "parquet/page_header.h"
#include "parquet/parquet_metadata.h"
#include "parquet/random_access.h"
#include "parquet/rle_decoder.h"

namespace winnow::parquet {

// Pages and their headers larger than this are rejected before anything is allocated (writers
// use 1 MiB pages by default; pyarrow and arrow-rs both).
inline constexpr size_t kPageBytesMax = 128u << 20;
inline constexpr size_t kPageHeaderBytesMax = 16u << 20;

// Decoded values of consecutive rows of one column.
struct ColumnBatch {
  size_t size = 0;
  std::vector<uint8_t> present;           // 1 = a value, 0 = null; one per row
  std::vector<double> numbers;            // numeric and boolean columns (0 for nulls)
  std::vector<std::string_view> strings;  // BYTE_ARRAY columns (empty for nulls)
};

// What a reader met, for tests and diagnostics: pages by type, and a bit (1 << encoding) per
// value encoding of the data pages.
struct PageCounts {
  uint64_t dictionary_pages = 0;
  uint64_t data_pages_v1 = 0;
  uint64_t data_pages_v2 = 0;
  uint32_t value_encodings = 0;
  void add(const PageCounts& o) {
    dictionary_pages += o.dictionary_pages;
    data_pages_v1 += o.data_pages_v1;
    data_pages_v2 += o.data_pages_v2;
    value_encodings |= o.value_encodings;
  }
};

// Why a leaf cannot be read by ColumnChunkReader ("" when it can): nested, an unsupported
// physical or logical type.
std::string unsupported_column_reason(const LeafColumn& leaf);

class ColumnChunkReader {
 public:
  // `context` prefixes every error: "<path>: row group 2, column 'text'". `rows` is the row
  // group's row count, which the chunk's value count must equal (flat columns). Errors: the
  // column's type or codec is unsupported (kInvalidArgument), counts disagree (kCorruption).
  static Result<std::unique_ptr<ColumnChunkReader>> open(const RandomAccessSource& file,
                                                         const LeafColumn& leaf,
                                                         const ColumnChunkInfo& chunk, int64_t rows,
                                                         std::string context);

  // Decodes the values of the next min(max_rows, rows in the current page) rows into *out
  // (which it overwrites). Never crosses a page, so string views stay valid until the next call.
  // Calling it with no rows left is a bug. Errors are kCorruption / kInvalidArgument naming the
  // context and the page's file offset.
  Status read(size_t max_rows, ColumnBatch* out);

  int64_t rows_left() const { return rows_left_; }
  const PageCounts& page_counts() const { return counts_; }

 private:
  ColumnChunkReader(const RandomAccessSource& file, const LeafColumn& leaf,
                    const ColumnChunkInfo& chunk, int64_t rows, std::string context);
  Status error(const std::string& what) const;
  Status load_next_data_page();
  Status read_header(PageHeader* header, uint64_t* data_offset);
  Status read_dictionary(const PageHeader& h);
  Status start_data_page(const PageHeader& h);
  Status decode_values(size_t count);  // non-null values into values_*

  const RandomAccessSource& file_;
  LeafColumn leaf_;
  ColumnChunkInfo chunk_;
  std::string context_;
  int64_t rows_left_;
  uint64_t next_page_ = 0;    // file offset of the next page header
  uint64_t page_offset_ = 0;  // file offset of the current page's header (for messages)
  bool seen_data_page_ = false;
  PageCounts counts_;

  std::vector<uint8_t> header_buffer_;
  std::vector<uint8_t> compressed_;
  std::vector<uint8_t> page_;  // the current data page, decompressed
  std::vector<uint8_t> dictionary_buffer_;
  bool has_dictionary_ = false;
  std::vector<std::string_view> dictionary_strings_;
  std::vector<double> dictionary_numbers_;

  // The current data page.
  int64_t page_values_left_ = 0;
  RleDecoder levels_;
  int32_t encoding_ = 0;
  const uint8_t* values_ = nullptr;  // PLAIN: next value; RLE booleans / dictionary: unused
  const uint8_t* values_end_ = nullptr;
  uint64_t bit_index_ = 0;  // PLAIN booleans: next bit
  RleDecoder indices_;      // dictionary indices or RLE booleans
  bool indices_ready_ = false;

  // Scratch, reused across batches.
  std::vector<uint32_t> level_scratch_;
  std::vector<uint32_t> index_scratch_;
  std::vector<double> number_scratch_;
  std::vector<std::string_view> string_scratch_;
};

}  // namespace winnow::parquet
