#include "data/parquet_score_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "parquet/parquet_reader.h"

namespace winnow {
namespace {

using parquet::PhysicalType;

bool has_suffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         std::string_view(s).substr(s.size() - suffix.size()) == suffix;
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

Result<std::vector<std::string>> parquet_parts(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return std::vector<std::string>{path};
  std::vector<std::string> parts;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && (has_suffix(name, ".parquet") || has_suffix(name, ".parq"))) {
      parts.push_back(entry.path().string());
    }
  }
  if (ec) return Status::io_error(path + ": cannot list the directory: " + ec.message());
  if (parts.empty()) return Status::not_found(path + ": a directory without .parquet files");
  std::sort(parts.begin(), parts.end());
  return parts;
}

class ParquetScoreReader : public ScoreReader {
 public:
  static Result<std::unique_ptr<ScoreReader>> create(const std::string& path,
                                                     const ScoreReaderOptions& options) {
    auto reader = std::unique_ptr<ParquetScoreReader>(new ParquetScoreReader());
    reader->path_ = path;
    reader->is_csv_ = false;
    reader->missing_ = options.missing;
    reader->row_limit_ = options.row_limit;
    WINNOW_ASSIGN_OR_RETURN(reader->parts_, parquet_parts(path));
    for (const std::string& part : reader->parts_) {
      std::error_code ec;
      const auto size = std::filesystem::file_size(part, ec);
      reader->total_bytes_ += ec ? 0 : size;
    }
    WINNOW_ASSIGN_OR_RETURN(reader->file_, parquet::ParquetFile::open(reader->parts_[0]));
    std::vector<std::string> names;
    for (const parquet::FieldInfo& f : reader->file_->metadata().fields) names.push_back(f.name);
    // resolve_columns names path_ in its messages: the part file is the one that lacks a column.
    reader->path_ = reader->parts_[0];
    WINNOW_RETURN_IF_ERROR(reader->resolve_columns(names, options));
    reader->path_ = path;
    WINNOW_RETURN_IF_ERROR(reader->start_part());
    return std::unique_ptr<ScoreReader>(std::move(reader));
  }

  Result<bool> next(ScoreRow* row) override {
    if (row_limit_ != 0 && row_number_ >= row_limit_) return false;
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(bool more, rows_->next());
      if (more) break;
      if (part_ + 1 >= parts_.size()) return false;
      done_bytes_ += rows_->size_bytes();
      rows_.reset();
      ++part_;
      WINNOW_ASSIGN_OR_RETURN(file_, parquet::ParquetFile::open(parts_[part_]));
      WINNOW_RETURN_IF_ERROR(start_part());
    }
    ++row_number_;
    row->line = row_number_;
    row->record_offset = 0;
    row->text_offset = 0;
    row->text_raw_size = 0;
    row->text_quoted = false;
    row->status = RowStatus::kOk;
    row->text = rows_->is_null(0) ? std::string_view() : rows_->string(0);
    if (!simdjson::validate_utf8(row->text.data(), row->text.size())) {
      return Status::invalid_argument(where(text_column_) + ": invalid UTF-8");
    }
    row->scores.resize(labels_.size());
    for (size_t i = 0; i < labels_.size(); ++i) {
      const double v = rows_->is_null(i + 1) ? std::nan("") : rows_->number(i + 1);
      if (!std::isnan(v)) {
        row->scores[i] = v;
        continue;
      }
      row->scores[i] = 0;
      if (missing_ == MissingScore::kSkip) row->status = RowStatus::kMissingScore;
      if (missing_ == MissingScore::kError) {
        return Status::invalid_argument(where(label_columns_[i]) + ": " +
                                        (rows_->is_null(i + 1) ? "null score" : "NaN score") +
                                        " (use --missing zero to read it as 0, or --missing skip "
                                        "to drop such rows)");
      }
    }
    const size_t first_identity = 1 + labels_.size();
    row->identities.resize(identity_columns_.size());
    for (size_t j = 0; j < identity_columns_.size(); ++j) {
      const size_t c = first_identity + j;
      const double v = rows_->is_null(c) ? std::nan("") : rows_->number(c);
      // null and NaN mean "not annotated", as empty cells do in CSV.
      if (!std::isnan(v) && !(v >= 0 && v <= 1)) {
        char text[32];  // shortest form, as the value was written: 2, not 2.000000
        const auto end = std::to_chars(text, text + sizeof text, v).ptr;
        return Status::invalid_argument(where(identity_columns_[j]) + ": identity value '" +
                                        std::string(text, end) + "' is not in [0, 1]");
      }
      row->identities[j] = v;
    }
    if (row->status == RowStatus::kOk && is_blank(row->text)) row->status = RowStatus::kEmptyText;
    return true;
  }

  uint64_t position_bytes() const override {
    return done_bytes_ + (rows_ ? rows_->position_bytes() : 0);
  }
  uint64_t size_bytes() const override { return total_bytes_; }
  bool seekable() const override { return false; }

 private:
  ParquetScoreReader() = default;

  std::string where(const std::string& column) const {
    return parts_[part_] + ": row " + std::to_string(row_number_) + " (row group " +
           std::to_string(rows_->row_group()) + "): column '" + column + "'";
  }

  // Maps the resolved columns to this part's fields and checks their types.
  Status start_part() {
    const std::string& part = parts_[part_];
    const parquet::FileMetadata& meta = file_->metadata();
    std::vector<int> fields;
    auto add = [&](const std::string& column, bool text, const char* kind = "score") -> Status {
      const int f = file_->field_index(column);
      if (f < 0) {
        return Status::invalid_argument(
            part + ": no column '" + column + "' (the first part file, " + parts_[0] +
            ", has it): all part files of a split need the same columns");
      }
      const parquet::FieldInfo& field = meta.fields[static_cast<size_t>(f)];
      if (field.leaf >= 0) {
        const auto type =
            static_cast<PhysicalType>(meta.leaves[static_cast<size_t>(field.leaf)].physical_type);
        const bool is_string = type == PhysicalType::kByteArray;
        const bool is_number = type == PhysicalType::kFloat || type == PhysicalType::kDouble ||
                               type == PhysicalType::kInt32 || type == PhysicalType::kInt64 ||
                               type == PhysicalType::kBoolean;
        if (text && !is_string) {
          return Status::invalid_argument(part + ": text column '" + column + "' holds " +
                                          parquet::physical_type_name(static_cast<int32_t>(type)) +
                                          " values, not strings");
        }
        if (!text && !is_number) {
          return Status::invalid_argument(part + ": " + kind + " column '" + column + "' holds " +
                                          parquet::physical_type_name(static_cast<int32_t>(type)) +
                                          " values; " + kind +
                                          "s must be FLOAT, DOUBLE, INT32, INT64 or BOOLEAN");
        }
      }
      fields.push_back(f);  // nested fields: ParquetRowReader::open says why they cannot be read
      return Status::ok();
    };
    WINNOW_RETURN_IF_ERROR(add(text_column_, true));
    for (const std::string& column : label_columns_) WINNOW_RETURN_IF_ERROR(add(column, false));
    for (const std::string& column : identity_columns_)
      WINNOW_RETURN_IF_ERROR(add(column, false, "identity"));
    WINNOW_ASSIGN_OR_RETURN(rows_, parquet::ParquetRowReader::open(*file_, std::move(fields)));
    return Status::ok();
  }

  std::vector<std::string> parts_;
  size_t part_ = 0;
  std::unique_ptr<parquet::ParquetFile> file_;
  std::unique_ptr<parquet::ParquetRowReader> rows_;
  uint64_t row_number_ = 0;
  uint64_t row_limit_ = 0;
  uint64_t done_bytes_ = 0;
  uint64_t total_bytes_ = 0;
};

}  // namespace

bool is_parquet_input(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return true;
  if (has_suffix(path, ".parquet") || has_suffix(path, ".parq")) return true;
  if (path == "-") return false;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char magic[4] = {};
  const size_t n = std::fread(magic, 1, 4, f);
  std::fclose(f);
  return n == 4 && std::memcmp(magic, "PAR1", 4) == 0;
}

Result<std::unique_ptr<ScoreReader>> open_parquet_score_reader(const std::string& path,
                                                               const ScoreReaderOptions& options) {
  return ParquetScoreReader::create(path, options);
}

}  // namespace winnow
