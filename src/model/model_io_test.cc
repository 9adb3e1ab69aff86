#include "model/model_io.h"

#include <gtest/gtest.h>

#include <random>

#include "test_support.h"

namespace winnow {
namespace {

using testing::TempDir;

// A small random model with a multi-label and a single-label head.
std::shared_ptr<const Model> random_model() {
  ModelSpec spec;
  spec.features.hash_bits = 10;
  spec.heads.push_back({"moderation", HeadKind::kMultiLabel, {"toxic", "insult", "safe"},
                        {0.4f, 0.3f, 0.5f}, 1.0f});
  spec.heads.push_back({"lang", HeadKind::kSingleLabel, {"en", "fr"}, {0.5f, 0.5f}, 2.0f});
  const size_t buckets = spec.features.buckets();
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> idf(buckets), w(buckets * 5), b(5);
  for (float& x : idf) x = 1.0f + std::abs(normal(rng));
  for (float& x : w) x = normal(rng);
  for (float& x : b) x = normal(rng);
  auto m = Model::create(spec, {{"note", "test"}}, idf, w, b);
  EXPECT_TRUE(m.is_ok()) << m.status().to_string();
  return *m;
}

std::vector<float> scores(const Model& m, std::string_view text) {
  PredictScratch scratch;
  std::vector<float> out(m.num_outputs());
  m.predict(text, &scratch, out);
  return out;
}

TEST(ModelIo, SaveThenLoadGivesBitIdenticalScores) {
  TempDir dir;
  auto model = random_model();
  ASSERT_TRUE(save_model(*model, dir.file("m.winnow")).is_ok());
  auto loaded = load_model(dir.file("m.winnow"));
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->heads()[0].labels, model->heads()[0].labels);
  EXPECT_EQ((*loaded)->heads()[0].thresholds, model->heads()[0].thresholds);
  EXPECT_EQ((*loaded)->heads()[1].kind, HeadKind::kSingleLabel);
  EXPECT_EQ((*loaded)->metadata()["note"], "test");
  for (const char* text : {"You are an idiot!", "", "bonjour à tous", "\xFF\xFE odd bytes"}) {
    const std::vector<float> a = scores(*model, text), b = scores(**loaded, text);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float))) << text;
  }
}

TEST(ModelIo, WeightsAreAlignedForDirectUse) {
  auto loaded = parse_model(serialize_model(*random_model()));
  ASSERT_TRUE(loaded.is_ok());
  EXPECT_EQ(reinterpret_cast<uintptr_t>((*loaded)->weights().data()) % 64, 0u);
}

TEST(ModelIo, RejectsTruncatedFilesAtEveryLength) {
  const std::string bytes = serialize_model(*random_model());
  for (size_t len : {size_t{0}, size_t{7}, size_t{8}, size_t{63}, size_t{64}, size_t{200},
                     bytes.size() / 2, bytes.size() - 1}) {
    auto m = parse_model(std::string_view(bytes).substr(0, len));
    ASSERT_FALSE(m.is_ok()) << len;
  }
  auto m = parse_model(std::string_view(bytes).substr(0, bytes.size() - 1));
  EXPECT_EQ(m.status().code(), StatusCode::kCorruption);
  EXPECT_NE(m.status().message().find("truncated"), std::string::npos) << m.status().message();
}

TEST(ModelIo, RejectsAnyFlippedByte) {
  const std::string bytes = serialize_model(*random_model());
  std::mt19937 rng(2);
  for (int trial = 0; trial < 200; ++trial) {
    std::string bad = bytes;
    const size_t at = rng() % bad.size();
    bad[at] = static_cast<char>(bad[at] ^ (1 << (rng() % 8)));
    auto m = parse_model(bad);
    ASSERT_FALSE(m.is_ok()) << "flip at " << at;
  }
}

TEST(ModelIo, RejectsForeignFilesClearly) {
  auto m = parse_model("{\"text\": \"this is JSONL, not a model\"}\n" + std::string(100, ' '));
  ASSERT_FALSE(m.is_ok());
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(m.status().message().find("not a Winnow model file"), std::string::npos);
}

TEST(ModelIo, RejectsTrailingBytes) {
  auto m = parse_model(serialize_model(*random_model()) + "x");
  ASSERT_FALSE(m.is_ok());
  EXPECT_EQ(m.status().code(), StatusCode::kCorruption);
}

TEST(ModelIo, LoadNamesThePathOnErrors) {
  TempDir dir;
  auto missing = load_model(dir.file("nope.winnow"));
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  testing::write_file(dir.file("bad.winnow"), "garbage");
  auto bad = load_model(dir.file("bad.winnow"));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("bad.winnow"), std::string::npos);
  EXPECT_FALSE(load_model(dir.path().string()).is_ok());  // a directory
}

TEST(ModelIo, SaveReplacesAtomicallyAndReportsUnwritablePaths) {
  TempDir dir;
  auto model = random_model();
  ASSERT_TRUE(save_model(*model, dir.file("m.winnow")).is_ok());
  ASSERT_TRUE(save_model(*model, dir.file("m.winnow")).is_ok());
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
  Status s = save_model(*model, dir.file("no/such/dir/m.winnow"));
  EXPECT_EQ(s.code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace winnow
