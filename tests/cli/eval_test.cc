// `winnow eval` driven as a user would: a model trained by `winnow train` on a mixed file (a
// multi-label head and a single-label head), evaluated on a file whose numbers are recomputed
// here independently from `winnow classify --flags` output.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "test_support.h"

namespace winnow::testing {
namespace {

struct Sample {
  std::string text;
  std::vector<std::string> food;  // empty: the sample leaves the head out
  std::string country;            // empty: the sample leaves the head out
};

std::string to_line(const Sample& s) {
  nlohmann::json labels = nlohmann::json::object();
  if (!s.food.empty()) labels["food"] = s.food;
  if (!s.country.empty()) labels["country"] = s.country;
  return nlohmann::json{{"text", s.text}, {"labels", labels}}.dump() + "\n";
}

// Food words: "chips" (snacks), "candy" (sweet), "pasta" (dishes); country words: "rome",
// "madrid", "paris". `noise` in [0, 1): share of samples whose words are swapped for the wrong
// ones, so a model cannot be perfect on them.
std::vector<Sample> make_samples(int n, unsigned seed, double noise) {
  const char* food_words[] = {"chips", "candy", "pasta"};
  const char* food_labels[] = {"snacks", "sweet", "dishes"};
  const char* country_words[] = {"rome", "madrid", "paris"};
  const char* countries[] = {"italy", "spain", "france"};
  const char* filler[] = {"we", "had", "some", "good", "food", "on", "the", "trip", "last"};
  unsigned state = seed * 2654435761u + 7;
  auto next = [&] { return state = state * 1664525u + 1013904223u, state >> 8; };
  std::vector<Sample> out;
  for (int i = 0; i < n; ++i) {
    Sample s;
    for (int w = 0; w < 4; ++w) s.text += std::string(filler[next() % 9]) + " ";
    const bool noisy = static_cast<double>(next() % 1000) < noise * 1000;
    if (i % 5 != 4) {  // every fifth sample has no food head
      const unsigned a = next() % 3;
      s.food.push_back(food_labels[a]);
      s.text += std::string(food_words[noisy ? (a + 1) % 3 : a]) + " ";
      if (next() % 3 == 0) {
        const unsigned b = (a + 1 + next() % 2) % 3;
        s.food.push_back(food_labels[b]);
        s.text += std::string(food_words[b]) + " ";
      }
    }
    if (i % 7 != 6 || s.food.empty()) {  // every seventh has no country head (unless no food)
      const unsigned c = next() % 3;
      s.country = countries[c];
      s.text += country_words[noisy ? (c + 2) % 3 : c];
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string join(const std::vector<Sample>& samples) {
  std::string out;
  for (const Sample& s : samples) out += to_line(s);
  return out;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
  std::vector<nlohmann::json> rows;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
    rows.push_back(nlohmann::json::parse(text.substr(start, nl - start)));
  }
  return rows;
}

// Share of positive-negative pairs ranked right, ties counting one half (O(n^2), by definition).
double pairwise_auc(const std::vector<double>& scores, const std::vector<int>& truth) {
  double wins = 0, pairs = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!truth[i]) continue;
    for (size_t j = 0; j < scores.size(); ++j) {
      if (truth[j]) continue;
      pairs += 1;
      wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
    }
  }
  return wins / pairs;
}

// Average precision by its definition: the mean, over positives p, of the precision among the
// samples scoring >= score(p).
double definition_ap(const std::vector<double>& scores, const std::vector<int>& truth) {
  double sum = 0;
  int positives = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!truth[i]) continue;
    ++positives;
    double at_or_above = 0, tp = 0;
    for (size_t j = 0; j < scores.size(); ++j) {
      if (scores[j] >= scores[i]) {
        at_or_above += 1;
        tp += truth[j];
      }
    }
    sum += tp / at_or_above;
  }
  return sum / positives;
}

class Eval : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_.file("train.jsonl"), join(make_samples(300, 1, 0.0)));
    write_file(dir_.file("valid.jsonl"), join(make_samples(60, 2, 0.1)));
    test_samples_ = make_samples(70, 3, 0.25);
    write_file(dir_.file("test.jsonl"), join(test_samples_));
  }
  CommandResult train() const {
    return run_command(kWinnow + " train --train " + dir_.file("train.jsonl") + " --validation " +
                       dir_.file("valid.jsonl") + " --out " + model() +
                       " --hash-bits 12 --epochs 5 --threads 1 --quiet");
  }
  std::string model() const { return dir_.file("m.winnow"); }
  TempDir dir_;
  std::vector<Sample> test_samples_;
};

TEST_F(Eval, JsonReportMatchesAnIndependentComputationFromClassifyOutput) {
  ASSERT_EQ(train().exit_code, 0);
  CommandResult e = run_command(kWinnow + " eval " + model() + " " + dir_.file("test.jsonl") +
                                " --json --threads 2");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const nlohmann::json report = nlohmann::json::parse(e.out);
  EXPECT_EQ(report["model"], model());
  EXPECT_EQ(report["file"], dir_.file("test.jsonl"));
  EXPECT_EQ(report["samples"], test_samples_.size());
  ASSERT_EQ(report["heads"].size(), 2u);
  EXPECT_TRUE(report["heads_without_samples"].empty());

  // The same texts through `winnow classify --flags`: scores and flags per sample.
  std::string texts;
  for (const Sample& s : test_samples_) texts += nlohmann::json{{"text", s.text}}.dump() + "\n";
  write_file(dir_.file("texts.jsonl"), texts);
  CommandResult c =
      run_command(kWinnow + " classify --flags " + model() + " < " + dir_.file("texts.jsonl"));
  ASSERT_EQ(c.exit_code, 0) << c.err;
  const std::vector<nlohmann::json> rows = json_lines(c.out);
  ASSERT_EQ(rows.size(), test_samples_.size());

  for (const nlohmann::json& head : report["heads"]) {
    if (head["head"] == "food") {
      EXPECT_EQ(head["kind"], "multi_label");
      EXPECT_EQ(head["threshold_rule"], "score >= threshold");
      size_t with_head = 0;
      for (const Sample& s : test_samples_) with_head += s.food.empty() ? 0 : 1;
      EXPECT_EQ(head["samples"], with_head);  // samples without the head do not count
      ASSERT_EQ(head["labels"].size(), 3u);
      double auc_sum = 0, f1_sum = 0;
      uint64_t micro_tp = 0, micro_fp = 0, micro_fn = 0;
      for (const nlohmann::json& label : head["labels"]) {
        const std::string name = label["name"];
        std::vector<double> scores;
        std::vector<int> truth;
        uint64_t tp = 0, fp = 0, fn = 0;
        for (size_t i = 0; i < test_samples_.size(); ++i) {
          const Sample& s = test_samples_[i];
          if (s.food.empty()) continue;
          const bool positive = std::count(s.food.begin(), s.food.end(), name) > 0;
          const nlohmann::json& flags = rows[i]["food"]["flags"];
          const bool flagged = std::find(flags.begin(), flags.end(), name) != flags.end();
          scores.push_back(rows[i]["food"]["scores"][name].get<double>());
          truth.push_back(positive ? 1 : 0);
          tp += positive && flagged;
          fp += !positive && flagged;
          fn += positive && !flagged;
        }
        const uint64_t positives = static_cast<uint64_t>(std::count(truth.begin(), truth.end(), 1));
        EXPECT_EQ(label["positives"], positives) << name;
        EXPECT_EQ(label["negatives"], truth.size() - positives) << name;
        EXPECT_EQ(label["tp"], tp) << name;
        EXPECT_EQ(label["fp"], fp) << name;
        EXPECT_EQ(label["fn"], fn) << name;
        const double f1 = 2.0 * tp / (2.0 * tp + fp + fn);
        EXPECT_NEAR(label["f1"].get<double>(), f1, 1e-12) << name;
        EXPECT_NEAR(label["precision"].get<double>(), tp + fp ? 1.0 * tp / (tp + fp) : 0.0, 1e-12);
        EXPECT_NEAR(label["recall"].get<double>(), 1.0 * tp / positives, 1e-12) << name;
        EXPECT_NEAR(label["roc_auc"].get<double>(), pairwise_auc(scores, truth), 1e-9) << name;
        EXPECT_NEAR(label["average_precision"].get<double>(), definition_ap(scores, truth), 1e-9)
            << name;
        auc_sum += pairwise_auc(scores, truth);
        f1_sum += f1;
        micro_tp += tp;
        micro_fp += fp;
        micro_fn += fn;
      }
      // The noisy test file keeps the model from being perfect, so the check above has teeth.
      EXPECT_LT(auc_sum / 3, 1.0);
      EXPECT_NEAR(head["macro"]["roc_auc"].get<double>(), auc_sum / 3, 1e-9);
      EXPECT_NEAR(head["macro"]["f1"].get<double>(), f1_sum / 3, 1e-12);
      EXPECT_EQ(head["micro"]["tp"], micro_tp);
      EXPECT_NEAR(head["micro"]["f1"].get<double>(),
                  2.0 * micro_tp / (2.0 * micro_tp + micro_fp + micro_fn), 1e-12);
    } else {
      ASSERT_EQ(head["head"], "country");
      EXPECT_EQ(head["kind"], "single_label");
      const std::vector<std::string> classes = head["confusion_matrix"]["classes"];
      std::map<std::pair<std::string, std::string>, uint64_t> confusion;
      uint64_t with_head = 0, correct = 0;
      for (size_t i = 0; i < test_samples_.size(); ++i) {
        const Sample& s = test_samples_[i];
        if (s.country.empty()) continue;
        ++with_head;
        const std::string predicted = rows[i]["country"]["flags"][0];  // the top label
        ++confusion[std::make_pair(s.country, predicted)];
        correct += predicted == s.country;
      }
      EXPECT_EQ(head["samples"], with_head);
      EXPECT_NEAR(head["accuracy"].get<double>(), 1.0 * correct / with_head, 1e-12);
      EXPECT_LT(correct, with_head);
      const nlohmann::json& counts = head["confusion_matrix"]["counts"];
      for (size_t t = 0; t < classes.size(); ++t) {
        for (size_t p = 0; p < classes.size(); ++p) {
          const uint64_t expected = confusion[std::make_pair(classes[t], classes[p])];
          EXPECT_EQ(counts[t][p], expected) << classes[t] << " -> " << classes[p];
        }
      }
    }
  }
}

TEST_F(Eval, PrintsAlignedTablesPerHead) {
  ASSERT_EQ(train().exit_code, 0);
  CommandResult e = run_command(kWinnow + " eval " + model() + " " + dir_.file("test.jsonl"));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  for (const char* expected :
       {"70 samples", "head food: multi_label", "label   positives  ROC-AUC", "macro", "micro",
        "head country: single_label", "confusion matrix", "true \\ predicted"}) {
    EXPECT_NE(e.out.find(expected), std::string::npos) << expected << "\n" << e.out;
  }
}

TEST_F(Eval, AHeadNoSampleCarriesIsListedNotEvaluated) {
  ASSERT_EQ(train().exit_code, 0);
  write_file(dir_.file("food_only.jsonl"), to_line({"chips and candy", {"snacks", "sweet"}, ""}) +
                                               to_line({"pasta", {"dishes"}, ""}) + "\n" +
                                               to_line({"candy", {"sweet"}, ""}));
  CommandResult e =
      run_command(kWinnow + " eval --json " + model() + " " + dir_.file("food_only.jsonl"));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  const nlohmann::json report = nlohmann::json::parse(e.out);
  EXPECT_EQ(report["samples"], 3);  // the blank line is not a sample
  ASSERT_EQ(report["heads"].size(), 1u);
  EXPECT_EQ(report["heads"][0]["head"], "food");
  EXPECT_EQ(report["heads_without_samples"], nlohmann::json::array({"country"}));
}

TEST_F(Eval, UnknownLabelsAndHeadsFailNamingFileLineAndField) {
  ASSERT_EQ(train().exit_code, 0);
  struct Case {
    std::string line, message;
  };
  const Case cases[] = {
      {R"({"text": "x", "labels": {"food": ["snacks", "soup"]}})",
       ":2: labels.food[1]: label 'soup' is not in the model's head 'food'"},
      {R"({"text": "x", "labels": {"country": "peru"}})",
       ":2: labels.country: label 'peru' is not in the model's head 'country'"},
      {R"({"text": "x", "labels": {"color": "red"}})",
       ":2: labels.color: head 'color' is not in the model"},
      {R"({"text": "x", "labels": {"country": ["italy", "spain"]}})",
       ":2: labels.country: the model's head 'country' is single-label"},
      {R"({"text": "x", "labels": {"food": 3}})", ":2: labels.food: "},
  };
  for (const Case& c : cases) {
    write_file(dir_.file("bad.jsonl"), to_line({"chips", {"snacks"}, "italy"}) + c.line + "\n");
    CommandResult e = run_command(kWinnow + " eval " + model() + " " + dir_.file("bad.jsonl"));
    EXPECT_EQ(e.exit_code, 1) << c.line;
    EXPECT_NE(e.err.find(dir_.file("bad.jsonl") + c.message), std::string::npos) << e.err;
    EXPECT_TRUE(e.out.empty()) << e.out;
  }
}

TEST_F(Eval, BadInvocationsAreUsageOrInputErrors) {
  ASSERT_EQ(train().exit_code, 0);
  EXPECT_EQ(run_command(kWinnow + " eval " + model()).exit_code, 2);  // no file
  CommandResult missing = run_command(kWinnow + " eval " + model() + " " + dir_.file("no.jsonl"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no.jsonl"), std::string::npos) << missing.err;
  CommandResult not_model =
      run_command(kWinnow + " eval " + dir_.file("test.jsonl") + " " + dir_.file("test.jsonl"));
  EXPECT_EQ(not_model.exit_code, 1);
  EXPECT_NE(not_model.err.find("not a Winnow model file"), std::string::npos) << not_model.err;
  write_file(dir_.file("empty.jsonl"), "\n\n");
  CommandResult empty = run_command(kWinnow + " eval " + model() + " " + dir_.file("empty.jsonl"));
  EXPECT_EQ(empty.exit_code, 1);
  EXPECT_NE(empty.err.find("no samples"), std::string::npos) << empty.err;
}

}  // namespace
}  // namespace winnow::testing
