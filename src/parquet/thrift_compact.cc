#include "parquet/thrift_compact.h"

#include <cstring>

namespace winnow::parquet {

void CompactReader::fail(const std::string& what) {
  if (!error_.empty()) return;
  error_ = what + " (at byte " + std::to_string(pos_) + " of " + std::to_string(size_) + ")";
  pos_ = size_;  // every later read sees the end
}

uint8_t CompactReader::byte() {
  if (pos_ >= size_) {
    if (error_.empty()) truncated_ = true;
    fail("thrift: unexpected end of data");
    return 0;
  }
  return data_[pos_++];
}

uint64_t CompactReader::varint() {
  uint64_t value = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    const uint8_t b = byte();
    if (!ok()) return 0;
    value |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return value;
  }
  fail("thrift: varint longer than 10 bytes");
  return 0;
}

int32_t CompactReader::i32() {
  const uint64_t v = varint();
  if (v > 0xffffffffu) {
    fail("thrift: i32 varint out of range");
    return 0;
  }
  const auto u = static_cast<uint32_t>(v);
  return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

int64_t CompactReader::i64() {
  const uint64_t u = varint();
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

double CompactReader::f64() {
  if (size_ - pos_ < 8) {
    truncated_ = error_.empty();
    fail("thrift: unexpected end of data in a double");
    return 0;
  }
  double d;
  std::memcpy(&d, data_ + pos_, 8);  // little-endian on every platform we build for
  pos_ += 8;
  return d;
}

std::string_view CompactReader::binary() {
  const uint64_t n = varint();
  if (!ok()) return {};
  if (n > size_ - pos_) {
    truncated_ = true;
    fail("thrift: binary of " + std::to_string(n) + " bytes runs past the end");
    return {};
  }
  std::string_view s(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(n));
  pos_ += static_cast<size_t>(n);
  return s;
}

bool CompactReader::list_bool() { return byte() == 1; }

void CompactReader::begin_struct() {
  if (depth_ >= kMaxDepth) {
    fail("thrift: structs nested deeper than " + std::to_string(kMaxDepth));
    return;
  }
  saved_ids_[depth_++] = last_field_id_;
  last_field_id_ = 0;
}

void CompactReader::end_struct() {
  if (depth_ > 0) last_field_id_ = saved_ids_[--depth_];
}

bool CompactReader::next_field(int16_t* id, ThriftType* type) {
  const uint8_t b = byte();
  if (!ok() || b == 0) return false;
  const uint8_t t = b & 0x0f;
  if (t == 0 || t > static_cast<uint8_t>(ThriftType::kStruct)) {
    fail("thrift: bad field type " + std::to_string(t));
    return false;
  }
  const int delta = b >> 4;
  int16_t field_id;
  if (delta != 0) {
    field_id = static_cast<int16_t>(last_field_id_ + delta);
  } else {
    field_id = i16();
  }
  if (!ok()) return false;
  last_field_id_ = field_id;
  *id = field_id;
  *type = static_cast<ThriftType>(t);
  return true;
}

void CompactReader::list_header(ThriftType* element_type, uint32_t* count) {
  *count = 0;
  *element_type = ThriftType::kStop;
  const uint8_t b = byte();
  if (!ok()) return;
  const uint8_t t = b & 0x0f;
  uint64_t n = b >> 4;
  if (n == 15) n = varint();
  if (!ok()) return;
  // Elements of type 0 do not exist; bools in lists may be written with type 1 or 2.
  if (t == 0 || t > static_cast<uint8_t>(ThriftType::kStruct)) {
    fail("thrift: bad list element type " + std::to_string(t));
    return;
  }
  const uint64_t min_element_bytes = t == static_cast<uint8_t>(ThriftType::kDouble) ? 8 : 1;
  if (n > (size_ - pos_) / min_element_bytes) {
    truncated_ = true;
    fail("thrift: list of " + std::to_string(n) + " elements is longer than the data");
    return;
  }
  *element_type = static_cast<ThriftType>(t);
  *count = static_cast<uint32_t>(n);
}

void CompactReader::skip(ThriftType type) { skip_depth(type, 0); }

void CompactReader::skip_depth(ThriftType type, int depth) {
  if (depth > kMaxDepth) {
    fail("thrift: values nested deeper than " + std::to_string(kMaxDepth));
    return;
  }
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      return;  // a field's bool is in its header (list bools are skipped below)
    case ThriftType::kByte:
      byte();
      return;
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      varint();
      return;
    case ThriftType::kDouble:
      f64();
      return;
    case ThriftType::kBinary:
      binary();
      return;
    case ThriftType::kList:
    case ThriftType::kSet: {
      ThriftType element;
      uint32_t n;
      list_header(&element, &n);
      for (uint32_t i = 0; i < n && ok(); ++i) {
        if (element == ThriftType::kBoolTrue || element == ThriftType::kBoolFalse) {
          byte();
        } else {
          skip_depth(element, depth + 1);
        }
      }
      return;
    }
    case ThriftType::kMap: {
      const uint64_t n = varint();
      if (n == 0 || !ok()) return;
      const uint8_t kv = byte();
      if (n > (size_ - pos_) / 2) {
        truncated_ = true;
        fail("thrift: map of " + std::to_string(n) + " entries is longer than the data");
        return;
      }
      const auto key = static_cast<ThriftType>(kv >> 4);
      const auto value = static_cast<ThriftType>(kv & 0x0f);
      if (kv >> 4 == 0 || kv >> 4 > 12 || (kv & 0x0f) == 0 || (kv & 0x0f) > 12) {
        fail("thrift: bad map types");
        return;
      }
      for (uint64_t i = 0; i < n && ok(); ++i) {
        for (ThriftType t : {key, value}) {
          if (t == ThriftType::kBoolTrue || t == ThriftType::kBoolFalse) {
            byte();
          } else {
            skip_depth(t, depth + 1);
          }
        }
      }
      return;
    }
    case ThriftType::kStruct: {
      begin_struct();
      int16_t id;
      ThriftType t;
      while (ok() && next_field(&id, &t)) skip_depth(t, depth + 1);
      end_struct();
      return;
    }
    case ThriftType::kStop:
      fail("thrift: cannot skip a value of type stop");
      return;
  }
}

}  // namespace winnow::parquet
