#include "eval/multi_label_metrics.h"

#include <cmath>
#include <string>
#include <utility>

namespace winnow::eval {
namespace {

// Mean of the present values, nullopt if none.
std::optional<double> mean_of(const std::vector<double>& values) {
  if (values.empty()) return std::nullopt;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

}  // namespace

std::vector<float> MultiLabelData::label_scores(size_t label) const {
  const size_t n = samples();
  const size_t stride = label_names.size();
  std::vector<float> column(n);
  for (size_t i = 0; i < n; ++i) column[i] = scores[i * stride + label];
  return column;
}

std::vector<uint8_t> MultiLabelData::label_truth(size_t label) const {
  const size_t n = samples();
  const size_t stride = label_names.size();
  std::vector<uint8_t> column(n);
  for (size_t i = 0; i < n; ++i) column[i] = truth[i * stride + label];
  return column;
}

Status check_multi_label_data(const MultiLabelData& data) {
  const size_t labels = data.label_names.size();
  if (labels == 0) return Status::invalid_argument("no labels");
  if (data.scores.size() % labels != 0) {
    return Status::invalid_argument(std::to_string(data.scores.size()) +
                                    " scores is not a multiple of " + std::to_string(labels) +
                                    " labels");
  }
  if (data.truth.size() != data.scores.size()) {
    return Status::invalid_argument("scores and truth differ in length (" +
                                    std::to_string(data.scores.size()) + " vs " +
                                    std::to_string(data.truth.size()) + ")");
  }
  // Row-major positions are reported as sample/label, which is what a user can look up.
  for (size_t k = 0; k < data.scores.size(); ++k) {
    if (data.truth[k] > 1 || !std::isfinite(data.scores[k])) {
      return Status::invalid_argument(
          "sample " + std::to_string(k / labels) + ", label '" + data.label_names[k % labels] +
          "': " + (data.truth[k] > 1 ? "truth is not 0 or 1" : "score is not a finite number"));
    }
  }
  return Status::ok();
}

Result<std::vector<float>> tune_thresholds(const MultiLabelData& tuning) {
  WINNOW_RETURN_IF_ERROR(check_multi_label_data(tuning));
  if (tuning.samples() == 0) return Status::failed_precondition("tuning thresholds: no samples");
  std::vector<float> thresholds;
  for (size_t j = 0; j < tuning.label_names.size(); ++j) {
    WINNOW_ASSIGN_OR_RETURN(const ScoreRanking ranking,
                            ScoreRanking::build(tuning.label_scores(j), tuning.label_truth(j)));
    WINNOW_ASSIGN_OR_RETURN(const ThresholdChoice choice, ranking.best_f1());
    thresholds.push_back(choice.threshold);
  }
  return thresholds;
}

Result<MultiLabelReport> evaluate_multi_label(const MultiLabelData& data,
                                              std::span<const float> thresholds) {
  WINNOW_RETURN_IF_ERROR(check_multi_label_data(data));
  const size_t label_count = data.label_names.size();
  if (thresholds.size() != label_count) {
    return Status::invalid_argument(std::to_string(thresholds.size()) + " thresholds for " +
                                    std::to_string(label_count) + " labels");
  }
  if (data.samples() == 0) return Status::failed_precondition("evaluating: no samples");

  MultiLabelReport report;
  report.samples = data.samples();
  std::vector<double> aucs;
  std::vector<double> aps;
  for (size_t j = 0; j < label_count; ++j) {
    const std::vector<float> scores = data.label_scores(j);
    const std::vector<uint8_t> truth = data.label_truth(j);
    LabelReport label;
    label.name = data.label_names[j];
    label.threshold = thresholds[j];
    Result<ConfusionCounts> counts = confusion_at_threshold(scores, truth, thresholds[j]);
    if (!counts.is_ok()) return counts.status().with_context("label '" + label.name + "'");
    label.counts = *counts;
    label.at_threshold = precision_recall_f1(label.counts);
    label.positives = label.counts.positives();
    label.negatives = label.counts.negatives();

    WINNOW_ASSIGN_OR_RETURN(const ScoreRanking ranking, ScoreRanking::build(scores, truth));
    // Undefined ranking metrics are expected here (rare labels), so their errors become nullopt.
    if (Result<double> auc = ranking.roc_auc(); auc.is_ok()) {
      label.roc_auc = *auc;
      aucs.push_back(*auc);
    } else {
      report.labels_without_roc_auc.push_back(label.name);
    }
    if (Result<double> ap = ranking.average_precision(); ap.is_ok()) {
      label.average_precision = *ap;
      aps.push_back(*ap);
    } else {
      report.labels_without_average_precision.push_back(label.name);
    }

    report.micro_counts += label.counts;
    report.macro.precision += label.at_threshold.precision;
    report.macro.recall += label.at_threshold.recall;
    report.macro.f1 += label.at_threshold.f1;
    report.labels.push_back(std::move(label));
  }
  const double n = static_cast<double>(label_count);
  report.macro.precision /= n;
  report.macro.recall /= n;
  report.macro.f1 /= n;
  report.micro = precision_recall_f1(report.micro_counts);
  report.macro_roc_auc = mean_of(aucs);
  report.macro_average_precision = mean_of(aps);
  return report;
}

}  // namespace winnow::eval
