#include "train/schedule.h"

#include <gtest/gtest.h>

#include <map>

namespace winnow {
namespace {

TEST(PlanSteps, EpochsBecomeStepsAndBack) {
  auto plan = plan_steps(std::nullopt, 3.0, 10.0, 1000, 100, 0.1);
  ASSERT_TRUE(plan.is_ok());
  EXPECT_EQ(plan->total_steps, 30);
  EXPECT_EQ(plan->warmup_steps, 3);
  EXPECT_DOUBLE_EQ(plan->epochs, 3.0);
  auto steps = plan_steps(200, std::nullopt, 10.0, 50000, 16384, 0.05);
  ASSERT_TRUE(steps.is_ok());
  EXPECT_EQ(steps->total_steps, 200);
  EXPECT_NEAR(steps->epochs, 200.0 * 16384 / 50000, 1e-9);
  auto dflt = plan_steps(std::nullopt, std::nullopt, 10.0, 1000, 100, 0.0);
  EXPECT_EQ(dflt->total_steps, 100);
}

TEST(PlanSteps, RejectsBadCombinations) {
  EXPECT_FALSE(plan_steps(10, 1.0, 10.0, 1000, 100, 0.05).is_ok());
  EXPECT_FALSE(plan_steps(0, std::nullopt, 10.0, 1000, 100, 0.05).is_ok());
  EXPECT_FALSE(plan_steps(std::nullopt, -1.0, 10.0, 1000, 100, 0.05).is_ok());
  EXPECT_FALSE(plan_steps(10, std::nullopt, 10.0, 0, 100, 0.05).is_ok());
}

TEST(LrMultiplier, WarmsUpThenDecaysToZero) {
  StepPlan plan;
  plan.total_steps = 100;
  plan.warmup_steps = 4;
  EXPECT_DOUBLE_EQ(lr_multiplier(plan, 0), 0.2);
  EXPECT_DOUBLE_EQ(lr_multiplier(plan, 3), 0.8);
  EXPECT_DOUBLE_EQ(lr_multiplier(plan, 4), 1.0);
  EXPECT_GT(lr_multiplier(plan, 50), lr_multiplier(plan, 51));
  EXPECT_NEAR(lr_multiplier(plan, 99), 1.0 / 96, 1e-12);
}

TEST(BatchSampler, FillsBatchesByTokensAndVisitsEverySamplePerPass) {
  BatchSampler sampler(std::vector<double>(10, 1.0), std::vector<uint32_t>(10, 5), 7);
  std::vector<uint32_t> batch;
  std::map<uint32_t, int> seen;
  for (int step = 0; step < 5; ++step) {
    EXPECT_EQ(sampler.next_batch(10, &batch), 10u);
    ASSERT_EQ(batch.size(), 2u);
    for (uint32_t i : batch) ++seen[i];
  }
  EXPECT_EQ(seen.size(), 10u);
  for (const auto& [i, n] : seen) EXPECT_EQ(n, 1) << i;
}

TEST(BatchSampler, HeavierSamplesAreDrawnProportionallyMoreOften) {
  std::vector<double> w(100, 1.0);
  for (size_t i = 50; i < 100; ++i) w[i] = 3.0;
  BatchSampler sampler(w, std::vector<uint32_t>(100, 1), 1);
  std::vector<uint32_t> batch;
  int light = 0, heavy = 0;
  for (int step = 0; step < 100; ++step) {
    sampler.next_batch(100, &batch);
    for (uint32_t i : batch) (i < 50 ? light : heavy)++;
  }
  EXPECT_NEAR(static_cast<double>(heavy) / light, 3.0, 0.3);
}

TEST(BatchSampler, SameSeedSameOrder) {
  BatchSampler a(std::vector<double>(20, 1.0), std::vector<uint32_t>(20, 1), 3);
  BatchSampler b(std::vector<double>(20, 1.0), std::vector<uint32_t>(20, 1), 3);
  std::vector<uint32_t> x, y;
  a.next_batch(20, &x);
  b.next_batch(20, &y);
  EXPECT_EQ(x, y);
}

}  // namespace
}  // namespace winnow
