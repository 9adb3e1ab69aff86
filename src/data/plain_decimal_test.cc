#include "data/plain_decimal.h"

#include <gtest/gtest.h>

#include <charconv>
#include <cstring>
#include <random>
#include <string>

namespace winnow {
namespace {

// The fast path must give exactly (bit for bit) what std::from_chars gives, or decline.
void expect_same_as_from_chars(const std::string& text) {
  double fast = 0;
  if (!parse_plain_decimal(text, &fast)) return;
  double slow = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), slow);
  ASSERT_EQ(ec, std::errc()) << text;
  ASSERT_EQ(ptr, text.data() + text.size()) << text;
  uint64_t a, b;
  std::memcpy(&a, &fast, 8);
  std::memcpy(&b, &slow, 8);
  ASSERT_EQ(a, b) << text;
}

TEST(PlainDecimal, AgreesWithFromCharsBitForBit) {
  for (const char* t :
       {"0", "0.0", "1.0", "0.666667", "0.333333", "0.1", "0.2", "0.3", "0.5", "007",
        "123456789012345", "0.00000000000001", "9.99999999999999", "0.166667", "1"}) {
    double v = -1;
    ASSERT_TRUE(parse_plain_decimal(t, &v)) << t;
    expect_same_as_from_chars(t);
  }
  std::mt19937_64 rng(11);
  for (int i = 0; i < 300000; ++i) {
    const int digits = 1 + static_cast<int>(rng() % 15);
    std::string t;
    for (int d = 0; d < digits; ++d) t += static_cast<char>('0' + rng() % 10);
    const auto dot = rng() % (digits + 1);
    if (dot < static_cast<uint64_t>(digits)) t.insert(dot, ".");
    expect_same_as_from_chars(t);
  }
}

TEST(PlainDecimal, DeclinesWhatItDoesNotHandle) {
  double v = 0;
  for (const char* t : {"", ".", "1.", ".5e", "-0.5", "+1", "1e5", "0x10", "1.2.3", "nan",
                        "1234567890123456", "0.0000000000000001", " 1", "1,5"}) {
    EXPECT_FALSE(parse_plain_decimal(t, &v)) << t;
  }
}

}  // namespace
}  // namespace winnow
