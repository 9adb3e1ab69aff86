// The training rows of the architecture table (learner.h).
#include <string>

#include "core/status.h"
#include "encoder/text_encoder.h"
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

// The encoder architecture: the pretrained encoder's weights are read from its package and
// stored in the model unchanged (frozen); its sentence embedding joins the n-gram features as
// extra inputs of the same linear heads, which the linear learner trains (docs/training.md,
// "The encoder architecture", has the measurements behind this choice).
Result<TensorDataMap> encoder_fixed_tensors(const TrainOptions& o, ModelSpec* spec) {
  const std::string dir = o.encoder_dir.empty() ? default_encoder_dir() : o.encoder_dir;
  WINNOW_ASSIGN_OR_RETURN(TensorDataMap tensors, TextEncoder::import_package(dir));
  TensorMap views;
  for (const auto& [name, t] : tensors) views.emplace(name, t.view());
  spec->encoder.name = std::string(TextEncoder::kUseLite);
  spec->encoder.norm = o.encoder_norm;
  spec->encoder.weights_checksum = TextEncoder::checksum(views);
  return tensors;
}

const ArchitectureTraining kTraining[] = {
    {"linear", no_fixed_tensors, make_linear_learner},
    {"encoder", encoder_fixed_tensors, make_linear_learner},
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
