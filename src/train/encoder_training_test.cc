#include "train/encoder_training.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/random.h"
#include "encoder/text_encoder.h"

namespace winnow {
namespace {

constexpr uint32_t kMixBits = 8;  // 256 n-gram buckets
constexpr uint32_t kMixDim = TextEncoder::kEmbeddingDim;

// One multi-label head of two labels and one single-label head of three: three loss units.
ModelSpec mix_spec() {
  ModelSpec spec;
  spec.architecture = "encoder";
  spec.features.hash_bits = kMixBits;
  spec.encoder.name = std::string(TextEncoder::kUseLite);
  spec.encoder.norm = 0.5f;
  HeadSpec multi;
  multi.name = "moderation";
  multi.kind = HeadKind::kMultiLabel;
  multi.labels = {"toxicity", "insult"};
  multi.thresholds = {0.5f, 0.5f};
  HeadSpec single;
  single.name = "tone";
  single.kind = HeadKind::kSingleLabel;
  single.labels = {"calm", "rude", "neutral"};
  single.thresholds = {0.5f, 0.5f, 0.5f};
  spec.heads = {multi, single};
  return spec;
}

// A plain validation set: random n-grams and a random unit embedding (times the norm) per
// sample, random targets.
struct MixData {
  SampleSet set;
  std::vector<std::vector<float>> embeddings;  // unit length, per sample
};

MixData mix_valid(const ModelSpec& spec, size_t n, uint64_t seed) {
  Rng rng(seed);
  MixData d;
  SampleSet& s = d.set;
  s.num_outputs = spec.num_outputs();
  s.num_heads = static_cast<uint32_t>(spec.heads.size());
  s.feature_chunks.emplace_back();
  std::vector<Feature>& chunk = s.feature_chunks.back();
  chunk.reserve(n * (8 + kMixDim));
  std::vector<size_t> starts;
  for (size_t i = 0; i < n; ++i) {
    starts.push_back(chunk.size());
    for (int k = 0; k < 8; ++k) {
      chunk.push_back({static_cast<uint32_t>(rng.uniform(spec.features.buckets())),
                       static_cast<float>(rng.uniform01())});
    }
    std::vector<float> e(kMixDim);
    double sq = 0;
    for (float& v : e) {
      v = static_cast<float>(rng.uniform01() - 0.5);
      sq += static_cast<double>(v) * static_cast<double>(v);
    }
    for (float& v : e) v = static_cast<float>(static_cast<double>(v) / std::sqrt(sq));
    for (uint32_t j = 0; j < kMixDim; ++j) {
      chunk.push_back({spec.features.buckets() + j, spec.encoder.norm * e[j]});
    }
    d.embeddings.push_back(std::move(e));
    const bool tox = rng.uniform(2) == 1;
    s.targets.push_back(tox ? 1 : 0);
    s.targets.push_back(tox && rng.uniform(2) == 1 ? 1 : 0);
    const uint64_t tone = rng.uniform(3);
    for (uint64_t k = 0; k < 3; ++k) s.targets.push_back(k == tone ? 1 : 0);
    s.has_head.push_back(1);
    s.has_head.push_back(1);
    s.tokens.push_back(8);
    s.file_of_sample.push_back(0);
  }
  starts.push_back(chunk.size());
  for (size_t i = 0; i < n; ++i) {
    s.sample_features.emplace_back(chunk.data() + starts[i], starts[i + 1] - starts[i]);
  }
  return d;
}

TensorDataMap random_linear(const ModelSpec& spec, uint64_t seed) {
  Rng rng(seed);
  const size_t rows = spec.features.buckets() + kMixDim;
  std::vector<float> w(rows * spec.num_outputs(), 0.0f), b(spec.num_outputs());
  for (size_t r = 0; r < spec.features.buckets(); ++r) {  // embedding rows stay 0, as trained
    for (uint32_t o = 0; o < spec.num_outputs(); ++o) {
      w[r * spec.num_outputs() + o] = static_cast<float>(rng.uniform01() - 0.5);
    }
  }
  for (float& v : b) v = static_cast<float>(rng.uniform01() - 0.5);
  TensorDataMap m;
  m.emplace("linear.weight", TensorData::floats(std::move(w)));
  m.emplace("linear.bias", TensorData::floats(std::move(b)));
  return m;
}

TensorDataMap random_head(const ModelSpec& spec, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> k(static_cast<size_t>(kMixDim) * spec.num_outputs()), b(spec.num_outputs());
  for (float& v : k) v = static_cast<float>(rng.uniform01() - 0.5);
  for (float& v : b) v = static_cast<float>(rng.uniform01() - 0.5);
  TensorDataMap m;
  m.emplace("head/kernel", TensorData::floats(std::move(k)));
  m.emplace("head/bias", TensorData::floats(std::move(b)));
  return m;
}

// Logits of sample i under linear tensors `lin` (all rows) and, separately, under the
// carried head.
std::vector<float> linear_logits(const ModelSpec& spec, const TensorDataMap& lin,
                                 const SampleSet& s, size_t i) {
  const auto& w = lin.at("linear.weight").f32;
  std::vector<float> z = lin.at("linear.bias").f32;
  for (const Feature& f : s.features_of(i)) {
    for (uint32_t o = 0; o < spec.num_outputs(); ++o) {
      z[o] += f.value * w[static_cast<size_t>(f.key) * spec.num_outputs() + o];
    }
  }
  return z;
}

std::vector<float> head_logits(const ModelSpec& spec, const TensorDataMap& head,
                               const std::vector<float>& e) {
  const auto& k = head.at("head/kernel").f32;
  std::vector<float> z = head.at("head/bias").f32;
  const float scale = UseLiteTuneOptions{}.head_scale;
  for (uint32_t j = 0; j < kMixDim; ++j) {
    for (uint32_t o = 0; o < spec.num_outputs(); ++o) {
      z[o] += scale * e[j] * k[static_cast<size_t>(j) * spec.num_outputs() + o];
    }
  }
  return z;
}

TEST(EncoderCombine, FoldsTheChosenMixIntoTheLinearWeights) {
  const ModelSpec spec = mix_spec();
  const MixData d = mix_valid(spec, 50, 1);
  const TensorDataMap before = random_linear(spec, 2);
  const TensorDataMap head = random_head(spec, 3);
  TensorDataMap mixed = before;
  nlohmann::json report;
  ASSERT_TRUE(encoder_combine(spec, d.set, head, &mixed, &report).is_ok());
  ASSERT_EQ(report["units"].size(), 3u);  // toxicity, insult, the tone head
  // Output -> its unit's weight.
  std::vector<double> a = {report["units"][0]["ngram_weight"].get<double>(),
                           report["units"][1]["ngram_weight"].get<double>()};
  for (int k = 0; k < 3; ++k) a.push_back(report["units"][2]["ngram_weight"].get<double>());
  EXPECT_EQ(report["units"][2]["labels"].size(), 3u);
  for (size_t i = 0; i < d.set.size(); ++i) {
    const std::vector<float> z1 = linear_logits(spec, before, d.set, i);
    const std::vector<float> z2 = head_logits(spec, head, d.embeddings[i]);
    const std::vector<float> got = linear_logits(spec, mixed, d.set, i);
    for (uint32_t o = 0; o < spec.num_outputs(); ++o) {
      const double want =
          a[o] * static_cast<double>(z1[o]) + (1 - a[o]) * static_cast<double>(z2[o]);
      EXPECT_NEAR(static_cast<double>(got[o]), want, 1e-4) << "sample " << i << " output " << o;
    }
  }
}

// A head that predicts the targets wins its units; n-grams that do win theirs.
TEST(EncoderCombine, ChoosesTheModelThatPredictsTheValidationLabels) {
  const ModelSpec spec = mix_spec();
  MixData d = mix_valid(spec, 200, 4);
  // The carried head: toxicity = +/-5 along embedding component 0, whose sign we set from
  // the target; everything else noise. The n-grams: insult from bucket 7, set per target.
  TensorDataMap head = random_head(spec, 5);
  TensorDataMap lin = random_linear(spec, 6);
  const uint32_t outs = spec.num_outputs();
  auto& hk = head.at("head/kernel").f32;
  std::fill(hk.begin(), hk.begin() + outs, 0.0f);
  hk[0] = 5.0f;  // component 0 -> toxicity
  head.at("head/bias").f32[0] = 0.0f;
  auto& w = lin.at("linear.weight").f32;
  for (uint32_t o = 0; o < outs; ++o) w[7 * outs + o] = 0.0f;
  w[7 * outs + 1] = 20.0f;  // bucket 7 -> insult
  lin.at("linear.bias").f32[1] = -10.0f;
  for (size_t i = 0; i < d.set.size(); ++i) {
    auto* f = const_cast<Feature*>(d.set.sample_features[i].data());
    const bool tox = d.set.targets_of(i)[0] == 1, insult = d.set.targets_of(i)[1] == 1;
    f[8].value = spec.encoder.norm * (tox ? 0.5f : -0.5f);  // embedding component 0
    f[0] = {7, insult ? 1.0f : 0.0f};
    for (int k = 1; k < 8; ++k) f[k].key = f[k].key == 7 ? 8 : f[k].key;
  }
  nlohmann::json report;
  ASSERT_TRUE(encoder_combine(spec, d.set, head, &lin, &report).is_ok());
  EXPECT_EQ(report["chosen_on"], "validation");
  EXPECT_EQ(report["units"][0]["ngram_weight"].get<double>(), 0.0) << report.dump();
  EXPECT_EQ(report["units"][1]["ngram_weight"].get<double>(), 1.0) << report.dump();
}

TEST(EncoderCombine, WithoutValidationDataMixesHalfAndHalf) {
  const ModelSpec spec = mix_spec();
  TensorDataMap lin = random_linear(spec, 7);
  nlohmann::json report;
  ASSERT_TRUE(encoder_combine(spec, SampleSet(), random_head(spec, 8), &lin, &report).is_ok());
  EXPECT_EQ(report["chosen_on"], "default (no validation data)");
  for (const auto& u : report["units"]) EXPECT_EQ(u["ngram_weight"].get<double>(), 0.5);
}

TEST(EncoderCombine, MissingTensorsAreAnError) {
  const ModelSpec spec = mix_spec();
  TensorDataMap lin = random_linear(spec, 9);
  nlohmann::json report;
  EXPECT_FALSE(encoder_combine(spec, SampleSet(), TensorDataMap{}, &lin, &report).is_ok());
  TensorDataMap empty;
  EXPECT_FALSE(encoder_combine(spec, SampleSet(), random_head(spec, 1), &empty, &report).is_ok());
}

}  // namespace
}  // namespace winnow
