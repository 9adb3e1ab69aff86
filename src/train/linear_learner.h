// The "linear" architecture's learner: logistic/softmax regression on hashed n-gram features,
// trained by lock-free parallel SGD (Hogwild): threads update the shared weight rows of the
// features they touch without locks, as fastText does. Races only lose an occasional small
// update; with one thread the result is fully deterministic.
//
// L2 weight decay is applied exactly and in O(1) per step through a global scale
// (true weights = scale * stored weights), so sparse updates never touch untouched rows.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/worker_team.h"
#include "model/model.h"
#include "train/losses.h"
#include "train/training_data.h"

namespace winnow {

class LinearLearner {
 public:
  // Zero weights; biases start at the label priors of `train` (log-odds for sigmoid outputs,
  // log-frequency for softmax heads), which saves the first steps for rare labels.
  LinearLearner(const ModelSpec& spec, const SampleSet& train, int threads);

  // One step: SGD with rate `lr` over `batch` (indices into `data`), split across the team,
  // then decay by (1 - lr * l2)^batch.size(). Returns the summed loss of the batch (computed
  // before each sample's update). Allocation-free.
  double train_step(const SampleSet& data, std::span<const uint32_t> batch, float lr, double l2,
                    WorkerTeam* team);

  // Summed loss over `data`, and the scores (data.size() x outputs, row-major) into *scores.
  double evaluate(const SampleSet& data, std::vector<float>* scores, WorkerTeam* team) const;

  // The true weights (scale applied) and biases.
  void snapshot(std::vector<float>* weights, std::vector<float>* bias, WorkerTeam* team) const;

 private:
  void sgd_range(const SampleSet& data, std::span<const uint32_t> batch, size_t member,
                 size_t stride, float lr);
  void fold_scale(WorkerTeam* team);

  std::vector<HeadLayout> heads_;
  uint32_t outputs_ = 0;
  std::vector<float> weights_;  // buckets x outputs, true value = scale_ * stored
  std::vector<float> bias_;
  double scale_ = 1.0;
  struct alignas(64) Scratch {
    std::vector<float> z, grad;
    double loss = 0;
  };
  std::vector<Scratch> scratch_;
};

}  // namespace winnow
