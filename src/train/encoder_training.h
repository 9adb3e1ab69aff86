// Training the "encoder" architecture (model/encoder_architecture.h): the rows of its
// ArchitectureTraining (learner.h). With fine-tuning (the default), training is two models
// and a mix:
//   1. tune_fixed: the encoder's top layers fine-tune on the training split with a sigmoid
//      output layer of their own (encoder/use_lite_tuner.h); the tuned weights become the
//      model's encoder tensors and that output layer is carried to step 3;
//   2. the linear learner fits the n-gram weights alone (the training split is featurized
//      without the embedding: an embedding tuned on the same labels would otherwise take
//      the credit on the training data and starve the n-grams);
//   3. combine: per loss unit (a multi-label label, a single-label head) the two sets of
//      logits are mixed, ngram_weight * n-gram logits + (1 - ngram_weight) * encoder logits,
//      with the weight (0, 0.05, ..., 1) of lowest validation loss, and the mix is folded
//      into linear.weight: the n-gram rows scaled by the weight, the embedding rows holding
//      the carried output layer. The served model is the usual linear model over n-grams and
//      embedding, so serving, explanations and the model format do not change.
// Measured on cctk (docs/training.md, "Fine-tuning"): the joint fit of step 2 with the tuned
// embedding among its inputs scored 0.930 test ROC-AUC, the mix 0.937.
// Without fine-tuning (--fine-tune-epochs 0) the frozen embedding is an input of the linear
// heads, as before.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "model/model.h"
#include "model/tensors.h"
#include "train/training_data.h"

namespace winnow {

struct TrainOptions;

// The pretrained encoder's tensors from its package (options.encoder_dir or the default),
// with spec->encoder filled in.
Result<TensorDataMap> encoder_fixed_tensors(const TrainOptions& options, ModelSpec* spec);

// Step 1: fine-tunes the encoder tensors in *fixed on `train` (nothing when
// options.fine_tune_epochs is 0); the output layer goes into *carried ("head/kernel",
// "head/bias").
Status encoder_tune_fixed(const TrainOptions& options, const RawSplit& train, ModelSpec* spec,
                          TensorDataMap* fixed, TensorDataMap* carried, int threads);

// Step 3: mixes the learned linear tensors with the carried output layer.
Status encoder_combine(const ModelSpec& spec, const SampleSet& valid, const TensorDataMap& carried,
                       TensorDataMap* learned, nlohmann::json* report);

}  // namespace winnow
