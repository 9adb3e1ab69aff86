// `winnow validate` as a user runs it: exit codes, problem lines on stderr, summary on stdout,
// --json, gzip input.
#include <map>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace winnow::testing {
namespace {

std::string validate(const std::string& args) { return kWinnow + " validate " + args; }
std::string shell_quoted(const std::string& path) { return "'" + path + "'"; }

const char kGood[] =
    R"({"text":"you are an idiot","labels":{"moderation":["toxicity","insult"],"lang":"en"}})"
    "\n"
    R"({"text":"thanks a lot","labels":{"moderation":["safe"],"lang":"en"}})"
    "\n"
    R"({"text":"merci","labels":{"moderation":["safe"],"lang":"fr"}})"
    "\n"
    R"({"messages":[{"role":"user","content":"shut up"}],"labels":{"moderation":["toxicity"]}})"
    "\n";

TEST(ValidateCommand, ValidFileExitsZeroWithSummary) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), kGood);
  CommandResult r = run_command(validate(shell_quoted(dir.file("train.jsonl"))));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find(dir.file("train.jsonl") + "          4          4          0\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("head moderation: multi-label, 3 labels, 4 samples\n"
                       "  toxicity  2   50.0%\n"
                       "  insult    1   25.0%\n"
                       "  safe      2   50.0%\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("head lang: single-label, 2 labels, 3 samples\n"
                       "  en  2   66.7%\n"
                       "  fr  1   33.3%\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("valid: 4 samples in 1 file, 2 heads\n"), std::string::npos) << r.out;
}

TEST(ValidateCommand, BadFileExitsOneAndPrintsEveryProblem) {
  TempDir dir;
  std::string path = dir.file("bad.jsonl");
  write_file(path, std::string(kGood) + R"({"text":"x","labels":{"moderation":["toxicity",3]}})"
                                        "\n\n"
                                        R"({"text":"y"})"
                                        "\n"
                                        R"({"text":"z","messages":[],"labels":{"lang":"en"}})"
                                        "\n"
                                        "{\"text\":\"\xFF\",\"labels\":{\"lang\":\"en\"}}\n"
                                        "not json\n");
  CommandResult r = run_command(validate(shell_quoted(path)));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            path + ":5: labels.moderation[1]: expected a string, got number\n" +  //
                path + ":7: labels: missing\n" +                                  //
                path + ":8: text: both \"text\" and \"messages\" given (need exactly one)\n" +
                path + ":9: invalid UTF-8 at byte 10\n" +  //
                path +
                ":10: line is not valid JSON (column 2: syntax error while parsing value - "
                "invalid literal; last read: 'no')\n");
  EXPECT_NE(r.out.find("invalid: 5 problems (listed on stderr)\n"), std::string::npos) << r.out;
  // The summary still describes the valid lines.
  EXPECT_NE(r.out.find("head moderation: multi-label, 3 labels, 4 samples"), std::string::npos);
}

TEST(ValidateCommand, HeadWithOneLabelFailsValidation) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), R"({"text":"a","labels":{"moderation":["safe"]}})"
                                  "\n"
                                  R"({"text":"b","labels":{"moderation":"safe"}})"
                                  "\n");
  CommandResult r = run_command(validate(shell_quoted(dir.file("a.jsonl"))));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, dir.file("a.jsonl") +
                       ": labels.moderation: only one label (\"safe\") in all files; a classifier "
                       "head needs at least 2\n");
}

TEST(ValidateCommand, ReadsGzipAndSeveralFiles) {
  TempDir dir;
  write_gzip_file(dir.file("train.jsonl.gz"), kGood);
  write_file(dir.file("valid.jsonl"), kGood);
  CommandResult r = run_command(validate(shell_quoted(dir.file("train.jsonl.gz")) + " " +
                                         shell_quoted(dir.file("valid.jsonl"))));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(dir.file("train.jsonl.gz") + "          4          4          0\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\ntotal"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("valid: 8 samples in 2 files, 2 heads\n"), std::string::npos) << r.out;
}

TEST(ValidateCommand, ReadsStdin) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), kGood);
  CommandResult r = run_command(validate("- < " + shell_quoted(dir.file("a.jsonl"))));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("<stdin>"), std::string::npos) << r.out;
}

TEST(ValidateCommand, JsonOutputCarriesProblemsFilesAndHeads) {
  TempDir dir;
  std::string path = dir.file("a.jsonl");
  write_file(path, std::string(kGood) + R"({"text":"","labels":{"lang":"en"}})" + "\n");
  CommandResult r = run_command(validate("--json " + shell_quoted(path)));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "");
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["valid"], false);
  EXPECT_EQ(j["problem_count"], 1);
  ASSERT_EQ(j["problems"].size(), 1u);
  EXPECT_EQ(j["problems"][0]["file"], path);
  EXPECT_EQ(j["problems"][0]["line"], 5);
  EXPECT_EQ(j["problems"][0]["message"], "text: empty string");
  EXPECT_EQ(j["lines"], 5);
  EXPECT_EQ(j["samples"], 4);
  ASSERT_EQ(j["files"].size(), 1u);
  EXPECT_EQ(j["files"][0]["path"], path);
  EXPECT_EQ(j["files"][0]["samples"], 4);
  ASSERT_EQ(j["heads"].size(), 2u);
  EXPECT_EQ(j["heads"][0]["name"], "moderation");
  EXPECT_EQ(j["heads"][0]["multi_label"], true);
  EXPECT_EQ(j["heads"][0]["labels"][2], (nlohmann::json{{"name", "safe"}, {"count", 2}}));
  EXPECT_EQ(j["heads"][1]["name"], "lang");
  EXPECT_EQ(j["heads"][1]["multi_label"], false);
}

TEST(ValidateCommand, JsonForValidFileExitsZero) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), kGood);
  CommandResult r = run_command(validate("--json " + shell_quoted(dir.file("a.jsonl"))));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["valid"], true);
  EXPECT_TRUE(j["problems"].empty());
}

TEST(ValidateCommand, MissingFileExitsOneNamingIt) {
  TempDir dir;
  CommandResult r = run_command(validate(shell_quoted(dir.file("nope.jsonl"))));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("winnow validate: error: " + dir.file("nope.jsonl") + ": cannot open"),
            std::string::npos)
      << r.err;

  CommandResult j = run_command(validate("--json " + shell_quoted(dir.file("nope.jsonl"))));
  EXPECT_EQ(j.exit_code, 1);
  nlohmann::json out = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(out.is_discarded()) << j.out;
  EXPECT_NE(out["error"].get<std::string>().find("nope.jsonl"), std::string::npos);
}

TEST(ValidateCommand, NoFilesIsAUsageError) {
  CommandResult r = run_command(validate(""));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("files is required"), std::string::npos) << r.err;
}

// Minimal RFC 4180 reader (quoted fields may hold commas, quotes and newlines): enough to turn a
// shared-data CSV into classifier JSONL at test time without copying data into the repository.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted_field = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted_field) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted_field = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted_field = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(std::move(field));
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

TEST(ValidateCommand, AcceptsJsonlGeneratedFromRealComments) {
  WINNOW_REQUIRE_SHARED_DATA("civil_spans/train.csv");
  std::vector<std::vector<std::string>> rows =
      parse_csv(read_file(shared_data("civil_spans/train.csv")));
  ASSERT_GT(rows.size(), 1u);
  const std::vector<std::string>& header = rows[0];
  ASSERT_EQ(header.at(1), "text");
  std::map<std::string, int> expected_counts;
  std::string jsonl;
  for (size_t r = 1; r < rows.size(); ++r) {
    ASSERT_EQ(rows[r].size(), header.size()) << "row " << r;
    nlohmann::json labels = nlohmann::json::array();
    for (size_t c = 2; c < header.size(); ++c) {
      if (std::stod(rows[r][c]) > 0.5) labels.push_back(header[c]);
    }
    if (labels.empty()) labels.push_back("safe");
    for (const auto& l : labels) ++expected_counts[l.get<std::string>()];
    jsonl += nlohmann::json{{"text", rows[r][1]}, {"labels", {{"moderation", labels}}}}.dump();
    jsonl += '\n';
  }
  TempDir dir;
  write_gzip_file(dir.file("train.jsonl.gz"), jsonl);
  CommandResult result =
      run_command(validate("--json " + shell_quoted(dir.file("train.jsonl.gz"))));
  EXPECT_EQ(result.exit_code, 0) << result.out.substr(0, 2000);
  nlohmann::json j = nlohmann::json::parse(result.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["samples"], rows.size() - 1);
  ASSERT_EQ(j["heads"].size(), 1u);
  std::map<std::string, int> reported;
  for (const auto& label : j["heads"][0]["labels"]) reported[label["name"]] = label["count"];
  EXPECT_EQ(reported, expected_counts);
}

}  // namespace
}  // namespace winnow::testing
