// The evaluation report behind GET /v1/winnow/models/{id}/metrics: a model scored on labelled
// classifier JSONL files (its job's validation files), one src/eval report per head (with the
// model's stored thresholds) and ROC / precision-recall curves per "<head>/<label>".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "winnow/classifier.h"

namespace winnow::api {

// {"heads": [metrics_json report per head], "curves": {"<head>/<label>": {"roc", "pr"}},
//  "samples": N}. A head no sample carries is reported as {"head", "samples": 0}. A curve that
// is undefined (one class only) is null. Errors: unreadable files (paths as given), or no
// valid sample at all (kFailedPrecondition).
Result<nlohmann::json> evaluate_model_on_files(const Classifier& classifier,
                                               const std::vector<std::string>& paths,
                                               size_t max_curve_points = 200);

}  // namespace winnow::api
