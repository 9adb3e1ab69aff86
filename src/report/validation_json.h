// The JSON form of a classifier-JSONL validation report: what `winnow validate --json` prints
// and what GET /v1/winnow/files/{id}/validation answers. Field names are part of both
// contracts: add fields freely, rename none.
//   problem: {"file", "line", "message"}
//   summary: {"valid", "files": [{"path", "lines", "samples", "problems"}], "lines", "samples",
//             "problem_count", "heads": [{"name", "multi_label", "samples",
//                                         "labels": [{"name", "count"}]}]}
// The full report is {"problems": [problem...], <summary members>}. Pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "data/classifier_jsonl.h"

namespace winnow {

nlohmann::ordered_json line_problem_json(const LineProblem& problem);
// Everything but "problems".
nlohmann::ordered_json validation_summary_json(const ValidationReport& report);

}  // namespace winnow
