#include "core/progress.h"

#include <gtest/gtest.h>

#include <limits>

namespace winnow {
namespace {

TEST(ProgressText, BarFillsItsShareOfCellsAndClamps) {
  EXPECT_EQ(progress_bar_text(0.0, 4), "[....]");
  EXPECT_EQ(progress_bar_text(0.5, 4), "[##..]");
  EXPECT_EQ(progress_bar_text(0.99, 4), "[###.]");
  EXPECT_EQ(progress_bar_text(1.0, 4), "[####]");
  EXPECT_EQ(progress_bar_text(7.0, 4), "[####]");
  EXPECT_EQ(progress_bar_text(-1.0, 4), "[....]");
  EXPECT_EQ(progress_bar_text(std::numeric_limits<double>::quiet_NaN(), 3), "[...]");
}

TEST(ProgressText, EtaIsMinutesSecondsOrHours) {
  EXPECT_EQ(format_eta(0), "0:00");
  EXPECT_EQ(format_eta(59.4), "0:59");
  EXPECT_EQ(format_eta(59.6), "1:00");
  EXPECT_EQ(format_eta(125), "2:05");
  EXPECT_EQ(format_eta(3600 + 62), "1:01:02");
  EXPECT_EQ(format_eta(-1), "?");
  EXPECT_EQ(format_eta(std::numeric_limits<double>::infinity()), "?");
  EXPECT_EQ(format_eta(std::numeric_limits<double>::quiet_NaN()), "?");
}

}  // namespace
}  // namespace winnow
