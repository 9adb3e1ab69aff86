#include "data/row_scan.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace winnow {
namespace {

using testing::TempDir;

struct Scan {
  RowIndex rows;
  ScanCounters counters;
  Status status;
};

Scan scan(const std::string& path, uint64_t parallel_min_bytes) {
  Scan out;
  auto reader = ScoreReader::open(
      path,
      {.labels = {}, .text_column = {}, .missing = MissingScore::kSkip, .identity_columns = {}});
  EXPECT_TRUE(reader.is_ok()) << reader.status().message();
  ScanOptions options;
  options.reader.missing = MissingScore::kSkip;
  options.parallel_min_bytes = parallel_min_bytes;
  out.status = scan_rows(*reader.value(), options, &out.rows, &out.counters);
  return out;
}

void expect_same(const Scan& a, const Scan& b) {
  ASSERT_EQ(a.rows.size(), b.rows.size());
  for (size_t i = 0; i < a.rows.size(); ++i) {
    EXPECT_EQ(a.rows[i].text_offset, b.rows[i].text_offset) << i;
    EXPECT_EQ(a.rows[i].text_raw_size, b.rows[i].text_raw_size) << i;
    EXPECT_EQ(a.rows[i].flags, b.rows[i].flags) << i;
  }
  EXPECT_EQ(a.counters.rows_read, b.counters.rows_read);
  EXPECT_EQ(a.counters.rows_skipped_empty_text, b.counters.rows_skipped_empty_text);
  EXPECT_EQ(a.counters.first_skipped_line, b.counters.first_skipped_line);
}

std::string rows_csv(int n, int multiline_from, int multiline_to, int empty_row) {
  std::string csv = "id,text,toxicity\n";
  for (int i = 0; i < n; ++i) {
    std::string text = "comment " + std::to_string(i);
    if (i >= multiline_from && i < multiline_to) {
      text = "\"a long, quoted comment\n" + std::string(200, 'x') + "\nthat spans lines\n" +
             std::to_string(i) + "\"";
    }
    if (i == empty_row) text = "";
    csv += std::to_string(i) + "," + text + "," + (i % 3 == 0 ? "0.9" : "0.1") + "\n";
  }
  return csv;
}

TEST(RowScan, ParallelScanEqualsSequentialScan) {
  TempDir dir;
  testing::write_file(dir.file("a.csv"), rows_csv(2000, -1, -1, 1500));
  Scan seq = scan(dir.file("a.csv"), UINT64_MAX);
  Scan par = scan(dir.file("a.csv"), 1);
  ASSERT_TRUE(seq.status.is_ok());
  ASSERT_TRUE(par.status.is_ok());
  expect_same(seq, par);
  EXPECT_EQ(par.counters.first_skipped_line, 1502u);  // header is line 1, row i is line i+2
}

TEST(RowScan, WrongGuessInsideAQuotedFieldFallsBackToSequential) {
  TempDir dir;
  // One quoted field of many short lines makes up most of the file, so the first line break
  // after the midpoint is certainly inside quotes.
  std::string csv = rows_csv(400, -1, -1, -1);
  std::string big = "\"";
  for (int i = 0; i < 5000; ++i) big += "line " + std::to_string(i) + ", quoted\n";
  big += "\"";
  size_t at = csv.find("\n200,comment 200,");
  csv.replace(at + 1 + 4, std::string("comment 200").size(), big);
  ASSERT_GT(csv.find("line 4999"), csv.size() / 2);
  ASSERT_LT(csv.find("line 0,"), csv.size() / 2);
  testing::write_file(dir.file("a.csv"), csv);
  Scan seq = scan(dir.file("a.csv"), UINT64_MAX);
  Scan par = scan(dir.file("a.csv"), 1);
  ASSERT_TRUE(seq.status.is_ok());
  ASSERT_TRUE(par.status.is_ok()) << par.status.message();
  expect_same(seq, par);
}

TEST(RowScan, ErrorInSecondHalfHasTheSequentialLineNumber) {
  TempDir dir;
  std::string csv = rows_csv(2000, -1, -1, -1);
  size_t at = csv.find("\n1700,");
  csv.replace(at + 1, std::string("1700,comment 1700,0.1").size(), "1700,comment 1700,zzz");
  testing::write_file(dir.file("a.csv"), csv);
  Scan par = scan(dir.file("a.csv"), 1);
  EXPECT_NE(par.status.message().find("a.csv:1702: column 'toxicity': not a number"),
            std::string::npos)
      << par.status.message();
}

}  // namespace
}  // namespace winnow
