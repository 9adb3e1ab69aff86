#include "train/compact_features.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace winnow {
namespace {

// Random n-grams of both groups round-trip through the encoding in ascending key order, with
// every count (1, 2, counts needing several varint bytes) intact.
TEST(CompactFeatures, CountsRoundTripInKeyOrder) {
  std::mt19937 rng(5);
  for (const size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{500}, size_t{20000}}) {
    std::vector<Feature> counts;
    std::vector<uint32_t> used;
    while (counts.size() < n) {
      const uint32_t key = (rng() % 2 ? 0x80000000u : 0u) | (rng() % (1u << 24));
      if (std::find(used.begin(), used.end(), key) != used.end()) continue;
      used.push_back(key);
      const uint32_t pick = rng() % 10;
      const uint32_t count = pick < 6 ? 1 : pick < 8 ? 2 : pick < 9 ? 130 : 70000;
      counts.push_back({key, static_cast<float>(count)});
    }
    std::vector<Feature> expected = counts;
    std::sort(expected.begin(), expected.end(),
              [](const Feature& a, const Feature& b) { return a.key < b.key; });
    std::vector<Feature> scratch;
    std::vector<uint8_t> bytes = {0xAB};  // encode_counts appends: the prefix stays
    encode_counts(&counts, &scratch, &bytes);
    ASSERT_EQ(bytes[0], 0xAB);
    std::vector<Feature> got;
    for_each_count(std::span<const uint8_t>(bytes).subspan(1), [&](uint32_t key, uint32_t c) {
      got.push_back({key, static_cast<float>(c)});
    });
    ASSERT_EQ(got.size(), expected.size()) << n << " n-grams";
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i].key, expected[i].key) << i;
      ASSERT_EQ(got[i].value, expected[i].value) << i;
    }
  }
}

// A comment's worth of n-grams as the default 2^20 buckets give them (both groups, most
// counts 1): about 2 bytes each, a quarter of a Feature's 8.
TEST(CompactFeatures, ACommentsNgramsTakeAboutTwoBytesEach) {
  std::mt19937 rng(9);
  std::vector<Feature> counts;
  for (uint32_t k = 0; k < 500; ++k) {
    const uint32_t key = (k % 4 ? 0x80000000u : 0u) | (rng() % (1u << 20));
    counts.push_back({key, k % 10 ? 1.0f : 2.0f});
  }
  std::sort(counts.begin(), counts.end(),
            [](const Feature& a, const Feature& b) { return a.key < b.key; });
  counts.erase(std::unique(counts.begin(), counts.end(),
                           [](const Feature& a, const Feature& b) { return a.key == b.key; }),
               counts.end());
  const size_t n = counts.size();
  std::vector<Feature> scratch;
  std::vector<uint8_t> bytes;
  encode_counts(&counts, &scratch, &bytes);
  EXPECT_LT(bytes.size(), n * 5 / 2) << n << " n-grams took " << bytes.size() << " bytes";
}

TEST(CompactFeatures, SortByKeyIsStableAndAscending) {
  std::vector<Feature> v = {{5, 1.0f}, {0x80000001u, 2.0f}, {5, 3.0f}, {1, 4.0f}, {0, 5.0f}};
  std::vector<Feature> scratch;
  sort_by_key(&v, &scratch);
  const std::vector<uint32_t> keys = {0, 1, 5, 5, 0x80000001u};
  const std::vector<float> values = {5.0f, 4.0f, 1.0f, 3.0f, 2.0f};
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(v[i].key, keys[i]) << i;
    EXPECT_EQ(v[i].value, values[i]) << i;
  }
}

}  // namespace
}  // namespace winnow
