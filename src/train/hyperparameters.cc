#include "train/hyperparameters.h"

#include <cmath>
#include <cstdio>

namespace winnow::hyper {

namespace {

std::string number_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", x);
  return buf;
}

Status in_range(const char* name, double x, Range r) {
  if (std::isfinite(x) && x >= r.min && x <= r.max) return Status::ok();
  return Status::invalid_argument(std::string(name) + " must be in " + range_text(r));
}

}  // namespace

std::string range_text(Range r) {
  return "[" + number_text(r.min) + ", " + number_text(r.max) + "]";
}

Status check(const Values& v) {
  WINNOW_RETURN_IF_ERROR(in_range("learning rate", v.learning_rate, kLearningRate));
  WINNOW_RETURN_IF_ERROR(in_range("weight decay", v.weight_decay, kWeightDecay));
  WINNOW_RETURN_IF_ERROR(in_range("warmup fraction", v.warmup_fraction, kWarmupFraction));
  if (v.training_steps && v.epochs) {
    return Status::invalid_argument("give either training steps or epochs, not both");
  }
  if (v.training_steps && *v.training_steps < kMinTrainingSteps) {
    return Status::invalid_argument("training steps must be >= 1");
  }
  if (v.epochs && !(*v.epochs > 0 && *v.epochs <= kMaxEpochs)) {
    return Status::invalid_argument("epochs must be > 0");
  }
  return Status::ok();
}

}  // namespace winnow::hyper
