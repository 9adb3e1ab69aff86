#include "train/schedule.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace winnow {

Result<StepPlan> plan_steps(std::optional<int64_t> training_steps, std::optional<double> epochs,
                            double default_epochs, uint64_t tokens_per_epoch,
                            uint64_t tokens_per_step, double warmup_fraction) {
  if (training_steps && epochs) {
    return Status::invalid_argument("give either training steps or epochs, not both");
  }
  if (training_steps && *training_steps < 1) {
    return Status::invalid_argument("training steps must be >= 1");
  }
  if (epochs && !(*epochs > 0 && std::isfinite(*epochs))) {
    return Status::invalid_argument("epochs must be > 0");
  }
  if (!(warmup_fraction >= 0 && warmup_fraction <= 1)) {
    return Status::invalid_argument("warmup fraction must be in [0, 1]");
  }
  if (tokens_per_epoch == 0 || tokens_per_step == 0) {
    return Status::invalid_argument("the training data holds no tokens");
  }
  StepPlan plan;
  plan.tokens_per_step = tokens_per_step;
  const double per_epoch = static_cast<double>(tokens_per_epoch);
  const double per_step = static_cast<double>(tokens_per_step);
  if (training_steps) {
    plan.total_steps = *training_steps;
  } else {
    const double e = epochs ? *epochs : default_epochs;
    plan.total_steps =
        std::max<int64_t>(1, static_cast<int64_t>(std::ceil(e * per_epoch / per_step)));
  }
  plan.epochs = static_cast<double>(plan.total_steps) * per_step / per_epoch;
  plan.warmup_steps =
      static_cast<int64_t>(std::floor(warmup_fraction * static_cast<double>(plan.total_steps)));
  return plan;
}

double lr_multiplier(const StepPlan& plan, int64_t step) {
  if (step < plan.warmup_steps) {
    return static_cast<double>(step + 1) / static_cast<double>(plan.warmup_steps + 1);
  }
  const double rest = static_cast<double>(plan.total_steps - plan.warmup_steps);
  return std::max(0.0, static_cast<double>(plan.total_steps - step) / rest);
}

uint64_t SplitMix64::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double SplitMix64::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

uint64_t SplitMix64::below(uint64_t n) {
  // Modulo; the bias (below n / 2^64) is irrelevant for shuffling.
  return next() % n;
}

BatchSampler::BatchSampler(std::vector<double> sample_weights, std::vector<uint32_t> sample_tokens,
                           uint64_t seed)
    : expected_(std::move(sample_weights)), tokens_(std::move(sample_tokens)), rng_(seed) {
  double mean = 0;
  for (double w : expected_) mean += w;
  mean /= static_cast<double>(std::max<size_t>(1, expected_.size()));
  for (size_t i = 0; i < expected_.size(); ++i) {
    expected_[i] /= mean;
    tokens_per_pass_ += expected_[i] * std::max<uint32_t>(1, tokens_[i]);
  }
  new_pass();
}

void BatchSampler::new_pass() {
  pass_.clear();
  for (size_t i = 0; i < expected_.size(); ++i) {
    const double e = expected_[i];
    const double whole = std::floor(e);
    size_t copies = static_cast<size_t>(whole) + (rng_.uniform() < e - whole ? 1 : 0);
    for (size_t c = 0; c < copies; ++c) pass_.push_back(static_cast<uint32_t>(i));
  }
  if (pass_.empty() && !expected_.empty())
    pass_.push_back(static_cast<uint32_t>(rng_.below(expected_.size())));
  for (size_t i = pass_.size(); i > 1; --i) std::swap(pass_[i - 1], pass_[rng_.below(i)]);
  cursor_ = 0;
}

uint64_t BatchSampler::next_batch(uint64_t tokens_per_step, std::vector<uint32_t>* batch) {
  batch->clear();
  uint64_t tokens = 0;
  while (tokens < tokens_per_step) {
    if (cursor_ == pass_.size()) new_pass();
    const uint32_t i = pass_[cursor_++];
    batch->push_back(i);
    tokens += std::max<uint32_t>(1, tokens_[i]);
  }
  return tokens;
}

}  // namespace winnow
