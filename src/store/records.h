// The records the service stores: files, fine-tuning jobs (with their events and checkpoints)
// and fine-tuned models. Plain values; the API layer (src/api) turns them into the wire JSON
// of ../docs/api.md (Mistral's shapes), the store (store.h) persists them.
//
// Times are integer epoch seconds. Ids: files and jobs are lower-case UUID v4 strings; models
// are "ft:classifier:<base>:<8 hex workspace>:<YYYYMMDD>[:<suffix>]:<8 hex job>".
// Every record belongs to one workspace (the API key's); the store never returns a record of
// another workspace (a lookup across workspaces is kNotFound, so ids do not leak).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "train/hyperparameters.h"

namespace winnow::store {

// An uploaded file. Its bytes live in the store's blob directory (Store::file_path).
struct FileRecord {
  std::string id;
  std::string workspace;
  std::string filename;                  // from the multipart filename=
  std::string purpose = "fine-tune";     // fine-tune | batch | ocr
  std::string sample_type = "instruct";  // API §2.1
  std::string source = "upload";
  std::string mimetype = "application/jsonl";
  std::string visibility = "workspace";  // workspace | user
  int64_t bytes = 0;
  int64_t num_lines = 0;  // non-empty lines
  std::string signature;  // first 16 hex digits of the content's SHA-256
  int64_t created_at = 0;
  std::optional<int64_t> expires_at;
};

// Job statuses (API §4). STARTED is never emitted.
enum class JobStatus {
  kQueued,
  kValidating,
  kValidated,
  kRunning,
  kFailedValidation,
  kFailed,
  kSuccess,
  kCancelled,
  kCancellationRequested,
};
std::string_view job_status_name(JobStatus status);  // "QUEUED", ...
std::optional<JobStatus> parse_job_status(std::string_view name);
bool is_terminal(JobStatus status);  // FAILED_VALIDATION, FAILED, SUCCESS, CANCELLED

// A training file of a job and its sampling weight (> 0).
struct JobTrainingFile {
  std::string file_id;
  double weight = 1.0;
};

// A classifier target as the API shows it (§2.3): name, labels, weight, loss_function.
struct ClassifierTarget {
  std::string name;
  std::vector<std::string> labels;
  double weight = 1.0;
  std::string loss_function;  // "single_class" | "multi_class" | "" (infer from the data)
};

// Hyperparameters with the service's defaults filled in (API §2.4).
struct Hyperparameters {
  std::optional<int64_t> training_steps;
  double learning_rate = hyper::kDefaultLearningRate;
  std::optional<double> weight_decay = hyper::kDefaultWeightDecay;
  std::optional<double> warmup_fraction = hyper::kDefaultWarmupFraction;
  std::optional<double> epochs;  // given by the user, or computed at VALIDATED
  std::optional<int64_t> seq_len = 16384;
};

// Job metadata (API §2.5), filled in at VALIDATED and after start.
struct JobMetadata {
  std::optional<int64_t> expected_duration_seconds;
  double cost = 0.0;
  std::optional<std::string> cost_currency;
  std::optional<int64_t> train_tokens_per_step;
  std::optional<int64_t> train_tokens;
  std::optional<int64_t> data_tokens;
  std::optional<int64_t> estimated_start_time;
};

// One entry of a job's event list: name "status-updated", data {"status": X[, "error": msg]}.
struct JobEvent {
  std::string name = "status-updated";
  nlohmann::json data;  // object or null
  int64_t created_at = 0;
};

// A progress report while RUNNING. Validation metrics are absent on steps without evaluation.
struct JobCheckpoint {
  int64_t step_number = 0;
  std::optional<double> train_loss;
  std::optional<double> valid_loss;
  std::optional<double> valid_accuracy;       // wire name valid_mean_token_accuracy
  std::optional<double> valid_macro_roc_auc;  // extension (dashboard)
  int64_t created_at = 0;
};

struct JobRecord {
  std::string id;
  std::string workspace;
  std::string model;  // base model as the user named it (alias or architecture)
  JobStatus status = JobStatus::kQueued;
  bool auto_start = false;
  int64_t created_at = 0;
  int64_t modified_at = 0;
  std::vector<JobTrainingFile> training_files;
  std::vector<std::string> validation_files;
  Hyperparameters hyperparameters;
  std::optional<std::string> suffix;
  nlohmann::json integrations = nlohmann::json::array();  // echoed (wandb, without api_key)
  std::vector<ClassifierTarget> requested_targets;   // classifier_targets of the request, if any
  std::vector<ClassifierTarget> classifier_targets;  // known after VALIDATED ([] before)
  double invalid_sample_skip_percentage = 0.0;
  JobMetadata metadata;
  std::optional<std::string> fine_tuned_model;  // set at SUCCESS
  std::optional<int64_t> trained_tokens;        // set at the end
  std::optional<std::string> error;             // why FAILED / FAILED_VALIDATION
  std::vector<JobEvent> events;                 // oldest first
  std::vector<JobCheckpoint> checkpoints;       // oldest first as stored; the API reverses
};

// A fine-tuned model. Its weights live in the store's blob directory (Store::model_path).
struct ModelRecord {
  std::string id;
  std::string workspace;
  std::string job_id;
  std::string root;  // base model as named in the job
  int64_t created = 0;
  std::optional<std::string> name;
  std::optional<std::string> description;
  bool archived = false;
  std::vector<ClassifierTarget> classifier_targets;
};

}  // namespace winnow::store
