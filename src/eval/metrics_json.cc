#include "eval/metrics_json.h"

#include <optional>
#include <string>

namespace winnow::eval {
namespace {

using nlohmann::json;

json optional_number(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

void add_counts(json& out, const ConfusionCounts& c) {
  out["tp"] = c.tp;
  out["fp"] = c.fp;
  out["fn"] = c.fn;
  out["tn"] = c.tn;
}

void add_scores(json& out, const PrecisionRecallF1& s) {
  out["precision"] = s.precision;
  out["recall"] = s.recall;
  out["f1"] = s.f1;
}

}  // namespace

json to_json(const MultiLabelReport& report, std::string_view head) {
  json labels = json::array();
  for (const LabelReport& label : report.labels) {
    json entry = {{"name", label.name},
                  {"positives", label.positives},
                  {"negatives", label.negatives},
                  {"roc_auc", optional_number(label.roc_auc)},
                  {"average_precision", optional_number(label.average_precision)},
                  {"threshold", static_cast<double>(label.threshold)}};
    add_scores(entry, label.at_threshold);
    add_counts(entry, label.counts);
    labels.push_back(std::move(entry));
  }
  json macro = {{"roc_auc", optional_number(report.macro_roc_auc)},
                {"average_precision", optional_number(report.macro_average_precision)},
                {"labels_without_roc_auc", report.labels_without_roc_auc},
                {"labels_without_average_precision", report.labels_without_average_precision}};
  add_scores(macro, report.macro);
  json micro = json::object();
  add_scores(micro, report.micro);
  add_counts(micro, report.micro_counts);
  return {{"kind", "multi_label"},       {"head", std::string(head)},
          {"samples", report.samples},   {"threshold_rule", "score >= threshold"},
          {"labels", std::move(labels)}, {"macro", std::move(macro)},
          {"micro", std::move(micro)}};
}

json to_json(const SingleLabelReport& report, std::string_view head) {
  json classes = json::array();
  json names = json::array();
  for (const ClassReport& cls : report.classes) {
    json entry = {{"name", cls.name}, {"support", cls.support}, {"predicted", cls.predicted}};
    add_scores(entry, cls.scores);
    classes.push_back(std::move(entry));
    names.push_back(cls.name);
  }
  const size_t k = report.classes.size();
  json counts = json::array();
  for (size_t t = 0; t < k; ++t) {
    json row = json::array();
    for (size_t p = 0; p < k; ++p) row.push_back(report.confusion[t * k + p]);
    counts.push_back(std::move(row));
  }
  json macro = {{"classes", report.macro_classes}};
  add_scores(macro, report.macro);
  return {{"kind", "single_label"},
          {"head", std::string(head)},
          {"samples", report.samples},
          {"accuracy", report.accuracy},
          {"classes", std::move(classes)},
          {"macro", std::move(macro)},
          {"confusion_matrix", {{"classes", std::move(names)}, {"counts", std::move(counts)}}}};
}

json to_json(std::span<const RocPoint> curve) {
  json threshold = json::array();
  json fpr = json::array();
  json tpr = json::array();
  for (const RocPoint& p : curve) {
    threshold.push_back(static_cast<double>(p.threshold));
    fpr.push_back(p.fpr);
    tpr.push_back(p.tpr);
  }
  return {{"threshold", std::move(threshold)}, {"fpr", std::move(fpr)}, {"tpr", std::move(tpr)}};
}

json to_json(std::span<const PrPoint> curve) {
  json threshold = json::array();
  json precision = json::array();
  json recall = json::array();
  for (const PrPoint& p : curve) {
    threshold.push_back(static_cast<double>(p.threshold));
    precision.push_back(p.precision);
    recall.push_back(p.recall);
  }
  return {{"threshold", std::move(threshold)},
          {"precision", std::move(precision)},
          {"recall", std::move(recall)}};
}

}  // namespace winnow::eval
