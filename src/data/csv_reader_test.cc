#include "data/csv_reader.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace winnow {
namespace {

using Records = std::vector<std::vector<std::string>>;

struct ReadOutcome {
  Records records;
  std::vector<uint64_t> lines;
  Status error;
};

ReadOutcome read_csv(const std::string& bytes, size_t buffer_bytes = 7) {
  testing::TempDir dir;
  std::string path = dir.file("t.csv");
  testing::write_file(path, bytes);
  auto src = open_byte_source(path);
  EXPECT_TRUE(src.is_ok());
  CsvReader reader(std::move(src).value(), buffer_bytes);
  ReadOutcome out;
  for (;;) {
    auto r = reader.next();
    if (!r.is_ok()) {
      out.error = r.status();
      break;
    }
    if (!r.value()) break;
    out.records.emplace_back(reader.fields().begin(), reader.fields().end());
    out.lines.push_back(reader.line());
    // Each field's raw position gives the same value back.
    for (size_t i = 0; i < reader.field_count(); ++i) {
      CsvReader::RawField raw = reader.raw_field(i);
      EXPECT_EQ(unquote_csv_field(bytes.substr(raw.offset, raw.size), raw.quoted),
                out.records.back()[i]);
    }
  }
  return out;
}

TEST(CsvReader, ParsesQuotedCommasQuotesAndNewlines) {
  auto out = read_csv("id,text,score\n1,\"a, b\",0.5\n2,\"say \"\"hi\"\"\nthere\",1\n3,plain,0\n");
  ASSERT_TRUE(out.error.is_ok()) << out.error.message();
  Records expected = {{"id", "text", "score"},
                      {"1", "a, b", "0.5"},
                      {"2", "say \"hi\"\nthere", "1"},
                      {"3", "plain", "0"}};
  EXPECT_EQ(out.records, expected);
  EXPECT_EQ(out.lines, (std::vector<uint64_t>{1, 2, 3, 5}));
}

TEST(CsvReader, HandlesCrlfBomBlankLinesAndMissingFinalNewline) {
  auto out = read_csv(
      "\xEF\xBB\xBF"
      "a,b\r\n\r\n1,\"x\r\ny\"\r\n2,\"\"");
  ASSERT_TRUE(out.error.is_ok()) << out.error.message();
  Records expected = {{"a", "b"}, {"1", "x\r\ny"}, {"2", ""}};
  EXPECT_EQ(out.records, expected);
  EXPECT_EQ(out.lines, (std::vector<uint64_t>{1, 3, 5}));
}

TEST(CsvReader, EmptyFieldsAreKept) {
  auto out = read_csv(",a,,\n");
  ASSERT_TRUE(out.error.is_ok());
  EXPECT_EQ(out.records, (Records{{"", "a", "", ""}}));
}

TEST(CsvReader, ReportsLineOfUnterminatedQuote) {
  auto out = read_csv("id,text\n1,ok\n2,\"never closed\n3,more\n");
  EXPECT_EQ(out.error.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.error.message().find("t.csv:3: unterminated quoted field (field 2"),
            std::string::npos)
      << out.error.message();
  EXPECT_EQ(out.records.size(), 2u);
}

TEST(CsvReader, ReportsGarbageAfterClosingQuote) {
  auto out = read_csv("a,b\n1,\"x\"y,2\n");
  EXPECT_NE(out.error.message().find("t.csv:2: unexpected character 'y' after the closing quote"),
            std::string::npos)
      << out.error.message();
}

TEST(CsvReader, LargeBufferGivesSameRecordsAsTinyBuffer) {
  std::string csv = "id,text\n";
  for (int i = 0; i < 500; ++i) {
    csv +=
        std::to_string(i) + ",\"row " + std::to_string(i) + ", with \"\"quotes\"\"\nand lines\"\n";
  }
  auto tiny = read_csv(csv, 5);
  auto big = read_csv(csv, 1 << 20);
  ASSERT_TRUE(tiny.error.is_ok());
  EXPECT_EQ(tiny.records, big.records);
  EXPECT_EQ(tiny.lines, big.lines);
  EXPECT_EQ(tiny.records.size(), 501u);
  EXPECT_EQ(tiny.lines.back(), 1u + 2 * 499 + 1);
}

// Everything a reader reports for a file: records, positions and the error, if any.
struct CsvTrace {
  Records records;
  std::vector<uint64_t> lines, offsets, sizes;
  std::vector<std::vector<uint64_t>> raw;  // per record: offset, size, quoted of each field
  std::string error;
  bool operator==(const CsvTrace&) const = default;
};

CsvTrace trace_csv(CsvReader& reader) {
  CsvTrace t;
  for (;;) {
    auto r = reader.next();
    if (!r.is_ok()) {
      t.error = r.status().message();
      break;
    }
    if (!r.value()) break;
    t.records.emplace_back(reader.fields().begin(), reader.fields().end());
    t.lines.push_back(reader.line());
    t.offsets.push_back(reader.record_offset());
    t.sizes.push_back(reader.record_size_bytes());
    t.raw.emplace_back();
    for (size_t i = 0; i < reader.field_count(); ++i) {
      CsvReader::RawField f = reader.raw_field(i);
      t.raw.back().insert(t.raw.back().end(), {f.offset, f.size, f.quoted ? 1u : 0u});
    }
  }
  return t;
}

// Reads `bytes` from `start` through a stream (tiny and large buffers) and through a mapping,
// expects the three to agree, and returns the mapped reading.
CsvTrace trace_both_ways(const std::string& bytes, uint64_t start = 0) {
  testing::TempDir dir;
  const std::string path = dir.file("t.csv");
  testing::write_file(path, bytes);
  CsvTrace streamed[2];
  const size_t buffers[2] = {5, 1 << 20};
  for (int i = 0; i < 2; ++i) {
    auto src = open_byte_source(path, start);
    EXPECT_TRUE(src.is_ok());
    CsvReader reader(std::move(src).value(), buffers[i], start);
    streamed[i] = trace_csv(reader);
  }
  auto file = MappedFile::open(path);
  EXPECT_TRUE(file.is_ok()) << file.status().message();
  CsvReader mapped(std::make_shared<const MappedFile>(std::move(file).value()), start);
  CsvTrace m = trace_csv(mapped);
  EXPECT_EQ(streamed[0], streamed[1]);
  EXPECT_EQ(m, streamed[1]);
  return m;
}

TEST(CsvReader, MappedFileGivesTheSameRecordsPositionsAndErrorsAsAStream) {
  const std::string tricky =
      "\xEF\xBB\xBF"
      "id,text,score\r\n"
      "1,\"quoted, with \"\"doubled\"\" quotes\nand a newline\",0.5\r\n"
      "\r\n"
      "2,caf\xC3\xA9 na\xC3\xAFve \xE2\x9C\x93 \xF0\x9F\x98\x80,1\n"
      "3,\"crlf\r\ninside\",0\r\n"
      "4,\"\",0.25\n"
      "5,last line without newline,1";
  CsvTrace t = trace_both_ways(tricky);
  EXPECT_TRUE(t.error.empty()) << t.error;
  ASSERT_EQ(t.records.size(), 6u);
  EXPECT_EQ(t.records[1][1], "quoted, with \"doubled\" quotes\nand a newline");
  EXPECT_EQ(t.records[2][1], "caf\xC3\xA9 na\xC3\xAFve \xE2\x9C\x93 \xF0\x9F\x98\x80");
  EXPECT_EQ(t.records[3][1], "crlf\r\ninside");
  EXPECT_EQ(t.records[5][1], "last line without newline");
  EXPECT_EQ(t.lines, (std::vector<uint64_t>{1, 2, 5, 6, 8, 9}));
  EXPECT_EQ(t.offsets[0], 3u);  // after the BOM

  // From a record boundary in the middle (as the parallel scan starts).
  const size_t mid = tricky.find("3,\"crlf");
  CsvTrace from_mid = trace_both_ways(tricky, mid);
  ASSERT_EQ(from_mid.records.size(), 3u);
  EXPECT_EQ(from_mid.offsets[0], mid);
  EXPECT_EQ(from_mid.lines[0], 1u);

  // Errors: the same message, naming file and line, at the same point.
  for (const char* bad : {"id,text\n1,ok\n2,\"never closed\n3,more\n", "a,b\n1,\"x\"y,2\n",
                          "a,b\n1,\"x\"\"", "a\n\"unterminated at the very end"}) {
    CsvTrace e = trace_both_ways(bad);
    EXPECT_NE(e.error.find("t.csv:"), std::string::npos) << bad;
  }
}

TEST(CsvReader, MappedReaderOverManyReleaseStepsMatchesAStream) {
  // Larger than several release steps (4 MB), with records straddling every page boundary.
  std::string csv = "id,text,score\n";
  for (int i = 0; csv.size() < (13u << 20); ++i) {
    csv += std::to_string(i) + ",\"text " + std::string(static_cast<size_t>(i % 997), 'x') +
           ", \"\"q\"\"\n" + std::to_string(i) + "\"," + (i % 2 ? "0.5" : "1") + "\n";
  }
  CsvTrace t = trace_both_ways(csv);
  EXPECT_TRUE(t.error.empty()) << t.error;
  EXPECT_GT(t.records.size(), 20000u);
}

}  // namespace
}  // namespace winnow
