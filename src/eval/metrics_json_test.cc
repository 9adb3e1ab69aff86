#include "eval/metrics_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace winnow::eval {
namespace {

TEST(MetricsJson, MultiLabelReportWritesUndefinedMetricsAsNull) {
  MultiLabelData d;
  d.label_names = {"toxicity", "threat"};
  d.scores = {0.9f, 0.1f, 0.2f, 0.3f, 0.7f, 0.2f, 0.4f, 0.6f};
  d.truth = {1, 0, 0, 0, 1, 0, 0, 0};
  const std::vector<float> thresholds = {0.5f, 0.5f};
  Result<MultiLabelReport> report = evaluate_multi_label(d, thresholds);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  const nlohmann::json j = to_json(*report, "moderation");

  EXPECT_EQ(j["kind"], "multi_label");
  EXPECT_EQ(j["head"], "moderation");
  EXPECT_EQ(j["samples"], 4);
  EXPECT_EQ(j["threshold_rule"], "score >= threshold");
  ASSERT_EQ(j["labels"].size(), 2u);
  EXPECT_EQ(j["labels"][0]["name"], "toxicity");
  EXPECT_EQ(j["labels"][0]["roc_auc"], 1.0);
  EXPECT_EQ(j["labels"][0]["positives"], 2);
  EXPECT_EQ(j["labels"][0]["negatives"], 2);
  EXPECT_EQ(j["labels"][0]["threshold"], 0.5);
  EXPECT_EQ(j["labels"][0]["tp"], 2);
  EXPECT_TRUE(j["labels"][1]["roc_auc"].is_null());
  EXPECT_TRUE(j["labels"][1]["average_precision"].is_null());
  EXPECT_EQ(j["labels"][1]["fp"], 1);  // 0.6 >= 0.5
  EXPECT_EQ(j["macro"]["roc_auc"], 1.0);
  EXPECT_EQ(j["macro"]["labels_without_roc_auc"], nlohmann::json::array({"threat"}));
  EXPECT_EQ(j["micro"]["tp"], 2);
  EXPECT_EQ(j["micro"]["fp"], 1);
  // Round-trips through text without NaN or other non-JSON tokens.
  EXPECT_EQ(nlohmann::json::parse(j.dump()), j);
}

TEST(MetricsJson, SingleLabelReportHasConfusionRowsByTrueClass) {
  const std::vector<std::string> names = {"safe", "toxic"};
  const std::vector<uint32_t> truth = {0, 0, 1};
  const std::vector<uint32_t> predicted = {0, 1, 1};
  Result<SingleLabelReport> report = evaluate_single_label(names, truth, predicted);
  ASSERT_TRUE(report.is_ok());
  const nlohmann::json j = to_json(*report, "moderation");
  EXPECT_EQ(j["kind"], "single_label");
  EXPECT_EQ(j["confusion_matrix"]["classes"], nlohmann::json::array({"safe", "toxic"}));
  EXPECT_EQ(j["confusion_matrix"]["counts"], nlohmann::json::parse("[[1, 1], [0, 1]]"));
  EXPECT_EQ(j["classes"][1]["support"], 1);
  EXPECT_EQ(j["classes"][1]["predicted"], 2);
  EXPECT_EQ(j["macro"]["classes"], 2);
}

TEST(MetricsJson, CurvesAreColumnar) {
  const std::vector<float> scores = {0.9f, 0.4f, 0.1f};
  const std::vector<uint8_t> labels = {1, 0, 1};
  Result<ScoreRanking> ranking = ScoreRanking::build(scores, labels);
  ASSERT_TRUE(ranking.is_ok());
  const nlohmann::json roc = to_json(std::span<const RocPoint>(ranking->roc_curve(100).value()));
  ASSERT_EQ(roc["fpr"].size(), 4u);
  EXPECT_EQ(roc["tpr"].back(), 1.0);
  EXPECT_EQ(roc["threshold"][1], static_cast<double>(0.9f));
  const nlohmann::json pr = to_json(std::span<const PrPoint>(ranking->pr_curve(100).value()));
  EXPECT_EQ(pr["recall"].size(), 3u);
  EXPECT_EQ(pr["precision"][0], 1.0);
}

}  // namespace
}  // namespace winnow::eval
