#include "parquet/page_header.h"

namespace winnow::parquet {
namespace {

void read_data_page_header(CompactReader& r, PageHeader* h) {
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.next_field(&id, &t)) {
    if (t != ThriftType::kI32) {
      r.skip(t);
    } else if (id == 1) {
      h->num_values = r.i32();
    } else if (id == 2) {
      h->encoding = r.i32();
    } else if (id == 3) {
      h->definition_level_encoding = r.i32();
    } else if (id == 4) {
      h->repetition_level_encoding = r.i32();
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
}

void read_dictionary_page_header(CompactReader& r, PageHeader* h) {
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.next_field(&id, &t)) {
    if (id == 1 && t == ThriftType::kI32) {
      h->num_values = r.i32();
    } else if (id == 2 && t == ThriftType::kI32) {
      h->encoding = r.i32();
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
}

void read_data_page_v2_header(CompactReader& r, PageHeader* h) {
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.next_field(&id, &t)) {
    if (id == 7 && (t == ThriftType::kBoolTrue || t == ThriftType::kBoolFalse)) {
      h->is_compressed = CompactReader::bool_value(t);
    } else if (t != ThriftType::kI32) {
      r.skip(t);
    } else if (id == 1) {
      h->num_values = r.i32();
    } else if (id == 2) {
      h->num_nulls = r.i32();
    } else if (id == 3) {
      h->num_rows = r.i32();
    } else if (id == 4) {
      h->encoding = r.i32();
    } else if (id == 5) {
      h->definition_levels_byte_length = r.i32();
    } else if (id == 6) {
      h->repetition_levels_byte_length = r.i32();
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
}

}  // namespace

PageHeader read_page_header(CompactReader& r) {
  PageHeader h;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.next_field(&id, &t)) {
    if (id == 1 && t == ThriftType::kI32) {
      h.type = r.i32();
    } else if (id == 2 && t == ThriftType::kI32) {
      h.uncompressed_page_size = r.i32();
    } else if (id == 3 && t == ThriftType::kI32) {
      h.compressed_page_size = r.i32();
    } else if (id == 4 && t == ThriftType::kI32) {
      h.crc = static_cast<uint32_t>(r.i32());
    } else if (id == 5 && t == ThriftType::kStruct) {
      read_data_page_header(r, &h);
      h.has_data_header = true;
    } else if (id == 7 && t == ThriftType::kStruct) {
      read_dictionary_page_header(r, &h);
      h.has_dictionary_header = true;
    } else if (id == 8 && t == ThriftType::kStruct) {
      read_data_page_v2_header(r, &h);
      h.has_data_v2_header = true;
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
  if (!r.ok()) return h;
  if (h.type < 0 || h.uncompressed_page_size < 0 || h.compressed_page_size < 0) {
    r.fail("page header without a valid type or sizes");
  }
  return h;
}

}  // namespace winnow::parquet
