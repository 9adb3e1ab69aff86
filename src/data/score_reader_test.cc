#include "data/score_reader.h"

#include <gtest/gtest.h>

#include <cmath>

#include "data/csv_reader.h"
#include "test_support.h"

namespace winnow {
namespace {

using testing::TempDir;

struct Read {
  std::vector<std::string> texts;
  std::vector<std::vector<double>> scores;
  std::vector<RowStatus> statuses;
  std::vector<std::string> labels;
  Status error;
};

Read read_all(const std::string& path, ScoreReaderOptions options = {}) {
  Read out;
  auto reader = ScoreReader::open(path, options);
  if (!reader.is_ok()) {
    out.error = reader.status();
    return out;
  }
  out.labels = reader.value()->labels();
  ScoreRow row;
  for (;;) {
    auto r = reader.value()->next(&row);
    if (!r.is_ok()) {
      out.error = r.status();
      break;
    }
    if (!r.value()) break;
    out.texts.emplace_back(row.text);
    out.scores.push_back(row.scores);
    out.statuses.push_back(row.status);
  }
  return out;
}

TEST(ScoreReader, DetectsCivilCommentsColumnsInCanonicalOrder) {
  TempDir dir;
  testing::write_file(dir.file("a.csv"), "insult,id,text,toxicity\n0.2,1,hello,0.9\n");
  Read r = read_all(dir.file("a.csv"));
  ASSERT_TRUE(r.error.is_ok()) << r.error.message();
  EXPECT_EQ(r.labels, (std::vector<std::string>{"toxicity", "insult"}));
  EXPECT_EQ(r.scores[0], (std::vector<double>{0.9, 0.2}));
}

TEST(ScoreReader, ReadsKaggleTargetAsToxicityAndCommentText) {
  TempDir dir;
  testing::write_file(dir.file("k.csv"), "id,target,comment_text,obscene\n1,0.7,\"hi, there\",0\n");
  Read r = read_all(dir.file("k.csv"));
  ASSERT_TRUE(r.error.is_ok()) << r.error.message();
  EXPECT_EQ(r.labels, (std::vector<std::string>{"toxicity", "obscene"}));
  EXPECT_EQ(r.texts[0], "hi, there");
}

TEST(ScoreReader, ReadsJsonlFlatAndHubRowsLayouts) {
  TempDir dir;
  testing::write_file(dir.file("a.jsonl"),
                      "{\"text\":\"a\",\"toxicity\":0.6,\"threat\":true}\n"
                      "\n"
                      "{\"row_idx\":1,\"row\":{\"text\":\"b\\n\",\"toxicity\":1,\"threat\":null},"
                      "\"truncated_cells\":[]}\n");
  Read r = read_all(
      dir.file("a.jsonl"),
      {.labels = {}, .text_column = {}, .missing = MissingScore::kZero, .identity_columns = {}});
  ASSERT_TRUE(r.error.is_ok()) << r.error.message();
  EXPECT_EQ(r.labels, (std::vector<std::string>{"toxicity", "threat"}));
  EXPECT_EQ(r.texts, (std::vector<std::string>{"a", "b\n"}));
  EXPECT_EQ(r.scores[1], (std::vector<double>{1.0, 0.0}));
}

TEST(ScoreReader, NonNumericScoreNamesFileLineAndColumn) {
  TempDir dir;
  testing::write_file(dir.file("a.csv"), "text,toxicity\nok,0.1\nbad,abc\n");
  Read r = read_all(dir.file("a.csv"));
  EXPECT_EQ(r.error.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.error.message().find("a.csv:3: column 'toxicity': not a number: 'abc'"),
            std::string::npos)
      << r.error.message();
}

TEST(ScoreReader, MissingScoreIsErrorZeroOrSkip) {
  TempDir dir;
  testing::write_file(dir.file("a.csv"), "text,toxicity\nx,\ny,0.9\n");
  Read strict = read_all(dir.file("a.csv"));
  EXPECT_NE(strict.error.message().find("a.csv:2: column 'toxicity': empty score"),
            std::string::npos)
      << strict.error.message();
  Read zero = read_all(
      dir.file("a.csv"),
      {.labels = {}, .text_column = {}, .missing = MissingScore::kZero, .identity_columns = {}});
  ASSERT_TRUE(zero.error.is_ok());
  EXPECT_EQ(zero.scores[0][0], 0.0);
  EXPECT_EQ(zero.statuses[0], RowStatus::kOk);
  Read skip = read_all(
      dir.file("a.csv"),
      {.labels = {}, .text_column = {}, .missing = MissingScore::kSkip, .identity_columns = {}});
  ASSERT_TRUE(skip.error.is_ok());
  EXPECT_EQ(skip.statuses[0], RowStatus::kMissingScore);
  EXPECT_EQ(skip.statuses[1], RowStatus::kOk);
}

TEST(ScoreReader, InvalidUtf8InTextIsAnError) {
  TempDir dir;
  testing::write_file(dir.file("a.csv"), "text,toxicity\n\"caf\xC3\",0.1\n");
  Read r = read_all(dir.file("a.csv"));
  EXPECT_NE(r.error.message().find("a.csv:2: column 'text': invalid UTF-8"), std::string::npos)
      << r.error.message();
}

TEST(ScoreReader, WrongFieldCountNamesExpectedAndFound) {
  TempDir dir;
  testing::write_file(dir.file("a.csv"), "id,text,toxicity\n1,a,0.2\n2,b\n");
  Read r = read_all(dir.file("a.csv"));
  EXPECT_NE(r.error.message().find("a.csv:3: expected 3 fields (as in the header), found 2"),
            std::string::npos)
      << r.error.message();
}

TEST(ScoreReader, NoTextColumnListsColumnsAndOption) {
  TempDir dir;
  testing::write_file(dir.file("a.csv"), "id,body,toxicity\n1,a,0.2\n");
  Read r = read_all(dir.file("a.csv"));
  EXPECT_NE(r.error.message().find("a.csv: no text column"), std::string::npos);
  EXPECT_NE(r.error.message().find("id, body, toxicity"), std::string::npos);
  EXPECT_NE(r.error.message().find("--text-column"), std::string::npos);
  Read fixed = read_all(dir.file("a.csv"), {.labels = {},
                                            .text_column = "body",
                                            .missing = MissingScore::kError,
                                            .identity_columns = {}});
  EXPECT_TRUE(fixed.error.is_ok());
}

TEST(ScoreReader, EmptyFileAndNoScoreColumnsAreErrors) {
  TempDir dir;
  testing::write_file(dir.file("empty.csv"), "");
  EXPECT_NE(read_all(dir.file("empty.csv")).error.message().find("empty.csv: empty file"),
            std::string::npos);
  testing::write_file(dir.file("n.csv"), "text,stars\nx,1\n");
  Read r = read_all(dir.file("n.csv"));
  EXPECT_NE(r.error.message().find("no known score columns"), std::string::npos);
  EXPECT_NE(r.error.message().find("--labels"), std::string::npos);
  Read chosen = read_all(dir.file("n.csv"), {.labels = {"stars"},
                                             .text_column = {},
                                             .missing = MissingScore::kError,
                                             .identity_columns = {}});
  EXPECT_TRUE(chosen.error.is_ok());
  EXPECT_EQ(chosen.labels, (std::vector<std::string>{"stars"}));
}

TEST(ScoreReader, EmptyTextRowsAreFlaggedNotDropped) {
  TempDir dir;
  testing::write_file(dir.file("a.csv"), "text,toxicity\n,0.9\n\"  \",0.1\nok,0\n");
  Read r = read_all(dir.file("a.csv"));
  ASSERT_TRUE(r.error.is_ok());
  EXPECT_EQ(r.statuses,
            (std::vector<RowStatus>{RowStatus::kEmptyText, RowStatus::kEmptyText, RowStatus::kOk}));
}

TEST(ScoreReader, TextOffsetsAddressTheFieldInTheFile) {
  TempDir dir;
  const std::string csv = "text,toxicity\n\"multi\nline, \"\"q\"\"\",0.9\nplain,0\n";
  testing::write_file(dir.file("a.csv"), csv);
  auto reader = ScoreReader::open(dir.file("a.csv"), {});
  ASSERT_TRUE(reader.is_ok());
  ASSERT_TRUE(reader.value()->seekable());
  ScoreRow row;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(reader.value()->next(&row).value());
    std::string raw = csv.substr(row.text_offset, row.text_raw_size);
    EXPECT_EQ(unquote_csv_field(raw, row.text_quoted), std::string(row.text));
  }
  testing::write_gzip_file(dir.file("b.csv"), csv);
  EXPECT_FALSE(ScoreReader::open(dir.file("b.csv"), {}).value()->seekable());
}

ScoreReaderOptions reader_with_identities(std::vector<std::string> identities) {
  ScoreReaderOptions o;
  o.identity_columns = std::move(identities);
  return o;
}

std::vector<std::vector<double>> read_identity_rows(const std::string& path,
                                                    const ScoreReaderOptions& options,
                                                    Status* error) {
  std::vector<std::vector<double>> out;
  auto reader = ScoreReader::open(path, options);
  if (!reader.is_ok()) {
    *error = reader.status();
    return out;
  }
  ScoreRow row;
  for (;;) {
    auto r = reader.value()->next(&row);
    if (!r.is_ok()) {
      *error = r.status();
      break;
    }
    if (!r.value()) break;
    out.push_back(row.identities);
  }
  return out;
}

TEST(ScoreReader, ReadsIdentityColumnsWithEmptyCellsAsNotAnnotated) {
  TempDir dir;
  testing::write_file(
      dir.file("a.csv"),
      "id,target,comment_text,male,muslim\n1,0.1,a,0.6,\n2,0.9,b,,1.0\n3,0,c,False,true\n");
  Status error;
  auto rows =
      read_identity_rows(dir.file("a.csv"), reader_with_identities({"muslim", "male"}), &error);
  ASSERT_TRUE(error.is_ok()) << error.message();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_TRUE(std::isnan(rows[0][0]));
  EXPECT_EQ(rows[0][1], 0.6);
  EXPECT_EQ(rows[1][0], 1.0);
  EXPECT_TRUE(std::isnan(rows[1][1]));
  EXPECT_EQ(rows[2], (std::vector<double>{1.0, 0.0}));

  testing::write_file(dir.file("a.jsonl"),
                      "{\"text\":\"a\",\"toxicity\":0.6,\"male\":0.25,\"muslim\":null}\n"
                      "{\"text\":\"b\",\"toxicity\":0.1,\"male\":true,\"muslim\":\"0.5\"}\n");
  rows =
      read_identity_rows(dir.file("a.jsonl"), reader_with_identities({"male", "muslim"}), &error);
  ASSERT_TRUE(error.is_ok()) << error.message();
  EXPECT_EQ(rows[0][0], 0.25);
  EXPECT_TRUE(std::isnan(rows[0][1]));
  EXPECT_EQ(rows[1], (std::vector<double>{1.0, 0.5}));
}

TEST(ScoreReader, MissingIdentityColumnsAreAllNamedWithTheFile) {
  TempDir dir;
  testing::write_file(dir.file("a.csv"), "text,toxicity,male\nx,0.1,0\n");
  Status error;
  read_identity_rows(dir.file("a.csv"), reader_with_identities({"female", "male", "black"}),
                     &error);
  EXPECT_EQ(error.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(error.message().find("a.csv: no identity columns female, black for --identity-columns"),
            std::string::npos)
      << error.message();
  EXPECT_NE(error.message().find("(its columns: text, toxicity, male)"), std::string::npos);
}

TEST(ScoreReader, IdentityValueOutOfRangeOrNotANumberNamesFileLineAndColumn) {
  TempDir dir;
  testing::write_file(dir.file("a.csv"), "text,toxicity,male\nx,0.1,0\ny,0.2,1.5\n");
  Status error;
  read_identity_rows(dir.file("a.csv"), reader_with_identities({"male"}), &error);
  EXPECT_NE(error.message().find("a.csv:3: column 'male': identity value '1.5' is not in [0, 1]"),
            std::string::npos)
      << error.message();
  testing::write_file(dir.file("b.csv"), "text,toxicity,male\nx,0.1,yes\n");
  read_identity_rows(dir.file("b.csv"), reader_with_identities({"male"}), &error);
  EXPECT_NE(error.message().find("b.csv:2: column 'male': identity value is not a number: 'yes'"),
            std::string::npos)
      << error.message();
  testing::write_file(dir.file("c.jsonl"), "{\"text\":\"a\",\"toxicity\":0.6,\"male\":[1]}\n");
  read_identity_rows(dir.file("c.jsonl"), reader_with_identities({"male"}), &error);
  EXPECT_NE(error.message().find("c.jsonl:1: field 'male': expected a number, a boolean or null"),
            std::string::npos)
      << error.message();
}

}  // namespace
}  // namespace winnow
