// The VALIDATING step of a fine-tuning job (API §5.2): reads the job's private copies of its
// files, checks every line, applies invalid_sample_skip_percentage and the requested
// classifier_targets, and works out the heads, token counts and step plan.
//
// Invalid lines (bad JSON or fields, heads or labels outside the requested targets, validation
// labels the training data does not know) are counted per split (training, validation); if
// their share of a split's non-blank lines exceeds the skip percentage the job fails
// validation with the first problem, e.g.
//   "training_file.jsonl (file 3f9a...) line 17: labels.moderation: expected a string, got number".
// When lines are skipped, a cleaned copy of that file (valid lines only) is written to
// clean_file_path(), which training then reads instead of the job's copy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/model.h"
#include "store/records.h"
#include "store/store.h"

namespace winnow::jobs {

struct ValidationOutcome {
  std::vector<store::ClassifierTarget> targets;  // loss_function always filled in
  int64_t data_tokens = 0;                       // words in the valid training samples
  uint64_t tokens_per_pass = 0;                  // words per epoch with file weights applied
  int64_t training_steps = 0;                    // the plan for the job's hyperparameters
  double epochs = 0;
  int64_t train_tokens = 0;  // training_steps x tokens per step
  int64_t train_samples = 0;
  int64_t invalid_lines_skipped = 0;
};

// kInvalidArgument with the user-facing message when the data fails validation; kIoError etc.
// when the job's files cannot be read or the cleaned copy cannot be written.
Result<ValidationOutcome> validate_job_data(store::Store& store, const store::JobRecord& job);

// Where the cleaned copy of one of the job's files lives (it exists only if lines were skipped).
std::string clean_file_path(store::Store& store, const std::string& job_id,
                            const std::string& file_id);
// The file training reads for `file_id`: the cleaned copy if there is one, else the job's copy.
std::string training_input_path(store::Store& store, const std::string& job_id,
                                const std::string& file_id);

// A rough estimate of the training time for `train_tokens` words (for job metadata).
int64_t expected_duration_seconds(int64_t train_tokens);

// The engine's heads for the job's validated targets (loss_function single_class → softmax;
// multi_class → sigmoid per label; weight → loss weight).
std::vector<HeadSpec> heads_for_targets(const std::vector<store::ClassifierTarget>& targets);

}  // namespace winnow::jobs
