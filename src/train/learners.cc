// The training rows of the architecture table (learner.h).
#include <string>

#include "core/status.h"
#include "encoder/text_encoder.h"
#include "train/encoder_training.h"
#include "train/learner.h"
#include "train/linear_learner.h"
#include "train/trainer.h"

namespace winnow {

namespace {

Result<TensorDataMap> no_fixed_tensors(const TrainOptions&, ModelSpec*) { return TensorDataMap{}; }

std::unique_ptr<Learner> make_linear_learner(const ModelSpec& spec, const SampleSet& train,
                                             std::vector<double> l2, int team_size) {
  return std::make_unique<LinearLearner>(spec, train, std::move(l2), team_size);
}

const ArchitectureTraining kTraining[] = {
    {"linear", no_fixed_tensors, nullptr, nullptr, make_linear_learner},
    {"encoder", encoder_fixed_tensors, encoder_tune_fixed, encoder_combine, make_linear_learner},
};

}  // namespace

const ArchitectureTraining& architecture_training(std::string_view name) {
  for (const ArchitectureTraining& t : kTraining) {
    if (t.name == name) return t;
  }
  WINNOW_CHECK(false && "architecture without a training row");
  return kTraining[0];
}

}  // namespace winnow
