#include "model/encoder_architecture.h"

#include "encoder/text_encoder.h"
#include "model/model.h"

namespace winnow {

namespace {

bool has_encoder(const ModelSpec& spec) { return spec.encoder.name == TextEncoder::kUseLite; }

uint32_t encoder_inputs(const ModelSpec& spec) {
  return has_encoder(spec) ? TextEncoder::kEmbeddingDim : 0;
}

Result<std::shared_ptr<const void>> bind_encoder(const ModelSpec& spec, const TensorMap& tensors) {
  if (!has_encoder(spec)) {
    return Status::corruption(
        "the encoder architecture needs an encoder block in the spec, "
        "naming '" +
        std::string(TextEncoder::kUseLite) + "' (found '" + spec.encoder.name + "')");
  }
  const std::string actual = TextEncoder::checksum(tensors);
  if (actual != spec.encoder.weights_checksum) {
    const std::string mismatch = "the encoder weights do not match their checksum (spec " +
                                 spec.encoder.weights_checksum + ", tensors " + actual + ")";
    // A tensor that is missing or has the wrong size also changes the checksum: name it.
    Result<std::shared_ptr<const TextEncoder>> built = TextEncoder::create(tensors);
    if (!built.is_ok()) return Status::corruption(built.status().message() + "; " + mismatch);
    return Status::corruption(mismatch);
  }
  WINNOW_ASSIGN_OR_RETURN(std::shared_ptr<const TextEncoder> encoder, TextEncoder::create(tensors));
  return std::shared_ptr<const void>(std::move(encoder));
}

void append_embeddings(const ModelSpec& spec, const void* runtime,
                       std::span<const std::string_view> texts, PredictScratch* scratch,
                       std::span<std::vector<Feature>* const> outs) {
  const auto* encoder = static_cast<const TextEncoder*>(runtime);
  if (!scratch->encoder) scratch->encoder = std::make_unique<EncoderScratch>();
  std::vector<float>& e = scratch->encoder->embedding;
  const uint32_t dim = encoder->dim();
  e.resize(texts.size() * dim);
  encoder->embed_batch(texts, scratch->encoder.get(), e);
  const uint32_t first = spec.features.buckets();
  const float norm = spec.encoder.norm;
  for (size_t i = 0; i < texts.size(); ++i) {
    const float* row = e.data() + i * dim;
    for (uint32_t j = 0; j < dim; ++j) {
      if (row[j] != 0.0f) outs[i]->push_back({first + j, norm * row[j]});
    }
  }
}

}  // namespace

Architecture encoder_architecture() {
  return {"encoder",
          "A pretrained sentence encoder (Universal Sentence Encoder Lite, a 2-layer "
          "transformer whose top layer is fine-tuned on the training data) mixed with the "
          "linear architecture's n-grams: transfer from pretraining for small data sets",
          {{"idf", "buckets"},
           {"linear.weight", "(buckets + 512) x outputs: n-gram rows, then embedding rows"},
           {"linear.bias", "outputs"},
           {"encoder.*", "the encoder's weights (24 float tensors) and vocabulary (bytes)"}},
          encoder_inputs,
          bind_encoder,
          append_embeddings};
}

}  // namespace winnow
