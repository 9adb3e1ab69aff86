// Mistral's fine-tuning hyperparameters as Winnow means them: one place for their defaults,
// ranges and checks, used by the trainer, `winnow train`, the job service and the API (so a
// value the API accepts is one the trainer accepts, and a default is written once).
// Meanings (docs/training.md): learning_rate is relative to Mistral's default 1e-4, which is
// the engine's tuned rate; weight_decay 0.1 is the tuned L2 strength; warmup_fraction is the
// share of steps with a rising rate; a step is one update over about
// kDefaultTokensPerStep tokens; epochs are passes over the weighted training tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"

namespace winnow::hyper {

struct Range {
  double min;
  double max;
};

inline constexpr double kDefaultLearningRate = 1e-4;
inline constexpr Range kLearningRate = {1e-8, 1.0};
inline constexpr double kDefaultWeightDecay = 0.1;
inline constexpr Range kWeightDecay = {0.0, 1.0};
inline constexpr double kDefaultWarmupFraction = 0.05;
inline constexpr Range kWarmupFraction = {0.0, 1.0};
inline constexpr int64_t kMinTrainingSteps = 1;
// The encoder architecture: passes of fine-tuning of the pretrained encoder's top layers
// before the heads train (0 = frozen encoder). One pass was measured to clear the quality
// target on cctk at about a tenth of a second per 32 texts of fine-tuning per core
// (docs/training.md, "Fine-tuning").
inline constexpr double kDefaultFineTuneEpochs = 1.0;
inline constexpr Range kFineTuneEpochs = {0.0, 20.0};
// Epochs must be > 0; the upper bound only keeps the arithmetic finite.
inline constexpr double kMaxEpochs = 1e9;

// What a caller gives; unset fields take the defaults above.
struct Values {
  std::optional<int64_t> training_steps;
  std::optional<double> epochs;
  double learning_rate = kDefaultLearningRate;
  double weight_decay = kDefaultWeightDecay;
  double warmup_fraction = kDefaultWarmupFraction;
};

// kInvalidArgument naming the field ("learning_rate must be in [1e-08, 1]", "give either
// training steps or epochs, not both") for the first value out of range.
Status check(const Values& v);

// "[1e-08, 1]": for messages.
std::string range_text(Range r);

}  // namespace winnow::hyper
