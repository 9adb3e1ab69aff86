#include "data/balancer.h"

#include <gtest/gtest.h>

namespace winnow {
namespace {

TEST(Balancer, KeepsZeroFlagShareAndAppendsThemLast) {
  // 9 flagged (label 0 and 1 alternating), 20 clean: total = 9/0.9 = 10 → 1 clean kept.
  std::vector<LabelMask> flags;
  for (int i = 0; i < 20; ++i) flags.push_back(0);
  for (int i = 0; i < 9; ++i) flags.push_back(i % 2 == 0 ? 1 : 2);
  auto kept = balance_like_tutorial(flags, 2, {0.1, 1.0});
  ASSERT_EQ(kept.size(), 10u);
  for (size_t i = 0; i < 9; ++i) EXPECT_EQ(kept[i], 20 + i);
  EXPECT_EQ(kept[9], 0u);  // first clean sample, after the flagged ones
}

TEST(Balancer, CapsEachLabelAtMaxFractionGreedilyInOrder) {
  // 10 flagged samples all with label 0; desired_nonzero = int(10/0.9*0.9) = 10 (or 9 by
  // rounding); cap 0.2 → (count+1)/desired > 0.2 stops after 2 samples.
  std::vector<LabelMask> flags(10, 1);
  auto kept = balance_like_tutorial(flags, 1, {0.1, 0.2});
  EXPECT_EQ(kept, (std::vector<uint32_t>{0, 1}));
}

TEST(Balancer, FirstOverflowingLabelRejectsTheWholeSample) {
  // Label 1 is capped; a sample carrying labels 0 and 1 is rejected even though label 0 has room,
  // and label 0's count is not incremented by rejected samples.
  std::vector<LabelMask> flags = {2, 2, 3, 1, 1};
  auto kept = balance_like_tutorial(flags, 2, {0.0, 0.4});
  // desired_nonzero = 5; label1: 1/5, 2/5 ok, 3/5 > 0.4 → sample 2 rejected; label0: 1/5, 2/5.
  EXPECT_EQ(kept, (std::vector<uint32_t>{0, 1, 3, 4}));
}

TEST(Balancer, MatchesPythonTruncationOfDesiredCounts) {
  // 7 flagged: total = 7/0.9 = 7.777…; int(total*0.1)=0 clean; int(total*0.9) = int(7.0000…1) = 7.
  std::vector<LabelMask> flags(7, 1);
  flags.push_back(0);
  auto kept = balance_like_tutorial(flags, 1, {0.1, 1.0});
  EXPECT_EQ(kept.size(), 7u);
}

TEST(Balancer, EmptyInputGivesEmptyOutput) {
  EXPECT_TRUE(balance_like_tutorial({}, 3, {}).empty());
  EXPECT_TRUE(balance_like_tutorial(std::vector<LabelMask>{0, 0, 0}, 3, {})
                  .empty());  // no flagged → total 0
}

}  // namespace
}  // namespace winnow
