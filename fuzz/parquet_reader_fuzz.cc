// Fuzzes the Parquet reader (src/parquet/) on arbitrary bytes as a file: ParquetFile::open, then
// every readable top-level column with ParquetRowReader, then the same bytes as a `.parquet`
// split through ScoreReader (data/parquet_score_reader.h). Checks: no crash, no sanitizer
// report, no allocation beyond the reader's documented caps (scripts/fuzz.sh runs with
// -malloc_limit_mb=512); every error names the file; a successful read returns exactly the
// footer's row count. Reading stops after kRowsMax rows: a few bytes of RLE can legitimately
// describe billions of null values, which is big data, not a bug.
#include <cstdint>
#include <string>
#include <string_view>

#include "data/score_reader.h"
#include "fuzz_support.h"
#include "parquet/parquet_reader.h"

namespace {

using winnow::fuzz::fuzz_check;

constexpr uint64_t kRowsMax = 50000;

void read_columns(std::string_view data) {
  const std::string path = "<fuzz>.parquet";
  auto file = winnow::parquet::ParquetFile::open(winnow::parquet::memory_source(data, path));
  if (!file.is_ok()) {
    fuzz_check(file.status().message().rfind(path, 0) == 0,
               "open error without the path: " + file.status().message());
    return;
  }
  const winnow::parquet::FileMetadata& meta = file.value()->metadata();
  std::vector<int> fields;
  for (size_t i = 0; i < meta.fields.size(); ++i) {
    if (meta.fields[i].leaf < 0) continue;
    if (!winnow::parquet::unsupported_column_reason(
             meta.leaves[static_cast<size_t>(meta.fields[i].leaf)])
             .empty())
      continue;
    fields.push_back(static_cast<int>(i));
  }
  auto reader = winnow::parquet::ParquetRowReader::open(*file.value(), fields);
  fuzz_check(reader.is_ok(), "supported columns refused: " + reader.status().message());
  winnow::parquet::ParquetRowReader& r = *reader.value();
  uint64_t rows = 0;
  for (; rows < kRowsMax; ++rows) {
    auto more = r.next();
    if (!more.is_ok()) {
      fuzz_check(more.status().message().rfind(path, 0) == 0,
                 "read error without the path: " + more.status().message());
      fuzz_check(more.status().message().find("row group") != std::string::npos,
                 "read error without the row group: " + more.status().message());
      return;
    }
    if (!more.value()) break;
    for (size_t c = 0; c < fields.size(); ++c) {
      if (r.is_null(c)) continue;
      const auto& leaf =
          meta.leaves[static_cast<size_t>(meta.fields[static_cast<size_t>(fields[c])].leaf)];
      if (leaf.physical_type == static_cast<int32_t>(winnow::parquet::PhysicalType::kByteArray)) {
        const std::string_view s = r.string(c);
        volatile char sink = s.empty() ? 0 : s[s.size() - 1];  // touch the bytes (ASan checks)
        (void)sink;
      }
    }
  }
  if (rows < kRowsMax)
    fuzz_check(static_cast<int64_t>(rows) == meta.num_rows, "row count differs from the footer's");
}

void read_as_split(std::string_view data) {
  const std::string path = winnow::fuzz::write_scratch_file("split.parquet", data);
  winnow::ScoreReaderOptions options;
  options.missing = winnow::MissingScore::kZero;
  auto reader = winnow::ScoreReader::open(path, options);
  if (!reader.is_ok()) {
    fuzz_check(reader.status().message().find(path) != std::string::npos,
               "open error without the path: " + reader.status().message());
    return;
  }
  winnow::ScoreRow row;
  for (uint64_t rows = 0; rows < kRowsMax; ++rows) {
    auto more = reader.value()->next(&row);
    if (!more.is_ok()) {
      fuzz_check(more.status().message().find(path) != std::string::npos,
                 "row error without the path: " + more.status().message());
      return;
    }
    if (!more.value()) return;
    fuzz_check(row.scores.size() == reader.value()->labels().size(), "one score per label");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  const std::string_view data(reinterpret_cast<const char*>(bytes), size);
  read_columns(data);
  read_as_split(data);
  return 0;
}
