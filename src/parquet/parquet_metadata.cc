#include "parquet/parquet_metadata.h"

#include "parquet/thrift_compact.h"

namespace winnow::parquet {
namespace {

constexpr int kSchemaDepthMax = 64;

struct SchemaElement {
  int32_t type = -1;
  int32_t type_length = 0;
  int32_t repetition = -1;  // -1: absent (the root)
  std::string_view name;
  int32_t num_children = 0;
  int32_t converted_type = -1;
  bool logical_decimal = false;
};

void read_logical_type(CompactReader& r, SchemaElement* e) {
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.next_field(&id, &t)) {
    if (id == 5 && t == ThriftType::kStruct) e->logical_decimal = true;  // DecimalType
    r.skip(t);
  }
  r.end_struct();
}

SchemaElement read_schema_element(CompactReader& r) {
  SchemaElement e;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.next_field(&id, &t)) {
    if (id == 1 && t == ThriftType::kI32) {
      e.type = r.i32();
    } else if (id == 2 && t == ThriftType::kI32) {
      e.type_length = r.i32();
    } else if (id == 3 && t == ThriftType::kI32) {
      e.repetition = r.i32();
    } else if (id == 4 && t == ThriftType::kBinary) {
      e.name = r.binary();
    } else if (id == 5 && t == ThriftType::kI32) {
      e.num_children = r.i32();
    } else if (id == 6 && t == ThriftType::kI32) {
      e.converted_type = r.i32();
    } else if (id == 10 && t == ThriftType::kStruct) {
      read_logical_type(r, &e);
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
  return e;
}

ColumnChunkInfo read_column_metadata(CompactReader& r) {
  ColumnChunkInfo c;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.next_field(&id, &t)) {
    if (id == 1 && t == ThriftType::kI32) {
      c.physical_type = r.i32();
    } else if (id == 2 && t == ThriftType::kList) {
      ThriftType et;
      uint32_t n;
      r.list_header(&et, &n);
      for (uint32_t i = 0; i < n && r.ok(); ++i) {
        if (et == ThriftType::kI32) {
          c.encodings.push_back(r.i32());
        } else {
          r.skip(et);
        }
      }
    } else if (id == 3 && t == ThriftType::kList) {
      ThriftType et;
      uint32_t n;
      r.list_header(&et, &n);
      for (uint32_t i = 0; i < n && r.ok(); ++i) {
        if (et == ThriftType::kBinary) {
          c.path.emplace_back(r.binary());
        } else {
          r.skip(et);
        }
      }
    } else if (id == 4 && t == ThriftType::kI32) {
      c.codec = r.i32();
    } else if (id == 5 && t == ThriftType::kI64) {
      c.num_values = r.i64();
    } else if (id == 7 && t == ThriftType::kI64) {
      c.total_compressed_size = r.i64();
    } else if (id == 9 && t == ThriftType::kI64) {
      c.data_page_offset = r.i64();
    } else if (id == 11 && t == ThriftType::kI64) {
      c.dictionary_page_offset = r.i64();
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
  return c;
}

struct ColumnChunkRaw {
  ColumnChunkInfo info;
  bool has_metadata = false;
  bool has_file_path = false;
  bool encrypted = false;
};

ColumnChunkRaw read_column_chunk(CompactReader& r) {
  ColumnChunkRaw c;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.next_field(&id, &t)) {
    if (id == 1 && t == ThriftType::kBinary) {
      c.has_file_path = !r.binary().empty();
    } else if (id == 3 && t == ThriftType::kStruct) {
      c.info = read_column_metadata(r);
      c.has_metadata = true;
    } else if ((id == 8 || id == 9) && r.ok()) {
      c.encrypted = true;  // crypto_metadata / encrypted_column_metadata
      r.skip(t);
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
  return c;
}

struct RowGroupRaw {
  int64_t num_rows = -1;
  std::vector<ColumnChunkRaw> columns;
};

RowGroupRaw read_row_group(CompactReader& r) {
  RowGroupRaw g;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.next_field(&id, &t)) {
    if (id == 1 && t == ThriftType::kList) {
      ThriftType et;
      uint32_t n;
      r.list_header(&et, &n);
      if (et != ThriftType::kStruct && n > 0) {
        r.fail("row group columns are not structs");
        break;
      }
      g.columns.reserve(n);
      for (uint32_t i = 0; i < n && r.ok(); ++i) g.columns.push_back(read_column_chunk(r));
    } else if (id == 3 && t == ThriftType::kI64) {
      g.num_rows = r.i64();
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
  return g;
}

// Walks the depth-first schema list from elements[*next], appending leaves and (at depth 1)
// top-level fields. `def` and `rep` are the levels of the parent.
Status walk_schema(const std::vector<SchemaElement>& elements, size_t* next, int depth,
                   const std::string& parent_path, int16_t def, int16_t rep, FileMetadata* meta,
                   FieldInfo* top) {
  if (depth > kSchemaDepthMax) return Status::corruption("schema nested deeper than 64 levels");
  if (*next >= elements.size()) return Status::corruption("schema ends inside a group");
  const SchemaElement& e = elements[(*next)++];
  if (e.repetition < 0 || e.repetition > 2) {
    return Status::corruption("schema element '" + std::string(e.name) +
                              "' has no valid repetition type");
  }
  const std::string path =
      parent_path.empty() ? std::string(e.name) : parent_path + "." + std::string(e.name);
  const int16_t my_def = static_cast<int16_t>(def + (e.repetition != 0 ? 1 : 0));
  const int16_t my_rep = static_cast<int16_t>(rep + (e.repetition == 2 ? 1 : 0));
  FieldInfo field_here;
  FieldInfo* field = top;
  if (depth == 1) {
    field_here.name = std::string(e.name);
    field = &field_here;
  }
  if (e.num_children < 0)
    return Status::corruption("schema element '" + path + "' has a negative child count");
  if (e.num_children > 0) {
    if (depth == 1) field->unsupported = "a nested group (struct, list or map)";
    if (static_cast<size_t>(e.num_children) > elements.size() - *next) {
      return Status::corruption("schema element '" + path +
                                "' claims more children than the schema has");
    }
    for (int32_t i = 0; i < e.num_children; ++i) {
      WINNOW_RETURN_IF_ERROR(
          walk_schema(elements, next, depth + 1, path, my_def, my_rep, meta, field));
    }
  } else {
    if (e.type < 0) return Status::corruption("leaf column '" + path + "' has no physical type");
    LeafColumn leaf;
    leaf.path = path;
    leaf.physical_type = e.type;
    leaf.type_length = e.type_length;
    leaf.converted_type = e.converted_type;
    leaf.logical_decimal = e.logical_decimal;
    leaf.max_definition_level = my_def;
    leaf.max_repetition_level = my_rep;
    if (depth == 1) {
      if (e.repetition == 2) {
        field->unsupported = "a REPEATED column (a list)";
      } else {
        field->leaf = static_cast<int>(meta->leaves.size());
      }
    }
    meta->leaves.push_back(std::move(leaf));
  }
  if (depth == 1) meta->fields.push_back(std::move(field_here));
  return Status::ok();
}

std::string chunk_where(size_t group, const std::string& column) {
  return "row group " + std::to_string(group) + ", column '" + column + "'";
}

}  // namespace

std::string physical_type_name(int32_t type) {
  static const char* kNames[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                 "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  if (type >= 0 && type < 8) return kNames[type];
  return "type " + std::to_string(type);
}

std::string codec_name(int32_t codec) {
  static const char* kNames[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                 "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
  if (codec >= 0 && codec < 8) return kNames[codec];
  return "codec " + std::to_string(codec);
}

std::string encoding_name(int32_t encoding) {
  static const char* kNames[] = {
      "PLAIN",          "GROUP_VAR_INT",       "PLAIN_DICTIONARY",        "RLE",
      "BIT_PACKED",     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
      "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
  if (encoding >= 0 && encoding < 10) return kNames[encoding];
  return "encoding " + std::to_string(encoding);
}

Result<FileMetadata> parse_file_metadata(const uint8_t* data, size_t size, uint64_t file_size,
                                         uint64_t footer_start) {
  CompactReader r(data, size);
  FileMetadata meta;
  std::vector<SchemaElement> schema;
  std::vector<RowGroupRaw> groups;
  bool has_num_rows = false;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.next_field(&id, &t)) {
    if (id == 1 && t == ThriftType::kI32) {
      meta.version = r.i32();
    } else if (id == 2 && t == ThriftType::kList) {
      ThriftType et;
      uint32_t n;
      r.list_header(&et, &n);
      if (et != ThriftType::kStruct && n > 0) {
        r.fail("schema elements are not structs");
        break;
      }
      schema.reserve(n);
      for (uint32_t i = 0; i < n && r.ok(); ++i) schema.push_back(read_schema_element(r));
    } else if (id == 3 && t == ThriftType::kI64) {
      meta.num_rows = r.i64();
      has_num_rows = true;
    } else if (id == 4 && t == ThriftType::kList) {
      ThriftType et;
      uint32_t n;
      r.list_header(&et, &n);
      if (et != ThriftType::kStruct && n > 0) {
        r.fail("row groups are not structs");
        break;
      }
      groups.reserve(n);
      for (uint32_t i = 0; i < n && r.ok(); ++i) groups.push_back(read_row_group(r));
    } else if (id == 6 && t == ThriftType::kBinary) {
      meta.created_by = std::string(r.binary());
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
  if (!r.ok()) return Status::corruption("footer: " + r.error());
  if (schema.empty()) return Status::corruption("footer: no schema");
  if (!has_num_rows || meta.num_rows < 0) return Status::corruption("footer: no valid row count");

  // The root's children are the top-level fields.
  const SchemaElement& root = schema[0];
  if (root.num_children < 0 || static_cast<size_t>(root.num_children) > schema.size() - 1) {
    return Status::corruption("footer: the schema root claims " +
                              std::to_string(root.num_children) + " children but the schema has " +
                              std::to_string(schema.size() - 1) + " more elements");
  }
  size_t next = 1;
  for (int32_t i = 0; i < root.num_children; ++i) {
    Status s = walk_schema(schema, &next, 1, "", 0, 0, &meta, nullptr);
    if (!s.is_ok()) return s.with_context("footer");
  }
  if (next != schema.size()) {
    return Status::corruption("footer: " + std::to_string(schema.size() - next) +
                              " schema elements are outside the root");
  }

  int64_t rows_total = 0;
  meta.row_groups.reserve(groups.size());
  for (size_t g = 0; g < groups.size(); ++g) {
    RowGroupRaw& raw = groups[g];
    if (raw.num_rows < 0)
      return Status::corruption("row group " + std::to_string(g) + ": no valid row count");
    if (raw.columns.size() != meta.leaves.size()) {
      return Status::corruption("row group " + std::to_string(g) + ": " +
                                std::to_string(raw.columns.size()) + " column chunks for " +
                                std::to_string(meta.leaves.size()) + " schema columns");
    }
    if (raw.num_rows > INT64_MAX - rows_total) return Status::corruption("row counts overflow");
    rows_total += raw.num_rows;
    RowGroupInfo group;
    group.num_rows = raw.num_rows;
    group.columns.reserve(raw.columns.size());
    for (size_t c = 0; c < raw.columns.size(); ++c) {
      ColumnChunkRaw& chunk = raw.columns[c];
      const LeafColumn& leaf = meta.leaves[c];
      const std::string where = chunk_where(g, leaf.path);
      if (chunk.encrypted)
        return Status::invalid_argument(where + ": encrypted columns are not supported");
      if (chunk.has_file_path) {
        return Status::invalid_argument(where + ": column data in another file is not supported");
      }
      if (!chunk.has_metadata) return Status::corruption(where + ": no column metadata");
      ColumnChunkInfo& info = chunk.info;
      std::string joined;
      for (const std::string& p : info.path) joined += (joined.empty() ? "" : ".") + p;
      if (joined != leaf.path) {
        return Status::corruption(where + ": the chunk's path '" + joined +
                                  "' does not match the schema");
      }
      if (info.physical_type != leaf.physical_type) {
        return Status::corruption(where + ": chunk type " + physical_type_name(info.physical_type) +
                                  " but schema type " + physical_type_name(leaf.physical_type));
      }
      if (info.num_values < 0) return Status::corruption(where + ": negative value count");
      // The chunk starts at its dictionary page when there is one. Some writers store 0 for
      // "no dictionary"; offset 0 is the magic, never a page.
      int64_t start = info.data_page_offset;
      if (info.dictionary_page_offset > 0 && info.dictionary_page_offset < start) {
        start = info.dictionary_page_offset;
      }
      if (start < 4 || info.total_compressed_size < 0 ||
          static_cast<uint64_t>(start) > footer_start ||
          static_cast<uint64_t>(info.total_compressed_size) >
              footer_start - static_cast<uint64_t>(start) ||
          footer_start > file_size) {
        return Status::corruption(where + ": chunk at offset " + std::to_string(start) + " with " +
                                  std::to_string(info.total_compressed_size) +
                                  " bytes lies outside the file's data (" +
                                  std::to_string(footer_start) + " bytes before the footer)");
      }
      info.start = static_cast<uint64_t>(start);
      info.end = info.start + static_cast<uint64_t>(info.total_compressed_size);
      group.columns.push_back(std::move(info));
    }
    meta.row_groups.push_back(std::move(group));
  }
  if (rows_total != meta.num_rows) {
    return Status::corruption("footer: the row groups hold " + std::to_string(rows_total) +
                              " rows but the file says " + std::to_string(meta.num_rows));
  }
  return meta;
}

}  // namespace winnow::parquet
