#include "model/model_io.h"

#include <gtest/gtest.h>

#include <random>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <functional>

#include "test_support.h"

namespace winnow {
namespace {

using testing::TempDir;

// A small random model with a multi-label and a single-label head.
std::shared_ptr<const Model> random_model() {
  ModelSpec spec;
  spec.features.hash_bits = 10;
  spec.heads.push_back({"moderation",
                        HeadKind::kMultiLabel,
                        {"toxic", "insult", "safe"},
                        {0.4f, 0.3f, 0.5f},
                        1.0f,
                        2u});
  spec.heads.push_back(
      {"lang", HeadKind::kSingleLabel, {"en", "fr"}, {0.5f, 0.5f}, 2.0f, std::nullopt});
  const size_t buckets = spec.features.buckets();
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> idf(buckets), w(buckets * 5), b(5);
  for (float& x : idf) x = 1.0f + std::abs(normal(rng));
  for (float& x : w) x = normal(rng);
  for (float& x : b) x = normal(rng);
  auto m = Model::create(spec, {{"note", "test"}}, linear_tensors(idf, w, b));
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
  EXPECT_EQ((*loaded)->heads()[0].none_label, std::optional<uint32_t>(2u));
  EXPECT_EQ((*loaded)->heads()[1].none_label, std::nullopt);
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

// Rewrites the metadata JSON of a serialized model and fixes up sizes and checksums, as a
// buggy or malicious writer could.
std::string with_metadata(const std::string& bytes,
                          const std::function<void(nlohmann::json&)>& edit) {
  uint64_t meta_offset = 0, meta_bytes = 0, tensors_offset = 0;
  std::memcpy(&meta_offset, bytes.data() + 24, 8);
  std::memcpy(&meta_bytes, bytes.data() + 32, 8);
  std::memcpy(&tensors_offset, bytes.data() + 40, 8);
  nlohmann::json meta = nlohmann::json::parse(bytes.substr(meta_offset, meta_bytes));
  edit(meta);
  const std::string text = meta.dump();
  std::string out = bytes.substr(0, 64) + text;
  const uint64_t new_tensors = (out.size() + 63) / 64 * 64;
  out.resize(new_tensors, '\0');
  out += bytes.substr(tensors_offset);
  const uint64_t size = out.size(), new_meta_bytes = text.size();
  std::memcpy(out.data() + 16, &size, 8);
  std::memcpy(out.data() + 32, &new_meta_bytes, 8);
  std::memcpy(out.data() + 40, &new_tensors, 8);
  const uint64_t body = XXH3_64bits(out.data() + 64, out.size() - 64);
  std::memcpy(out.data() + 48, &body, 8);
  const uint64_t head = XXH3_64bits(out.data(), 56);
  std::memcpy(out.data() + 56, &head, 8);
  return out;
}

TEST(ModelIo, RejectsWellChecksummedFilesWithInconsistentMetadata) {
  const std::string bytes = serialize_model(*random_model());
  ASSERT_TRUE(parse_model(with_metadata(bytes, [](nlohmann::json&) {})).is_ok());
  const std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>> cases = {
      {"idf has", [](nlohmann::json& m) { m["spec"]["features"]["hash_bits"] = 11; }},
      {"hash_bits", [](nlohmann::json& m) { m["spec"]["features"]["hash_bits"] = 40; }},
      {"outside the file",
       [](nlohmann::json& m) { m["tensors"]["linear.weight"]["count"] = 1ull << 60; }},
      {"outside the file", [](nlohmann::json& m) { m["tensors"]["idf"]["offset"] = 4096 + 3; }},
      {"one threshold per label",
       [](nlohmann::json& m) { m["spec"]["heads"][0]["thresholds"] = {0.5}; }},
      {"unknown head kind",
       [](nlohmann::json& m) { m["spec"]["heads"][1]["kind"] = "regression"; }},
      {"'labels' has the wrong type",
       [](nlohmann::json& m) { m["spec"]["heads"][0]["labels"] = 3; }},
      {"'heads' is missing", [](nlohmann::json& m) { m["spec"].erase("heads"); }},
      {"appears twice", [](nlohmann::json& m) { m["spec"]["heads"][1]["name"] = "moderation"; }},
      {"hashing v9", [](nlohmann::json& m) { m["spec"]["features"]["hash_version"] = 9; }},
      {"unknown architecture", [](nlohmann::json& m) { m["spec"]["architecture"] = "bert"; }},
  };
  for (const auto& [message, edit] : cases) {
    auto m = parse_model(with_metadata(bytes, edit));
    ASSERT_FALSE(m.is_ok()) << message;
    EXPECT_NE(m.status().message().find(message), std::string::npos) << m.status().message();
  }
}

// Found by fuzz/model_loader_fuzz.cc: numbers the metadata's C++ types cannot hold went through
// nlohmann's unchecked casts (a float out of an integer's range is undefined behaviour; a
// negative number wrapped into an unsigned field). They are corruption errors now.
TEST(ModelIo, RejectsMetadataNumbersOutOfTheirFieldsRange) {
  const std::string bytes = serialize_model(*random_model());
  const std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>> cases = {
      {"'hash_bits' has the wrong type or is out of range",
       [](nlohmann::json& m) { m["spec"]["features"]["hash_bits"] = 1e20; }},
      {"'hash_bits' has the wrong type or is out of range",
       [](nlohmann::json& m) { m["spec"]["features"]["hash_bits"] = -1; }},
      {"'normalization_version' has the wrong type or is out of range",
       [](nlohmann::json& m) { m["spec"]["features"]["normalization_version"] = 1e20; }},
      {"'min_df' has the wrong type or is out of range",
       [](nlohmann::json& m) { m["spec"]["weighting"]["min_df"] = -5.5; }},
      {"'word_norm' has the wrong type or is out of range",
       [](nlohmann::json& m) { m["spec"]["weighting"]["word_norm"] = 1e39; }},
      {"'thresholds' has the wrong type or is out of range",
       [](nlohmann::json& m) { m["spec"]["heads"][0]["thresholds"][1] = 1e39; }},
      {"'loss_weight' has the wrong type or is out of range",
       [](nlohmann::json& m) { m["spec"]["heads"][1]["loss_weight"] = -1e300; }},
      {"'offset' has the wrong type or is out of range",
       [](nlohmann::json& m) { m["tensors"]["idf"]["offset"] = 1e30; }},
      {"'count' has the wrong type or is out of range",
       [](nlohmann::json& m) { m["tensors"]["linear.bias"]["count"] = -1; }},
  };
  for (const auto& [message, edit] : cases) {
    auto m = parse_model(with_metadata(bytes, edit));
    ASSERT_FALSE(m.is_ok()) << message;
    EXPECT_EQ(m.status().code(), StatusCode::kCorruption) << message;
    EXPECT_NE(m.status().message().find(message), std::string::npos) << m.status().message();
  }
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
