// Records (src/store/records.h) as the wire JSON of the API spec §2: key order as in the
// spec's examples, integer epoch seconds, null (never NaN/Infinity) for missing numbers.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "jobs/job_service.h"
#include "store/records.h"

namespace winnow::api {

using OrderedJson = nlohmann::ordered_json;

// A number, or null when absent or not finite.
OrderedJson json_number(std::optional<double> v);

// §2.1 File object; with_deleted adds "deleted": false (retrieve, F3).
OrderedJson file_json(const store::FileRecord& file, bool with_deleted);
// §2.2 summary job (create, list) or §2.3 detailed job (get, start, cancel).
OrderedJson job_json(const store::JobRecord& job, bool detailed);
OrderedJson targets_json(const std::vector<store::ClassifierTarget>& targets);
// §2.6 model cards.
OrderedJson base_model_card(const jobs::BaseModel& base, int64_t created);
OrderedJson fine_tuned_model_card(const store::ModelRecord& model);
// §2.7 ClassifierFineTunedModel (PATCH answer).
OrderedJson classifier_fine_tuned_model(const store::ModelRecord& model);

}  // namespace winnow::api
