#include "train/training_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "text/feature_hasher.h"

namespace winnow {
namespace {

// A split of `n` samples with texts of random letters-and-spaces (about `chars` long; every
// 97th one empty), all labelled "h": "a".
RawSplit blocks_random_split(size_t n, size_t chars, uint32_t seed) {
  std::mt19937 rng(seed);
  RawSplit raw;
  raw.files = {"mem.jsonl"};
  raw.samples_per_file = {n};
  raw.invalid_lines_per_file = {0};
  for (size_t i = 0; i < n; ++i) {
    ClassifierSample s;
    if (i % 97 != 5) {
      for (size_t c = 0; c < chars; ++c) {
        s.text += rng() % 6 == 0 ? ' ' : static_cast<char>('a' + rng() % 26);
      }
    }
    s.labels.push_back({"h", {"a"}, false});
    raw.samples.push_back(std::move(s));
    raw.file_of_sample.push_back(0);
    raw.line_of_sample.push_back(i + 1);
  }
  return raw;
}

ModelSpec blocks_spec() {
  ModelSpec spec;
  spec.heads.push_back({});
  spec.heads[0].name = "h";
  spec.heads[0].labels = {"a", "b"};
  spec.heads[0].thresholds = {0.5f, 0.5f};
  return spec;
}

// Featurizing stores features in fixed-size blocks; a split of more features than one block
// holds per thread must give every sample exactly (bit for bit) the features that hashing and
// weighing its text alone gives, including empty samples and samples on block boundaries.
TEST(FeaturizeSplit, SamplesSpanningManyBlocksKeepTheirExactFeatures) {
  const size_t n = 2600;  // about 6,000 n-grams each: ~15 M features, several 4 M blocks
  RawSplit raw = blocks_random_split(n, 1500, 11);
  std::vector<std::string> texts;
  for (const ClassifierSample& s : raw.samples) texts.push_back(s.text);
  const ModelSpec spec = blocks_spec();
  WorkerTeam team(2);
  std::vector<float> idf;
  Result<SampleSet> set = featurize_split(&raw, spec, nullptr, true, &idf, &team);
  ASSERT_TRUE(set.is_ok()) << set.status().message();
  ASSERT_EQ(set->size(), n);
  EXPECT_GT(set->feature_chunks.size(), 2u) << "the split should need more than a block a thread";
  const FeatureHasher hasher(spec.features);
  FeatureScratch scratch;
  std::vector<Feature> expected;
  size_t empty = 0;
  for (size_t i = 0; i < n; ++i) {
    EXPECT_TRUE(raw.samples[i].text.empty()) << "text " << i << " not released";
    hasher.extract(texts[i], &scratch, &expected);
    expected.resize(weigh_features(expected, idf, spec.weighting));
    const std::span<const Feature> got = set->features_of(i);
    ASSERT_EQ(got.size(), expected.size()) << "sample " << i;
    for (size_t k = 0; k < got.size(); ++k) {
      ASSERT_EQ(got[k].key, expected[k].key) << "sample " << i << " feature " << k;
      ASSERT_EQ(got[k].value, expected[k].value) << "sample " << i << " feature " << k;
    }
    empty += got.empty() ? 1 : 0;
  }
  EXPECT_EQ(empty, (n - 5 + 96) / 97);
}

// One thread, one sample larger than a block: it gets a block of its own.
TEST(FeaturizeSplit, ASampleLargerThanABlockGetsItsOwnBlock) {
  // Small, huge, small: the huge one (2^24 buckets keep its character n-grams mostly
  // distinct: ~5.6 M) cannot fit the first block's rest and gets one of its own; the third
  // then needs a new block too.
  RawSplit raw = blocks_random_split(3, 200, 12);
  raw.samples[1].text = blocks_random_split(1, 6'000'000, 13).samples[0].text;
  std::vector<std::string> texts;
  for (const ClassifierSample& s : raw.samples) texts.push_back(s.text);
  ModelSpec spec = blocks_spec();
  spec.features.hash_bits = 24;
  WorkerTeam team(1);
  std::vector<float> idf;
  Result<SampleSet> set = featurize_split(&raw, spec, nullptr, true, &idf, &team);
  ASSERT_TRUE(set.is_ok()) << set.status().message();
  EXPECT_EQ(set->feature_chunks.size(), 3u);
  const FeatureHasher hasher(spec.features);
  FeatureScratch scratch;
  std::vector<Feature> expected;
  for (size_t i = 0; i < 3; ++i) {
    if (i == 1) {
      EXPECT_GT(set->features_of(i).size(), size_t{1} << 22);
    }
    hasher.extract(texts[i], &scratch, &expected);
    expected.resize(weigh_features(expected, idf, spec.weighting));
    ASSERT_EQ(set->features_of(i).size(), expected.size()) << "sample " << i;
    EXPECT_TRUE(std::equal(
        expected.begin(), expected.end(), set->features_of(i).begin(),
        [](const Feature& a, const Feature& b) { return a.key == b.key && a.value == b.value; }));
  }
}

// Compact storage (the training split's) gives every sample exactly what weighing its n-grams
// sorted by key gives, bit for bit: the same values, none lost or invented, across many blocks
// and both threads, with counts above 1 (repeated words), empty samples and dropped buckets.
TEST(FeaturizeSplit, CompactStorageDecodesToTheExactWeightedFeatures) {
  const size_t n = 3000;
  RawSplit raw = blocks_random_split(n, 1500, 21);
  for (size_t i = 0; i < n; i += 7) raw.samples[i].text += " the the the cat the cat";
  std::vector<std::string> texts;
  for (const ClassifierSample& s : raw.samples) texts.push_back(s.text);
  for (const bool sublinear : {true, false}) {
    RawSplit copy = raw;
    ModelSpec spec = blocks_spec();
    spec.weighting.sublinear_tf = sublinear;
    spec.weighting.min_df = 2;  // some buckets are dropped (idf 0)
    WorkerTeam team(2);
    std::vector<float> idf;
    Result<SampleSet> set =
        featurize_split(&copy, spec, nullptr, true, &idf, &team, FeatureStorage::kCompact);
    ASSERT_TRUE(set.is_ok()) << set.status().message();
    ASSERT_TRUE(set->compact);
    ASSERT_EQ(set->size(), n);
    EXPECT_GE(set->compact_blocks.size(), 2u) << "both threads should have stored samples";

    // The same split stored plain: the same idf, and per sample the same features as a multiset.
    RawSplit plain_raw = raw;
    std::vector<float> plain_idf;
    Result<SampleSet> plain = featurize_split(&plain_raw, spec, nullptr, true, &plain_idf, &team);
    ASSERT_TRUE(plain.is_ok());
    ASSERT_EQ(idf, plain_idf);
    EXPECT_LT(set->feature_bytes() * 2, plain->feature_bytes())
        << "compact storage should take well under half the bytes";

    const FeatureHasher hasher(spec.features);
    FeatureScratch scratch;
    std::vector<Feature> expected, buffer;
    uint64_t repeated = 0, dropped = 0;
    for (size_t i = 0; i < n; ++i) {
      EXPECT_TRUE(copy.samples[i].text.empty()) << "text " << i << " not released";
      hasher.extract(texts[i], &scratch, &expected);
      std::sort(expected.begin(), expected.end(),
                [](const Feature& a, const Feature& b) { return a.key < b.key; });
      for (const Feature& f : expected) repeated += f.value > 1.0f ? 1 : 0;
      const size_t extracted = expected.size();
      expected.resize(weigh_features(expected, idf, spec.weighting));
      dropped += extracted - expected.size();
      const std::span<const Feature> got = set->features_of(i, &buffer);
      ASSERT_EQ(got.size(), expected.size()) << "sample " << i;
      for (size_t k = 0; k < got.size(); ++k) {
        ASSERT_EQ(got[k].key, expected[k].key) << "sample " << i << " feature " << k;
        ASSERT_EQ(got[k].value, expected[k].value) << "sample " << i << " feature " << k;
      }
    }
    EXPECT_GT(repeated, 0u) << "the test should cover counts above 1";
    EXPECT_GT(dropped, 0u) << "the test should cover buckets under min_df";
  }
}

}  // namespace
}  // namespace winnow
