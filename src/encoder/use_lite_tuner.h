// Fine-tuning the top of Universal Sentence Encoder Lite (use_lite.h) on a labelled data set:
// layer 1 and the tanh layer (2,889,216 weights) learn, with a sigmoid head per output on the
// embedding; the piece embeddings and layer 0 stay as pretrained (they are ~60% of the
// weights and cost nothing to keep frozen: their forward pass runs once per batch, with no
// backward pass). The forward and backward passes are ours: cblas_sgemm for the matrix
// products, plain loops for layer norm, softmax, ReLU, tanh and the L2 normalization;
// use_lite_tuner_test.cc checks the gradient against finite differences and the forward pass
// against UseLiteNetwork::embed_batch.
//
// The recipe is the one measured in PyTorch before this was written (docs/training.md,
// "Fine-tuning"): AdamW (beta 0.9 / 0.999, eps 1e-8), the encoder at learning rate 5e-5 with
// decoupled weight decay 0.01, the head at 2e-3 without decay, batches of 32 texts of similar
// length, 10% linear warm-up then linear decay to 0, the head reading the unit-length
// embedding times 10, mean binary cross-entropy over the (text, output) pairs whose head the
// text labels.
//
// Thread-safety: one tune() at a time per tuner. It sets OpenBLAS's thread count for its own
// products and restores 1 (what the rest of Winnow uses) when it returns.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "encoder/use_lite.h"

namespace winnow {

struct UseLiteTuneOptions {
  double epochs = 1.0;  // passes over the texts (fractions allowed: a prefix of the order)
  int max_tokens = 64;  // pieces per text while tuning (scoring still reads 128)
  int batch_size = 32;  // texts per step
  float learning_rate = 5e-5f;
  float head_learning_rate = 2e-3f;
  float weight_decay = 0.01f;
  float warmup_fraction = 0.1f;
  float head_scale = 10.0f;  // the head reads the embedding times this
  uint64_t seed = 0;
  int threads = 1;  // OpenBLAS threads for the products
  // Called after each step with (steps done, total steps, mean loss of the step); may be empty.
  std::function<void(int64_t, int64_t, double)> on_step;
  const std::atomic<bool>* cancel = nullptr;  // checked between steps
};

// The labels of the texts: `outputs` values per text in `targets` (0 or 1), and `mask` of the
// same shape: 1 where the pair counts in the loss (the text labels that output's head).
struct UseLiteTuneTargets {
  int outputs = 0;
  std::span<const uint8_t> targets;
  std::span<const uint8_t> mask;
};

// One tensor of the tuned network, by its UseLiteTensorSpec key ("layer_1/ffn/conv1_kernel").
struct UseLiteTunedTensor {
  std::string key;
  std::vector<float> values;
};

class UseLiteTuner {
 public:
  // Starts from `network`'s weights (copied; the network is not changed). Rows of the head:
  // `outputs` (>= 1).
  UseLiteTuner(const UseLiteNetwork& network, int outputs);
  ~UseLiteTuner();
  UseLiteTuner(const UseLiteTuner&) = delete;
  UseLiteTuner& operator=(const UseLiteTuner&) = delete;

  // Fine-tunes on `texts` (token ids, as for UseLiteNetwork) and their targets. The head's
  // bias starts at each output's log prior odds and its weights at 0. kInvalidArgument when
  // the targets do not match the texts or an option is out of range; kCancelled when
  // options.cancel became true (the weights are then partly tuned).
  Status tune(std::span<const std::span<const int32_t>> texts, const UseLiteTuneTargets& targets,
              const UseLiteTuneOptions& options);

  // The tuned tensors (layer 1's and the tanh layer's, 14 of them, in tensor_specs() order).
  std::vector<UseLiteTunedTensor> tuned_tensors() const;
  // The head trained with them: "head/kernel" (512 x outputs, row-major) and "head/bias"
  // (outputs). Its logits are head_scale * embedding . kernel + bias.
  std::vector<UseLiteTunedTensor> head_tensors() const;

  // --- for tests -------------------------------------------------------------------------
  // Embeddings (texts x 512) by the tuner's own forward pass with its current weights.
  void embed(std::span<const std::span<const int32_t>> texts, std::vector<float>* out);
  // The loss of one batch (as tune() computes it) and, when `with_gradient`, its gradient
  // with respect to every tuned weight and the head, left in the tuner (see gradient()).
  double batch_loss(std::span<const std::span<const int32_t>> texts,
                    const UseLiteTuneTargets& targets, float head_scale, bool with_gradient);
  // Every trainable value (encoder then head) and its gradient from the last batch_loss.
  std::span<float> parameters();
  std::span<const float> gradient() const;
  // Where each tensor lies in parameters(): (key, offset, size); the head is "head/kernel"
  // (512 x outputs) and "head/bias".
  struct Block {
    std::string key;
    size_t offset = 0;
    size_t size = 0;
  };
  const std::vector<Block>& blocks() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace winnow
