// `winnow train` as a library call: reads classifier JSONL files, trains every head found in
// the data, keeps for each label (each softmax head) the checkpoint and L2 strength with the
// lowest validation loss, tunes per-label thresholds on validation (best F1) and returns the
// finished model (not yet saved; see model_io.h). When the validation samples carry identity
// values (metadata.identity), the finished model's identity-bias audit on them is stored in its
// metadata as validation.bias_audit (docs/bias-audit.md). docs/training.md explains the engine.
//
// Hyperparameters keep Mistral's meaning (schedule.h): a step is one learning-rate update over
// a batch of about tokens_per_step words; learning_rate is relative to Mistral's default 1e-4,
// which is the engine's tuned rate; weight_decay 0.1 (Mistral's default) is the engine's tuned
// L2 strength (the centre of the search grid when validation data is given); warmup_fraction is
// the share of steps with a rising rate.
//
// Deterministic for a given seed with threads = 1. With more threads, updates race (Hogwild)
// and results vary slightly from run to run.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/model.h"
#include "train/hyperparameters.h"
#include "train/training_data.h"

namespace winnow {

// Words per step: about as much text as Mistral's 65,536 LLM tokens. The tutorial's 200 steps
// are then about 6 passes over 20,000 comments and 76 over the tutorial's 2,254 short ones:
// measured to converge at learning rates from 2.5e-5 to 1e-4 (docs/training.md).
constexpr uint64_t kDefaultTokensPerStep = 32768;
// The engine's SGD rate at learning_rate = 1e-4.
constexpr double kEngineLearningRate = 1.0;
// Passes over the data when neither steps nor epochs are given.
constexpr double kDefaultEpochs = 10.0;

struct TrainOptions {
  std::vector<TrainFileSpec> train_files;
  std::vector<std::string> validation_files;
  std::string architecture = "linear";    // a row of architectures() or an alias of it
                                          // (model/architecture.h)
  std::string model_name;                 // as the user gave it (may be an alias); for metadata
  std::optional<int64_t> training_steps;  // at most one of these two
  std::optional<double> epochs;
  // Defaults and ranges: train/hyperparameters.h.
  double learning_rate = hyper::kDefaultLearningRate;
  double weight_decay = hyper::kDefaultWeightDecay;
  double warmup_fraction = hyper::kDefaultWarmupFraction;
  uint64_t seed = 0;
  int threads = 0;  // 0 = all hardware threads
  uint64_t tokens_per_step = kDefaultTokensPerStep;
  HeadOptions heads;
  // The encoder architecture: the pretrained encoder's package directory (empty =
  // default_encoder_dir()) and the L2 norm given to its embedding among the inputs (the word
  // and character blocks have norm 1 each; 0.3-0.5 measured best on cctk, docs/training.md).
  std::string encoder_dir;
  float encoder_norm = 0.5f;
  // Passes of fine-tuning of the encoder's top layers on the training split before the heads
  // train (src/encoder/use_lite_tuner.h); 0 keeps the pretrained weights frozen.
  double fine_tune_epochs = hyper::kDefaultFineTuneEpochs;
  FeatureConfig features;
  WeightingConfig weighting;
  ChunkingConfig chunking;  // how served scores read texts longer than the window (chunking.h)
  // Choose chunking.window_words (and its overlap, a quarter of it) from the training data: the
  // 99th percentile of the training texts' lengths in words, within [32, 256]. A bag of
  // n-grams weighs each word by the text's length, so a model reads chunks about as long as
  // the texts it learned from; 99% of texts like the training data are still read whole
  // (docs/explanations.md measures what this costs the others).
  bool auto_window = true;
  double max_invalid_fraction = 0.0;  // share of bad lines to skip; 0 = any bad line fails
  int evaluations = 20;               // validation passes per run (the last step always)
  // With validation data, train several L2 strengths around weight_decay side by side and keep,
  // per label (per head for softmax heads), the strength and checkpoint with the lowest
  // validation loss. Off (or when the replicas would need more than 1 GiB): weight_decay alone,
  // still with a checkpoint choice per label.
  bool l2_search = true;
  std::vector<double> l2_search_multipliers;  // empty = the tuned default grid; must hold 1.0

  // Called on the training thread; must be quick. Events in order: kFineTuning after every
  // step of fine-tuning a pretrained encoder (the encoder architecture; step and total_steps
  // count those steps), one kStarted, then kStep after every step, kEvaluated after each
  // validation pass, one kFinished.
  std::function<void(const struct TrainEvent&)> on_event;
  // Checked between steps (and between reading, featurizing and training); when it becomes
  // true train() returns kCancelled.
  const std::atomic<bool>* cancel = nullptr;
};

struct TrainEvent {
  enum class Kind { kFineTuning, kStarted, kStep, kEvaluated, kFinished };
  Kind kind = Kind::kStep;
  int64_t step = 0;  // steps done
  int64_t total_steps = 0;
  double epoch = 0;          // passes done (tokens drawn / tokens per pass)
  uint64_t tokens = 0;       // tokens drawn so far
  double learning_rate = 0;  // this step's rate, in the user's units (relative to 1e-4)
  double train_loss = 0;  // kStep, kFineTuning: mean over the step's batch; kEvaluated: since last
  // kEvaluated: mean per validation sample, and macro ROC-AUC over labels with both classes,
  // each label scored by its best L2 strength at this step.
  std::optional<double> valid_loss;
  std::optional<double> valid_macro_auc;
  // kEvaluated: share of (validation sample, head) pairs predicted exactly: the top label for
  // single-label heads, the set of labels with a positive logit (probability > 0.5) for
  // multi-label heads, the top label being a gold one for normalized multi-label heads.
  std::optional<double> valid_accuracy;
  bool best = false;  // kEvaluated: some label's kept checkpoint was replaced

  // kStep / kEvaluated: steps done per second since the first step (evaluations included, so
  // the rate predicts the rest), and the seconds the remaining steps will take at that rate.
  double steps_per_second = 0;
  double eta_seconds = 0;

  double elapsed_seconds = 0;
  nlohmann::json details;  // kStarted: plan and data summary; kFinished: model metadata
};

// One JSON object (no newline) for the machine-readable training log:
// {"event": "step"|"eval"|"started"|"finished", "step": ..., ...}.
std::string train_event_json(const TrainEvent& event);

// Checks option values and combinations without reading any file (kInvalidArgument naming the
// option): front ends report these as usage errors.
Status check_train_options(const TrainOptions& options);

// Trains a model. Errors: bad options (kInvalidArgument), unreadable or invalid data (with
// file:line), kCancelled.
Result<std::shared_ptr<const Model>> train_model(const TrainOptions& options);

}  // namespace winnow
