#include "text/feature_hasher.h"

#include <gtest/gtest.h>

namespace winnow {
namespace {

uint32_t total_count(const std::vector<FeatureCount>& f, FeatureGroup g) {
  uint32_t n = 0;
  for (const FeatureCount& c : f) n += feature_group(c.key) == g ? c.count : 0;
  return n;
}

TEST(FeatureHasher, CountsWordAndCharacterNgrams) {
  FeatureConfig config;
  config.hash_bits = 20;
  config.word_ngram_max = 2;
  config.char_ngram_min = 2;
  config.char_ngram_max = 3;
  FeatureHasher hasher(config);
  FeatureScratch scratch;
  std::vector<FeatureCount> out;
  EXPECT_EQ(hasher.extract("Ab cd", &scratch, &out), 2u);
  // Words: ab, cd, "ab cd". Chunks " ab " and " cd ": 3 bigrams + 2 trigrams each.
  EXPECT_EQ(total_count(out, FeatureGroup::kWord), 3u);
  EXPECT_EQ(total_count(out, FeatureGroup::kChar), 10u);
  for (size_t i = 1; i < out.size(); ++i) EXPECT_LT(out[i - 1].key, out[i].key);
  for (const FeatureCount& c : out) EXPECT_LT(feature_bucket(c.key), config.buckets());
}

TEST(FeatureHasher, RepeatedNgramsAreCountedOnce) {
  FeatureConfig config;
  config.char_ngram_max = 0;
  config.word_ngram_max = 1;
  FeatureHasher hasher(config);
  FeatureScratch scratch;
  std::vector<FeatureCount> out;
  hasher.extract("spam SPAM spam", &scratch, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].count, 3u);
}

TEST(FeatureHasher, SameTextGivesSameFeaturesAcrossScratchReuse) {
  FeatureHasher hasher{FeatureConfig{}};
  FeatureScratch scratch;
  std::vector<FeatureCount> a, b, c;
  hasher.extract("The quick brown fox", &scratch, &a);
  hasher.extract("something else entirely, longer than before", &scratch, &b);
  hasher.extract("the QUICK brown fox", &scratch, &c);
  ASSERT_EQ(a.size(), c.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].key, c[i].key);
    EXPECT_EQ(a[i].count, c[i].count);
  }
}

TEST(FeatureHasher, EmptyTextHasNoFeatures) {
  FeatureHasher hasher{FeatureConfig{}};
  FeatureScratch scratch;
  std::vector<FeatureCount> out{{1, 1}};
  EXPECT_EQ(hasher.extract("", &scratch, &out), 0u);
  EXPECT_TRUE(out.empty());
}

TEST(FeatureConfig, RejectsOutOfRangeValues) {
  FeatureConfig c;
  c.hash_bits = 30;
  EXPECT_FALSE(c.validate().is_ok());
  c = FeatureConfig{};
  c.char_ngram_min = 6;
  c.char_ngram_max = 5;
  EXPECT_FALSE(c.validate().is_ok());
  c = FeatureConfig{};
  c.word_ngram_max = 0;
  c.char_ngram_max = 0;
  EXPECT_FALSE(c.validate().is_ok());
  EXPECT_TRUE(FeatureConfig{}.validate().is_ok());
}

}  // namespace
}  // namespace winnow
