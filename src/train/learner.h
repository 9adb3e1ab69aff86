// The architecture-specific part of training, behind one small interface, and the table that
// gives each architecture (src/model/architecture.h) its learner and the tensors it does not
// learn. train_model (trainer.h) runs the stages every architecture shares: read and featurize
// the splits, run the step loop of the learner with validation passes, keep per loss unit the
// replica and checkpoint with the lowest validation loss, tune thresholds, assemble the model.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/worker_team.h"
#include "model/model.h"
#include "model/tensors.h"
#include "train/losses.h"
#include "train/training_data.h"

namespace winnow {

struct TrainOptions;

// A learner trains `replicas()` variants of a model side by side on the same samples (one per
// L2 strength of the search) and keeps, per loss unit, the parameters train_model tells it to.
class Learner {
 public:
  virtual ~Learner() = default;

  virtual size_t replicas() const = 0;
  // One optimizer step with rate `lr` over `batch` (indices into `data`); each replica's
  // summed loss over the batch into *losses (replicas() values).
  virtual void train_step(const SampleSet& data, std::span<const uint32_t> batch, float lr,
                          WorkerTeam* team, std::vector<double>* losses) = 0;
  // Probabilities of every replica on `data` (size x replicas x outputs) and summed losses
  // per replica and unit (replicas x units).
  virtual void evaluate(const SampleSet& data, const std::vector<LossUnit>& units,
                        std::vector<float>* scores, std::vector<double>* unit_losses,
                        WorkerTeam* team) const = 0;
  // Makes the current parameters of `unit` in `replica` the kept ones.
  virtual void keep_unit(size_t replica, const LossUnit& unit, WorkerTeam* team) = 0;
  // The kept parameters as the model's learned tensors ("linear.weight", "linear.bias", ...).
  // Called once, at the end.
  virtual TensorDataMap take_kept() = 0;
};

// What training adds to an architecture's row.
struct ArchitectureTraining {
  std::string_view name;  // the row of architectures() it belongs to
  // Tensors the model stores but training does not learn (a pretrained encoder's weights),
  // with the spec fields that describe them filled in. May read files named by the options.
  Result<TensorDataMap> (*fixed_tensors)(const TrainOptions& options, ModelSpec* spec);
  // Adapts the fixed tensors to the training split before it is featurized (fine-tuning a
  // pretrained encoder on its labels), updating the spec fields that describe them; nullptr
  // when the architecture has nothing to adapt. `spec` has its heads. What the adaptation
  // learned beside the fixed tensors (a fine-tuned encoder's own output layer) goes into
  // *carried; when that is not empty, the training split is featurized without the extra
  // inputs (the learner fits the n-gram part alone) and `combine` runs after the fit.
  Status (*tune_fixed)(const TrainOptions& options, const RawSplit& train, ModelSpec* spec,
                       TensorDataMap* fixed, TensorDataMap* carried, int threads);
  // Mixes the learner's kept tensors (*learned, changed in place) with *carried, choosing the
  // mix on `valid` (featurized with the extra inputs; empty: no validation data) and
  // describing it in *report (stored in the model's metadata as "combination").
  Status (*combine)(const ModelSpec& spec, const SampleSet& valid, const TensorDataMap& carried,
                    TensorDataMap* learned, nlohmann::json* report);
  // A learner over samples featurized for `spec` (rows = spec.num_inputs()); `l2` holds one
  // L2 strength per replica.
  std::unique_ptr<Learner> (*make_learner)(const ModelSpec& spec, const SampleSet& train,
                                           std::vector<double> l2, int team_size);
};

// The training row of architecture `name` (WINNOW_CHECK: every architecture has one).
const ArchitectureTraining& architecture_training(std::string_view name);

}  // namespace winnow
