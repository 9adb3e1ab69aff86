// A Parquet file's footer (FileMetaData, Thrift compact protocol), decoded into what the reader
// needs: the schema's leaf columns with their levels, and per row group the location, codec and
// value count of each column chunk. Everything else in the footer (statistics, key-value
// metadata, page indexes, sort orders) is skipped. See docs/parquet.md for the subset.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace winnow::parquet {

// parquet.thrift's Type.
enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};
// parquet.thrift's CompressionCodec.
enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};
// parquet.thrift's Encoding (the values used by pages).
enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

std::string physical_type_name(int32_t type);  // "FLOAT", "type 42" for unknown values
std::string codec_name(int32_t codec);         // "SNAPPY"
std::string encoding_name(int32_t encoding);   // "RLE_DICTIONARY"

// parquet.thrift's ConvertedType values the reader looks at.
inline constexpr int32_t kConvertedUtf8 = 0;
inline constexpr int32_t kConvertedDecimal = 5;

// A top-level field of the schema. Flat fields (a primitive column directly under the root,
// REQUIRED or OPTIONAL) are readable; a group (struct, list, map) or a REPEATED primitive is
// listed with `unsupported` saying why, so selecting it is a clear error rather than garbage.
struct FieldInfo {
  std::string name;
  int leaf = -1;            // index into FileMetadata::leaves for flat fields, else -1
  std::string unsupported;  // empty for flat fields
};

// A leaf (primitive) column, in the order of the column chunks in every row group.
struct LeafColumn {
  std::string path;  // dotted path ("text", "meta.score")
  int32_t physical_type = -1;
  int32_t type_length = 0;       // FIXED_LEN_BYTE_ARRAY only
  int32_t converted_type = -1;   // -1 when absent
  bool logical_decimal = false;  // LogicalType DECIMAL (values would need the scale)
  int16_t max_definition_level = 0;
  int16_t max_repetition_level = 0;
};

struct ColumnChunkInfo {
  int32_t physical_type = -1;
  int32_t codec = 0;
  int64_t num_values = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  int64_t dictionary_page_offset = -1;  // -1 when absent
  // Where the chunk's pages start and end in the file (checked to lie between the magic bytes
  // and the footer).
  uint64_t start = 0;
  uint64_t end = 0;
  std::vector<std::string> path;  // path_in_schema
  std::vector<int32_t> encodings;
};

struct RowGroupInfo {
  int64_t num_rows = 0;
  std::vector<ColumnChunkInfo> columns;  // parallel to FileMetadata::leaves
};

struct FileMetadata {
  int32_t version = 0;
  int64_t num_rows = 0;
  std::string created_by;
  std::vector<FieldInfo> fields;  // top-level fields, in schema order
  std::vector<LeafColumn> leaves;
  std::vector<RowGroupInfo> row_groups;
};

// Decodes a serialized FileMetaData. `file_size` and `footer_start` (where the footer bytes
// begin) bound the column chunks: each must lie in [4, footer_start) and fit in the file.
// Errors are kCorruption (malformed Thrift, inconsistent counts, offsets out of range) or
// kInvalidArgument (encrypted columns, column data in other files); messages name the row group
// and column where there is one, not the file (the caller adds it).
Result<FileMetadata> parse_file_metadata(const uint8_t* data, size_t size, uint64_t file_size,
                                         uint64_t footer_start);

}  // namespace winnow::parquet
