#include "data/dataset_stats.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace winnow {
namespace {

using testing::TempDir;

ClassifierSample sample(std::vector<ClassifierSample::HeadValue> labels) {
  ClassifierSample s;
  s.text = "x";
  s.labels = std::move(labels);
  return s;
}

ClassifierSample::HeadValue head(std::string name, std::vector<std::string> labels) {
  return {std::move(name), std::move(labels), true};
}

// (label, flagged, not_flagged) triples, for compact expectations.
std::vector<std::tuple<std::string, uint64_t, uint64_t>> label_counts(const SplitDistribution& s) {
  std::vector<std::tuple<std::string, uint64_t, uint64_t>> out;
  for (const LabelCount& l : s.labels) out.emplace_back(l.label, l.flagged, l.not_flagged);
  return out;
}

using Counts = std::vector<std::tuple<std::string, uint64_t, uint64_t>>;

TEST(DatasetStats, CountsNoFlagsFlaggedAndEachLabel) {
  DatasetStats stats;
  stats.begin_split("Train", "train.jsonl");
  stats.add(sample({head("moderation", {"toxicity", "insult"})}));
  stats.add(sample({head("moderation", {"safe"})}));
  stats.add(sample({head("moderation", {"insult"})}));
  stats.add(sample({head("moderation", {"safe"})}));
  stats.add(sample({head("moderation", {"threat"})}));

  auto dist = stats.distribution("moderation");
  ASSERT_TRUE(dist.is_ok()) << dist.status().to_string();
  ASSERT_EQ(dist->splits.size(), 1u);
  const SplitDistribution& s = dist->splits[0];
  EXPECT_EQ(s.split, "Train");
  EXPECT_EQ(s.path, "train.jsonl");
  EXPECT_EQ(s.samples, 5u);
  EXPECT_EQ(s.no_flags, 2u);
  EXPECT_EQ(s.flagged, 3u);
  EXPECT_EQ(label_counts(s), (Counts{{"toxicity", 1, 4}, {"insult", 2, 3}, {"threat", 1, 4}}));
  EXPECT_EQ(dist->head, "moderation");
  EXPECT_EQ(dist->safe_label, "safe");
}

TEST(DatasetStats, SampleWithoutTheHeadCountsAsNoFlags) {
  DatasetStats stats;
  stats.begin_split("Train", "t");
  stats.add(sample({head("topic", {"sports"})}));  // before "moderation" is ever seen
  stats.add(sample({head("moderation", {"insult"}), head("topic", {"news"})}));
  stats.add(sample({head("topic", {"news"})}));

  auto dist = stats.distribution("moderation");
  ASSERT_TRUE(dist.is_ok());
  EXPECT_EQ(dist->splits[0].samples, 3u);
  EXPECT_EQ(dist->splits[0].no_flags, 2u);
  EXPECT_EQ(dist->splits[0].flagged, 1u);
  EXPECT_EQ(label_counts(dist->splits[0]), (Counts{{"insult", 1, 2}}));
  EXPECT_EQ(stats.head_names(), (std::vector<std::string>{"topic", "moderation"}));
}

TEST(DatasetStats, SafeLabelNextToOtherLabelsIsFlaggedAndNeverReported) {
  DatasetStats stats;
  stats.begin_split("Train", "t");
  stats.add(sample({head("moderation", {"safe", "insult"})}));
  stats.add(sample({head("moderation", {"safe", "safe"})}));
  auto dist = stats.distribution("moderation");
  ASSERT_TRUE(dist.is_ok());
  EXPECT_EQ(dist->splits[0].flagged, 1u);
  EXPECT_EQ(dist->splits[0].no_flags, 1u);
  EXPECT_EQ(label_counts(dist->splits[0]), (Counts{{"insult", 1, 1}}));
}

TEST(DatasetStats, LabelRepeatedInOneSampleCountsOnce) {
  DatasetStats stats;
  stats.begin_split("Train", "t");
  stats.add(sample({head("moderation", {"insult", "insult"})}));
  auto dist = stats.distribution("moderation");
  ASSERT_TRUE(dist.is_ok());
  EXPECT_EQ(label_counts(dist->splits[0]), (Counts{{"insult", 1, 0}}));
}

TEST(DatasetStats, CustomSafeLabelMakesSafeAnOrdinaryLabel) {
  DatasetStats stats("clean");
  stats.begin_split("Train", "t");
  stats.add(sample({head("moderation", {"clean"})}));
  stats.add(sample({head("moderation", {"safe"})}));
  auto dist = stats.distribution("moderation");
  ASSERT_TRUE(dist.is_ok());
  EXPECT_EQ(dist->safe_label, "clean");
  EXPECT_EQ(dist->splits[0].no_flags, 1u);
  EXPECT_EQ(label_counts(dist->splits[0]), (Counts{{"safe", 1, 1}}));
}

TEST(DatasetStats, EverySplitListsAllLabelsInFirstAppearanceOrder) {
  DatasetStats stats;
  stats.begin_split("Train", "a");
  stats.add(sample({head("moderation", {"insult"})}));
  stats.begin_split("Test", "b");
  stats.add(sample({head("moderation", {"threat", "insult"})}));
  stats.add(sample({head("moderation", {"safe"})}));

  auto dist = stats.distribution("moderation");
  ASSERT_TRUE(dist.is_ok());
  ASSERT_EQ(dist->splits.size(), 2u);
  EXPECT_EQ(label_counts(dist->splits[0]), (Counts{{"insult", 1, 0}, {"threat", 0, 1}}));
  EXPECT_EQ(label_counts(dist->splits[1]), (Counts{{"insult", 1, 1}, {"threat", 1, 1}}));
  EXPECT_EQ(dist->splits[1].no_flags, 1u);
}

TEST(DatasetStats, HeadFirstSeenInALaterSplitHasZerosInEarlierOnes) {
  DatasetStats stats;
  stats.begin_split("Train", "a");
  stats.add(sample({head("topic", {"news"})}));
  stats.begin_split("Test", "b");
  stats.add(sample({head("moderation", {"insult"})}));
  auto dist = stats.distribution("moderation");
  ASSERT_TRUE(dist.is_ok());
  EXPECT_EQ(dist->splits[0].no_flags, 1u);
  EXPECT_EQ(label_counts(dist->splits[0]), (Counts{{"insult", 0, 1}}));
  EXPECT_EQ(dist->splits[1].flagged, 1u);
}

TEST(DatasetStats, UnknownHeadIsNotFoundAndNamesTheHeadsAvailable) {
  DatasetStats stats;
  stats.begin_split("Train", "a");
  stats.add(sample({head("moderation", {"safe"}), head("topic", {"news"})}));
  auto dist = stats.distribution("tone");
  ASSERT_FALSE(dist.is_ok());
  EXPECT_EQ(dist.status().code(), StatusCode::kNotFound);
  EXPECT_NE(dist.status().message().find("'tone'"), std::string::npos);
  EXPECT_NE(dist.status().message().find("moderation, topic"), std::string::npos);
}

TEST(SplitNameForPath, MapsTheTutorialFileNamesAndOtherwiseUsesTheStem) {
  EXPECT_EQ(split_name_for_path("out/training_file.jsonl"), "Train");
  EXPECT_EQ(split_name_for_path("validation_file.jsonl"), "Validation");
  EXPECT_EQ(split_name_for_path("/x/test_file.jsonl.gz"), "Test");
  EXPECT_EQ(split_name_for_path("data/holdout.jsonl"), "holdout");
  EXPECT_EQ(split_name_for_path("data/holdout.jsonl.gz"), "holdout");
  EXPECT_EQ(split_name_for_path("noext"), "noext");
  EXPECT_EQ(split_name_for_path("my_training_file.jsonl"), "my_training_file");
}

TEST(ResolveSplitFiles, DirectoryMeansItsPresentSplitFilesInTutorialOrder) {
  TempDir dir;
  testing::write_file(dir.file("test_file.jsonl"), "");
  testing::write_file(dir.file("training_file.jsonl"), "");
  testing::write_file(dir.file("other.jsonl"), "");
  auto files = resolve_split_files({dir.path().string()});
  ASSERT_TRUE(files.is_ok()) << files.status().to_string();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].name, "Train");
  EXPECT_EQ((*files)[0].path, dir.file("training_file.jsonl"));
  EXPECT_EQ((*files)[1].name, "Test");
}

TEST(ResolveSplitFiles, DirectoryWithoutSplitFilesIsNotFound) {
  TempDir dir;
  testing::write_file(dir.file("data.jsonl"), "");
  auto files = resolve_split_files({dir.path().string()});
  ASSERT_FALSE(files.is_ok());
  EXPECT_EQ(files.status().code(), StatusCode::kNotFound);
  EXPECT_NE(files.status().message().find("training_file.jsonl"), std::string::npos);
}

TEST(ResolveSplitFiles, FilesKeepTheirOrderAndMissingOnesAreNotFound) {
  TempDir dir;
  testing::write_file(dir.file("b.jsonl"), "");
  testing::write_file(dir.file("a.jsonl"), "");
  auto files = resolve_split_files({dir.file("b.jsonl"), dir.file("a.jsonl")});
  ASSERT_TRUE(files.is_ok());
  EXPECT_EQ((*files)[0].name, "b");
  EXPECT_EQ((*files)[1].name, "a");

  auto missing = resolve_split_files({dir.file("a.jsonl"), dir.file("nope.jsonl")});
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nope.jsonl"), std::string::npos);
}

TEST(ResolveSplitFiles, DirectoryMixedWithFilesIsInvalid) {
  TempDir dir;
  testing::write_file(dir.file("a.jsonl"), "");
  auto files = resolve_split_files({dir.file("a.jsonl"), dir.path().string()});
  ASSERT_FALSE(files.is_ok());
  EXPECT_EQ(files.status().code(), StatusCode::kInvalidArgument);
}

TEST(ComputeDatasetStats, ReadsPlainAndGzipFilesAndSkipsBlankLines) {
  TempDir dir;
  testing::write_file(
      dir.file("training_file.jsonl"),
      "{\"text\": \"a\", \"labels\": {\"moderation\": [\"toxicity\", \"insult\"]}}\n"
      "\n"
      "{\"text\": \"b\", \"labels\": {\"moderation\": [\"safe\"]}}\n"
      "   \n"
      "{\"text\": \"c\", \"labels\": {\"moderation\": [\"insult\"]}}");
  testing::write_gzip_file(dir.file("test_file.jsonl.gz"),
                           "{\"text\": \"d\", \"labels\": {\"moderation\": [\"safe\"]}}\n");
  auto stats = compute_dataset_stats(
      {{"Train", dir.file("training_file.jsonl")}, {"Test", dir.file("test_file.jsonl.gz")}});
  ASSERT_TRUE(stats.is_ok()) << stats.status().to_string();
  auto dist = stats->distribution("moderation");
  ASSERT_TRUE(dist.is_ok());
  ASSERT_EQ(dist->splits.size(), 2u);
  EXPECT_EQ(dist->splits[0].samples, 3u);
  EXPECT_EQ(dist->splits[0].no_flags, 1u);
  EXPECT_EQ(label_counts(dist->splits[0]), (Counts{{"toxicity", 1, 2}, {"insult", 2, 1}}));
  EXPECT_EQ(dist->splits[1].samples, 1u);
  EXPECT_EQ(dist->splits[1].no_flags, 1u);
}

TEST(ComputeDatasetStats, BadLineStopsWithFileLineAndField) {
  TempDir dir;
  std::string path = dir.file("training_file.jsonl");
  testing::write_file(path,
                      "{\"text\": \"a\", \"labels\": {\"moderation\": [\"safe\"]}}\n"
                      "\n"
                      "{\"text\": \"b\", \"labels\": {\"moderation\": 5}}\n");
  auto stats = compute_dataset_stats({{"Train", path}});
  ASSERT_FALSE(stats.is_ok());
  EXPECT_EQ(stats.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(stats.status().message().rfind(path + ":3: labels.moderation", 0), 0u)
      << stats.status().message();
}

TEST(ComputeDatasetStats, FileWithoutSamplesIsAnError) {
  TempDir dir;
  std::string path = dir.file("empty.jsonl");
  testing::write_file(path, "\n\n");
  auto stats = compute_dataset_stats({{"empty", path}});
  ASSERT_FALSE(stats.is_ok());
  EXPECT_EQ(stats.status().message(), path + ": no samples");
}

TEST(ComputeDatasetStats, MissingFileIsAnError) {
  TempDir dir;
  auto stats = compute_dataset_stats({{"x", dir.file("missing.jsonl")}});
  ASSERT_FALSE(stats.is_ok());
  EXPECT_NE(stats.status().message().find("missing.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace winnow
