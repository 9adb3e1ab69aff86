#include "parquet/parquet_reader.h"

#include <cstring>

namespace winnow::parquet {
namespace {

// Rows decoded per column per batch: large enough to amortize the per-batch work, small enough
// that the scratch vectors stay in cache.
constexpr size_t kBatchRows = 4096;

}  // namespace

Result<std::unique_ptr<ParquetFile>> ParquetFile::open(const std::string& path) {
  WINNOW_ASSIGN_OR_RETURN(auto source, open_file_source(path));
  return open(std::move(source));
}

Result<std::unique_ptr<ParquetFile>> ParquetFile::open(std::unique_ptr<RandomAccessSource> source) {
  const std::string& path = source->path();
  const uint64_t size = source->size_bytes();
  if (size < 12) {
    return Status::corruption(path + ": not a Parquet file (" + std::to_string(size) +
                              " bytes; a Parquet file has at least 12)");
  }
  uint8_t head[4];
  uint8_t tail[8];
  WINNOW_RETURN_IF_ERROR(source->read_at(0, 4, head));
  WINNOW_RETURN_IF_ERROR(source->read_at(size - 8, 8, tail));
  if (std::memcmp(head, kParquetMagic.data(), 4) != 0) {
    return Status::corruption(path + ": not a Parquet file (it does not start with PAR1)");
  }
  if (std::memcmp(tail + 4, "PARE", 4) == 0) {
    return Status::invalid_argument(path + ": encrypted Parquet files are not supported");
  }
  if (std::memcmp(tail + 4, kParquetMagic.data(), 4) != 0) {
    return Status::corruption(path +
                              ": truncated or damaged Parquet file (it does not end with PAR1)");
  }
  uint32_t footer_size;
  std::memcpy(&footer_size, tail, 4);
  if (footer_size > size - 12 || footer_size > kFooterBytesMax) {
    return Status::corruption(path + ": damaged Parquet file (footer length " +
                              std::to_string(footer_size) + " does not fit in its " +
                              std::to_string(size) + " bytes)");
  }
  const uint64_t footer_start = size - 8 - footer_size;
  std::vector<uint8_t> footer(footer_size);
  WINNOW_RETURN_IF_ERROR(source->read_at(footer_start, footer_size, footer.data()));
  Result<FileMetadata> meta = parse_file_metadata(footer.data(), footer.size(), size, footer_start);
  if (!meta.is_ok()) return meta.status().with_context(path);
  std::unique_ptr<ParquetFile> file(new ParquetFile());
  file->source_ = std::move(source);
  file->metadata_ = std::move(meta).value();
  return file;
}

int ParquetFile::field_index(std::string_view name) const {
  for (size_t i = 0; i < metadata_.fields.size(); ++i) {
    if (metadata_.fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Result<std::unique_ptr<ParquetRowReader>> ParquetRowReader::open(const ParquetFile& file,
                                                                 std::vector<int> fields) {
  std::unique_ptr<ParquetRowReader> reader(new ParquetRowReader(file));
  const FileMetadata& meta = file.metadata();
  for (int f : fields) {
    WINNOW_CHECK(f >= 0 && static_cast<size_t>(f) < meta.fields.size());
    const FieldInfo& field = meta.fields[static_cast<size_t>(f)];
    if (field.leaf < 0) {
      return Status::invalid_argument(file.path() + ": column '" + field.name +
                                      "' cannot be read: it is " + field.unsupported +
                                      "; only flat columns are supported");
    }
    const LeafColumn& leaf = meta.leaves[static_cast<size_t>(field.leaf)];
    if (std::string why = unsupported_column_reason(leaf); !why.empty()) {
      return Status::invalid_argument(file.path() + ": column '" + field.name +
                                      "' cannot be read: " + why);
    }
    Column c;
    c.field = f;
    c.leaf = field.leaf;
    reader->columns_.push_back(std::move(c));
  }
  return reader;
}

Status ParquetRowReader::start_row_group(size_t group) {
  const FileMetadata& meta = file_.metadata();
  const RowGroupInfo& rg = meta.row_groups[group];
  for (Column& c : columns_) {
    if (c.reader) finished_counts_.add(c.reader->page_counts());
    const LeafColumn& leaf = meta.leaves[static_cast<size_t>(c.leaf)];
    std::string context =
        file_.path() + ": row group " + std::to_string(group) + ", column '" + leaf.path + "'";
    WINNOW_ASSIGN_OR_RETURN(
        c.reader,
        ColumnChunkReader::open(file_.source(), leaf, rg.columns[static_cast<size_t>(c.leaf)],
                                rg.num_rows, std::move(context)));
    c.batch.size = 0;
    c.index = 0;
  }
  group_rows_left_ = rg.num_rows;
  return Status::ok();
}

Result<bool> ParquetRowReader::next() {
  const FileMetadata& meta = file_.metadata();
  if (!started_) {
    started_ = true;
    group_ = 0;
    if (!meta.row_groups.empty()) WINNOW_RETURN_IF_ERROR(start_row_group(0));
  }
  while (group_rows_left_ == 0) {
    if (group_ + 1 >= meta.row_groups.size()) {
      group_ = meta.row_groups.size();
      return false;
    }
    ++group_;
    WINNOW_RETURN_IF_ERROR(start_row_group(group_));
  }
  for (Column& c : columns_) {
    if (c.index == c.batch.size) {
      WINNOW_RETURN_IF_ERROR(c.reader->read(kBatchRows, &c.batch));
      c.index = 0;
    }
    ++c.index;
  }
  --group_rows_left_;
  row_index_ = rows_read_++;
  return true;
}

uint64_t ParquetRowReader::position_bytes() const {
  const FileMetadata& meta = file_.metadata();
  if (group_ >= meta.row_groups.size()) return size_bytes();
  const RowGroupInfo& rg = meta.row_groups[group_];
  return rg.columns.empty() ? 0 : rg.columns.front().start;
}

}  // namespace winnow::parquet

namespace winnow::parquet {

PageCounts ParquetRowReader::page_counts() const {
  PageCounts counts = finished_counts_;
  for (const Column& c : columns_) {
    if (c.reader) counts.add(c.reader->page_counts());
  }
  return counts;
}

}  // namespace winnow::parquet
