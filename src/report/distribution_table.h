// Text and JSON renderings of a HeadDistribution for `winnow stats`: a terminal table (one
// summary row per split, then one row per label with a column per split) and a JSON object
// with the exact counts. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset_stats.h"

namespace winnow {

// Plain-text table, columns aligned with spaces, ending in a newline. Percentages are of the
// split's samples with one decimal ("-" for a split without samples); counts print in full.
std::string format_distribution_table(const HeadDistribution& dist);

// {"head", "safe_label", "heads": [all heads], "splits": [{"name", "file", "samples",
//  "no_flags", "flagged", "labels": [{"label", "flagged", "not_flagged"}]}]}; keys in this order,
// labels in first-appearance order.
nlohmann::ordered_json distribution_to_json(const HeadDistribution& dist,
                                            const std::vector<std::string>& heads);

}  // namespace winnow
