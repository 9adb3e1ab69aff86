// The subset of Apache Thrift's compact protocol that Parquet's footer (FileMetaData) and page
// headers (PageHeader) are written in: varints, zigzag integers, binary/string, field headers
// (with delta-encoded field ids), list/set headers, and skipping any value of any type.
//
// Why hand-written although Debian has libthrift-dev: Parquet needs only the decoder of one
// protocol (about 200 lines), libthrift's generated code would need the Thrift compiler and
// parquet.thrift at build time, and its decoder throws exceptions and allocates per field; a
// bounds-checked reader over a byte span is what a fuzzed input path wants.
//
// Errors are sticky: the first problem (reading past the end, a varint longer than 10 bytes, a
// bad type, nesting deeper than kMaxDepth) is recorded, every later read returns 0 / empty /
// "stop", so a parse loop ends by itself; callers check ok() once at the end and report
// error(). The reader never reads outside [data, data + size) and never allocates more than
// the bytes it actually holds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace winnow::parquet {

// Compact-protocol type codes (as they appear in field and list headers).
enum class ThriftType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,  // in field headers; in lists a bool is one byte
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactReader {
 public:
  // Nested structs/lists deeper than this are rejected (Parquet's own metadata nests 4 deep).
  static constexpr int kMaxDepth = 32;

  CompactReader(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  // Reads a field header inside a struct. Returns false at the struct's stop byte (or after an
  // error); otherwise sets *id and *type. A bool field's value is in its type
  // (kBoolTrue/kBoolFalse): read it with bool_value(type), nothing more is consumed.
  bool next_field(int16_t* id, ThriftType* type);
  // Enters / leaves a nested struct: the field-id delta base is per struct.
  void begin_struct();
  void end_struct();

  // List or set header: element type and count. The count is checked against the bytes left
  // (every element takes at least one byte), so a caller may reserve `*count` elements.
  void list_header(ThriftType* element_type, uint32_t* count);

  int32_t i32();
  int64_t i64();
  int16_t i16() { return static_cast<int16_t>(i32()); }
  double f64();
  // A binary/string value: a view into the input (valid as long as the input is).
  std::string_view binary();
  static bool bool_value(ThriftType type) { return type == ThriftType::kBoolTrue; }
  // A bool that is an element of a list (one byte).
  bool list_bool();

  // Skips one value of `type` (structs, lists and maps recursively).
  void skip(ThriftType type);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // Bytes consumed so far (a page header's size, for example).
  size_t position() const { return pos_; }
  // True when the only problem was running out of bytes (a caller holding a prefix of a longer
  // buffer may retry with more).
  bool truncated() const { return truncated_; }

  // Records an error found by the caller (a required field missing, a value out of range), in
  // the same sticky way.
  void fail(const std::string& what);

 private:
  uint64_t varint();
  uint8_t byte();
  void skip_depth(ThriftType type, int depth);

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  int depth_ = 0;
  int16_t last_field_id_ = 0;
  // Field-id bases of the enclosing structs (depth_ entries at most kMaxDepth).
  int16_t saved_ids_[kMaxDepth + 1] = {};
  std::string error_;
  bool truncated_ = false;
};

}  // namespace winnow::parquet
