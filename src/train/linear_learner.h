// The "linear" architecture's learner: logistic/softmax regression on hashed n-gram features,
// trained by lock-free parallel SGD (Hogwild): threads update the shared weight rows of the
// features they touch without locks, as fastText does. Races only lose an occasional small
// update; with one thread the result is fully deterministic.
//
// It trains K replicas of the model side by side, one per L2 strength, on the same samples, so
// that the trainer can pick the best strength per loss unit on validation data (like
// LogisticRegressionCV, at a fraction of its cost: the replicas share feature extraction and
// memory access). Each replica's L2 decay is applied exactly and in O(1) per step through a
// per-replica scale (true weights = scale * stored weights), so sparse updates never touch the
// rows a sample does not have.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/worker_team.h"
#include "model/model.h"
#include "train/learner.h"
#include "train/losses.h"
#include "train/training_data.h"

namespace winnow {

class LinearLearner final : public Learner {
 public:
  // Zero weights; biases start at the label priors of `train` (log-odds for sigmoid outputs,
  // log-frequency for softmax heads), which saves the first steps for rare labels. `l2` holds
  // one L2 strength per replica (at least one); `team_size` is the WorkerTeam size to be used.
  LinearLearner(const ModelSpec& spec, const SampleSet& train, std::vector<double> l2,
                int team_size);

  size_t replicas() const override { return l2_.size(); }
  uint32_t outputs() const { return outputs_; }

  // One step: SGD with rate `lr` over `batch` (indices into `data`), split across the team,
  // then each replica decays by (1 - lr * l2)^batch.size(). Returns each replica's summed loss
  // over the batch (computed before each sample's update) in *losses. Allocation-free.
  void train_step(const SampleSet& data, std::span<const uint32_t> batch, float lr,
                  WorkerTeam* team, std::vector<double>* losses) override;

  // Scores of every replica on `data` into *scores (size x replicas x outputs, row-major) and
  // summed losses per replica and unit into *unit_losses (replicas x units).
  void evaluate(const SampleSet& data, const std::vector<LossUnit>& units,
                std::vector<float>* scores, std::vector<double>* unit_losses,
                WorkerTeam* team) const override;

  // Copies the true weights and biases of `unit` in replica `replica` into the kept
  // single-replica model (inputs x outputs; outputs).
  void keep_unit(size_t replica, const LossUnit& unit, WorkerTeam* team) override;
  // {"linear.weight", "linear.bias"}: the kept model.
  TensorDataMap take_kept() override;

 private:
  void sgd_range(const SampleSet& data, std::span<const uint32_t> batch, size_t member,
                 size_t stride, float lr);
  void fold_scales(WorkerTeam* team);

  std::vector<HeadLayout> heads_;
  uint32_t outputs_ = 0;
  std::vector<double> l2_;
  size_t row_len_ = 0;          // replicas x outputs, padded to whole SIMD registers
  std::vector<float> weights_;  // inputs x row_len_; true = scale_[r] * stored
  std::vector<float> kept_weights_, kept_bias_;  // inputs x outputs; outputs
  std::vector<float> bias_;                      // replicas x outputs
  std::vector<double> scale_;                    // per replica
  struct alignas(64) Scratch {
    std::vector<float> z, grad, step;
    std::vector<double> loss;
    // Decoded features of the current and the next sample (compact sets decode into these).
    std::vector<Feature> x[2];
  };
  std::vector<Scratch> scratch_;
};

}  // namespace winnow
