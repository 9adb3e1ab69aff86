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
    return Status::corruption("the encoder architecture needs an encoder block in the spec, "
                              "naming '" + std::string(TextEncoder::kUseLite) + "' (found '" +
                              spec.encoder.name + "')");
  }
  const std::string actual = TextEncoder::checksum(tensors);
  if (actual != spec.encoder.weights_checksum) {
    return Status::corruption("the encoder weights do not match their checksum (spec " +
                              spec.encoder.weights_checksum + ", tensors " + actual + ")");
  }
  WINNOW_ASSIGN_OR_RETURN(std::shared_ptr<const TextEncoder> encoder,
                          TextEncoder::create(tensors));
  return std::shared_ptr<const void>(std::move(encoder));
}

void append_embedding(const ModelSpec& spec, const void* runtime, std::string_view text,
                      PredictScratch* scratch, std::vector<Feature>* out) {
  const auto* encoder = static_cast<const TextEncoder*>(runtime);
  if (!scratch->encoder) scratch->encoder = std::make_unique<EncoderScratch>();
  std::vector<float>& e = scratch->encoder->embedding;
  e.resize(encoder->dim());
  encoder->embed(text, scratch->encoder.get(), e);
  const uint32_t first = spec.features.buckets();
  const float norm = spec.encoder.norm;
  for (uint32_t j = 0; j < e.size(); ++j) {
    if (e[j] != 0.0f) out->push_back({first + j, norm * e[j]});
  }
}

}  // namespace

Architecture encoder_architecture() {
  return {"encoder",
          "A pretrained sentence encoder (Universal Sentence Encoder Lite, a 2-layer "
          "transformer, frozen) plus the linear architecture's n-grams, with linear heads: "
          "transfer from pretraining for small data sets",
          {{"idf", "buckets"},
           {"linear.weight", "(buckets + 512) x outputs: n-gram rows, then embedding rows"},
           {"linear.bias", "outputs"},
           {"encoder.*", "the encoder's weights (24 float tensors) and vocabulary (bytes)"}},
          encoder_inputs,
          bind_encoder,
          append_embedding};
}

}  // namespace winnow
