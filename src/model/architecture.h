// The table of model architectures: what each is called, what it stores and how it scores.
// Adding an architecture means one row here (architecture.cc) and one learner in
// src/train/learners.cc; nothing else in the engine, the CLI or the service names an
// architecture.
//
// Every architecture scores the same way at the end: a text becomes a sparse input vector (the
// weighted hashed n-grams of src/text, then any extra inputs the architecture appends, e.g. a
// pretrained encoder's sentence embedding as features whose keys follow the hash buckets), and
// linear_logits (model.h) turns that vector into logits with the weight rows the model stores.
// Training computes the same inputs once per text with the same functions, so training-time
// validation scores and served scores agree: bit for bit for the n-grams; an encoder's
// embedding may differ in its last bits between batches of different sizes (the matrix
// products block differently; ~1e-7 per component), never more.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "model/tensors.h"
#include "text/feature_hasher.h"

namespace winnow {

class Model;
struct ModelSpec;
struct PredictScratch;

// A tensor an architecture stores, for the table's documentation and /v1/models.
struct TensorSpec {
  std::string_view name;         // a trailing '*' means "every tensor with this prefix"
  std::string_view description;  // what it holds and its shape
};

struct Architecture {
  std::string_view name;
  std::string_view description;  // one line, shown by /v1/models and `winnow train --help`
  std::vector<TensorSpec> tensors;

  // Inputs the architecture adds after the hash buckets (rows of linear.weight beyond
  // spec.features.buckets()).
  uint32_t (*extra_inputs)(const ModelSpec& spec);
  // Checks that `tensors` hold what the architecture needs for `spec` (names, types, sizes)
  // and builds what scoring needs besides them (may be null, e.g. a tokenizer's trie).
  // kCorruption naming the tensor otherwise.
  Result<std::shared_ptr<const void>> (*bind)(const ModelSpec& spec, const TensorMap& tensors);
  // Appends the architecture's extra inputs of texts[i] to *outs[i] (keys
  // spec.features.buckets() and up), for a batch of texts at once (batches let an encoder run
  // its matrix products over many texts); null when there are none. `runtime` is what bind
  // built. Thread-safe; allocation-free once `scratch` has warmed up to the batch size.
  void (*append_extra_inputs)(const ModelSpec& spec, const void* runtime,
                              std::span<const std::string_view> texts, PredictScratch* scratch,
                              std::span<std::vector<Feature>* const> outs);
};

// Every architecture, the default first.
const std::vector<Architecture>& architectures();
// The row named `name` (exact), or null.
const Architecture* find_architecture(std::string_view name);
// "linear, encoder": for error messages and help texts.
std::string architecture_names();

// Mistral's base model names, accepted wherever an architecture is named and standing for
// the deployment's default architecture (so the tutorial's job body runs unchanged).
const std::vector<std::string>& mistral_model_aliases();

// The architecture a user-facing name stands for: an architecture's name, "default" or a
// Mistral alias (→ default_architecture). kInvalidArgument listing the known names otherwise.
Result<const Architecture*> resolve_architecture(std::string_view name,
                                                 std::string_view default_architecture = "linear");

}  // namespace winnow
