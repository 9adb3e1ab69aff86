// A Parquet PageHeader (Thrift compact), the fields the reader uses. Statistics and the other
// optional parts are skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "parquet/thrift_compact.h"

namespace winnow::parquet {

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3
};

struct PageHeader {
  int32_t type = -1;
  int32_t uncompressed_page_size = -1;
  int32_t compressed_page_size = -1;
  std::optional<uint32_t> crc;  // CRC-32 of the page bytes as stored, when the writer added one
  // DATA_PAGE, DATA_PAGE_V2 and DICTIONARY_PAGE.
  int32_t num_values = -1;
  int32_t encoding = -1;
  // DATA_PAGE only.
  int32_t definition_level_encoding = -1;
  int32_t repetition_level_encoding = -1;
  // DATA_PAGE_V2 only.
  int32_t num_nulls = -1;
  int32_t num_rows = -1;
  int32_t definition_levels_byte_length = -1;
  int32_t repetition_levels_byte_length = -1;
  bool is_compressed = true;
  // Which type-specific headers were present (checked against `type` by the reader).
  bool has_data_header = false;
  bool has_dictionary_header = false;
  bool has_data_v2_header = false;
};

// Reads a PageHeader at the reader's position. Errors stay in the reader (see CompactReader);
// a header that parses but lacks a required field or has a negative size is reported through
// r.fail() as well.
PageHeader read_page_header(CompactReader& r);

}  // namespace winnow::parquet
