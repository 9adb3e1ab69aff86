// What a training "step" and "learning rate" mean, Mistral-style, and the order in which
// samples are drawn.
//
// A step is one learning-rate update over a batch of about tokens_per_step words (the engine's
// tokens). Epochs = tokens drawn / tokens in one (weighted) pass over the training data.
// learning_rate is relative to Mistral's default 1e-4: the engine's rate is
// kEngineLearningRate * learning_rate / 1e-4. The rate warms up linearly over the first
// warmup_fraction of the steps, then decays linearly to zero at the last step.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/status.h"

namespace winnow {

// Mistral's default learning rate; our default maps onto it.
constexpr double kMistralDefaultLearningRate = 1e-4;

struct StepPlan {
  int64_t total_steps = 0;
  int64_t warmup_steps = 0;
  uint64_t tokens_per_step = 0;
  double epochs = 0;  // planned passes over the data
};

// Steps from `training_steps` or `epochs` (exactly one of them may be set; neither = use
// default_epochs). Errors: both set, values <= 0, no tokens in the data.
Result<StepPlan> plan_steps(std::optional<int64_t> training_steps, std::optional<double> epochs,
                            double default_epochs, uint64_t tokens_per_epoch,
                            uint64_t tokens_per_step, double warmup_fraction);

// Learning-rate multiplier of step `step` (0-based) in [0, 1]: linear warm-up, linear decay.
double lr_multiplier(const StepPlan& plan, int64_t step);

// Deterministic 64-bit generator (splitmix64): the same seed gives the same stream on every
// platform, unlike std::shuffle with std::mt19937.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();
  double uniform();            // [0, 1)
  uint64_t below(uint64_t n);  // [0, n), n > 0

 private:
  uint64_t state_;
};

// Draws sample indices pass after pass. In each pass sample i appears floor(e_i) or
// ceil(e_i) times, where e_i = weight of its file / mean weight over samples, so a pass holds
// about as many samples as the data and heavier files are drawn proportionally more often; the
// pass is then shuffled. Allocation happens only when a pass is generated.
class BatchSampler {
 public:
  // sample_weights: one weight > 0 per sample; sample_tokens: words per sample.
  BatchSampler(std::vector<double> sample_weights, std::vector<uint32_t> sample_tokens,
               uint64_t seed);
  // Replaces *batch with the next samples until their tokens reach tokens_per_step (at least
  // one sample; a sample with no words counts as one token). Returns the tokens in the batch.
  uint64_t next_batch(uint64_t tokens_per_step, std::vector<uint32_t>* batch);
  // Tokens in one weighted pass (expected), for epoch arithmetic.
  double tokens_per_pass() const { return tokens_per_pass_; }

 private:
  void new_pass();

  std::vector<double> expected_;  // e_i
  std::vector<uint32_t> tokens_;
  std::vector<uint32_t> pass_;
  size_t cursor_ = 0;
  double tokens_per_pass_ = 0;
  SplitMix64 rng_;
};

}  // namespace winnow
