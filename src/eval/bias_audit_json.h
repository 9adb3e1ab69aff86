// JSON form of a bias audit (bias_audit.h): what `winnow eval --identity-columns ... --json`
// prints under "bias_audit", what training stores in the model's metadata
// (metadata.validation.bias_audit, when the validation samples carry identities), and what
// GET /v1/winnow/models/{id}/bias-audit serves to the dashboard's model page. Field names are a
// contract (see docs/bias-audit.md); add fields freely, rename none.
//   {"head": H, "samples": N, "identities": [names],
//    "identity_threshold": 0.5, "min_subgroup_size": 100, "power": -5,
//    "weights": {"overall_auc", "subgroup_auc", "bpsn_auc", "bnsp_auc"},
//    "labels": [{"name", "samples", "positives", "overall_auc" (null if undefined),
//                "subgroups": [{"name", "size", "positives", "negatives", "unannotated",
//                               "subgroup_auc", "bpsn_auc", "bnsp_auc" (each null if undefined),
//                               "undefined": {"<metric>": "reason", ...} (only undefined ones),
//                               "averaged", "not_averaged_reason" (null when averaged)}, ...],
//                "subgroups_averaged", "power_mean": {"subgroup_auc", "bpsn_auc", "bnsp_auc"}
//                (each null when no subgroup is averaged), "final_metric" (null if undefined),
//                "final_metric_note" (null when final_metric is set)}, ...]}
#pragma once

#include <nlohmann/json.hpp>

#include "eval/bias_audit.h"

namespace winnow::eval {

nlohmann::json to_json(const BiasAudit& audit);

}  // namespace winnow::eval
