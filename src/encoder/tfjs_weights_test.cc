#include "encoder/tfjs_weights.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "test_support.h"

namespace winnow {
namespace {

using testing::TempDir;
using testing::write_file;

std::string tfjs_float_bytes(std::initializer_list<float> values) {
  std::string s;
  for (const float v : values) s.append(reinterpret_cast<const char*>(&v), sizeof v);
  return s;
}

std::string tfjs_int_bytes(std::initializer_list<int32_t> values) {
  std::string s;
  for (const int32_t v : values) s.append(reinterpret_cast<const char*>(&v), sizeof v);
  return s;
}

// Two groups: {w [2, 2] float32, n [] int32} in two shards, {b [3] float32} in one.
constexpr char kTfjsManifest[] = R"({"modelTopology": {}, "weightsManifest": [
  {"paths": ["g1-shard1of2", "g1-shard2of2"], "weights": [
    {"name": "w", "shape": [2, 2], "dtype": "float32"},
    {"name": "n", "shape": [], "dtype": "int32"}]},
  {"paths": ["g2-shard1of1"], "weights": [{"name": "b", "shape": [3], "dtype": "float32"}]}]})";

void write_tfjs_model(const TempDir& dir, const std::string& manifest = kTfjsManifest) {
  write_file(dir.file("model.json"), manifest);
  const std::string g1 = tfjs_float_bytes({1, 2, 3, 4}) + tfjs_int_bytes({-7});
  write_file(dir.file("g1-shard1of2"), g1.substr(0, 6));  // a weight may straddle shards
  write_file(dir.file("g1-shard2of2"), g1.substr(6));
  write_file(dir.file("g2-shard1of1"), tfjs_float_bytes({0.5f, -1.5f, 8}));
}

TEST(TfjsWeights, ReadsTensorsOfEveryGroupInManifestOrder) {
  TempDir dir;
  write_tfjs_model(dir);
  Result<TfjsWeights> w = TfjsWeights::load(dir.file("model.json"));
  ASSERT_TRUE(w.is_ok()) << w.status().to_string();
  ASSERT_EQ(w->tensors().size(), 3u);
  const TfjsTensor* m = w->find("w");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->dtype, TfjsDtype::kFloat32);
  EXPECT_EQ(m->shape_string(), "[2, 2]");
  EXPECT_EQ(m->f32, (std::vector<float>{1, 2, 3, 4}));
  const TfjsTensor* n = w->find("n");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->dtype, TfjsDtype::kInt32);
  EXPECT_EQ(n->element_count(), 1);
  EXPECT_EQ(n->i32, (std::vector<int32_t>{-7}));
  EXPECT_EQ(w->tensors()[2].name, "b");
  EXPECT_EQ(w->tensors()[2].f32, (std::vector<float>{0.5f, -1.5f, 8}));
  EXPECT_EQ(w->find("missing"), nullptr);
}

TEST(TfjsWeights, ReportsTruncatedShardWithSizes) {
  TempDir dir;
  write_tfjs_model(dir);
  write_file(dir.file("g2-shard1of1"), tfjs_float_bytes({0.5f, -1.5f}).substr(0, 7));
  Result<TfjsWeights> w = TfjsWeights::load(dir.file("model.json"));
  ASSERT_FALSE(w.is_ok());
  EXPECT_EQ(w.status().code(), StatusCode::kCorruption);
  EXPECT_NE(w.status().message().find("model.json: weightsManifest[1]"), std::string::npos)
      << w.status().message();
  EXPECT_NE(w.status().message().find("g2-shard1of1"), std::string::npos);
  EXPECT_NE(w.status().message().find("hold 7 bytes"), std::string::npos);
  EXPECT_NE(w.status().message().find("need 12"), std::string::npos);
}

TEST(TfjsWeights, ReportsOversizedShard) {
  TempDir dir;
  write_tfjs_model(dir);
  write_file(dir.file("g2-shard1of1"), tfjs_float_bytes({0.5f, -1.5f, 8, 9}));
  Result<TfjsWeights> w = TfjsWeights::load(dir.file("model.json"));
  ASSERT_FALSE(w.is_ok());
  EXPECT_EQ(w.status().code(), StatusCode::kCorruption);
  EXPECT_NE(w.status().message().find("hold 16 bytes"), std::string::npos) << w.status().message();
}

TEST(TfjsWeights, ReportsMissingShardByPath) {
  TempDir dir;
  write_tfjs_model(dir);
  std::filesystem::remove(dir.file("g1-shard2of2"));
  Result<TfjsWeights> w = TfjsWeights::load(dir.file("model.json"));
  ASSERT_FALSE(w.is_ok());
  EXPECT_EQ(w.status().code(), StatusCode::kNotFound);
  EXPECT_NE(w.status().message().find("missing shard " + dir.file("g1-shard2of2")),
            std::string::npos)
      << w.status().message();
}

TEST(TfjsWeights, ReportsMissingModelJson) {
  TempDir dir;
  Result<TfjsWeights> w = TfjsWeights::load(dir.file("model.json"));
  ASSERT_FALSE(w.is_ok());
  EXPECT_EQ(w.status().code(), StatusCode::kNotFound);
  EXPECT_NE(w.status().message().find(dir.file("model.json")), std::string::npos);
}

TEST(TfjsWeights, ReportsBadJsonNamingTheFile) {
  TempDir dir;
  write_tfjs_model(dir, R"({"weightsManifest": [{"paths": ["g1-shard1of2"], )");
  Result<TfjsWeights> w = TfjsWeights::load(dir.file("model.json"));
  ASSERT_FALSE(w.is_ok());
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w.status().message(), dir.file("model.json") + ": not valid JSON");
}

TEST(TfjsWeights, RejectsJsonThatIsNotAManifest) {
  for (const char* json :
       {"[]", "{}", R"({"weightsManifest": {}})", R"({"weightsManifest": [{"paths": ["x"]}]})",
        R"({"weightsManifest": [{"paths": [3], "weights": []}]})"}) {
    Result<TfjsWeights> w = TfjsWeights::parse(json, "/nonexistent", "m.json");
    ASSERT_FALSE(w.is_ok()) << json;
    EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument) << json;
    EXPECT_EQ(w.status().message().rfind("m.json: ", 0), 0u) << w.status().message();
  }
}

TEST(TfjsWeights, RejectsUnknownDtypeNamingTheWeight) {
  Result<TfjsWeights> w = TfjsWeights::parse(
      R"({"weightsManifest": [{"paths": [], "weights": [
          {"name": "flag", "shape": [1], "dtype": "bool"}]}]})",
      "/nonexistent", "m.json");
  ASSERT_FALSE(w.is_ok());
  EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(w.status().message().find("(flag): unknown dtype \"bool\""), std::string::npos)
      << w.status().message();
}

TEST(TfjsWeights, RejectsQuantizedWeights) {
  Result<TfjsWeights> w = TfjsWeights::parse(
      R"({"weightsManifest": [{"paths": [], "weights": [{"name": "q", "shape": [1],
          "dtype": "float32", "quantization": {"dtype": "uint8", "min": 0, "scale": 1}}]}]})",
      "/nonexistent", "m.json");
  ASSERT_FALSE(w.is_ok());
  EXPECT_NE(w.status().message().find("quantized weights are not supported"), std::string::npos);
}

TEST(TfjsWeights, RejectsBadShapesDuplicatesAndEscapingPaths) {
  const char* cases[] = {
      R"({"weightsManifest": [{"paths": [], "weights": [{"name": "a", "shape": [-1], "dtype": "float32"}]}]})",
      R"({"weightsManifest": [{"paths": [], "weights": [{"name": "a", "shape": [1.5], "dtype": "float32"}]}]})",
      R"({"weightsManifest": [{"paths": [], "weights": [{"name": "a", "shape": [4294967296, 4294967296], "dtype": "float32"}]}]})",
      R"({"weightsManifest": [{"paths": [], "weights": [{"name": "a", "shape": [], "dtype": "float32"},
                                                        {"name": "a", "shape": [], "dtype": "float32"}]}]})",
      R"({"weightsManifest": [{"paths": ["../outside"], "weights": []}]})",
      R"({"weightsManifest": [{"paths": ["/etc/passwd"], "weights": []}]})",
  };
  for (const char* json : cases) {
    Result<TfjsWeights> w = TfjsWeights::parse(json, "/nonexistent", "m.json");
    ASSERT_FALSE(w.is_ok()) << json;
    EXPECT_EQ(w.status().code(), StatusCode::kInvalidArgument) << w.status().message();
  }
}

}  // namespace
}  // namespace winnow
