#include "train/label_metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace winnow {
namespace {

TEST(RocAuc, PerfectInvertedAndTiedRankings) {
  const std::vector<uint8_t> y = {0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<float>{0.1f, 0.2f, 0.8f, 0.9f}, y), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<float>{0.9f, 0.8f, 0.2f, 0.1f}, y), 0.0);
  EXPECT_DOUBLE_EQ(roc_auc(std::vector<float>{0.5f, 0.5f, 0.5f, 0.5f}, y), 0.5);
}

TEST(RocAuc, MatchesMannWhitneyCount) {
  // Positives 0.35 and 0.4 against negatives 0.1, 0.4, 0.8: two wins over 0.1 and one tie
  // (0.4 vs 0.4) out of six pairs.
  const std::vector<float> s = {0.1f, 0.4f, 0.35f, 0.8f, 0.4f};
  const std::vector<uint8_t> y = {0, 0, 1, 0, 1};
  EXPECT_DOUBLE_EQ(roc_auc(s, y), 2.5 / 6.0);
}

TEST(RocAuc, IsNanWithOneClass) {
  EXPECT_TRUE(std::isnan(roc_auc(std::vector<float>{0.1f, 0.2f}, std::vector<uint8_t>{1, 1})));
}

TEST(BestF1Threshold, PicksTheThresholdThatSeparates) {
  const std::vector<float> s = {0.1f, 0.3f, 0.35f, 0.7f, 0.9f};
  const std::vector<uint8_t> y = {0, 0, 1, 1, 1};
  const ThresholdChoice t = best_f1_threshold(s, y, 0.5f);
  EXPECT_FLOAT_EQ(t.threshold, 0.325f);  // halfway between 0.3 and 0.35
  EXPECT_DOUBLE_EQ(t.f1, 1.0);
  EXPECT_DOUBLE_EQ(t.precision, 1.0);
  EXPECT_DOUBLE_EQ(t.recall, 1.0);
}

TEST(BestF1Threshold, FallsBackWithoutPositives) {
  const ThresholdChoice t =
      best_f1_threshold(std::vector<float>{0.2f, 0.4f}, std::vector<uint8_t>{0, 0}, 0.5f);
  EXPECT_FLOAT_EQ(t.threshold, 0.5f);
  EXPECT_DOUBLE_EQ(t.f1, 0.0);
}

}  // namespace
}  // namespace winnow
