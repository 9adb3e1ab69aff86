#include "api/model_metrics.h"

#include <algorithm>

#include "eval/metrics.h"
#include "train/training_data.h"

namespace winnow::api {
namespace {

nlohmann::json curves_of(std::span<const float> scores, std::span<const uint8_t> truth,
                         size_t max_points) {
  nlohmann::json out;
  Result<eval::ScoreRanking> ranking = eval::ScoreRanking::build(scores, truth);
  if (!ranking.is_ok()) return {{"roc", nullptr}, {"pr", nullptr}};
  Result<std::vector<eval::RocPoint>> roc = ranking->roc_curve(max_points);
  Result<std::vector<eval::PrPoint>> pr = ranking->pr_curve(max_points);
  out["roc"] =
      roc.is_ok() ? eval::to_json(std::span<const eval::RocPoint>(*roc)) : nlohmann::json(nullptr);
  out["pr"] =
      pr.is_ok() ? eval::to_json(std::span<const eval::PrPoint>(*pr)) : nlohmann::json(nullptr);
  return out;
}

}  // namespace

Result<nlohmann::json> evaluate_model_on_files(const Classifier& classifier,
                                               const std::vector<std::string>& paths,
                                               size_t max_curve_points) {
  // Bad lines are skipped (the job's validation step already judged the files).
  WINNOW_ASSIGN_OR_RETURN(RawSplit split, read_split(paths, /*max_invalid_fraction=*/1.0));
  if (split.samples.empty())
    return Status::failed_precondition("the validation files hold no valid sample");
  const std::vector<ClassifierHead>& heads = classifier.heads();
  std::vector<Classification> scored;
  scored.reserve(split.samples.size());
  for (const ClassifierSample& s : split.samples) scored.push_back(classifier.classify(s.text));

  nlohmann::json reports = nlohmann::json::array();
  nlohmann::json curves = nlohmann::json::object();
  for (size_t h = 0; h < heads.size(); ++h) {
    const ClassifierHead& head = heads[h];
    const size_t labels = head.labels.size();
    eval::MultiLabelData data;
    data.label_names = head.labels;
    std::vector<uint32_t> truth_class;
    for (size_t i = 0; i < split.samples.size(); ++i) {
      const ClassifierSample& s = split.samples[i];
      auto value =
          std::find_if(s.labels.begin(), s.labels.end(),
                       [&](const ClassifierSample::HeadValue& v) { return v.head == head.name; });
      if (value == s.labels.end()) continue;
      std::vector<uint8_t> row(labels, 0);
      bool known = false;
      for (const std::string& l : value->labels) {
        const int k = head.label_index(l);
        if (k >= 0) {
          row[static_cast<size_t>(k)] = 1;
          known = true;
        }
      }
      if (!known) continue;  // only labels the model does not know
      data.scores.insert(data.scores.end(), scored[i].scores[h].begin(), scored[i].scores[h].end());
      data.truth.insert(data.truth.end(), row.begin(), row.end());
      truth_class.push_back(
          static_cast<uint32_t>(std::find(row.begin(), row.end(), 1) - row.begin()));
    }
    if (data.samples() == 0) {
      reports.push_back({{"head", head.name}, {"samples", 0}});
      continue;
    }
    if (head.multi_label) {
      WINNOW_ASSIGN_OR_RETURN(eval::MultiLabelReport report,
                              eval::evaluate_multi_label(data, head.thresholds));
      reports.push_back(eval::to_json(report, head.name));
    } else {
      WINNOW_ASSIGN_OR_RETURN(std::vector<uint32_t> predicted,
                              eval::argmax_classes(data.scores, labels));
      WINNOW_ASSIGN_OR_RETURN(eval::SingleLabelReport report,
                              eval::evaluate_single_label(head.labels, truth_class, predicted));
      reports.push_back(eval::to_json(report, head.name));
    }
    for (size_t k = 0; k < labels; ++k) {
      const std::vector<float> s = data.label_scores(k);
      const std::vector<uint8_t> t = data.label_truth(k);
      curves[head.name + "/" + head.labels[k]] = curves_of(s, t, max_curve_points);
    }
  }
  return nlohmann::json{{"samples", split.samples.size()},
                        {"heads", std::move(reports)},
                        {"curves", std::move(curves)}};
}

}  // namespace winnow::api
