// Oracle: every expected number marked "sklearn" below was computed once with scikit-learn 1.2.1
// (Debian python3-sklearn, numpy 1.24.2) on exactly these arrays, given as float32 so that ties
// and threshold comparisons match ours: roc_auc_score, average_precision_score,
// precision_score / recall_score / f1_score (zero_division=0, decisions `scores >= t`),
// roc_curve(drop_intermediate=False), precision_recall_curve, accuracy_score, confusion_matrix,
// precision_recall_fscore_support. The best-F1 oracle is f1_score evaluated at every distinct
// score, keeping the highest threshold among equal maxima (Winnow then places its threshold
// halfway down to the next lower score, which makes the same decisions). The values are pasted with
// 17 significant digits; the tests allow 1e-12 for summation order. metrics_test_oracle.py is the
// script that printed them.
#include "eval/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace winnow::eval {
namespace {

constexpr double kTol = 1e-12;

// 12 samples, four tied at 0.4 with mixed labels, two tied at 0.1.
const std::vector<float> kScoresA = {0.1f, 0.4f, 0.35f, 0.8f, 0.4f,  0.9f,
                                     0.2f, 0.4f, 0.65f, 0.1f, 0.55f, 0.4f};
const std::vector<uint8_t> kLabelsA = {0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 1};

// 24 samples on five score levels: almost everything is a tie.
const std::vector<float> kScoresB = {0.5f, 0.25f, 1.0f,  0.0f, 0.75f, 0.5f,  0.5f,  0.25f,
                                     0.0f, 1.0f,  0.75f, 0.5f, 0.25f, 0.5f,  0.0f,  0.75f,
                                     0.5f, 1.0f,  0.25f, 0.0f, 0.5f,  0.75f, 0.25f, 0.5f};
const std::vector<uint8_t> kLabelsB = {1, 0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1,
                                       1, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0};

// 40 samples, scores rounded to one decimal (numpy RandomState(7)), 25 positives.
const std::vector<float> kScoresC = {0.1f, 0.8f, 0.4f, 0.7f, 1.0f, 0.5f, 0.5f, 0.1f, 0.3f, 0.5f,
                                     0.7f, 0.8f, 0.4f, 0.1f, 0.3f, 0.9f, 0.2f, 0.5f, 0.9f, 0.0f,
                                     0.6f, 1.0f, 0.2f, 0.5f, 0.9f, 0.1f, 0.5f, 0.8f, 0.7f, 0.5f,
                                     0.2f, 0.5f, 0.4f, 0.5f, 0.4f, 0.8f, 0.8f, 0.3f, 0.6f, 0.3f};
const std::vector<uint8_t> kLabelsC = {0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0,
                                       0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1};

struct SklearnBinary {
  const std::vector<float>* scores;
  const std::vector<uint8_t>* labels;
  double roc_auc;
  double average_precision;
  PrecisionRecallF1 at_0_4;  // decisions scores >= 0.4f
  float best_score;          // the sklearn sweep's best threshold: the lowest score it flags
  float next_lower_score;    // the next lower distinct score of the fixture (not from sklearn)
  PrecisionRecallF1 at_best;
};

const SklearnBinary kSklearnCases[] = {
    {&kScoresA,
     &kLabelsA,
     0.80555555555555558,
     0.81944444444444442,
     {0.625, 0.83333333333333337, 0.7142857142857143},
     0.35f,
     0.2f,
     {0.66666666666666663, 1.0, 0.80000000000000004}},
    {&kScoresB,
     &kLabelsB,
     0.71328671328671334,
     0.62132034632034627,
     {0.59999999999999998, 0.81818181818181823, 0.69230769230769229},
     0.5f,
     0.25f,
     {0.59999999999999998, 0.81818181818181823, 0.69230769230769229}},
    {&kScoresC,
     &kLabelsC,
     0.69466666666666665,
     0.80157142857142849,
     {0.6428571428571429, 0.71999999999999997, 0.67924528301886788},
     0.2f,
     0.1f,
     {0.68571428571428572, 0.95999999999999996, 0.79999999999999993}},
};

// The value of a Result that must be OK (a failed test aborts with the Status).
template <typename T>
T ok(Result<T> result) {
  EXPECT_TRUE(result.is_ok()) << result.status().to_string();
  return std::move(result).value();
}

void expect_prf_near(const PrecisionRecallF1& actual, const PrecisionRecallF1& expected) {
  EXPECT_NEAR(actual.precision, expected.precision, kTol);
  EXPECT_NEAR(actual.recall, expected.recall, kTol);
  EXPECT_NEAR(actual.f1, expected.f1, kTol);
}

// O(n^2) Mann-Whitney: share of positive-negative pairs ranked right, ties counting 1/2.
double pairwise_auc(const std::vector<float>& scores, const std::vector<uint8_t>& labels) {
  double wins = 0;
  double pairs = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    if (!labels[i]) continue;
    for (size_t j = 0; j < scores.size(); ++j) {
      if (labels[j]) continue;
      pairs += 1;
      wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
    }
  }
  return wins / pairs;
}

// n samples with scores on `levels` distinct values (ties) and labels correlated with them.
void make_random(size_t n, int levels, uint32_t seed, std::vector<float>& scores,
                 std::vector<uint8_t>& labels) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> level(0, levels - 1);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  scores.resize(n);
  labels.resize(n);
  for (size_t i = 0; i < n; ++i) {
    scores[i] = static_cast<float>(level(rng)) / static_cast<float>(levels);
    labels[i] = unit(rng) < 0.2f + 0.6f * scores[i] ? 1 : 0;
  }
}

// ---- sklearn oracle ----------------------------------------------------------------------

TEST(BinaryMetrics, RocAucMatchesSklearnWithTies) {
  for (const SklearnBinary& c : kSklearnCases) {
    Result<double> auc = roc_auc(*c.scores, *c.labels);
    ASSERT_TRUE(auc.is_ok()) << auc.status().to_string();
    EXPECT_NEAR(*auc, c.roc_auc, kTol);
  }
}

TEST(BinaryMetrics, AveragePrecisionMatchesSklearnWithTies) {
  for (const SklearnBinary& c : kSklearnCases) {
    Result<double> ap = average_precision(*c.scores, *c.labels);
    ASSERT_TRUE(ap.is_ok()) << ap.status().to_string();
    EXPECT_NEAR(*ap, c.average_precision, kTol);
  }
}

TEST(BinaryMetrics, PrecisionRecallF1AtThresholdMatchesSklearnAndCountsTiesAsFlagged) {
  for (const SklearnBinary& c : kSklearnCases) {
    Result<ConfusionCounts> counts = confusion_at_threshold(*c.scores, *c.labels, 0.4f);
    ASSERT_TRUE(counts.is_ok()) << counts.status().to_string();
    EXPECT_EQ(counts->total(), c.scores->size());
    expect_prf_near(precision_recall_f1(*counts), c.at_0_4);
  }
  // Fixture A has four scores equal to 0.4f: all four are flagged at threshold 0.4f.
  Result<ConfusionCounts> a = confusion_at_threshold(kScoresA, kLabelsA, 0.4f);
  EXPECT_EQ(*a, (ConfusionCounts{5, 3, 1, 3}));
}

TEST(BinaryMetrics, BestF1ThresholdMatchesSklearnSweep) {
  for (const SklearnBinary& c : kSklearnCases) {
    Result<ThresholdChoice> best = best_f1_threshold(*c.scores, *c.labels);
    ASSERT_TRUE(best.is_ok()) << best.status().to_string();
    // Same decisions as sklearn's best threshold, placed halfway down to the next lower score.
    EXPECT_EQ(best->threshold, c.next_lower_score + (c.best_score - c.next_lower_score) * 0.5f);
    EXPECT_GT(best->threshold, c.next_lower_score);
    EXPECT_LT(best->threshold, c.best_score);
    expect_prf_near(best->scores, c.at_best);
    // The reported counts are those of applying the threshold.
    EXPECT_EQ(best->counts, ok(confusion_at_threshold(*c.scores, *c.labels, best->threshold)));
  }
}

TEST(BinaryMetrics, RocCurveMatchesSklearnRocCurve) {
  // sklearn roc_curve(drop_intermediate=False) on fixture A; its first threshold is max + 1
  // (1.9), ours is the smallest float above the top score. Both flag nothing.
  const std::vector<double> fpr = {
      0.0, 0.0, 0.0, 0.0, 0.16666666666666666, 0.5, 0.5, 0.6666666666666666, 1.0};
  const std::vector<double> tpr = {
      0.0, 0.16666666666666666, 0.3333333333333333, 0.5, 0.5, 0.8333333333333334, 1.0, 1.0, 1.0};
  const std::vector<float> thresholds = {0.9f, 0.8f, 0.65f, 0.55f, 0.4f, 0.35f, 0.2f, 0.1f};
  Result<ScoreRanking> ranking = ScoreRanking::build(kScoresA, kLabelsA);
  ASSERT_TRUE(ranking.is_ok());
  Result<std::vector<RocPoint>> curve = ranking->roc_curve(1000);
  ASSERT_TRUE(curve.is_ok());
  ASSERT_EQ(curve->size(), fpr.size());
  EXPECT_EQ((*curve)[0].threshold, std::nextafter(0.9f, 2.0f));
  for (size_t k = 0; k < fpr.size(); ++k) {
    EXPECT_NEAR((*curve)[k].fpr, fpr[k], kTol) << k;
    EXPECT_NEAR((*curve)[k].tpr, tpr[k], kTol) << k;
    if (k > 0) {
      EXPECT_EQ((*curve)[k].threshold, thresholds[k - 1]) << k;
    }
  }
}

TEST(BinaryMetrics, PrCurveMatchesSklearnWithoutItsFinalPoint) {
  // sklearn precision_recall_curve on fixture A, reversed to descending thresholds and without
  // the (recall 0, precision 1) point it appends.
  const std::vector<float> thresholds = {0.9f, 0.8f, 0.65f, 0.55f, 0.4f, 0.35f, 0.2f, 0.1f};
  const std::vector<double> precision = {1.0, 1.0, 1.0, 0.75, 0.625, 0.6666666666666666, 0.6, 0.5};
  const std::vector<double> recall = {
      0.16666666666666666, 0.3333333333333333, 0.5, 0.5, 0.8333333333333334, 1.0, 1.0, 1.0};
  Result<ScoreRanking> ranking = ScoreRanking::build(kScoresA, kLabelsA);
  Result<std::vector<PrPoint>> curve = ranking->pr_curve(1000);
  ASSERT_TRUE(curve.is_ok());
  ASSERT_EQ(curve->size(), thresholds.size());
  for (size_t k = 0; k < thresholds.size(); ++k) {
    EXPECT_EQ((*curve)[k].threshold, thresholds[k]) << k;
    EXPECT_NEAR((*curve)[k].precision, precision[k], kTol) << k;
    EXPECT_NEAR((*curve)[k].recall, recall[k], kTol) << k;
  }
}

// 12 samples x 3 labels; "threat" has no positives. Thresholds {0.5, 0.3, 0.5}.
MultiLabelData multi_label_fixture() {
  MultiLabelData d;
  d.label_names = {"toxicity", "insult", "threat"};
  d.scores = {0.9f, 0.2f, 0.1f,  0.8f,  0.6f, 0.3f, 0.3f, 0.7f, 0.2f, 0.6f,  0.1f,  0.9f,
              0.2f, 0.3f, 0.05f, 0.55f, 0.3f, 0.4f, 0.1f, 0.9f, 0.6f, 0.45f, 0.45f, 0.1f,
              0.7f, 0.2f, 0.2f,  0.35f, 0.8f, 0.3f, 0.5f, 0.5f, 0.5f, 0.05f, 0.05f, 0.7f};
  d.truth = {1, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0,
             0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
  return d;
}
const std::vector<float> kMultiThresholds = {0.5f, 0.3f, 0.5f};

TEST(MultiLabelMetrics, MatchesSklearnPerLabelMicroAndMacro) {
  Result<MultiLabelReport> r = evaluate_multi_label(multi_label_fixture(), kMultiThresholds);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->labels.size(), 3u);
  EXPECT_EQ(r->samples, 12u);
  expect_prf_near(r->labels[0].at_threshold,
                  {0.66666666666666663, 0.80000000000000004, 0.72727272727272718});
  expect_prf_near(r->labels[1].at_threshold, {0.625, 1.0, 0.76923076923076927});
  expect_prf_near(r->labels[2].at_threshold, {0.0, 0.0, 0.0});
  EXPECT_NEAR(*r->labels[0].roc_auc, 0.94285714285714284, kTol);
  EXPECT_NEAR(*r->labels[1].roc_auc, 0.92857142857142849, kTol);
  EXPECT_NEAR(*r->labels[0].average_precision, 0.94285714285714284, kTol);
  EXPECT_NEAR(*r->labels[1].average_precision, 0.92500000000000004, kTol);
  // sklearn f1_score(average="micro" / "macro") over all three labels.
  expect_prf_near(r->micro, {0.5, 0.90000000000000002, 0.6428571428571429});
  expect_prf_near(r->macro, {0.43055555555555552, 0.59999999999999998, 0.49883449883449882});
  // sklearn roc_auc_score / average_precision_score(average="macro") on the first two labels
  // (sklearn refuses the third).
  EXPECT_NEAR(*r->macro_roc_auc, 0.93571428571428572, kTol);
  EXPECT_NEAR(*r->macro_average_precision, 0.93392857142857144, kTol);
}

TEST(MultiLabelMetrics, LeavesSingleClassLabelsOutOfMacroRocAucAndNamesThem) {
  Result<MultiLabelReport> r = evaluate_multi_label(multi_label_fixture(), kMultiThresholds);
  ASSERT_TRUE(r.is_ok());
  EXPECT_FALSE(r->labels[2].roc_auc.has_value());
  EXPECT_FALSE(r->labels[2].average_precision.has_value());
  EXPECT_EQ(r->labels[2].positives, 0u);
  EXPECT_EQ(r->labels[2].negatives, 12u);
  EXPECT_EQ(r->labels_without_roc_auc, std::vector<std::string>{"threat"});
  EXPECT_EQ(r->labels_without_average_precision, std::vector<std::string>{"threat"});
}

TEST(MultiLabelMetrics, TunedThresholdsAreEachLabelsBestF1) {
  const MultiLabelData d = multi_label_fixture();
  Result<std::vector<float>> t = tune_thresholds(d);
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  ASSERT_EQ(t->size(), 3u);
  for (size_t j = 0; j < 3; ++j) {
    EXPECT_EQ((*t)[j], best_f1_threshold(d.label_scores(j), d.label_truth(j))->threshold);
  }
  // No positives: flag nothing, i.e. just above the label's top score (0.9).
  EXPECT_EQ((*t)[2], std::nextafter(0.9f, 2.0f));
}

TEST(MultiLabelMetrics, RejectsBadShapesAndThresholdCounts) {
  MultiLabelData d = multi_label_fixture();
  EXPECT_EQ(evaluate_multi_label(d, std::vector<float>{0.5f}).status().code(),
            StatusCode::kInvalidArgument);
  d.truth.pop_back();
  EXPECT_EQ(evaluate_multi_label(d, kMultiThresholds).status().code(),
            StatusCode::kInvalidArgument);
  d = multi_label_fixture();
  d.scores.pop_back();
  d.truth.pop_back();
  EXPECT_EQ(tune_thresholds(d).status().code(), StatusCode::kInvalidArgument);
  d = multi_label_fixture();
  d.truth[4] = 2;  // sample 1, label "insult"
  Status s = check_multi_label_data(d);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("sample 1, label 'insult'"), std::string::npos) << s.message();
  d = multi_label_fixture();
  d.scores.clear();
  d.truth.clear();
  EXPECT_EQ(evaluate_multi_label(d, kMultiThresholds).status().code(),
            StatusCode::kFailedPrecondition);
}

// Classes 0..4: class 3 is only ever predicted, class 4 never occurs.
const std::vector<std::string> kClassNames = {"a", "b", "c", "d", "e"};
const std::vector<uint32_t> kTruth = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 0, 1};
const std::vector<uint32_t> kPredicted = {0, 2, 2, 0, 1, 1, 3, 1, 2, 1, 1, 2, 0, 2, 0};

TEST(SingleLabelMetrics, MatchesSklearnAccuracyMacroF1AndPerClassScores) {
  Result<SingleLabelReport> r = evaluate_single_label(kClassNames, kTruth, kPredicted);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_NEAR(r->accuracy, 0.59999999999999998, kTol);
  // sklearn averages over the classes present in truth or predictions: a, b, c, d.
  EXPECT_EQ(r->macro_classes, 4u);
  expect_prf_near(r->macro, {0.48750000000000004, 0.46250000000000002, 0.46666666666666662});
  expect_prf_near(r->classes[0].scores, {0.75, 0.5, 0.59999999999999998});
  expect_prf_near(r->classes[1].scores,
                  {0.59999999999999998, 0.59999999999999998, 0.59999999999999998});
  expect_prf_near(r->classes[2].scores, {0.59999999999999998, 0.75, 0.66666666666666652});
  expect_prf_near(r->classes[3].scores, {0.0, 0.0, 0.0});
  const std::vector<uint64_t> support = {6, 5, 4, 0, 0};
  for (size_t c = 0; c < 5; ++c) EXPECT_EQ(r->classes[c].support, support[c]);
}

TEST(SingleLabelMetrics, ConfusionMatrixMatchesSklearnLayout) {
  Result<SingleLabelReport> r = evaluate_single_label(kClassNames, kTruth, kPredicted);
  ASSERT_TRUE(r.is_ok());
  // sklearn confusion_matrix(labels=[0..4]).ravel(): rows true, columns predicted.
  const std::vector<uint64_t> expected = {3, 1, 1, 1, 0, 1, 3, 1, 0, 0, 0, 1, 3,
                                          0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(r->confusion, expected);
}

TEST(SingleLabelMetrics, RejectsOutOfRangeClassesAndEmptyInput) {
  const std::vector<uint32_t> bad = {0, 7};
  const std::vector<uint32_t> ok = {0, 1};
  Result<SingleLabelReport> r = evaluate_single_label(kClassNames, ok, bad);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("sample 1: predicted class 7"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(evaluate_single_label(kClassNames, ok, std::vector<uint32_t>{0}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(evaluate_single_label(kClassNames, {}, {}).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(SingleLabelMetrics, ArgmaxPicksFirstOfEqualMaxima) {
  const std::vector<float> scores = {0.1f, 0.7f, 0.2f, 0.5f, 0.5f, 0.0f, 0.0f, 0.0f, 0.9f};
  Result<std::vector<uint32_t>> classes = argmax_classes(scores, 3);
  ASSERT_TRUE(classes.is_ok());
  EXPECT_EQ(*classes, (std::vector<uint32_t>{1, 0, 2}));
  EXPECT_EQ(argmax_classes(scores, 2).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(argmax_classes(scores, 0).status().code(), StatusCode::kInvalidArgument);
}

// ---- properties ----------------------------------------------------------------------------

TEST(BinaryMetrics, PerfectRankingHasAucAndAveragePrecisionOne) {
  const std::vector<float> scores = {0.9f, 0.8f, 0.7f, 0.3f, 0.2f, 0.1f};
  const std::vector<uint8_t> labels = {1, 1, 1, 0, 0, 0};
  EXPECT_EQ(ok(roc_auc(scores, labels)), 1.0);
  EXPECT_EQ(ok(average_precision(scores, labels)), 1.0);
  Result<ThresholdChoice> best = best_f1_threshold(scores, labels);
  EXPECT_EQ(best->threshold, 0.5f);  // halfway between the lowest positive and top negative
  EXPECT_EQ(best->scores.f1, 1.0);
}

TEST(BinaryMetrics, ReversedRankingHasAucZero) {
  const std::vector<float> scores = {0.1f, 0.2f, 0.3f, 0.7f, 0.8f, 0.9f};
  const std::vector<uint8_t> labels = {1, 1, 1, 0, 0, 0};
  EXPECT_EQ(ok(roc_auc(scores, labels)), 0.0);
}

TEST(BinaryMetrics, RandomLabelsGiveAucNearHalf) {
  std::mt19937 rng(12345);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::bernoulli_distribution coin(0.3);
  std::vector<float> scores(200000);
  std::vector<uint8_t> labels(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) {
    scores[i] = unit(rng);
    labels[i] = coin(rng) ? 1 : 0;
  }
  // The standard deviation of the AUC of unrelated scores here is about 0.0014.
  EXPECT_NEAR(ok(roc_auc(scores, labels)), 0.5, 0.01);
  // Average precision of unrelated scores is about the positive rate.
  EXPECT_NEAR(ok(average_precision(scores, labels)), 0.3, 0.01);
}

TEST(BinaryMetrics, RocAucEqualsPairwiseMannWhitneyWithTies) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    std::vector<float> scores;
    std::vector<uint8_t> labels;
    make_random(400, 7, seed, scores, labels);
    EXPECT_NEAR(ok(roc_auc(scores, labels)), pairwise_auc(scores, labels), kTol) << seed;
  }
}

TEST(BinaryMetrics, RankingMetricsAreInvariantToMonotoneTransforms) {
  std::vector<float> scores;
  std::vector<uint8_t> labels;
  make_random(5000, 50, 99, scores, labels);
  // Strictly increasing maps that keep distinct floats distinct and ties tied.
  std::vector<float> shifted(scores.size());
  std::vector<float> exponential(scores.size());
  for (size_t i = 0; i < scores.size(); ++i) {
    shifted[i] = 4.0f * scores[i] - 7.0f;
    exponential[i] = std::exp(3.0f * scores[i]);
  }
  const double auc = ok(roc_auc(scores, labels));
  const double ap = ok(average_precision(scores, labels));
  const ThresholdChoice best = ok(best_f1_threshold(scores, labels));
  for (const std::vector<float>* transformed : {&shifted, &exponential}) {
    EXPECT_EQ(ok(roc_auc(*transformed, labels)), auc);
    EXPECT_EQ(ok(average_precision(*transformed, labels)), ap);
    EXPECT_EQ(best_f1_threshold(*transformed, labels)->counts, best.counts);
  }
}

TEST(BinaryMetrics, AllEqualScoresGiveHalfAucAndFlagEverything) {
  const std::vector<float> scores(10, 0.3f);
  const std::vector<uint8_t> labels = {1, 0, 0, 1, 0, 0, 0, 1, 0, 0};
  EXPECT_EQ(ok(roc_auc(scores, labels)), 0.5);
  EXPECT_NEAR(ok(average_precision(scores, labels)), 0.3, kTol);  // the positive rate
  Result<ThresholdChoice> best = best_f1_threshold(scores, labels);
  EXPECT_EQ(best->threshold, 0.3f);
  EXPECT_EQ(best->counts, (ConfusionCounts{3, 7, 0, 0}));
}

TEST(BinaryMetrics, NoPositivesMakesRankingMetricsUndefinedAndFlagsNothing) {
  const std::vector<float> scores = {0.2f, 0.9f, 0.4f};
  const std::vector<uint8_t> labels = {0, 0, 0};
  EXPECT_EQ(roc_auc(scores, labels).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(average_precision(scores, labels).status().code(), StatusCode::kFailedPrecondition);
  Result<ThresholdChoice> best = best_f1_threshold(scores, labels);
  ASSERT_TRUE(best.is_ok());
  EXPECT_GT(best->threshold, 0.9f);
  EXPECT_EQ(best->counts, (ConfusionCounts{0, 0, 0, 3}));
  EXPECT_EQ(best->scores.f1, 0.0);
  Result<ScoreRanking> ranking = ScoreRanking::build(scores, labels);
  EXPECT_EQ(ranking->roc_curve(10).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ranking->pr_curve(10).status().code(), StatusCode::kFailedPrecondition);
}

TEST(BinaryMetrics, NoNegativesLeavesAucUndefinedButAveragePrecisionOne) {
  const std::vector<float> scores = {0.2f, 0.9f, 0.4f};
  const std::vector<uint8_t> labels = {1, 1, 1};
  Result<double> auc = roc_auc(scores, labels);
  EXPECT_EQ(auc.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(auc.status().message().find("only positive"), std::string::npos);
  EXPECT_EQ(ok(average_precision(scores, labels)), 1.0);
}

TEST(BinaryMetrics, EmptyInputIsNoSamplesNotNaN) {
  const std::vector<float> scores;
  const std::vector<uint8_t> labels;
  EXPECT_EQ(roc_auc(scores, labels).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(average_precision(scores, labels).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(best_f1_threshold(scores, labels).status().code(), StatusCode::kFailedPrecondition);
  Result<ConfusionCounts> counts = confusion_at_threshold(scores, labels, 0.5f);
  ASSERT_TRUE(counts.is_ok());
  EXPECT_EQ(*counts, ConfusionCounts{});
  const PrecisionRecallF1 prf = precision_recall_f1(*counts);
  EXPECT_EQ(prf.precision, 0.0);
  EXPECT_EQ(prf.recall, 0.0);
  EXPECT_EQ(prf.f1, 0.0);
}

TEST(BinaryMetrics, RejectsMismatchedLengthsBadLabelsAndNonFiniteScores) {
  const std::vector<float> scores = {0.1f, 0.2f};
  EXPECT_EQ(roc_auc(scores, std::vector<uint8_t>{1}).status().code(), StatusCode::kInvalidArgument);
  Status bad_label = check_binary_input(scores, std::vector<uint8_t>{0, 2});
  EXPECT_EQ(bad_label.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_label.message().find("labels[1]"), std::string::npos) << bad_label.message();
  const std::vector<uint8_t> labels = {0, 1};
  for (float bad :
       {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    const std::vector<float> with_bad = {0.1f, bad};
    EXPECT_EQ(ScoreRanking::build(with_bad, labels).status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(confusion_at_threshold(scores, labels, std::numeric_limits<float>::quiet_NaN())
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST(BinaryMetrics, BestF1PrefersTheHighestThresholdAmongEqualF1) {
  // Flagging {0.9} gives tp 1, fp 0, fn 1: F1 = 2/3. Flagging {0.9, 0.6, 0.55, 0.5} gives
  // tp 2, fp 2, fn 0: F1 = 4/6 = 2/3 as well. The higher threshold wins.
  const std::vector<float> scores = {0.9f, 0.6f, 0.55f, 0.5f, 0.1f};
  const std::vector<uint8_t> labels = {1, 0, 0, 1, 0};
  Result<ThresholdChoice> best = best_f1_threshold(scores, labels);
  ASSERT_TRUE(best.is_ok());
  EXPECT_EQ(best->threshold, 0.75f);  // flags {0.9}: halfway between 0.9 and 0.6
  EXPECT_EQ(best->counts, (ConfusionCounts{1, 0, 1, 3}));
  EXPECT_EQ(best->scores.f1, precision_recall_f1({2, 2, 0, 1}).f1);
}

TEST(BinaryMetrics, CurvesAreDownsampledToMaxPointsKeepingEndpoints) {
  std::vector<float> scores;
  std::vector<uint8_t> labels;
  make_random(20000, 5000, 3, scores, labels);
  Result<ScoreRanking> ranking = ScoreRanking::build(scores, labels);
  ASSERT_TRUE(ranking.is_ok());
  ASSERT_GT(ranking->distinct_scores(), 1000u);
  Result<std::vector<RocPoint>> roc = ranking->roc_curve(101);
  ASSERT_TRUE(roc.is_ok());
  EXPECT_EQ(roc->size(), 101u);
  EXPECT_EQ(roc->front().fpr, 0.0);
  EXPECT_EQ(roc->front().tpr, 0.0);
  EXPECT_EQ(roc->back().fpr, 1.0);
  EXPECT_EQ(roc->back().tpr, 1.0);
  for (size_t k = 1; k < roc->size(); ++k) {
    EXPECT_LT((*roc)[k].threshold, (*roc)[k - 1].threshold);
    EXPECT_GE((*roc)[k].fpr, (*roc)[k - 1].fpr);
    EXPECT_GE((*roc)[k].tpr, (*roc)[k - 1].tpr);
  }
  Result<std::vector<PrPoint>> pr = ranking->pr_curve(50);
  ASSERT_TRUE(pr.is_ok());
  EXPECT_EQ(pr->size(), 50u);
  EXPECT_EQ(pr->back().recall, 1.0);
  EXPECT_EQ(ranking->roc_curve(1).status().code(), StatusCode::kInvalidArgument);
}

TEST(BinaryMetrics, DownsampleIndicesAreIncreasingAndKeepEnds) {
  EXPECT_EQ(downsample_indices(3, 10), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(downsample_indices(11, 3), (std::vector<size_t>{0, 5, 10}));
  for (size_t count : {5u, 17u, 1000u, 123457u}) {
    for (size_t max_points : {2u, 3u, 4u, 100u}) {
      const std::vector<size_t> idx = downsample_indices(count, max_points);
      ASSERT_EQ(idx.size(), std::min(count, max_points));
      EXPECT_EQ(idx.front(), 0u);
      EXPECT_EQ(idx.back(), count - 1);
      for (size_t k = 1; k < idx.size(); ++k) EXPECT_LT(idx[k - 1], idx[k]);
    }
  }
}

}  // namespace
}  // namespace winnow::eval
