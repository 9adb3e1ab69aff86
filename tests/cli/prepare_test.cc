// `winnow prepare` end to end: the real binary on real and generated files.
#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace winnow::testing {
namespace {

nlohmann::json summary_of(const TempDir& out) {
  return nlohmann::json::parse(read_file(out.file("prepare-summary.json")));
}

std::vector<nlohmann::json> jsonl(const std::string& path) {
  std::vector<nlohmann::json> rows;
  for (const auto& line : read_lines(path)) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

// Reads ../shared/data/civil_spans.
TEST(Prepare, CivilSpansMatchesTheTutorialAlgorithmExactly) {
  WINNOW_REQUIRE_SHARED_DATA("civil_spans/train.csv");
  TempDir out;
  CommandResult r = run_command(kWinnow + " prepare --input " + shared_data("civil_spans") +
                                " --no-shuffle --out " + out.path().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto s = summary_of(out);
  EXPECT_EQ(s["splits"]["train"]["rows_kept"], 2254);
  EXPECT_EQ(s["splits"]["validation"]["rows_kept"], 304);
  EXPECT_EQ(s["splits"]["test"]["rows_kept"], 275);
  EXPECT_EQ(s["labels_removed"], nlohmann::json::array({"threat"}));
  const auto& counts = s["splits"]["train"]["output_label_counts"];
  EXPECT_EQ(counts["toxicity"], 1449);
  EXPECT_EQ(counts["insult"], 1037);
  EXPECT_EQ(counts["safe"], 805);
  EXPECT_EQ(counts["obscene"], 82);
  EXPECT_EQ(counts["identity_attack"], 38);
  EXPECT_FALSE(counts.contains("threat"));

  // The written file agrees with the summary.
  auto rows = jsonl(out.file("training_file.jsonl"));
  ASSERT_EQ(rows.size(), 2254u);
  int toxicity = 0, safe = 0;
  for (const auto& row : rows) {
    for (const auto& l : row["labels"]["moderation"]) {
      toxicity += l == "toxicity";
      safe += l == "safe";
      EXPECT_NE(l, "threat");
    }
  }
  EXPECT_EQ(toxicity, 1449);
  EXPECT_EQ(safe, 805);
  EXPECT_NE(r.out.find("labels removed"), std::string::npos);
}

// Reads ../shared/data/civil_spans; needs Debian's python3-pandas for the reference pipeline.
TEST(Prepare, CivilSpansOutputEqualsThePandasPipelineRowForRow) {
  WINNOW_REQUIRE_SHARED_DATA("civil_spans/train.csv");
  if (run_command("/usr/bin/python3 -c 'import pandas, tqdm'").exit_code != 0) {
    GTEST_SKIP() << "python3-pandas not installed";
  }
  TempDir ours, theirs;
  ASSERT_EQ(run_command(kWinnow + " prepare --quiet --input " + shared_data("civil_spans") +
                        " --no-shuffle --out " + ours.path().string())
                .exit_code,
            0);
  CommandResult ref =
      run_command("/usr/bin/python3 " + shared_data("../tools/seed_pipeline.py") + " " +
                  shared_data("civil_spans") + " " + theirs.path().string() + " --no-shuffle");
  ASSERT_EQ(ref.exit_code, 0) << ref.err;
  for (const char* f : {"training_file.jsonl", "validation_file.jsonl", "test_file.jsonl"}) {
    // The tutorial shuffles its output; compare as multisets of parsed rows.
    auto a = jsonl(ours.file(f));
    auto b = jsonl(theirs.file(f));
    std::vector<std::string> sa, sb;
    for (auto& x : a) sa.push_back(x.dump());
    for (auto& x : b) sb.push_back(x.dump());
    std::sort(sa.begin(), sa.end());
    std::sort(sb.begin(), sb.end());
    EXPECT_EQ(sa, sb) << f;
  }
}

// Reads ../shared/data/raw (real files in other layouts).
TEST(Prepare, RawLayoutsAreReadWithTheRightColumns) {
  WINNOW_REQUIRE_SHARED_DATA("raw");
  struct Case {
    std::string file;
    std::string text_column;
    std::vector<std::string> labels;
  };
  std::vector<Case> cases = {
      {"raw/ilSommo_rate-severity/weighted_train_small.csv",
       "comment_text",
       {"toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack",
        "sexual_explicit"}},
      {"raw/unitaryai_detoxify_dummy/train.csv",
       "comment_text",
       {"toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"}},
      {"raw/aww-semenyuk_toxic-comments/demo_data_sample.csv", "comment_text", {"toxic"}},
  };
  for (const Case& c : cases) {
    TempDir out;
    CommandResult r = run_command(kWinnow + " prepare --quiet --no-balance --train " +
                                  shared_data(c.file) + " --out " + out.path().string());
    ASSERT_EQ(r.exit_code, 0) << c.file << ": " << r.err;
    auto s = summary_of(out);
    EXPECT_EQ(s["text_column"], c.text_column) << c.file;
    std::vector<std::string> labels;
    for (auto& [k, v] : s["label_columns"].items()) labels.push_back(k);
    std::sort(labels.begin(), labels.end());
    auto expected = c.labels;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(labels, expected) << c.file;
  }
  // Kaggle's target column is read as toxicity.
  TempDir out;
  ASSERT_EQ(run_command(kWinnow + " prepare --quiet --train " +
                        shared_data("raw/ilSommo_rate-severity/weighted_train_small.csv") +
                        " --out " + out.path().string())
                .exit_code,
            0);
  EXPECT_EQ(summary_of(out)["label_columns"]["toxicity"], "target");
}

struct Malformed {
  std::string name;
  std::string content;
  bool gzip_truncated;
  std::string expected;  // substring of stderr
};

TEST(Prepare, MalformedInputsNameFileAndLineAndFail) {
  std::vector<Malformed> cases = {
      {"unterminated.csv", "text,toxicity\nok,0.1\n\"never closed,0.2\n", false,
       "unterminated.csv:3: unterminated quoted field"},
      {"fields.csv", "id,text,toxicity\n1,a,0.1\n2,b\n", false,
       "fields.csv:3: expected 3 fields (as in the header), found 2"},
      {"score.csv", "text,toxicity\na,0.1\nb,high\n", false,
       "score.csv:3: column 'toxicity': not a number: 'high'"},
      {"utf8.csv", "text,toxicity\na,0.1\n\"bad \xff byte\",0.2\n", false,
       "utf8.csv:3: column 'text': invalid UTF-8"},
      {"notext.csv", "id,body,toxicity\n1,a,0.1\n", false, "notext.csv: no text column"},
      {"empty.csv", "", false, "empty.csv: empty file"},
      {"cut.csv.gz", "", true, "cut.csv.gz: truncated gzip stream"},
      {"badjson.jsonl", "{\"text\":\"a\",\"toxicity\":0.1}\n{\"text\": oops}\n", false,
       "badjson.jsonl:2: not valid JSON"},
  };
  for (const Malformed& c : cases) {
    TempDir dir;
    std::string path = dir.file(c.name);
    if (c.gzip_truncated) {
      std::string csv = "text,toxicity\n";
      for (int i = 0; i < 20000; ++i)
        csv += "comment number " + std::to_string(i * 7919) + ",0.1\n";
      write_gzip_file(dir.file("full.gz"), csv);
      std::string bytes = read_file(dir.file("full.gz"));
      write_file(path, bytes.substr(0, bytes.size() / 2));
    } else {
      write_file(path, c.content);
    }
    CommandResult r =
        run_command(kWinnow + " prepare --train " + path + " --out " + dir.file("out"));
    EXPECT_EQ(r.exit_code, 1) << c.name;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.name << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out/training_file.jsonl"))) << c.name;
  }
}

TEST(Prepare, UsageErrorsExitTwo) {
  EXPECT_EQ(run_command(kWinnow + " prepare --out /tmp/x").exit_code, 2);  // no input
  TempDir dir;
  write_file(dir.file("a.csv"), "text,toxicity\na,0.9\n");
  EXPECT_EQ(run_command(kWinnow + " prepare --train " + dir.file("a.csv") +
                        " --threshold 2 --out " + dir.file("o"))
                .exit_code,
            2);
  EXPECT_EQ(
      run_command(kWinnow + " prepare --train " + dir.file("a.csv") + " --missing maybe").exit_code,
      2);
}

// A small generated dataset with known flags: 6 flagged rows, 20 clean.
std::string small_csv() {
  std::string csv = "id,text,toxicity,insult\n";
  for (int i = 0; i < 26; ++i) {
    double tox = i < 6 ? 0.9 : (i == 6 ? 0.5 : 0.0);  // row 6 sits exactly on the threshold
    csv += std::to_string(i) + ",\"comment " + std::to_string(i) + ", with a comma\"," +
           std::to_string(tox) + "," + (i < 3 ? "0.8" : "0") + "\n";
  }
  return csv;
}

TEST(Prepare, ThresholdIsStrictUnlessInclusive) {
  TempDir dir;
  write_file(dir.file("a.csv"), small_csv());
  std::string base = kWinnow +
                     " prepare --quiet --no-balance --no-shuffle --min-label-fraction 0 --train " +
                     dir.file("a.csv") + " --out ";
  ASSERT_EQ(run_command(base + dir.file("strict")).exit_code, 0);
  ASSERT_EQ(run_command(base + dir.file("incl") + " --inclusive").exit_code, 0);
  auto strict = nlohmann::json::parse(read_file(dir.file("strict/prepare-summary.json")));
  auto incl = nlohmann::json::parse(read_file(dir.file("incl/prepare-summary.json")));
  EXPECT_EQ(strict["splits"]["train"]["output_label_counts"]["toxicity"], 6);
  EXPECT_EQ(incl["splits"]["train"]["output_label_counts"]["toxicity"], 7);
  auto rows = jsonl(dir.file("strict/training_file.jsonl"));
  ASSERT_EQ(rows.size(), 26u);
  EXPECT_EQ(rows[0]["text"], "comment 0, with a comma");
  EXPECT_EQ(rows[0]["labels"]["moderation"], nlohmann::json::array({"toxicity", "insult"}));
  EXPECT_EQ(rows[10]["labels"]["moderation"], nlohmann::json::array({"safe"}));
}

TEST(Prepare, HeadSafeLabelAndLabelSelection) {
  TempDir dir;
  write_file(dir.file("a.csv"), small_csv());
  ASSERT_EQ(
      run_command(
          kWinnow +
          " prepare --quiet --no-balance --labels insult --head tox --safe-label ok --train " +
          dir.file("a.csv") + " --out " + dir.file("o"))
          .exit_code,
      0);
  auto rows = jsonl(dir.file("o/training_file.jsonl"));
  int insult = 0, ok = 0;
  for (auto& row : rows) {
    ASSERT_TRUE(row["labels"].contains("tox"));
    for (auto& l : row["labels"]["tox"]) {
      insult += l == "insult";
      ok += l == "ok";
      EXPECT_NE(l, "toxicity");
    }
  }
  EXPECT_EQ(insult, 3);
  EXPECT_EQ(ok, 23);
  CommandResult bad = run_command(kWinnow + " prepare --labels nope --train " + dir.file("a.csv") +
                                  " --out " + dir.file("o2"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("no column 'nope' for --labels"), std::string::npos) << bad.err;
}

TEST(Prepare, ShuffleIsSeededAndSamplingTakesN) {
  TempDir dir;
  write_file(dir.file("a.csv"), small_csv());
  auto run = [&](const std::string& extra, const std::string& out) {
    CommandResult r =
        run_command(kWinnow + " prepare --quiet --no-balance --min-label-fraction 0 --train " +
                    dir.file("a.csv") + " --out " + dir.file(out) + " " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return read_file(dir.file(out + "/training_file.jsonl"));
  };
  std::string a = run("--seed 7", "a"), b = run("--seed 7", "b"), c = run("--seed 8", "c");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(read_lines(dir.file("a/training_file.jsonl")).size(), 26u);
  run("--n-train 10 --seed 7", "n");
  EXPECT_EQ(read_lines(dir.file("n/training_file.jsonl")).size(), 10u);
  run("--n-train 10 --no-shuffle", "first");
  auto first = jsonl(dir.file("first/training_file.jsonl"));
  EXPECT_EQ(first.back()["text"], "comment 9, with a comma");
}

TEST(Prepare, GzipAndJsonlInputsGiveTheSameOutputAsCsv) {
  TempDir dir;
  write_file(dir.file("a.csv"), small_csv());
  write_gzip_file(dir.file("a.csv.gz"), small_csv());
  std::string jsonl_text;
  for (int i = 0; i < 26; ++i) {
    double tox = i < 6 ? 0.9 : (i == 6 ? 0.5 : 0.0);
    jsonl_text += "{\"row_idx\": " + std::to_string(i) + ", \"row\": {\"text\": \"comment " +
                  std::to_string(i) + ", with a comma\", \"toxicity\": " + std::to_string(tox) +
                  ", \"insult\": " + (i < 3 ? "0.8" : "0") + "}}\n";
  }
  write_file(dir.file("a.jsonl"), jsonl_text);
  std::string outputs[3];
  const char* inputs[3] = {"a.csv", "a.csv.gz", "a.jsonl"};
  for (int i = 0; i < 3; ++i) {
    std::string out = dir.file(std::string("o") + std::to_string(i));
    CommandResult r = run_command(kWinnow + " prepare --quiet --seed 3 --train " +
                                  dir.file(inputs[i]) + " --out " + out);
    ASSERT_EQ(r.exit_code, 0) << inputs[i] << ": " << r.err;
    outputs[i] = read_file(out + "/training_file.jsonl");
  }
  EXPECT_FALSE(outputs[0].empty());
  EXPECT_EQ(outputs[0], outputs[1]);
  EXPECT_EQ(outputs[0], outputs[2]);
}

TEST(Prepare, EmptyTextAndMissingScoresAreCountedNotSilentlyDropped) {
  TempDir dir;
  write_file(dir.file("a.csv"), "text,toxicity\n,0.9\nfine,\nbad,0.8\nok,0.1\n");
  CommandResult strict =
      run_command(kWinnow + " prepare --train " + dir.file("a.csv") + " --out " + dir.file("o"));
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_NE(strict.err.find("a.csv:3: column 'toxicity': empty score"), std::string::npos)
      << strict.err;
  CommandResult skip = run_command(kWinnow + " prepare --no-balance --missing skip --train " +
                                   dir.file("a.csv") + " --out " + dir.file("o"));
  ASSERT_EQ(skip.exit_code, 0) << skip.err;
  EXPECT_NE(skip.out.find("skipped 2 rows (1 with empty text, 1 with a missing score), first at"),
            std::string::npos)
      << skip.out;
  auto s = nlohmann::json::parse(read_file(dir.file("o/prepare-summary.json")));
  EXPECT_EQ(s["splits"]["train"]["rows_kept"], 2);
  EXPECT_EQ(s["splits"]["train"]["first_skipped_line"], 2);
}

}  // namespace
}  // namespace winnow::testing
