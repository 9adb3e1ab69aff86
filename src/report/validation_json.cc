#include "report/validation_json.h"

namespace winnow {

nlohmann::ordered_json line_problem_json(const LineProblem& problem) {
  return {{"file", problem.file}, {"line", problem.line}, {"message", problem.message}};
}

nlohmann::ordered_json validation_summary_json(const ValidationReport& report) {
  nlohmann::ordered_json out;
  out["valid"] = report.ok();
  out["files"] = nlohmann::ordered_json::array();
  for (size_t f = 0; f < report.files.size(); ++f) {
    out["files"].push_back({{"path", report.files[f]},
                            {"lines", report.lines_per_file[f]},
                            {"samples", report.samples_per_file[f]},
                            {"problems", report.problems_per_file[f]}});
  }
  out["lines"] = report.lines_total;
  out["samples"] = report.samples_valid;
  out["problem_count"] = report.problem_count;
  out["heads"] = nlohmann::ordered_json::array();
  for (const HeadSchema& head : report.schema.heads()) {
    nlohmann::ordered_json labels = nlohmann::ordered_json::array();
    for (size_t l = 0; l < head.labels.size(); ++l) {
      labels.push_back({{"name", head.labels[l]}, {"count", head.label_counts[l]}});
    }
    out["heads"].push_back({{"name", head.name},
                            {"multi_label", head.multi_label},
                            {"samples", head.samples_with_head},
                            {"labels", std::move(labels)}});
  }
  return out;
}

}  // namespace winnow
