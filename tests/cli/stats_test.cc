// `winnow stats` driven as a user would: a generated split directory, the table, --json, the
// chart files, and the exit codes for bad data (1) and bad usage (2).
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace winnow::testing {
namespace {

std::string line(const std::string& labels) {
  return "{\"text\": \"some text\", \"labels\": {" + labels + "}}\n";
}

// Train: 6 samples; 2 no flags (one "safe", one without a moderation value), 4 flagged;
// toxicity 3, insult 2, threat 1. Validation: 2 samples, 1 flagged (insult).
class StatsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.file("training_file.jsonl"),
               line(R"("moderation": ["toxicity", "insult"], "topic": "news")") +
                   line(R"("moderation": ["safe"], "topic": "sports")") +
                   line(R"("moderation": ["toxicity"], "topic": "news")") + "\n" +
                   line(R"("topic": "news")") +
                   line(R"("moderation": ["threat", "toxicity"], "topic": "sports")") +
                   line(R"("moderation": ["insult"], "topic": "news")"));
    write_file(dir_.file("validation_file.jsonl"),
               line(R"("moderation": ["safe"], "topic": "news")") +
                   line(R"("moderation": ["insult"], "topic": "news")"));
  }
  CommandResult stats(const std::string& args) {
    return run_command("cd " + dir_.path().string() + " && " + kWinnow + " stats " + args);
  }
  std::string dir() const { return dir_.path().string(); }
  TempDir dir_;
};

TEST_F(StatsCli, DirectoryPrintsTheTableAndWritesTheChartBesideTheData) {
  CommandResult r = stats(dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find("\nchart: ")),
            "head \"moderation\" (no flags = only \"safe\" or no value)\n"
            "\n"
            "split        samples   no flags       %   flagged       %\n"
            "Train              6          2   33.3%         4   66.7%\n"
            "Validation         2          1   50.0%         1   50.0%\n"
            "\n"
            "flagged per label (% of the split's samples)\n"
            "label      Train       %   Validation       %\n"
            "toxicity       3   50.0%            0    0.0%\n"
            "insult         2   33.3%            1   50.0%\n"
            "threat         1   16.7%            0    0.0%\n");

  std::string png = dir_.file("distribution.png"), svg = dir_.file("distribution.svg");
  ASSERT_TRUE(std::filesystem::exists(png));
  ASSERT_TRUE(std::filesystem::exists(svg));
  EXPECT_EQ(read_file(png).substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_NE(read_file(svg).find("Validation Samples (Stacked Bar)"), std::string::npos);
  EXPECT_NE(r.out.find("chart: " + png), std::string::npos) << r.out;
}

TEST_F(StatsCli, JsonCarriesExactCounts) {
  CommandResult r = stats("--json --no-chart " + dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["head"], "moderation");
  EXPECT_EQ(j["safe_label"], "safe");
  EXPECT_EQ(j["heads"], nlohmann::json({"moderation", "topic"}));
  EXPECT_TRUE(j["chart"].is_null());
  ASSERT_EQ(j["splits"].size(), 2u);
  const nlohmann::json& train = j["splits"][0];
  EXPECT_EQ(train["name"], "Train");
  EXPECT_EQ(train["file"], dir_.file("training_file.jsonl"));
  EXPECT_EQ(train["samples"], 6);
  EXPECT_EQ(train["no_flags"], 2);
  EXPECT_EQ(train["flagged"], 4);
  EXPECT_EQ(train["labels"], nlohmann::json::parse(R"([
      {"label": "toxicity", "flagged": 3, "not_flagged": 3},
      {"label": "insult", "flagged": 2, "not_flagged": 4},
      {"label": "threat", "flagged": 1, "not_flagged": 5}])"));
  const nlohmann::json& validation = j["splits"][1];
  EXPECT_EQ(validation["name"], "Validation");
  EXPECT_EQ(validation["no_flags"], 1);
  EXPECT_EQ(validation["labels"][1],
            nlohmann::json::parse(R"({"label": "insult", "flagged": 1, "not_flagged": 1})"));
  EXPECT_FALSE(std::filesystem::exists(dir_.file("distribution.png")));
}

TEST_F(StatsCli, FilesUseTheirStemAndOutSetsThePrefix) {
  write_file(dir_.file("holdout.jsonl"), line(R"("moderation": ["insult"])"));
  std::filesystem::create_directory(dir_.file("charts"));
  CommandResult r = stats("--json --out charts/dist.png holdout.jsonl training_file.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["splits"][0]["name"], "holdout");
  EXPECT_EQ(j["splits"][1]["name"], "Train");
  EXPECT_EQ(j["chart"]["png"], "charts/dist.png");
  EXPECT_EQ(j["chart"]["svg"], "charts/dist.svg");
  EXPECT_TRUE(std::filesystem::exists(dir_.file("charts/dist.png")));
  EXPECT_TRUE(std::filesystem::exists(dir_.file("charts/dist.svg")));
}

TEST_F(StatsCli, FilesWithoutOutWriteIntoTheWorkingDirectory) {
  CommandResult r = stats("--json training_file.jsonl");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["chart"]["png"], "distribution.png");
  EXPECT_TRUE(std::filesystem::exists(dir_.file("distribution.png")));
}

TEST_F(StatsCli, HeadAndSafeLabelOptionsChangeTheCounts) {
  CommandResult r = stats("--json --no-chart --head topic --safe-label news " + dir());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["head"], "topic");
  EXPECT_EQ(j["splits"][0]["no_flags"], 4);
  EXPECT_EQ(j["splits"][0]["flagged"], 2);
  EXPECT_EQ(j["splits"][0]["labels"],
            nlohmann::json::parse(R"([{"label": "sports", "flagged": 2, "not_flagged": 4}])"));
}

TEST_F(StatsCli, BadLineExitsOneNamingFileAndLine) {
  std::string path = dir_.file("validation_file.jsonl");
  write_file(path, line(R"("moderation": ["safe"])") + "\n" + line(R"("moderation": 5)"));
  CommandResult r = stats(dir());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ":3: labels.moderation"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(StatsCli, UnknownHeadIsAUsageErrorListingTheHeads) {
  CommandResult r = stats("--no-chart --head tone " + dir());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'tone'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("moderation, topic"), std::string::npos) << r.err;
}

TEST_F(StatsCli, MissingFileAndEmptyDirectoryExitOne) {
  EXPECT_EQ(stats("--no-chart missing.jsonl").exit_code, 1);
  std::filesystem::create_directory(dir_.file("empty"));
  CommandResult r = stats("--no-chart empty");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("training_file.jsonl"), std::string::npos) << r.err;
}

TEST_F(StatsCli, UsageErrorsExitTwo) {
  EXPECT_EQ(stats("").exit_code, 2);                              // no input
  EXPECT_EQ(stats("--frobnicate " + dir()).exit_code, 2);         // unknown option
  EXPECT_EQ(stats("--safe-label '' " + dir()).exit_code, 2);      // empty safe label
  EXPECT_EQ(stats(dir() + " training_file.jsonl").exit_code, 2);  // directory mixed with files
}

TEST_F(StatsCli, UnwritableChartExitsOne) {
  CommandResult r = stats("--out no/such/dir/chart " + dir());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no/such/dir/chart.png"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace winnow::testing
