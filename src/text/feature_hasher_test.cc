#include "text/feature_hasher.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace winnow {
namespace {

float total_count(const std::vector<Feature>& f, FeatureGroup g) {
  float n = 0;
  for (const Feature& c : f) n += feature_group(c.key) == g ? c.value : 0.0f;
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
  std::vector<Feature> out;
  EXPECT_EQ(hasher.extract("Ab cd", &scratch, &out), 2u);
  // Words: ab, cd, "ab cd". Chunks " ab " and " cd ": 3 bigrams + 2 trigrams each.
  EXPECT_EQ(total_count(out, FeatureGroup::kWord), 3.0f);
  EXPECT_EQ(total_count(out, FeatureGroup::kChar), 10.0f);
  std::set<uint32_t> keys;
  for (const Feature& c : out) {
    EXPECT_TRUE(keys.insert(c.key).second) << "duplicate key";
    EXPECT_LT(feature_bucket(c.key), config.buckets());
  }
}

TEST(FeatureHasher, RepeatedNgramsAreCountedOnce) {
  FeatureConfig config;
  config.char_ngram_max = 0;
  config.word_ngram_max = 1;
  FeatureHasher hasher(config);
  FeatureScratch scratch;
  std::vector<Feature> out;
  hasher.extract("spam SPAM spam", &scratch, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, 3.0f);
}

TEST(FeatureHasher, SameTextGivesSameFeaturesAcrossScratchReuse) {
  FeatureHasher hasher{FeatureConfig{}};
  FeatureScratch scratch;
  std::vector<Feature> a, b, c;
  hasher.extract("The quick brown fox", &scratch, &a);
  hasher.extract("something else entirely, longer than before", &scratch, &b);
  hasher.extract("the QUICK brown fox", &scratch, &c);
  ASSERT_EQ(a.size(), c.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].key, c[i].key);
    EXPECT_EQ(a[i].value, c[i].value);
  }
}

TEST(FeatureHasher, CountsMatchANaiveCountOnLongTexts) {
  // Long enough for the slot table to grow while a text is being counted.
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "w" + std::to_string(i % 700) + " ";
  FeatureConfig config;
  config.hash_bits = 22;
  config.char_ngram_max = 0;
  config.word_ngram_max = 1;
  FeatureHasher hasher(config);
  FeatureScratch scratch;
  std::vector<Feature> out;
  hasher.extract(text, &scratch, &out);
  std::map<uint32_t, float> counts;
  for (const Feature& f : out) counts[f.key] += f.value;
  EXPECT_EQ(counts.size(), out.size());
  float total = 0;
  for (const auto& [k, v] : counts) total += v;
  EXPECT_EQ(total, 3000.0f);
  // Reusing the scratch afterwards still counts from zero.
  hasher.extract("w1 w1", &scratch, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].value, 2.0f);
}

TEST(FeatureHasher, EmptyTextHasNoFeatures) {
  FeatureHasher hasher{FeatureConfig{}};
  FeatureScratch scratch;
  std::vector<Feature> out{{1, 1.0f}};
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
