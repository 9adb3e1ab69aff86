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

}  // namespace
}  // namespace winnow
