#include "train/trainer.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>

#include "model/model_io.h"
#include "test_support.h"
#include "winnow/classifier.h"

namespace winnow {
namespace {

using testing::TempDir;
using testing::write_file;

const char* kPositive[] = {"wonderful", "great", "lovely", "superb", "excellent"};
const char* kNegative[] = {"awful", "terrible", "horrid", "dreadful", "lousy"};
const char* kFiller[] = {"the", "movie", "was", "really", "quite", "plot", "actors", "and"};

// n samples of a separable sentiment task, one JSON line each.
std::string sentiment_lines(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out;
  for (int i = 0; i < n; ++i) {
    const bool pos = i % 2 == 0;
    std::string text;
    for (int w = 0; w < 6; ++w) text += std::string(kFiller[rng() % 8]) + " ";
    text += pos ? kPositive[rng() % 5] : kNegative[rng() % 5];
    out += R"({"text": ")" + text + R"(", "labels": {"sentiment": ")" +
           (pos ? "positive" : "negative") + "\"}}\n";
  }
  return out;
}

TrainOptions small_options(const std::string& train, const std::string& valid) {
  TrainOptions o;
  o.train_files.push_back({train, 1.0});
  if (!valid.empty()) o.validation_files.push_back(valid);
  o.features.hash_bits = 14;
  o.tokens_per_step = 256;
  o.epochs = 5;
  o.threads = 1;
  return o;
}

TEST(Trainer, LearnsSeparableDataPerfectly) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), sentiment_lines(200, 1));
  write_file(dir.file("valid.jsonl"), sentiment_lines(60, 2));
  auto model = train_model(small_options(dir.file("train.jsonl"), dir.file("valid.jsonl")));
  ASSERT_TRUE(model.is_ok()) << model.status().to_string();
  const nlohmann::json& v = (*model)->metadata()["validation"];
  EXPECT_DOUBLE_EQ(v["macro_roc_auc"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(v["macro_f1"].get<double>(), 1.0);
  Classifier clf(*model);
  ASSERT_EQ(clf.heads().size(), 1u);
  EXPECT_FALSE(clf.heads()[0].multi_label);
  const Classification good = clf.classify("the actors were superb");
  const Classification bad = clf.classify("the plot was dreadful");
  const int p = clf.heads()[0].label_index("positive");
  ASSERT_GE(p, 0);
  EXPECT_GT(good.scores[0][static_cast<size_t>(p)], 0.8f);
  EXPECT_LT(bad.scores[0][static_cast<size_t>(p)], 0.2f);
  EXPECT_EQ(clf.flags(good, 0), std::vector<std::string_view>{"positive"});
}

// Several threads update shared weight rows without locks (Hogwild, trainer.h): results vary
// slightly from run to run, but separable data must still be learned. This is also the test
// that runs the Hogwild path under ThreadSanitizer (scripts/tsan.sh).
TEST(Trainer, LearnsSeparableDataWithSeveralHogwildThreads) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), sentiment_lines(200, 1));
  write_file(dir.file("valid.jsonl"), sentiment_lines(60, 2));
  TrainOptions o = small_options(dir.file("train.jsonl"), dir.file("valid.jsonl"));
  o.threads = 4;
  auto model = train_model(o);
  ASSERT_TRUE(model.is_ok()) << model.status().to_string();
  EXPECT_GE((*model)->metadata()["validation"]["macro_roc_auc"].get<double>(), 0.99);
}

// The cookbook's "product" shape: a multi-label head and a single-label head in one file; the
// second head is left out by some samples.
std::string product_lines(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out;
  for (int i = 0; i < n; ++i) {
    const int kind = static_cast<int>(rng() % 3);
    const bool italy = rng() % 2 == 0;
    std::string text = italy ? "prodotto di roma " : "produit de paris ";
    std::string food;
    if (kind == 0) {
      text += "salty chips";
      food = R"(["snacks"])";
    } else if (kind == 1) {
      text += "chocolate bar";
      food = R"(["snacks", "sweet"])";
    } else {
      text += "red wine";
      food = R"(["drinks"])";
    }
    const std::string country = italy ? "italy" : "france";
    if (i % 5 == 4) {
      out += R"({"text": ")" + text + R"(", "labels": {"food": )" + food + "}}\n";
    } else {
      out += R"({"text": ")" + text + R"(", "labels": {"food": )" + food + R"(, "country": ")" +
             country + "\"}}\n";
    }
  }
  return out;
}

TEST(Trainer, TrainsMixedMultiLabelAndSingleLabelHeads) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), product_lines(300, 3));
  write_file(dir.file("valid.jsonl"), product_lines(60, 4));
  auto model = train_model(small_options(dir.file("train.jsonl"), dir.file("valid.jsonl")));
  ASSERT_TRUE(model.is_ok()) << model.status().to_string();
  Classifier clf(*model);
  ASSERT_EQ(clf.heads().size(), 2u);
  EXPECT_EQ(clf.heads()[0].name, "food");
  EXPECT_TRUE(clf.heads()[0].multi_label);
  EXPECT_EQ(clf.heads()[0].labels.size(), 3u);
  EXPECT_EQ(clf.heads()[1].name, "country");
  EXPECT_FALSE(clf.heads()[1].multi_label);

  const Classification c = clf.classify("chocolate bar prodotto di roma");
  std::vector<std::string_view> food = clf.flags(c, 0);
  std::sort(food.begin(), food.end());
  EXPECT_EQ(food, (std::vector<std::string_view>{"snacks", "sweet"}));
  EXPECT_EQ(clf.flags(c, 1), std::vector<std::string_view>{"italy"});
  const float country_sum = c.scores[1][0] + c.scores[1][1];
  EXPECT_NEAR(country_sum, 1.0f, 1e-5f);
  const std::string json = clf.to_json(c, true);
  const nlohmann::json j = nlohmann::json::parse(json);
  EXPECT_TRUE(j["food"]["scores"].contains("sweet"));
  EXPECT_EQ(j["country"]["flags"], nlohmann::json::array({"italy"}));
}

TEST(Trainer, NormalizedScoresSumToOnePerHead) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), product_lines(200, 5));
  TrainOptions o = small_options(dir.file("train.jsonl"), "");
  o.heads.normalized_multi_label = true;
  auto model = train_model(o);
  ASSERT_TRUE(model.is_ok()) << model.status().to_string();
  Classifier clf(*model);
  EXPECT_TRUE(clf.heads()[0].normalized);
  const Classification c = clf.classify("chocolate bar");
  float sum = 0;
  for (float s : c.scores[0]) sum += s;
  EXPECT_NEAR(sum, 1.0f, 1e-5f);
  // Mass is spread over the two gold labels.
  EXPECT_GT(c.scores[0][static_cast<size_t>(clf.heads()[0].label_index("snacks"))], 0.3f);
  EXPECT_GT(c.scores[0][static_cast<size_t>(clf.heads()[0].label_index("sweet"))], 0.3f);
}

TEST(Trainer, IsDeterministicWithOneThreadAndASeed) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), product_lines(200, 6));
  write_file(dir.file("valid.jsonl"), product_lines(40, 7));
  TrainOptions o = small_options(dir.file("train.jsonl"), dir.file("valid.jsonl"));
  o.seed = 42;
  auto a = train_model(o);
  auto b = train_model(o);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  ASSERT_EQ((*a)->weights().size(), (*b)->weights().size());
  EXPECT_TRUE(std::equal((*a)->weights().begin(), (*a)->weights().end(), (*b)->weights().begin()));
  EXPECT_TRUE(std::equal((*a)->bias().begin(), (*a)->bias().end(), (*b)->bias().begin()));
  EXPECT_EQ((*a)->heads()[0].thresholds, (*b)->heads()[0].thresholds);
  o.seed = 43;
  auto c = train_model(o);
  ASSERT_TRUE(c.is_ok());
  EXPECT_FALSE(std::equal((*a)->weights().begin(), (*a)->weights().end(), (*c)->weights().begin()));
}

TEST(Trainer, SearchesWeightDecayPerLabelUnlessFixed) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), product_lines(200, 17));
  write_file(dir.file("valid.jsonl"), product_lines(40, 18));
  TrainOptions o = small_options(dir.file("train.jsonl"), dir.file("valid.jsonl"));
  auto searched = train_model(o);
  ASSERT_TRUE(searched.is_ok());
  // One selection entry per multi-label label plus one per softmax head.
  const nlohmann::json& sel = (*searched)->metadata()["selection"];
  ASSERT_EQ(sel.size(), 4u);
  for (const auto& s : sel) {
    const double wd = s["weight_decay"].get<double>();
    EXPECT_TRUE(wd == 0.025 || wd == 0.1 || wd == 0.4 || wd == 1.6) << wd;
  }
  EXPECT_EQ(sel[3]["labels"].size(), 2u);  // the country head, as a whole
  o.l2_search = false;
  auto fixed = train_model(o);
  ASSERT_TRUE(fixed.is_ok());
  for (const auto& s : (*fixed)->metadata()["selection"]) EXPECT_EQ(s["weight_decay"], 0.1);
}

// The accuracy reported with each validation pass (the API's valid_mean_token_accuracy) of a
// multi-label head: the set of labels over 0.5 must equal the gold set. Separable data reaches 1.
TEST(Trainer, ReportsExactSetAccuracyOfAMultiLabelHead) {
  TempDir dir;
  auto as_lists = [](std::string lines) {
    for (const char* label : {"positive", "negative"}) {
      const std::string from = std::string("\"") + label + "\"}";
      const std::string to = std::string("[\"") + label + "\"]}";
      for (size_t at = lines.find(from); at != std::string::npos; at = lines.find(from, at)) {
        lines.replace(at, from.size(), to);
        at += to.size();
      }
    }
    return lines;
  };
  write_file(dir.file("train.jsonl"), as_lists(sentiment_lines(200, 11)));
  write_file(dir.file("valid.jsonl"), as_lists(sentiment_lines(60, 12)));
  TrainOptions o = small_options(dir.file("train.jsonl"), dir.file("valid.jsonl"));
  std::optional<double> last_accuracy;
  o.on_event = [&](const TrainEvent& e) {
    if (e.kind == TrainEvent::Kind::kEvaluated) last_accuracy = e.valid_accuracy;
  };
  auto model = train_model(o);
  ASSERT_TRUE(model.is_ok()) << model.status().to_string();
  ASSERT_TRUE(Classifier(*model).heads()[0].multi_label);
  ASSERT_TRUE(last_accuracy.has_value());
  EXPECT_GE(*last_accuracy, 0.95);
}

TEST(Trainer, ReportsEventsInOrder) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), sentiment_lines(100, 8));
  write_file(dir.file("valid.jsonl"), sentiment_lines(20, 9));
  TrainOptions o = small_options(dir.file("train.jsonl"), dir.file("valid.jsonl"));
  o.training_steps = 10;
  o.epochs.reset();
  o.evaluations = 5;
  std::vector<TrainEvent::Kind> kinds;
  std::vector<std::string> lines;
  o.on_event = [&](const TrainEvent& e) {
    kinds.push_back(e.kind);
    lines.push_back(train_event_json(e));
  };
  ASSERT_TRUE(train_model(o).is_ok());
  ASSERT_GE(kinds.size(), 3u);
  EXPECT_EQ(kinds.front(), TrainEvent::Kind::kStarted);
  EXPECT_EQ(kinds.back(), TrainEvent::Kind::kFinished);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), TrainEvent::Kind::kStep), 10);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), TrainEvent::Kind::kEvaluated), 5);
  for (const std::string& l : lines) {
    const nlohmann::json j = nlohmann::json::parse(l);
    EXPECT_TRUE(j.contains("event"));
    if (j["event"] == "step" || j["event"] == "eval") {
      // The progress bar's numbers: a positive rate, and an ETA that reaches 0 at the last step.
      EXPECT_GT(j["steps_per_second"].get<double>(), 0.0) << l;
      EXPECT_GE(j["eta_s"].get<double>(), 0.0) << l;
      if (j["step"] == 10) {
        EXPECT_EQ(j["eta_s"].get<double>(), 0.0) << l;
      }
    }
  }
  const nlohmann::json started = nlohmann::json::parse(lines.front());
  EXPECT_EQ(started["details"]["hyperparameters"]["training_steps"], 10);
  EXPECT_EQ(started["details"]["training_data"]["samples"], 100);
}

TEST(Trainer, FileWeightsAndEpochsShapeThePlan) {
  TempDir dir;
  write_file(dir.file("a.jsonl"), sentiment_lines(100, 10));
  write_file(dir.file("b.jsonl"), sentiment_lines(100, 11));
  TrainOptions o = small_options(dir.file("a.jsonl"), "");
  o.train_files.push_back({dir.file("b.jsonl"), 3.0});
  o.epochs = 2;
  nlohmann::json details;
  o.on_event = [&](const TrainEvent& e) {
    if (e.kind == TrainEvent::Kind::kStarted) details = e.details;
  };
  ASSERT_TRUE(train_model(o).is_ok());
  const uint64_t tokens = details["training_data"]["data_tokens"].get<uint64_t>();
  const int64_t steps = details["hyperparameters"]["training_steps"].get<int64_t>();
  EXPECT_NEAR(static_cast<double>(steps) * 256, 2.0 * static_cast<double>(tokens),
              2.0 * static_cast<double>(tokens) * 0.1 + 256);
  EXPECT_EQ(details["training_data"]["files"][1]["weight"], 3.0);
}

TEST(Trainer, RejectsValidationLabelsUnknownToTraining) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), sentiment_lines(20, 12));
  write_file(
      dir.file("valid.jsonl"),
      sentiment_lines(2, 13) + R"({"text": "meh", "labels": {"sentiment": "neutral"}})" + "\n");
  auto model = train_model(small_options(dir.file("train.jsonl"), dir.file("valid.jsonl")));
  ASSERT_FALSE(model.is_ok());
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("valid.jsonl:3: labels.sentiment: label 'neutral'"),
            std::string::npos)
      << model.status().message();
}

TEST(Trainer, RejectsAHeadWithASingleLabel) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), R"({"text": "a", "labels": {"x": "only"}})"
                                      "\n"
                                      R"({"text": "b", "labels": {"x": "only"}})"
                                      "\n");
  auto model = train_model(small_options(dir.file("train.jsonl"), ""));
  ASSERT_FALSE(model.is_ok());
  EXPECT_NE(model.status().message().find("head 'x' has only the label 'only'"), std::string::npos);
}

TEST(Trainer, NamesTheFileAndLineOfABadLine) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), sentiment_lines(3, 14) + "{not json\n");
  auto model = train_model(small_options(dir.file("train.jsonl"), ""));
  ASSERT_FALSE(model.is_ok());
  EXPECT_EQ(model.status().message().rfind(dir.file("train.jsonl") + ":4: ", 0), 0u)
      << model.status().message();
}

TEST(Trainer, SkipsBadLinesWithinTheAllowedFraction) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), sentiment_lines(30, 15) + "{not json\n");
  TrainOptions o = small_options(dir.file("train.jsonl"), "");
  o.max_invalid_fraction = 0.1;
  EXPECT_TRUE(train_model(o).is_ok());
  o.max_invalid_fraction = 0.01;
  EXPECT_FALSE(train_model(o).is_ok());
}

TEST(Trainer, StopsWhenCancelled) {
  TempDir dir;
  write_file(dir.file("train.jsonl"), sentiment_lines(50, 16));
  TrainOptions o = small_options(dir.file("train.jsonl"), "");
  std::atomic<bool> cancel{false};
  o.cancel = &cancel;
  o.on_event = [&](const TrainEvent& e) {
    if (e.kind == TrainEvent::Kind::kStep && e.step == 2) cancel = true;
  };
  auto model = train_model(o);
  ASSERT_FALSE(model.is_ok());
  EXPECT_EQ(model.status().code(), StatusCode::kCancelled);
}

TEST(Trainer, RejectsBadOptionsBeforeReadingData) {
  TrainOptions o;
  o.train_files.push_back({"/nonexistent.jsonl", 1.0});
  o.learning_rate = 2;
  EXPECT_NE(check_train_options(o).message().find("learning rate"), std::string::npos);
  o.learning_rate = 1e-4;
  o.training_steps = 10;
  o.epochs = 1;
  EXPECT_FALSE(check_train_options(o).is_ok());
  o.epochs.reset();
  o.architecture = "gpt-9";
  EXPECT_NE(check_train_options(o).message().find("unknown model architecture"), std::string::npos);
  o.architecture = "ministral-3b-latest";
  EXPECT_TRUE(check_train_options(o).is_ok());
}

TEST(ParseTrainFileArg, SplitsANumericWeightOffThePath) {
  auto a = parse_train_file_arg("data/train.jsonl:2.5");
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(a->path, "data/train.jsonl");
  EXPECT_DOUBLE_EQ(a->weight, 2.5);
  auto b = parse_train_file_arg("c:/odd:name.jsonl");
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b->path, "c:/odd:name.jsonl");
  EXPECT_DOUBLE_EQ(b->weight, 1.0);
  EXPECT_FALSE(parse_train_file_arg("x.jsonl:0").is_ok());
  EXPECT_FALSE(parse_train_file_arg("x.jsonl:-1").is_ok());
}

}  // namespace
}  // namespace winnow
