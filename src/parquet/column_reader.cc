#include "parquet/column_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "parquet/codec.h"

namespace winnow::parquet {
namespace {

constexpr size_t kHeaderWindowBytes = 64u << 10;

uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);  // little-endian hosts only (x86-64, arm64)
  return v;
}

bool is_dictionary_encoding(int32_t e) {
  return e == static_cast<int32_t>(Encoding::kPlainDictionary) ||
         e == static_cast<int32_t>(Encoding::kRleDictionary);
}

PhysicalType type_of(const LeafColumn& leaf) {
  return static_cast<PhysicalType>(leaf.physical_type);
}

size_t plain_width(PhysicalType t) {
  switch (t) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      return 4;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      return 8;
    default:
      return 0;
  }
}

double plain_number(PhysicalType t, const uint8_t* p) {
  switch (t) {
    case PhysicalType::kInt32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      return static_cast<double>(v);
    }
    case PhysicalType::kFloat: {
      float v;
      std::memcpy(&v, p, 4);
      return static_cast<double>(v);
    }
    case PhysicalType::kInt64: {
      int64_t v;
      std::memcpy(&v, p, 8);
      return static_cast<double>(v);
    }
    default: {
      double v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
}

}  // namespace

std::string unsupported_column_reason(const LeafColumn& leaf) {
  if (leaf.max_repetition_level > 0) return "it is a repeated (list) column";
  if (leaf.max_definition_level > 1) return "it is nested in a group";
  switch (type_of(leaf)) {
    case PhysicalType::kBoolean:
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
    case PhysicalType::kByteArray:
      break;
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      if (leaf.converted_type == kConvertedDecimal || leaf.logical_decimal) {
        return "DECIMAL values are not supported";
      }
      break;
    default:
      return "its physical type " + physical_type_name(leaf.physical_type) + " is not supported";
  }
  if (leaf.converted_type == kConvertedDecimal || leaf.logical_decimal)
    return "DECIMAL values are not supported";
  return "";
}

ColumnChunkReader::ColumnChunkReader(const RandomAccessSource& file, const LeafColumn& leaf,
                                     const ColumnChunkInfo& chunk, int64_t rows,
                                     std::string context)
    : file_(file),
      leaf_(leaf),
      chunk_(chunk),
      context_(std::move(context)),
      rows_left_(rows),
      next_page_(chunk.start) {}

Result<std::unique_ptr<ColumnChunkReader>> ColumnChunkReader::open(const RandomAccessSource& file,
                                                                   const LeafColumn& leaf,
                                                                   const ColumnChunkInfo& chunk,
                                                                   int64_t rows,
                                                                   std::string context) {
  if (std::string why = unsupported_column_reason(leaf); !why.empty()) {
    return Status::invalid_argument(context + ": cannot be read: " + why);
  }
  if (!codec_supported(chunk.codec)) {
    return Status::invalid_argument(
        context + ": compression " + codec_name(chunk.codec) +
        " is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD)");
  }
  if (chunk.num_values != rows) {
    return Status::corruption(context + ": the chunk holds " + std::to_string(chunk.num_values) +
                              " values but the row group has " + std::to_string(rows) + " rows");
  }
  return std::unique_ptr<ColumnChunkReader>(
      new ColumnChunkReader(file, leaf, chunk, rows, std::move(context)));
}

Status ColumnChunkReader::error(const std::string& what) const {
  return Status::corruption(context_ + ", page at offset " + std::to_string(page_offset_) + ": " +
                            what);
}

Status ColumnChunkReader::read_header(PageHeader* header, uint64_t* data_offset) {
  const uint64_t left = chunk_.end - next_page_;
  size_t window = static_cast<size_t>(std::min<uint64_t>(left, kHeaderWindowBytes));
  for (;;) {
    header_buffer_.resize(window);
    WINNOW_RETURN_IF_ERROR(file_.read_at(next_page_, window, header_buffer_.data()));
    CompactReader r(header_buffer_.data(), window);
    *header = read_page_header(r);
    if (r.ok()) {
      *data_offset = next_page_ + r.position();
      return Status::ok();
    }
    if (r.truncated() && window < left && window < kPageHeaderBytesMax) {
      window = static_cast<size_t>(
          std::min<uint64_t>({left, static_cast<uint64_t>(window) * 4, kPageHeaderBytesMax}));
      continue;
    }
    return error("bad page header: " + r.error());
  }
}

Status ColumnChunkReader::load_next_data_page() {
  for (;;) {
    page_offset_ = next_page_;
    if (next_page_ >= chunk_.end) {
      return error("the column chunk ends after " + std::to_string(chunk_.num_values - rows_left_) +
                   " of its " + std::to_string(chunk_.num_values) + " values");
    }
    PageHeader h;
    uint64_t data_offset = 0;
    WINNOW_RETURN_IF_ERROR(read_header(&h, &data_offset));
    const auto compressed_size = static_cast<uint64_t>(h.compressed_page_size);
    if (compressed_size > chunk_.end - data_offset) {
      return error("the page's " + std::to_string(compressed_size) +
                   " bytes run past the end of the column chunk");
    }
    if (compressed_size > kPageBytesMax ||
        static_cast<uint64_t>(h.uncompressed_page_size) > kPageBytesMax) {
      return error("page larger than " + std::to_string(kPageBytesMax >> 20) + " MiB");
    }
    next_page_ = data_offset + compressed_size;
    if (h.type == static_cast<int32_t>(PageType::kIndexPage)) continue;
    if (h.type != static_cast<int32_t>(PageType::kDataPage) &&
        h.type != static_cast<int32_t>(PageType::kDataPageV2) &&
        h.type != static_cast<int32_t>(PageType::kDictionaryPage)) {
      return error("unknown page type " + std::to_string(h.type));
    }
    compressed_.resize(static_cast<size_t>(compressed_size));
    WINNOW_RETURN_IF_ERROR(file_.read_at(data_offset, compressed_.size(), compressed_.data()));
    if (h.crc) {
      const uLong crc =
          crc32(crc32(0L, Z_NULL, 0), compressed_.data(), static_cast<uInt>(compressed_.size()));
      if (static_cast<uint32_t>(crc) != *h.crc)
        return error("page checksum (CRC-32) mismatch: the data is damaged");
    }
    if (h.type == static_cast<int32_t>(PageType::kDictionaryPage)) {
      if (!h.has_dictionary_header) return error("dictionary page without its header");
      if (has_dictionary_) return error("a second dictionary page in one column chunk");
      if (seen_data_page_) return error("a dictionary page after data pages");
      WINNOW_RETURN_IF_ERROR(read_dictionary(h));
      ++counts_.dictionary_pages;
      continue;
    }
    seen_data_page_ = true;
    WINNOW_RETURN_IF_ERROR(start_data_page(h));
    if (page_values_left_ > 0) return Status::ok();
  }
}

Status ColumnChunkReader::read_dictionary(const PageHeader& h) {
  if (h.encoding != static_cast<int32_t>(Encoding::kPlain) &&
      h.encoding != static_cast<int32_t>(Encoding::kPlainDictionary)) {
    return error("dictionary page encoding " + encoding_name(h.encoding) + " is not supported");
  }
  if (h.num_values < 0) return error("negative dictionary size");
  if (static_cast<uint64_t>(h.uncompressed_page_size) >
          max_expansion_bytes(chunk_.codec, compressed_.data(), compressed_.size()) &&
      max_expansion_bytes(chunk_.codec, compressed_.data(), compressed_.size()) != 0) {
    return error("the page header's size " + std::to_string(h.uncompressed_page_size) +
                 " is more than its compressed data can hold");
  }
  dictionary_buffer_.resize(static_cast<size_t>(h.uncompressed_page_size));
  Status s = decompress(chunk_.codec, compressed_.data(), compressed_.size(),
                        dictionary_buffer_.data(), dictionary_buffer_.size());
  if (!s.is_ok()) return error(s.message());
  const auto n = static_cast<size_t>(h.num_values);
  const uint8_t* p = dictionary_buffer_.data();
  const uint8_t* end = p + dictionary_buffer_.size();
  const PhysicalType t = type_of(leaf_);
  dictionary_strings_.clear();
  dictionary_numbers_.clear();
  if (t == PhysicalType::kByteArray) {
    if (n > dictionary_buffer_.size() / 4)
      return error("dictionary of " + std::to_string(n) + " values is longer than its page");
    dictionary_strings_.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      if (end - p < 4)
        return error("dictionary value " + std::to_string(i) + " runs past the page");
      const uint32_t len = load_u32(p);
      p += 4;
      if (static_cast<size_t>(end - p) < len)
        return error("dictionary value " + std::to_string(i) + " runs past the page");
      dictionary_strings_.emplace_back(reinterpret_cast<const char*>(p), len);
      p += len;
    }
  } else if (t == PhysicalType::kBoolean) {
    return error("a dictionary for a BOOLEAN column");
  } else {
    const size_t w = plain_width(t);
    if (n > dictionary_buffer_.size() / w)
      return error("dictionary of " + std::to_string(n) + " values is longer than its page");
    dictionary_numbers_.resize(n);
    for (size_t i = 0; i < n; ++i) dictionary_numbers_[i] = plain_number(t, p + i * w);
  }
  has_dictionary_ = true;
  return Status::ok();
}

Status ColumnChunkReader::start_data_page(const PageHeader& h) {
  const bool v2 = h.type == static_cast<int32_t>(PageType::kDataPageV2);
  if (v2 ? !h.has_data_v2_header : !h.has_data_header) return error("data page without its header");
  if (h.num_values < 0) return error("negative value count");
  if (h.num_values > rows_left_) {
    return error("the page holds " + std::to_string(h.num_values) + " values but only " +
                 std::to_string(rows_left_) + " rows of the row group are left");
  }
  if (v2 && h.num_rows != h.num_values) {
    return error("a flat column's page has " + std::to_string(h.num_values) + " values for " +
                 std::to_string(h.num_rows) + " rows");
  }
  const uint64_t expansion_bound =
      max_expansion_bytes(chunk_.codec, compressed_.data(), compressed_.size());
  const int16_t max_def = leaf_.max_definition_level;
  const uint8_t* levels = nullptr;
  size_t levels_size = 0;
  size_t values_start = 0;
  if (!v2) {
    if (expansion_bound != 0 && static_cast<uint64_t>(h.uncompressed_page_size) > expansion_bound) {
      return error("the page header's size " + std::to_string(h.uncompressed_page_size) +
                   " is more than its compressed data can hold");
    }
    page_.resize(static_cast<size_t>(h.uncompressed_page_size));
    Status s = decompress(chunk_.codec, compressed_.data(), compressed_.size(), page_.data(),
                          page_.size());
    if (!s.is_ok()) return error(s.message());
    if (max_def > 0) {
      if (h.definition_level_encoding != static_cast<int32_t>(Encoding::kRle)) {
        return error("definition levels in " + encoding_name(h.definition_level_encoding) +
                     " encoding are not supported (only RLE)");
      }
      if (page_.size() < 4) return error("the definition levels' length runs past the page");
      levels_size = load_u32(page_.data());
      if (levels_size > page_.size() - 4) return error("the definition levels run past the page");
      levels = page_.data() + 4;
      values_start = 4 + levels_size;
    }
  } else {
    if (h.definition_levels_byte_length < 0 || h.repetition_levels_byte_length < 0) {
      return error("negative levels length");
    }
    if (h.repetition_levels_byte_length > 0) return error("repetition levels in a flat column");
    const size_t rep_len = 0;
    const auto def_len = static_cast<size_t>(h.definition_levels_byte_length);
    if (rep_len + def_len > compressed_.size() ||
        rep_len + def_len > static_cast<size_t>(h.uncompressed_page_size)) {
      return error("the levels run past the page");
    }
    if (max_def == 0 && def_len > 0) return error("definition levels in a REQUIRED column");
    const size_t body_in = compressed_.size() - rep_len - def_len;
    const size_t body_out = static_cast<size_t>(h.uncompressed_page_size) - rep_len - def_len;
    const bool compressed =
        h.is_compressed && chunk_.codec != static_cast<int32_t>(Codec::kUncompressed);
    const uint64_t bound =
        compressed
            ? max_expansion_bytes(chunk_.codec, compressed_.data() + rep_len + def_len, body_in)
            : body_in;
    if (bound != 0 && body_out > bound) {
      return error("the page header's size " + std::to_string(h.uncompressed_page_size) +
                   " is more than its compressed data can hold");
    }
    page_.resize(static_cast<size_t>(h.uncompressed_page_size));
    if (rep_len + def_len > 0) std::memcpy(page_.data(), compressed_.data(), rep_len + def_len);
    Status s = decompress(compressed ? chunk_.codec : static_cast<int32_t>(Codec::kUncompressed),
                          compressed_.data() + rep_len + def_len, body_in,
                          page_.data() + rep_len + def_len, body_out);
    if (!s.is_ok()) return error(s.message());
    levels = page_.data() + rep_len;
    levels_size = def_len;
    values_start = rep_len + def_len;
  }
  if (max_def > 0)
    levels_ = RleDecoder(levels, levels_size, bit_width_of(static_cast<uint32_t>(max_def)));
  encoding_ = h.encoding;
  values_ = page_.data() + values_start;
  values_end_ = page_.data() + page_.size();
  bit_index_ = 0;
  indices_ready_ = false;
  const PhysicalType t = type_of(leaf_);
  const bool ok_encoding =
      encoding_ == static_cast<int32_t>(Encoding::kPlain) ||
      (is_dictionary_encoding(encoding_) && t != PhysicalType::kBoolean) ||
      (encoding_ == static_cast<int32_t>(Encoding::kRle) && t == PhysicalType::kBoolean);
  if (!ok_encoding) {
    return Status::invalid_argument(context_ + ", page at offset " + std::to_string(page_offset_) +
                                    ": value encoding " + encoding_name(encoding_) + " for " +
                                    physical_type_name(leaf_.physical_type) +
                                    " is not supported (supported: PLAIN, PLAIN_DICTIONARY, "
                                    "RLE_DICTIONARY; RLE for booleans)");
  }
  if (is_dictionary_encoding(encoding_) && !has_dictionary_)
    return error("dictionary-encoded page without a dictionary page");
  page_values_left_ = h.num_values;
  ++(v2 ? counts_.data_pages_v2 : counts_.data_pages_v1);
  if (encoding_ >= 0 && encoding_ < 32) counts_.value_encodings |= 1u << encoding_;
  return Status::ok();
}

Status ColumnChunkReader::decode_values(size_t count) {
  const PhysicalType t = type_of(leaf_);
  number_scratch_.resize(t == PhysicalType::kByteArray ? 0 : count);
  string_scratch_.resize(t == PhysicalType::kByteArray ? count : 0);
  if (count == 0) return Status::ok();
  if (is_dictionary_encoding(encoding_) || encoding_ == static_cast<int32_t>(Encoding::kRle)) {
    if (!indices_ready_) {
      if (is_dictionary_encoding(encoding_)) {
        if (values_ >= values_end_) return error("dictionary indices missing");
        const int width = *values_;
        if (width > 32)
          return error("dictionary index bit width " + std::to_string(width) + " is over 32");
        indices_ = RleDecoder(values_ + 1, static_cast<size_t>(values_end_ - values_ - 1), width);
      } else {
        if (values_end_ - values_ < 4) return error("RLE booleans' length runs past the page");
        const uint32_t len = load_u32(values_);
        if (len > static_cast<size_t>(values_end_ - values_ - 4))
          return error("RLE booleans run past the page");
        indices_ = RleDecoder(values_ + 4, len, 1);
      }
      indices_ready_ = true;
    }
    index_scratch_.resize(count);
    if (!indices_.get(index_scratch_.data(), count)) return error("the encoded values end early");
    if (encoding_ == static_cast<int32_t>(Encoding::kRle)) {
      for (size_t i = 0; i < count; ++i) number_scratch_[i] = index_scratch_[i] != 0 ? 1.0 : 0.0;
      return Status::ok();
    }
    const size_t dict_size =
        t == PhysicalType::kByteArray ? dictionary_strings_.size() : dictionary_numbers_.size();
    for (size_t i = 0; i < count; ++i) {
      const uint32_t k = index_scratch_[i];
      if (k >= dict_size) {
        return error("dictionary index " + std::to_string(k) +
                     " out of range (the dictionary has " + std::to_string(dict_size) + " values)");
      }
      if (t == PhysicalType::kByteArray) {
        string_scratch_[i] = dictionary_strings_[k];
      } else {
        number_scratch_[i] = dictionary_numbers_[k];
      }
    }
    return Status::ok();
  }
  // PLAIN.
  if (t == PhysicalType::kByteArray) {
    for (size_t i = 0; i < count; ++i) {
      if (values_end_ - values_ < 4) return error("the values end early");
      const uint32_t len = load_u32(values_);
      values_ += 4;
      if (static_cast<size_t>(values_end_ - values_) < len)
        return error("a string value runs past the page");
      string_scratch_[i] = std::string_view(reinterpret_cast<const char*>(values_), len);
      values_ += len;
    }
  } else if (t == PhysicalType::kBoolean) {
    const uint64_t bits = static_cast<uint64_t>(values_end_ - values_) * 8;
    if (bit_index_ + count > bits) return error("the values end early");
    for (size_t i = 0; i < count; ++i, ++bit_index_) {
      number_scratch_[i] = (values_[bit_index_ / 8] >> (bit_index_ % 8) & 1) != 0 ? 1.0 : 0.0;
    }
  } else {
    const size_t w = plain_width(t);
    if (static_cast<size_t>(values_end_ - values_) / w < count)
      return error("the values end early");
    for (size_t i = 0; i < count; ++i) number_scratch_[i] = plain_number(t, values_ + i * w);
    values_ += count * w;
  }
  return Status::ok();
}

Status ColumnChunkReader::read(size_t max_rows, ColumnBatch* out) {
  WINNOW_CHECK(rows_left_ > 0 && max_rows > 0);
  if (page_values_left_ == 0) WINNOW_RETURN_IF_ERROR(load_next_data_page());
  const auto n =
      static_cast<size_t>(std::min<int64_t>(page_values_left_, static_cast<int64_t>(max_rows)));
  out->size = n;
  out->present.assign(n, 1);
  const int16_t max_def = leaf_.max_definition_level;
  size_t defined = n;
  if (max_def > 0) {
    level_scratch_.resize(n);
    if (!levels_.get(level_scratch_.data(), n)) return error("the definition levels end early");
    defined = 0;
    for (size_t i = 0; i < n; ++i) {
      const uint32_t level = level_scratch_[i];
      if (level > static_cast<uint32_t>(max_def)) {
        return error("definition level " + std::to_string(level) + " above the column's maximum " +
                     std::to_string(max_def));
      }
      const bool here = level == static_cast<uint32_t>(max_def);
      out->present[i] = here ? 1 : 0;
      defined += here ? 1 : 0;
    }
  }
  WINNOW_RETURN_IF_ERROR(decode_values(defined));
  const bool strings = type_of(leaf_) == PhysicalType::kByteArray;
  if (strings) {
    out->numbers.clear();
    out->strings.assign(n, std::string_view());
  } else {
    out->strings.clear();
    out->numbers.assign(n, 0.0);
  }
  for (size_t i = 0, k = 0; i < n; ++i) {
    if (!out->present[i]) continue;
    if (strings) {
      out->strings[i] = string_scratch_[k++];
    } else {
      out->numbers[i] = number_scratch_[k++];
    }
  }
  page_values_left_ -= static_cast<int64_t>(n);
  rows_left_ -= static_cast<int64_t>(n);
  return Status::ok();
}

}  // namespace winnow::parquet
