// ParquetFile / ParquetRowReader against files written by a real writer (arrow-rs through npm
// parquet-wasm, tests/parquet/write_parquet.mjs): every supported compression, data page v1 and
// v2, dictionary and PLAIN pages, nullable columns, several row groups and pages; and the
// errors for damaged files and unsupported features.
#include "parquet/parquet_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "fixtures/parquet_writer.h"
#include "test_support.h"

namespace winnow::parquet {
namespace {

using nlohmann::json;
using winnow::testing::TempDir;

constexpr int kRows = 200;

// One row's expected values; nulls as std::nullopt.
struct ExpectedRow {
  int64_t id;
  std::optional<std::string> text;
  std::optional<double> score32;  // as float32 widened
  double score64;
  int32_t n32;
  std::optional<bool> flag;
};

ExpectedRow expected_row(int i) {
  ExpectedRow r;
  r.id = i;
  if (i % 17 != 3) {
    if (i % 5 == 0) {
      r.text = "repeated text " + std::to_string(i % 3);  // dictionary-friendly
    } else {
      std::string t = "row " + std::to_string(i) + ": ";
      for (int k = 0; k < i % 9; ++k) t += "some words, \"quoted\", café ☕ ";
      r.text = t;
    }
  }
  if (i % 11 != 4) r.score32 = static_cast<double>(static_cast<float>(((i * 7) % 13) / 12.0));
  r.score64 = i / 200.0;
  r.n32 = i * 3 - 100;
  if (i % 13 != 6) r.flag = i % 3 == 0;
  return r;
}

json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(); }
json opt(const std::optional<double>& v) { return v ? json(*v) : json(); }
json opt(const std::optional<bool>& v) { return v ? json(*v) : json(); }

json typed_spec(const std::string& out, const json& options) {
  json rows = json::array();
  for (int i = 0; i < kRows; ++i) {
    const ExpectedRow r = expected_row(i);
    rows.push_back({r.id, opt(r.text), opt(r.score32), r.score64, r.n32, opt(r.flag), opt(r.text)});
  }
  json spec = {{"out", out},
               {"columns",
                {{{"name", "id"}, {"type", "int64"}, {"nullable", false}},
                 {{"name", "text"}, {"type", "utf8"}},
                 {{"name", "score32"}, {"type", "float32"}},
                 {{"name", "score64"}, {"type", "float64"}, {"nullable", false}},
                 {{"name", "n32"}, {"type", "int32"}},
                 {{"name", "flag"}, {"type", "bool"}},
                 {{"name", "large"}, {"type", "large_utf8"}}}},
               {"rows", rows}};
  for (const auto& [k, v] : options.items()) spec[k] = v;
  return spec;
}

// Reads every column of `path` and checks each value against expected_row().
void check_typed_file(const std::string& path, PageCounts* counts = nullptr) {
  auto file = ParquetFile::open(path);
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  const ParquetFile& f = *file.value();
  ASSERT_EQ(f.metadata().num_rows, kRows);
  std::vector<int> fields;
  for (const char* name : {"id", "text", "score32", "score64", "n32", "flag", "large"}) {
    const int index = f.field_index(name);
    ASSERT_GE(index, 0) << name;
    fields.push_back(index);
  }
  auto reader = ParquetRowReader::open(f, fields);
  ASSERT_TRUE(reader.is_ok()) << reader.status().message();
  ParquetRowReader& r = *reader.value();
  for (int i = 0; i < kRows; ++i) {
    auto more = r.next();
    ASSERT_TRUE(more.is_ok()) << more.status().message();
    ASSERT_TRUE(more.value()) << "ended after " << i << " rows";
    const ExpectedRow e = expected_row(i);
    ASSERT_EQ(r.row_index(), static_cast<uint64_t>(i));
    ASSERT_FALSE(r.is_null(0));
    EXPECT_EQ(r.number(0), static_cast<double>(e.id));
    ASSERT_EQ(r.is_null(1), !e.text) << "row " << i;
    if (e.text) {
      EXPECT_EQ(r.string(1), *e.text) << "row " << i;
    }
    ASSERT_EQ(r.is_null(2), !e.score32) << "row " << i;
    if (e.score32) {
      EXPECT_EQ(r.number(2), *e.score32) << "row " << i;
    }
    EXPECT_EQ(r.number(3), e.score64) << "row " << i;
    EXPECT_EQ(r.number(4), static_cast<double>(e.n32)) << "row " << i;
    ASSERT_EQ(r.is_null(5), !e.flag) << "row " << i;
    if (e.flag) {
      EXPECT_EQ(r.number(5), *e.flag ? 1.0 : 0.0) << "row " << i;
    }
    ASSERT_EQ(r.is_null(6), !e.text) << "row " << i;
    if (e.text) {
      EXPECT_EQ(r.string(6), *e.text) << "row " << i;
    }
  }
  auto end = r.next();
  ASSERT_TRUE(end.is_ok()) << end.status().message();
  EXPECT_FALSE(end.value());
  if (counts != nullptr) *counts = r.page_counts();
}

constexpr uint32_t bit(Encoding e) { return 1u << static_cast<int>(e); }

TEST(ParquetReader, ReadsEveryCompressionPageVersionAndEncoding) {
  TempDir dir;
  struct Case {
    std::string compression;
    int version;
    bool dictionary;
    std::string path;
    int32_t codec;
  };
  std::vector<Case> cases;
  json specs = json::array();
  const std::vector<std::pair<std::string, Codec>> compressions = {
      {"uncompressed", Codec::kUncompressed},
      {"snappy", Codec::kSnappy},
      {"gzip", Codec::kGzip},
      {"zstd", Codec::kZstd}};
  for (const auto& [compression, codec] : compressions) {
    for (int version : {1, 2}) {
      for (bool dictionary : {true, false}) {
        Case c{compression, version, dictionary,
               dir.file(compression + "_v" + std::to_string(version) +
                        (dictionary ? "_dict" : "_plain") + ".parquet"),
               static_cast<int32_t>(codec)};
        // Several row groups, and several small pages per column chunk.
        json options = {{"compression", compression}, {"writer_version", version},
                        {"dictionary", dictionary},   {"row_group_rows", 64},
                        {"data_page_bytes", 256},     {"write_batch_rows", 16}};
        // Without a dictionary, arrow-rs' v2 default is DELTA_BINARY_PACKED / DELTA_BYTE_ARRAY,
        // pyarrow's is PLAIN: ask for PLAIN, as pyarrow writes (delta is tested as unsupported).
        if (!dictionary) options["encoding"] = "plain";
        specs.push_back(typed_spec(c.path, options));
        cases.push_back(c);
      }
    }
  }
  ASSERT_TRUE(winnow::testing::write_parquet_files(specs).is_ok());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    PageCounts counts;
    check_typed_file(c.path, &counts);
    auto file = ParquetFile::open(c.path);
    ASSERT_TRUE(file.is_ok());
    const FileMetadata& meta = file.value()->metadata();
    EXPECT_EQ(meta.row_groups.size(), 4u);  // 64 + 64 + 64 + 8 rows
    for (const RowGroupInfo& g : meta.row_groups) {
      for (const ColumnChunkInfo& chunk : g.columns) EXPECT_EQ(chunk.codec, c.codec);
    }
    // The writer did what the case asks for: the reader met those page kinds.
    if (c.version == 1) {
      EXPECT_GT(counts.data_pages_v1, 0u);
      EXPECT_EQ(counts.data_pages_v2, 0u);
    } else {
      EXPECT_EQ(counts.data_pages_v1, 0u);
      EXPECT_GT(counts.data_pages_v2, 0u);
    }
    // Dictionary-encoded chunks of 64 rows fit one small page; PLAIN ones need several.
    EXPECT_GE(counts.data_pages_v1 + counts.data_pages_v2, 4u * 7u);
    if (!c.dictionary) {
      EXPECT_GT(counts.data_pages_v1 + counts.data_pages_v2, 4u * 7u * 2)
          << "several pages per chunk";
    }
    if (c.dictionary) {
      EXPECT_GT(counts.dictionary_pages, 0u);
      EXPECT_NE(counts.value_encodings &
                    (bit(Encoding::kRleDictionary) | bit(Encoding::kPlainDictionary)),
                0u);
    } else {
      EXPECT_EQ(counts.dictionary_pages, 0u);
      EXPECT_NE(counts.value_encodings & bit(Encoding::kPlain), 0u);
      EXPECT_EQ(counts.value_encodings &
                    (bit(Encoding::kRleDictionary) | bit(Encoding::kPlainDictionary)),
                0u);
    }
  }
}

TEST(ParquetReader, ReadsDefaultWriterSettingsAndDictionaryFallback) {
  TempDir dir;
  // Default settings (one row group, 1 MiB pages) and a dictionary page limit so small that the
  // writer falls back from dictionary to PLAIN pages within a chunk, as pyarrow does for
  // high-cardinality text.
  json specs = json::array({typed_spec(dir.file("default.parquet"), json::object()),
                            typed_spec(dir.file("fallback.parquet"), {{"dictionary_page_bytes", 64},
                                                                      {"data_page_bytes", 128},
                                                                      {"write_batch_rows", 8}})});
  ASSERT_TRUE(winnow::testing::write_parquet_files(specs).is_ok());
  check_typed_file(dir.file("default.parquet"));
  PageCounts counts;
  check_typed_file(dir.file("fallback.parquet"), &counts);
  EXPECT_GT(counts.dictionary_pages, 0u);
  EXPECT_NE(counts.value_encodings & bit(Encoding::kPlain), 0u);
}

TEST(ParquetReader, ReadsOnlyTheChosenColumns) {
  TempDir dir;
  ASSERT_TRUE(
      winnow::testing::write_parquet_files(typed_spec(dir.file("a.parquet"), json::object()))
          .is_ok());
  auto file = ParquetFile::open(dir.file("a.parquet"));
  ASSERT_TRUE(file.is_ok());
  auto reader = ParquetRowReader::open(*file.value(), {file.value()->field_index("score64")});
  ASSERT_TRUE(reader.is_ok());
  int rows = 0;
  for (;;) {
    auto more = reader.value()->next();
    ASSERT_TRUE(more.is_ok()) << more.status().message();
    if (!more.value()) break;
    EXPECT_EQ(reader.value()->number(0), rows / 200.0);
    ++rows;
  }
  EXPECT_EQ(rows, kRows);
}

TEST(ParquetReader, ReadsAFileWithNoRows) {
  TempDir dir;
  json spec = typed_spec(dir.file("empty.parquet"), json::object());
  spec["rows"] = json::array();
  ASSERT_TRUE(winnow::testing::write_parquet_files(spec).is_ok());
  auto file = ParquetFile::open(dir.file("empty.parquet"));
  ASSERT_TRUE(file.is_ok()) << file.status().message();
  auto reader = ParquetRowReader::open(*file.value(), {1});
  ASSERT_TRUE(reader.is_ok());
  auto more = reader.value()->next();
  ASSERT_TRUE(more.is_ok());
  EXPECT_FALSE(more.value());
}

// Reads all rows of column `name`; returns the first error.
Status read_column(const std::string& path, const std::string& name) {
  WINNOW_ASSIGN_OR_RETURN(auto file, ParquetFile::open(path));
  const int index = file->field_index(name);
  if (index < 0) return Status::not_found(name);
  WINNOW_ASSIGN_OR_RETURN(auto reader, ParquetRowReader::open(*file, {index}));
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool more, reader->next());
    if (!more) return Status::ok();
  }
}

TEST(ParquetReader, NamesFileRowGroupAndColumnOfADamagedPage) {
  TempDir dir;
  const std::string path = dir.file("damaged.parquet");
  ASSERT_TRUE(winnow::testing::write_parquet_files(typed_spec(path, {{"compression", "snappy"},
                                                                     {"row_group_rows", 64},
                                                                     {"dictionary", false}}))
                  .is_ok());
  auto file = ParquetFile::open(path);
  ASSERT_TRUE(file.is_ok());
  const int text = file.value()->field_index("text");
  const ColumnChunkInfo chunk =
      file.value()->metadata().row_groups[2].columns[static_cast<size_t>(text)];
  file.value().reset();
  // Overwrite the middle of row group 2's text chunk (page data, past its first header).
  std::string bytes = winnow::testing::read_file(path);
  for (uint64_t i = chunk.start + 24; i < chunk.end - 4; ++i)
    bytes[i] = static_cast<char>(0xA5 ^ i);
  const std::string damaged = dir.file("damaged2.parquet");
  winnow::testing::write_file(damaged, bytes);
  Status s = read_column(damaged, "text");
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find(damaged), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("row group 2, column 'text'"), std::string::npos) << s.message();
  // The other columns of that row group are untouched and still read.
  EXPECT_TRUE(read_column(damaged, "score64").is_ok());
}

TEST(ParquetReader, RejectsFilesThatAreNotParquetOrAreCut) {
  TempDir dir;
  const std::string path = dir.file("good.parquet");
  ASSERT_TRUE(winnow::testing::write_parquet_files(typed_spec(path, json::object())).is_ok());
  const std::string bytes = winnow::testing::read_file(path);

  winnow::testing::write_file(dir.file("text.parquet"), "text,toxicity\nhello,0.1\n");
  auto not_parquet = ParquetFile::open(dir.file("text.parquet"));
  ASSERT_FALSE(not_parquet.is_ok());
  EXPECT_NE(not_parquet.status().message().find("not a Parquet file"), std::string::npos);

  winnow::testing::write_file(dir.file("cut.parquet"), bytes.substr(0, bytes.size() / 2));
  auto cut = ParquetFile::open(dir.file("cut.parquet"));
  ASSERT_FALSE(cut.is_ok());
  EXPECT_NE(cut.status().message().find("cut.parquet"), std::string::npos);
  EXPECT_NE(cut.status().message().find("does not end with PAR1"), std::string::npos);

  // A footer length larger than the file.
  std::string long_footer = bytes;
  long_footer[long_footer.size() - 5] = '\x7f';
  winnow::testing::write_file(dir.file("footer.parquet"), long_footer);
  auto footer = ParquetFile::open(dir.file("footer.parquet"));
  ASSERT_FALSE(footer.is_ok());
  EXPECT_NE(footer.status().message().find("footer length"), std::string::npos)
      << footer.status().message();

  // The footer's bytes damaged.
  std::string bad_footer = bytes;
  uint32_t footer_size;
  std::memcpy(&footer_size, bad_footer.data() + bad_footer.size() - 8, 4);
  for (size_t i = bad_footer.size() - 8 - footer_size; i < bad_footer.size() - 8; i += 3)
    bad_footer[i] = '\xff';
  winnow::testing::write_file(dir.file("bad_footer.parquet"), bad_footer);
  auto damaged = ParquetFile::open(dir.file("bad_footer.parquet"));
  ASSERT_FALSE(damaged.is_ok());
  EXPECT_EQ(damaged.status().code(), StatusCode::kCorruption);
  EXPECT_NE(damaged.status().message().find("bad_footer.parquet"), std::string::npos);
}

TEST(ParquetReader, ExplainsUnsupportedCodecsAndEncodings) {
  TempDir dir;
  json specs =
      json::array({typed_spec(dir.file("brotli.parquet"), {{"compression", "brotli"}}),
                   typed_spec(dir.file("delta.parquet"),
                              {{"dictionary", false}, {"encoding", "delta_binary_packed"}})});
  specs[1]["columns"] = {{{"name", "id"}, {"type", "int64"}, {"nullable", false}}};
  json rows = json::array();
  for (int i = 0; i < 10; ++i) rows.push_back({i});
  specs[1]["rows"] = rows;
  ASSERT_TRUE(winnow::testing::write_parquet_files(specs).is_ok());

  Status brotli = read_column(dir.file("brotli.parquet"), "text");
  ASSERT_FALSE(brotli.is_ok());
  EXPECT_EQ(brotli.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(
      brotli.message().find("row group 0, column 'text': compression BROTLI is not supported"),
      std::string::npos)
      << brotli.message();

  Status delta = read_column(dir.file("delta.parquet"), "id");
  ASSERT_FALSE(delta.is_ok());
  EXPECT_EQ(delta.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(delta.message().find("value encoding DELTA_BINARY_PACKED for INT64 is not supported"),
            std::string::npos)
      << delta.message();
}

}  // namespace
}  // namespace winnow::parquet
