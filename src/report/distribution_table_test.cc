#include "report/distribution_table.h"

#include <gtest/gtest.h>

namespace winnow {
namespace {

HeadDistribution sample_distribution() {
  HeadDistribution dist;
  dist.head = "moderation";
  dist.safe_label = "safe";
  dist.splits = {
      {"Train", "training_file.jsonl", 8, 2, 6, {{"toxicity", 5, 3}, {"insult", 3, 5}}},
      {"Validation", "validation_file.jsonl", 3, 3, 0, {{"toxicity", 0, 3}, {"insult", 0, 3}}},
  };
  return dist;
}

TEST(DistributionTable, AlignsSummaryAndPerLabelRows) {
  EXPECT_EQ(format_distribution_table(sample_distribution()),
            "head \"moderation\" (no flags = only \"safe\" or no value)\n"
            "\n"
            "split        samples   no flags        %   flagged       %\n"
            "Train              8          2    25.0%         6   75.0%\n"
            "Validation         3          3   100.0%         0    0.0%\n"
            "\n"
            "flagged per label (% of the split's samples)\n"
            "label      Train       %   Validation      %\n"
            "toxicity       5   62.5%            0   0.0%\n"
            "insult         3   37.5%            0   0.0%\n");
}

TEST(DistributionTable, PadsNonAsciiLabelsByCodePoint) {
  HeadDistribution dist = sample_distribution();
  dist.splits.resize(1);
  dist.splits[0].labels[0].label = "café";  // 5 bytes, 4 columns
  std::string table = format_distribution_table(dist);
  EXPECT_NE(table.find("\ncafé         5   62.5%\n"), std::string::npos) << table;
}

TEST(DistributionTable, OmitsTheLabelBlockWhenThereAreNoLabels) {
  HeadDistribution dist = sample_distribution();
  for (auto& split : dist.splits) split.labels.clear();
  EXPECT_EQ(format_distribution_table(dist).find("per label"), std::string::npos);
}

TEST(DistributionJson, CarriesExactCountsInFirstAppearanceOrder) {
  nlohmann::ordered_json json =
      distribution_to_json(sample_distribution(), {"moderation", "topic"});
  EXPECT_EQ(json.dump(),
            R"({"head":"moderation","safe_label":"safe","heads":["moderation","topic"],)"
            R"("splits":[{"name":"Train","file":"training_file.jsonl","samples":8,"no_flags":2,)"
            R"("flagged":6,"labels":[{"label":"toxicity","flagged":5,"not_flagged":3},)"
            R"({"label":"insult","flagged":3,"not_flagged":5}]},)"
            R"({"name":"Validation","file":"validation_file.jsonl","samples":3,"no_flags":3,)"
            R"("flagged":0,"labels":[{"label":"toxicity","flagged":0,"not_flagged":3},)"
            R"({"label":"insult","flagged":0,"not_flagged":3}]}]})");
}

}  // namespace
}  // namespace winnow
