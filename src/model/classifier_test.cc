#include "winnow/classifier.h"

#include <gtest/gtest.h>

#include <thread>

#include "model/model_io.h"
#include "test_support.h"
#include "train/trainer.h"

namespace winnow {
namespace {

using testing::TempDir;
using testing::write_file;

// Trains a small two-head model once for the tests below.
const std::string& trained_model_path() {
  static TempDir dir_storage;  // removed at exit
  static TempDir* dir = &dir_storage;
  static const std::string path = [] {
    std::string lines;
    const char* words[] = {"calm", "kind", "nice", "rude", "nasty", "mean"};
    for (int i = 0; i < 240; ++i) {
      const bool bad = i % 2 == 1;
      const std::string text = std::string(words[(i / 2) % 3 + (bad ? 3 : 0)]) + " reply number " +
                               std::to_string(i % 17) + (i % 3 == 0 ? " merci" : " thanks");
      lines += R"({"text": ")" + text + R"(", "labels": {"tone": [")" + (bad ? "rude" : "polite") +
               R"("], "lang": ")" + (i % 3 == 0 ? "fr" : "en") + "\"}}\n";
    }
    write_file(dir->file("train.jsonl"), lines);
    TrainOptions o;
    o.train_files.push_back({dir->file("train.jsonl"), 1.0});
    o.validation_files.push_back(dir->file("train.jsonl"));
    o.features.hash_bits = 12;
    o.tokens_per_step = 512;
    o.epochs = 4;
    o.threads = 1;
    auto model = train_model(o);
    EXPECT_TRUE(model.is_ok()) << model.status().to_string();
    EXPECT_TRUE(save_model(**model, dir->file("m.winnow")).is_ok());
    return dir->file("m.winnow");
  }();
  return path;
}

TEST(Classifier, LoadsAFileAndDescribesItsHeads) {
  auto clf = Classifier::load(trained_model_path());
  ASSERT_TRUE(clf.is_ok()) << clf.status().to_string();
  ASSERT_EQ(clf->heads().size(), 2u);
  EXPECT_EQ(clf->heads()[0].name, "tone");
  EXPECT_TRUE(clf->heads()[0].multi_label);
  EXPECT_FALSE(clf->heads()[0].normalized);
  EXPECT_EQ(clf->heads()[1].labels, (std::vector<std::string>{"fr", "en"}));
  EXPECT_EQ(clf->heads()[0].label_index("missing"), -1);
  const nlohmann::json meta = nlohmann::json::parse(clf->metadata_json());
  EXPECT_TRUE(meta["validation"]["macro_roc_auc"].is_number());
}

TEST(Classifier, LoadReportsWhyAFileIsNotAModel) {
  TempDir dir;
  write_file(dir.file("x.winnow"), "hello");
  auto clf = Classifier::load(dir.file("x.winnow"));
  ASSERT_FALSE(clf.is_ok());
  EXPECT_NE(clf.status().message().find("not a Winnow model file"), std::string::npos);
}

TEST(Classifier, ScoresAreIdenticalAcrossThreadsAndBatches) {
  auto clf = Classifier::load(trained_model_path());
  ASSERT_TRUE(clf.is_ok());
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i) texts.push_back("nasty reply number " + std::to_string(i));
  std::vector<Classification> single;
  for (const std::string& t : texts) single.push_back(clf->classify(t));
  std::vector<std::string_view> views(texts.begin(), texts.end());
  const std::vector<Classification> batch = clf->classify_batch(views, 4);
  ASSERT_EQ(batch.size(), single.size());
  for (size_t i = 0; i < single.size(); ++i) EXPECT_EQ(batch[i].scores, single[i].scores) << i;

  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        for (size_t i = 0; i < texts.size(); ++i) {
          if (clf->classify(texts[i]).scores != single[i].scores)
            ++mismatches[static_cast<size_t>(t)];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST(Classifier, JsonHasTheApiShapeAndRoundTripsScores) {
  auto clf = Classifier::load(trained_model_path());
  ASSERT_TRUE(clf.is_ok());
  const Classification c = clf->classify("rude reply merci");
  const nlohmann::json j = nlohmann::json::parse(clf->to_json(c, true));
  ASSERT_TRUE(j.contains("tone") && j.contains("lang"));
  EXPECT_EQ(j["tone"]["scores"].size(), 2u);
  // Scores print in the shortest form that reads back to the same float.
  EXPECT_EQ(j["tone"]["scores"]["rude"].get<float>(),
            c.scores[0][static_cast<size_t>(clf->heads()[0].label_index("rude"))]);
  EXPECT_EQ(j["tone"]["flags"], nlohmann::json::array({"rude"}));
  EXPECT_EQ(j["lang"]["flags"], nlohmann::json::array({"fr"}));
  EXPECT_FALSE(nlohmann::json::parse(clf->to_json(c, false))["tone"].contains("flags"));
}

TEST(Classifier, TrainedModelGivesBitIdenticalScoresAfterSaveAndLoad) {
  auto loaded = Classifier::load(trained_model_path());
  ASSERT_TRUE(loaded.is_ok());
  auto again = parse_model(serialize_model(*loaded->model()));
  ASSERT_TRUE(again.is_ok());
  Classifier copy(*again);
  for (const char* t : {"kind reply", "mean reply merci", "", "\xC3\x28 broken utf8"}) {
    EXPECT_EQ(loaded->classify(t).scores, copy.classify(t).scores) << t;
  }
}

}  // namespace
}  // namespace winnow
