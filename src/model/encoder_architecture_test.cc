// The encoder architecture end to end in the library: a small model trained on generated data
// with the real Universal Sentence Encoder Lite package (skipped when scripts/setup.sh has not
// installed it), its model file, and what loading a damaged one says.
#include "model/encoder_architecture.h"

#include <gtest/gtest.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "encoder/text_encoder.h"
#include "model/model.h"
#include "model/model_io.h"
#include "test_support.h"
#include "train/trainer.h"
#include "winnow/classifier.h"

namespace winnow {
namespace {

using testing::TempDir;
using testing::write_file;

bool encoder_package_present() {
  std::error_code ec;
  return std::filesystem::exists(default_encoder_dir() + "/model.json", ec) &&
         std::filesystem::exists(default_encoder_dir() + "/vocab.json", ec);
}

#define ENCODER_REQUIRE_PACKAGE()                                                      \
  if (!encoder_package_present()) {                                                    \
    GTEST_SKIP() << "needs the encoder's npm package (scripts/setup.sh installs it): " \
                 << default_encoder_dir() << " is absent";                             \
  }

// Toxic vs polite short sentences, one JSON line each: the toxic ones carry an insult word.
std::string encoder_toxic_polite_lines(int n, uint32_t seed) {
  const char* insults[] = {"idiot", "moron", "stupid", "loser", "pathetic", "worthless"};
  const char* polite[] = {"thank you", "please", "kind", "appreciate", "helpful", "lovely"};
  const char* subjects[] = {"you are",         "this editor is",  "your comment is",
                            "that answer was", "the reviewer is", "honestly you are"};
  const char* tails[] = {"today", "as always", "again", "on this page", "in my view", ""};
  uint32_t state = seed * 2654435761u + 7;
  auto next = [&] { return state = state * 1664525u + 1013904223u, state >> 8; };
  std::string out;
  for (int i = 0; i < n; ++i) {
    const bool toxic = i % 2 == 1;
    const char* subject = subjects[next() % 6];
    const char* word = toxic ? insults[next() % 6] : polite[next() % 6];
    const char* tail = tails[next() % 6];
    const std::string text = std::string(subject) + " " + word + " " + tail;
    out += R"({"text": ")" + text + R"(", "labels": {"tone": ")" + (toxic ? "toxic" : "polite") +
           "\"}}\n";
  }
  return out;
}

TrainOptions encoder_options(const TempDir& dir) {
  TrainOptions o;
  o.train_files.push_back({dir.file("train.jsonl"), 1.0});
  o.validation_files.push_back(dir.file("valid.jsonl"));
  o.architecture = "encoder";
  o.features.hash_bits = 12;
  o.tokens_per_step = 256;
  o.training_steps = 30;
  o.threads = 1;
  o.encoder_norm = 0.75f;
  return o;
}

std::vector<float> encoder_scores(const Model& m, std::string_view text) {
  PredictScratch scratch;
  std::vector<float> out(m.num_outputs());
  m.predict(text, &scratch, out);
  return out;
}

// Fields of the 64-byte model header (model_io.cc).
uint64_t header_u64(const std::string& bytes, size_t at) {
  uint64_t v = 0;
  std::memcpy(&v, bytes.data() + at, 8);
  return v;
}

// Recomputes the body and header checksums after an edit of the body, as a writer that
// damaged the bytes before checksumming them (or a malicious one) would.
void encoder_fix_checksums(std::string* bytes) {
  const uint64_t body = XXH3_64bits(bytes->data() + 64, bytes->size() - 64);
  std::memcpy(bytes->data() + 48, &body, 8);
  const uint64_t head = XXH3_64bits(bytes->data(), 56);
  std::memcpy(bytes->data() + 56, &head, 8);
}

nlohmann::json encoder_file_metadata(const std::string& bytes) {
  return nlohmann::json::parse(bytes.substr(header_u64(bytes, 24), header_u64(bytes, 32)));
}

// Rewrites the metadata JSON and fixes sizes and checksums (as model_io_test.cc does).
std::string encoder_with_metadata(const std::string& bytes,
                                  const std::function<void(nlohmann::json&)>& edit) {
  nlohmann::json meta = encoder_file_metadata(bytes);
  edit(meta);
  const std::string text = meta.dump();
  std::string out = bytes.substr(0, 64) + text;
  const uint64_t new_tensors = (out.size() + 63) / 64 * 64;
  out.resize(new_tensors, '\0');
  out += bytes.substr(header_u64(bytes, 40));
  const uint64_t size = out.size(), meta_bytes = text.size();
  std::memcpy(out.data() + 16, &size, 8);
  std::memcpy(out.data() + 32, &meta_bytes, 8);
  std::memcpy(out.data() + 40, &new_tensors, 8);
  encoder_fix_checksums(&out);
  return out;
}

// One encoder model trained for the whole suite (the package is read once; embedding the
// texts is the slow part).
class EncoderModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!encoder_package_present()) return;
    dir_ = new TempDir();
    write_file(dir_->file("train.jsonl"), encoder_toxic_polite_lines(300, 1));
    write_file(dir_->file("valid.jsonl"), encoder_toxic_polite_lines(60, 2));
    Result<std::shared_ptr<const Model>> m = train_model(encoder_options(*dir_));
    if (!m.is_ok()) {
      train_error_ = new std::string(m.status().to_string());
      return;
    }
    model_ = new std::shared_ptr<const Model>(*m);
    bytes_ = new std::string(serialize_model(**m));
  }
  static void TearDownTestSuite() {
    delete model_;
    delete bytes_;
    delete train_error_;
    delete dir_;
    model_ = nullptr;
    bytes_ = nullptr;
    train_error_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    ENCODER_REQUIRE_PACKAGE();
    ASSERT_EQ(train_error_, nullptr) << *train_error_;
    ASSERT_NE(model_, nullptr);
  }
  static const Model& model() { return **model_; }
  static const std::string& bytes() { return *bytes_; }

  static TempDir* dir_;
  static std::shared_ptr<const Model>* model_;
  static std::string* bytes_;
  static std::string* train_error_;
};
TempDir* EncoderModel::dir_ = nullptr;
std::shared_ptr<const Model>* EncoderModel::model_ = nullptr;
std::string* EncoderModel::bytes_ = nullptr;
std::string* EncoderModel::train_error_ = nullptr;

TEST_F(EncoderModel, PredictsToxicAndPoliteSentences) {
  EXPECT_EQ(model().spec().architecture, "encoder");
  EXPECT_EQ(model().architecture().name, "encoder");
  Classifier clf(*model_);
  ASSERT_EQ(clf.heads().size(), 1u);
  const int toxic = clf.heads()[0].label_index("toxic");
  ASSERT_GE(toxic, 0);
  const size_t t = static_cast<size_t>(toxic);
  EXPECT_GT(clf.classify("you are a pathetic idiot").scores[0][t], 0.7f);
  EXPECT_LT(clf.classify("thank you, that answer was kind and helpful").scores[0][t], 0.3f);
  const nlohmann::json& v = model().metadata()["validation"];
  EXPECT_GT(v["macro_roc_auc"].get<double>(), 0.95) << v.dump();
  EXPECT_EQ(model().metadata()["model_name"], "encoder");
  // Any bytes are accepted, and the scores of a softmax head sum to 1.
  for (std::string_view text :
       {std::string_view(""), std::string_view("\xFF\xFE\x00 odd", 7), std::string_view("word ")}) {
    const std::vector<float> s = encoder_scores(model(), text);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_TRUE(std::isfinite(s[0]) && std::isfinite(s[1]));
    EXPECT_NEAR(s[0] + s[1], 1.0f, 1e-5f);
  }
}

TEST_F(EncoderModel, EmbeddingRowsFollowTheHashBuckets) {
  const ModelSpec& spec = model().spec();
  const uint64_t buckets = spec.features.buckets();
  EXPECT_EQ(buckets, 4096u);
  EXPECT_EQ(spec.num_inputs(), buckets + TextEncoder::kEmbeddingDim);
  EXPECT_EQ(model().weights().size(), (buckets + 512) * model().num_outputs());
  EXPECT_EQ(model().tensors().at("linear.weight").count, (buckets + 512) * 2);
  // The embedding block of a text's input vector: keys buckets and up, L2 norm encoder.norm.
  PredictScratch scratch;
  std::vector<Feature> features;
  model().encode("you are a pathetic idiot", &scratch, &features);
  double ngram_sq = 0, embedding_sq = 0;
  size_t embedding_features = 0;
  for (const Feature& f : features) {
    ASSERT_LT(f.key, buckets + 512);
    if (f.key >= buckets) {
      embedding_sq += static_cast<double>(f.value) * static_cast<double>(f.value);
      ++embedding_features;
    } else {
      ngram_sq += static_cast<double>(f.value) * static_cast<double>(f.value);
    }
  }
  EXPECT_GT(embedding_features, 400u);  // a dense embedding
  EXPECT_GT(ngram_sq, 0.0);
  EXPECT_NEAR(std::sqrt(embedding_sq), 0.75, 1e-3);
  EXPECT_FLOAT_EQ(spec.encoder.norm, 0.75f);
}

TEST_F(EncoderModel, FileRoundTripsBitIdentically) {
  TempDir dir;
  const std::string path = dir.file("enc.winnow");
  ASSERT_TRUE(save_model(model(), path).is_ok());
  Result<std::shared_ptr<const Model>> loaded = load_model(path);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  EXPECT_EQ((*loaded)->spec().architecture, "encoder");
  EXPECT_EQ((*loaded)->spec().encoder.weights_checksum, model().spec().encoder.weights_checksum);
  EXPECT_EQ((*loaded)->spec().encoder.norm, model().spec().encoder.norm);
  EXPECT_EQ((*loaded)->heads()[0].thresholds, model().heads()[0].thresholds);
  for (const char* text : {"you are a pathetic idiot", "thank you so much", "", "bonjour à tous",
                           "\xFF\xFE odd bytes"}) {
    const std::vector<float> a = encoder_scores(model(), text);
    const std::vector<float> b = encoder_scores(**loaded, text);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float))) << text;
  }
  // Writing the loaded model again gives the same bytes.
  EXPECT_TRUE(serialize_model(**loaded) == bytes());
}

TEST_F(EncoderModel, FileHoldsTheEncoderTensorsAndTheirChecksum) {
  size_t encoder_tensors = 0, byte_tensors = 0;
  for (const auto& [name, t] : model().tensors()) {
    if (name.rfind("encoder.", 0) != 0) continue;
    ++encoder_tensors;
    EXPECT_GT(t.count, 0u) << name;
    if (t.type == TensorType::kU8) ++byte_tensors;
  }
  EXPECT_GE(encoder_tensors, 24u + 2u);
  EXPECT_EQ(byte_tensors, 2u);  // the vocabulary's pieces and scores
  EXPECT_EQ(model().spec().encoder.name, "use-lite");
  const std::string& checksum = model().spec().encoder.weights_checksum;
  EXPECT_EQ(checksum.size(), 16u);
  EXPECT_EQ(checksum, TextEncoder::checksum(model().tensors()));

  const nlohmann::json meta = encoder_file_metadata(bytes());
  EXPECT_EQ(meta["spec"]["architecture"], "encoder");
  EXPECT_EQ(meta["spec"]["encoder"]["name"], "use-lite");
  EXPECT_EQ(meta["spec"]["encoder"]["weights_checksum"], checksum);
  size_t in_table = 0;
  for (const auto& [name, t] : meta["tensors"].items()) {
    if (name.rfind("encoder.", 0) != 0) continue;
    ++in_table;
    EXPECT_TRUE(t["dtype"] == "f32" || t["dtype"] == "u8") << name;
  }
  EXPECT_EQ(in_table, encoder_tensors);
  EXPECT_EQ(meta["tensors"]["encoder.vocab.pieces"]["dtype"], "u8");
}

// Training fine-tunes the encoder's top layers by default: the model's layer-1 and tanh
// tensors are tuned (the layer-0 ones and the vocabulary are the package's), the spec says
// so, and the mix of n-gram and encoder logits is recorded per loss unit.
TEST_F(EncoderModel, FineTunedTopLayersAndTheirMixAreInTheModel) {
  Result<TensorDataMap> package = TextEncoder::import_package(default_encoder_dir());
  ASSERT_TRUE(package.is_ok()) << package.status().to_string();
  size_t tuned = 0, same = 0;
  for (const auto& [name, t] : *package) {
    const auto it = model().tensors().find(name);
    ASSERT_NE(it, model().tensors().end()) << name;
    const TensorView& v = it->second;
    const TensorView w = t.view();
    ASSERT_EQ(v.size_bytes(), w.size_bytes()) << name;
    const bool equal = std::memcmp(v.data, w.data, w.size_bytes()) == 0;
    const bool top = name.find("use_lite.layer_1/") != std::string::npos ||
                     name.find("use_lite.tanh_layer/") != std::string::npos;
    EXPECT_EQ(equal, !top) << name;
    (top ? tuned : same) += 1;
  }
  EXPECT_EQ(tuned, 14u);
  EXPECT_EQ(model().spec().encoder.fine_tune_epochs, 1.0);
  const nlohmann::json& mix = model().metadata()["combination"];
  ASSERT_TRUE(mix.is_object()) << model().metadata().dump();
  EXPECT_EQ(mix["chosen_on"], "validation");
  ASSERT_EQ(mix["units"].size(), 1u);  // the single-label head "tone"
  const double a = mix["units"][0]["ngram_weight"].get<double>();
  EXPECT_GE(a, 0.0);
  EXPECT_LE(a, 1.0);
  const nlohmann::json meta = encoder_file_metadata(bytes());
  EXPECT_EQ(meta["spec"]["encoder"]["fine_tune_epochs"], 1.0);
}

TEST(EncoderTraining, WithoutFineTuningTheEncoderIsThePackages) {
  ENCODER_REQUIRE_PACKAGE();
  TempDir dir;
  write_file(dir.file("train.jsonl"), encoder_toxic_polite_lines(60, 5));
  write_file(dir.file("valid.jsonl"), encoder_toxic_polite_lines(20, 6));
  TrainOptions o = encoder_options(dir);
  o.training_steps = 5;
  o.fine_tune_epochs = 0;
  Result<std::shared_ptr<const Model>> m = train_model(o);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  Result<TensorDataMap> package = TextEncoder::import_package(default_encoder_dir());
  ASSERT_TRUE(package.is_ok());
  TensorMap views;
  for (const auto& [name, t] : *package) views.emplace(name, t.view());
  EXPECT_EQ((*m)->spec().encoder.weights_checksum, TextEncoder::checksum(views));
  EXPECT_EQ((*m)->spec().encoder.fine_tune_epochs, 0.0);
  EXPECT_FALSE((*m)->metadata().contains("combination"));
  o.fine_tune_epochs = 21;
  Result<std::shared_ptr<const Model>> bad = train_model(o);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("fine-tune epochs must be in [0, 20]"), std::string::npos)
      << bad.status().message();
}

// The body checksum guards against damage in transit; the encoder checksum guards the
// weights themselves: a file whose encoder bytes changed before it was checksummed (a bad
// copy of the weights, an edited file) must not load.
TEST_F(EncoderModel, ChangedEncoderBytesFailTheEncoderChecksum) {
  const nlohmann::json meta = encoder_file_metadata(bytes());
  const uint64_t tensors_offset = header_u64(bytes(), 40);
  std::vector<std::string> victims;
  for (const auto& [name, t] : meta["tensors"].items()) {
    if (name.rfind("encoder.use_lite.", 0) == 0 && victims.empty()) victims.push_back(name);
  }
  victims.push_back("encoder.vocab.scores_f64");
  victims.push_back("encoder.vocab.pieces");
  TempDir dir;
  for (const std::string& name : victims) {
    const nlohmann::json& t = meta["tensors"][name];
    const uint64_t count = t["count"].get<uint64_t>();
    const uint64_t width = t["dtype"] == "f32" ? 4 : 1;
    std::string damaged = bytes();
    // A low mantissa bit of a float in the middle, a byte of a piece or score.
    const uint64_t at = tensors_offset + t["offset"].get<uint64_t>() + (count / 2) * width;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x01);
    encoder_fix_checksums(&damaged);
    Result<std::shared_ptr<const Model>> m = parse_model(damaged);
    ASSERT_FALSE(m.is_ok()) << name;
    EXPECT_EQ(m.status().code(), StatusCode::kCorruption) << name;
    EXPECT_NE(m.status().message().find("encoder weights do not match their checksum"),
              std::string::npos)
        << name << ": " << m.status().message();
    // The same from a file, whose path the error names.
    write_file(dir.file("damaged.winnow"), damaged);
    Result<std::shared_ptr<const Model>> f = load_model(dir.file("damaged.winnow"));
    ASSERT_FALSE(f.is_ok());
    EXPECT_EQ(f.status().code(), StatusCode::kCorruption);
    EXPECT_NE(f.status().message().find("damaged.winnow"), std::string::npos);
  }
  // Without fixing the body checksum, the body checksum catches it first.
  std::string damaged = bytes();
  damaged[damaged.size() - 10] ^= 0x40;
  Result<std::shared_ptr<const Model>> m = parse_model(damaged);
  ASSERT_FALSE(m.is_ok());
  EXPECT_NE(m.status().message().find("model file is damaged"), std::string::npos);
}

TEST_F(EncoderModel, MissingOrChangedEncoderTensorsAreClearErrors) {
  const std::vector<std::pair<std::string, std::function<void(nlohmann::json&)>>> cases = {
      {"encoder.vocab.pieces",
       [](nlohmann::json& m) { m["tensors"].erase("encoder.vocab.pieces"); }},
      {"encoder.vocab.scores_f64",
       [](nlohmann::json& m) { m["tensors"]["encoder.vocab.scores_f64"]["dtype"] = "f32"; }},
      {"weights_checksum",
       [](nlohmann::json& m) { m["spec"]["encoder"].erase("weights_checksum"); }},
      {"naming 'use-lite' (found 'bert')",
       [](nlohmann::json& m) { m["spec"]["encoder"]["name"] = "bert"; }},
      {"needs an encoder block", [](nlohmann::json& m) { m["spec"].erase("encoder"); }},
      {"tensor linear.weight has 8192 f32 values",  // n-gram rows only: no embedding rows
       [](nlohmann::json& m) { m["tensors"]["linear.weight"]["count"] = 8192; }},
      {"do not match their checksum",
       [](nlohmann::json& m) { m["spec"]["encoder"]["weights_checksum"] = "0123456789abcdef"; }},
  };
  std::string first_network_tensor;
  const nlohmann::json meta = encoder_file_metadata(bytes());
  for (const auto& [name, t] : meta["tensors"].items()) {
    if (name.rfind("encoder.use_lite.", 0) == 0 && first_network_tensor.empty()) {
      first_network_tensor = name;
    }
  }
  ASSERT_FALSE(first_network_tensor.empty());
  auto check = [](const std::string& want, const std::string& file) {
    Result<std::shared_ptr<const Model>> m = parse_model(file);
    ASSERT_FALSE(m.is_ok()) << want;
    EXPECT_EQ(m.status().code(), StatusCode::kCorruption) << want;
    EXPECT_NE(m.status().message().find(want), std::string::npos)
        << want << ": " << m.status().message();
  };
  for (const auto& [want, edit] : cases) check(want, encoder_with_metadata(bytes(), edit));
  // A network tensor dropped from the table: the error names it (by the network's short key,
  // the name after "encoder.use_lite.").
  const std::string key = first_network_tensor.substr(std::string("encoder.use_lite.").size());
  check("tensor " + key, encoder_with_metadata(bytes(), [&](nlohmann::json& m) {
          m["tensors"].erase(first_network_tensor);
        }));
  // The unchanged metadata still loads (the helper itself is sound).
  EXPECT_TRUE(parse_model(encoder_with_metadata(bytes(), [](nlohmann::json&) {})).is_ok());
}

TEST_F(EncoderModel, NewSpecKeepsTheEncoder) {
  ModelSpec spec = model().spec();
  spec.heads[0].thresholds = {0.25f, 0.75f};
  Result<std::shared_ptr<const Model>> m = model().with_spec(spec, {{"note", "retuned"}});
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_EQ(encoder_scores(**m, "you idiot"), encoder_scores(model(), "you idiot"));
  spec.architecture = "linear";
  EXPECT_FALSE(model().with_spec(spec, nullptr).is_ok());
}

TEST_F(EncoderModel, ScoresAgreeAcrossThreads) {
  const std::vector<std::string> texts = {"you are a pathetic idiot", "thank you, kind reviewer",
                                          "", "what a worthless loser you are today",
                                          "please be helpful"};
  std::vector<std::vector<float>> expected;
  for (const std::string& t : texts) expected.push_back(encoder_scores(model(), t));
  std::vector<std::vector<std::vector<float>>> got(3);
  std::vector<std::thread> threads;
  for (size_t k = 0; k < got.size(); ++k) {
    threads.emplace_back([&, k] {
      PredictScratch scratch;  // one per thread, reused across texts
      for (int round = 0; round < 2; ++round) {
        for (const std::string& t : texts) {
          std::vector<float> s(model().num_outputs());
          model().predict(t, &scratch, s);
          if (round == 1) got[k].push_back(std::move(s));
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k], expected) << "thread " << k;
}

TEST(EncoderTraining, IsDeterministicWithOneThreadAndASeed) {
  ENCODER_REQUIRE_PACKAGE();
  TempDir dir;
  write_file(dir.file("train.jsonl"), encoder_toxic_polite_lines(80, 3));
  write_file(dir.file("valid.jsonl"), encoder_toxic_polite_lines(20, 4));
  TrainOptions o = encoder_options(dir);
  o.training_steps = 5;
  o.seed = 11;
  Result<std::shared_ptr<const Model>> a = train_model(o);
  Result<std::shared_ptr<const Model>> b = train_model(o);
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  ASSERT_TRUE(b.is_ok()) << b.status().to_string();
  EXPECT_TRUE(std::equal((*a)->weights().begin(), (*a)->weights().end(), (*b)->weights().begin(),
                         (*b)->weights().end()));
  EXPECT_EQ((*a)->heads()[0].thresholds, (*b)->heads()[0].thresholds);
}

TEST(EncoderTraining, MissingPackageDirectoryIsNotFoundNamingSetup) {
  Result<TensorDataMap> imported = TextEncoder::import_package("/nonexistent/use-lite/dist");
  ASSERT_FALSE(imported.is_ok());
  EXPECT_EQ(imported.status().code(), StatusCode::kNotFound);
  EXPECT_NE(imported.status().message().find("scripts/setup.sh"), std::string::npos)
      << imported.status().message();
  EXPECT_NE(imported.status().message().find("/nonexistent/use-lite/dist"), std::string::npos);

  // train_model reports the same before any step.
  TempDir dir;
  write_file(dir.file("train.jsonl"), encoder_toxic_polite_lines(20, 1));
  write_file(dir.file("valid.jsonl"), encoder_toxic_polite_lines(10, 2));
  TrainOptions o = encoder_options(dir);
  o.encoder_dir = "/nonexistent/use-lite/dist";
  int steps = 0;
  o.on_event = [&](const TrainEvent& e) { steps += e.kind == TrainEvent::Kind::kStep ? 1 : 0; };
  Result<std::shared_ptr<const Model>> m = train_model(o);
  ASSERT_FALSE(m.is_ok());
  EXPECT_EQ(m.status().code(), StatusCode::kNotFound);
  EXPECT_NE(m.status().message().find("scripts/setup.sh"), std::string::npos);
  EXPECT_EQ(steps, 0);
}

TEST(EncoderTraining, PackageDirectoryWithoutTheModelIsAnError) {
  TempDir dir;  // exists, but holds no model.json
  Result<TensorDataMap> imported = TextEncoder::import_package(dir.path().string());
  ASSERT_FALSE(imported.is_ok());
  EXPECT_NE(imported.status().message().find("model.json"), std::string::npos)
      << imported.status().message();
}

TEST(EncoderTraining, RejectsANonPositiveEncoderNorm) {
  TrainOptions o;
  o.train_files.push_back({"/nonexistent.jsonl", 1.0});
  o.architecture = "encoder";
  for (float norm : {0.0f, -1.0f, std::nanf(""), INFINITY}) {
    o.encoder_norm = norm;
    const Status s = check_train_options(o);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << norm;
    EXPECT_NE(s.message().find("encoder norm"), std::string::npos) << s.message();
  }
}

TEST(EncoderTraining, TextEncoderCreateNamesMissingVocabulary) {
  Result<std::shared_ptr<const TextEncoder>> e = TextEncoder::create(TensorMap{});
  ASSERT_FALSE(e.is_ok());
  EXPECT_EQ(e.status().code(), StatusCode::kCorruption);
  EXPECT_NE(e.status().message().find("encoder.vocab.pieces"), std::string::npos)
      << e.status().message();
}

// Regression test: with Debian's serial OpenBLAS (built without USE_LOCKING) texts of a hundred
// pieces or more came out different, by up to ~0.06 per component, when threads embedded at
// the same time; CMakeLists.txt links the pthread build since.
TEST(EncoderThreads, LongTextsEmbedTheSameFromSeveralThreads) {
  ENCODER_REQUIRE_PACKAGE();
  Result<TensorDataMap> imported = TextEncoder::import_package(default_encoder_dir());
  ASSERT_TRUE(imported.is_ok()) << imported.status().to_string();
  TensorMap views;
  for (const auto& [name, t] : *imported) views.emplace(name, t.view());
  Result<std::shared_ptr<const TextEncoder>> encoder = TextEncoder::create(views);
  ASSERT_TRUE(encoder.is_ok()) << encoder.status().to_string();
  std::vector<std::string> texts;
  for (int i = 0; i < 40; ++i) {
    std::string t;
    for (int w = 0; w < 10 + i * 4; ++w) t += "word" + std::to_string((w * 7 + i) % 50) + " ";
    texts.push_back(t);
  }
  std::vector<std::vector<float>> expected(texts.size(), std::vector<float>(512));
  EncoderScratch alone;
  for (size_t i = 0; i < texts.size(); ++i) (*encoder)->embed(texts[i], &alone, expected[i]);
  std::vector<int> differing(4, 0);
  std::vector<std::thread> threads;
  for (size_t k = 0; k < differing.size(); ++k) {
    threads.emplace_back([&, k] {
      EncoderScratch scratch;
      std::vector<float> e(512);
      for (int round = 0; round < 5; ++round) {
        for (size_t i = 0; i < texts.size(); ++i) {
          (*encoder)->embed(texts[i], &scratch, e);
          if (e != expected[i]) ++differing[k];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(differing, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace winnow
