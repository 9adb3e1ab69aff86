#include <gtest/gtest.h>

#include <map>

#include "eval/span_evaluation.h"
#include "explain/text_units.h"
#include "model/model.h"
#include "text/feature_hasher.h"

namespace winnow {
namespace {

TEST(TextUnits, WordsAndSymbolRunsCoverEveryVisibleByte) {
  FeatureScratch scratch;
  std::vector<TextUnit> units;
  const std::string text = "Don't!! you\tMORON :) caf\xc3\xa9";
  text_units(text, &scratch, &units);
  std::vector<std::string> got;
  for (const TextUnit& u : units)
    got.push_back(text.substr(u.begin, u.end - u.begin) + (u.word ? "" : "#"));
  EXPECT_EQ(got, (std::vector<std::string>{"Don't", "!!#", "you", "MORON", ":)#", "caf\xc3\xa9"}));
}

TEST(FeatureTrace, EveryOccurrenceIsCountedAndCoversItsText) {
  FeatureHasher hasher(FeatureConfig{});
  FeatureScratch scratch;
  std::vector<Feature> plain, traced;
  std::vector<FeatureOccurrence> occ;
  const std::string text = "the cat, the CAT and the dog";
  hasher.extract(text, &scratch, &plain);
  hasher.extract_traced(text, &scratch, &traced, &occ);
  ASSERT_EQ(plain.size(), traced.size());
  std::map<uint32_t, float> counts;
  for (const FeatureOccurrence& o : occ) {
    ASSERT_LT(o.feature, traced.size());
    ASSERT_LT(o.begin, o.end);
    ASSERT_LE(o.end, text.size());
    if (feature_group(traced[o.feature].key) == FeatureGroup::kChar) {
      EXPECT_EQ(text.substr(o.begin, o.end - o.begin).find(' '), std::string::npos);
    }
    counts[o.feature] += 1.0f;
  }
  for (size_t i = 0; i < plain.size(); ++i) {
    EXPECT_EQ(plain[i].key, traced[i].key);
    EXPECT_EQ(counts[static_cast<uint32_t>(i)], traced[i].value) << i;
  }
  // The unigram "the" occurs three times, at its three places.
  int the = 0;
  for (const FeatureOccurrence& o : occ) {
    if (feature_group(traced[o.feature].key) == FeatureGroup::kWord &&
        text.substr(o.begin, o.end - o.begin) == "the")
      ++the;
  }
  EXPECT_EQ(the, 3);
}

TEST(FeatureWeights, EqualWeighFeaturesBitForBit) {
  FeatureHasher hasher(FeatureConfig{});
  FeatureScratch scratch;
  std::vector<Feature> f;
  hasher.extract("some words, some more words!", &scratch, &f);
  std::vector<float> idf(FeatureConfig{}.buckets(), 1.5f);
  WeightingConfig w;
  std::vector<float> weights;
  feature_weights(f, idf, w, &weights);
  std::vector<Feature> g = f;
  g.resize(weigh_features(g, idf, w));
  size_t j = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    if (weights[i] == 0.0f) continue;
    ASSERT_LT(j, g.size());
    EXPECT_EQ(weights[i], g[j].value);
    EXPECT_EQ(feature_bucket(f[i].key), g[j].key);
    ++j;
  }
  EXPECT_EQ(j, g.size());
}

TEST(SpanF1, SemEvalRules) {
  using eval::span_f1;
  EXPECT_EQ(span_f1({}, {}), 1.0);
  EXPECT_EQ(span_f1({{0, 3}}, {}), 0.0);
  EXPECT_EQ(span_f1({}, {{0, 3}}), 0.0);
  EXPECT_DOUBLE_EQ(span_f1({{0, 4}}, {{2, 6}}), 2.0 * 2 / 8);
  EXPECT_DOUBLE_EQ(span_f1({{0, 2}, {1, 3}}, {{0, 3}}), 1.0);  // overlapping predictions count once
}

}  // namespace
}  // namespace winnow
