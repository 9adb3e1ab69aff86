// The JSON text the store keeps in the jobs and models tables for the mutable, structured parts
// of a record (hyperparameters, targets, metadata, file lists). Field names follow the API
// (§2.3–2.5); absent optionals are null. Parsing is lenient about missing keys (defaults), so
// older rows read back after fields are added.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/records.h"

namespace winnow::store {

nlohmann::json to_json(const Hyperparameters& h);
nlohmann::json to_json(const JobMetadata& m);
nlohmann::json to_json(const std::vector<ClassifierTarget>& targets);
nlohmann::json to_json(const std::vector<JobTrainingFile>& files);

// kCorruption if the text is not JSON of the expected shape.
Result<Hyperparameters> hyperparameters_from_json(const std::string& text);
Result<JobMetadata> metadata_from_json(const std::string& text);
Result<std::vector<ClassifierTarget>> targets_from_json(const std::string& text);
Result<std::vector<JobTrainingFile>> training_files_from_json(const std::string& text);
Result<std::vector<std::string>> strings_from_json(const std::string& text);
Result<nlohmann::json> json_from_text(const std::string& text);

}  // namespace winnow::store
