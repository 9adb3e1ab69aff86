#include "encoder/use_lite_tuner.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "core/random.h"

namespace winnow {

namespace {

constexpr int kTuneModel = kUseLiteEmbeddingDim;  // 512
constexpr int kTuneQkv = 3 * kTuneModel;          // 1536
constexpr int kTuneHidden = 1536;                 // FFN hidden width
constexpr int kTuneHeads = 4;
constexpr int kTuneHeadDim = kTuneModel / kTuneHeads;  // 128
constexpr float kTuneL2Floor = 1e-12f;
constexpr double kTuneAdamBeta1 = 0.9;
constexpr double kTuneAdamBeta2 = 0.999;
constexpr double kTuneAdamEpsilon = 1e-8;

// Row-major C[m, n] = alpha op(A) op(B) + beta C, op = transpose when the flag says so; lda,
// ldb, ldc are the row strides of A, B, C as stored.
void tune_gemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int lda,
               const float* b, int ldb, float beta, float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
              k, alpha, a, lda, b, ldb, beta, c, ldc);
}

// out[r] = in[r] W + bias for `rows` rows (W: [k, n]).
void tune_linear(const float* in, int rows, int k, const float* w, const float* bias, int n,
                 float* out) {
  for (int r = 0; r < rows; ++r)
    std::memcpy(out + static_cast<size_t>(r) * n, bias, sizeof(float) * n);
  tune_gemm(false, false, rows, n, k, 1.0f, in, k, w, n, 1.0f, out, n);
}

// Gradients of out = in W + b given dout: dW += in^T dout, db += column sums of dout, and
// (when din is not null) din = dout W^T (or += when accumulate_din).
void tune_linear_backward(const float* in, const float* dout, int rows, int k, int n,
                          const float* w, float* dw, float* db, float* din, bool accumulate_din) {
  tune_gemm(true, false, k, n, rows, 1.0f, in, k, dout, n, 1.0f, dw, n);
  for (int r = 0; r < rows; ++r) {
    const float* d = dout + static_cast<size_t>(r) * n;
    for (int j = 0; j < n; ++j) db[j] += d[j];
  }
  if (din != nullptr) {
    tune_gemm(false, true, rows, k, n, 1.0f, dout, n, w, n, accumulate_din ? 1.0f : 0.0f, din, k);
  }
}

// Given dout of out = xhat * scale + bias: dscale, dbias accumulate; when dx is not null,
// dx += the gradient with respect to the layer norm's input.
void tune_layer_norm_backward(const float* dout, const float* xhat, const float* rstd, int rows,
                              int d, const float* scale, float* dscale, float* dbias, float* dx) {
  for (int r = 0; r < rows; ++r) {
    const float* g = dout + static_cast<size_t>(r) * d;
    const float* h = xhat + static_cast<size_t>(r) * d;
    float mean_g = 0, mean_gh = 0;
    for (int j = 0; j < d; ++j) {
      dscale[j] += g[j] * h[j];
      dbias[j] += g[j];
      const float gs = g[j] * scale[j];
      mean_g += gs;
      mean_gh += gs * h[j];
    }
    if (dx == nullptr) continue;
    mean_g /= static_cast<float>(d);
    mean_gh /= static_cast<float>(d);
    float* o = dx + static_cast<size_t>(r) * d;
    for (int j = 0; j < d; ++j) o[j] += rstd[r] * (g[j] * scale[j] - mean_g - h[j] * mean_gh);
  }
}

float tune_sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

// log(1 + exp(z)) without overflow.
double tune_softplus(double z) {
  return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
}

void tune_grow(std::vector<float>* v, size_t n) {
  if (v->size() < n) v->resize(n);
}

}  // namespace

struct UseLiteTuner::Impl {
  const UseLiteNetwork* network = nullptr;
  int outputs = 0;
  std::vector<float> params, grad, adam_m, adam_v;
  std::vector<Block> blocks;
  size_t head_offset = 0;  // params[head_offset..] is the head: no decay, its own rate
  // Offsets of each tensor in params (filled from blocks by name).
  size_t ln1_s, ln1_b, qkv_w, qkv_b, out_w, out_b, ln2_s, ln2_b, w1, b1, w2, b2, tanh_w, tanh_b,
      head_w, head_b;

  // Activations of the last forward pass (sized for the largest batch so far).
  UseLiteScratch lower;
  std::vector<int32_t> offsets;
  std::vector<float> x2, xhat1, rstd1, h1, qkv, probs, heads, x3, xhat2, rstd2, h2, relu, x4;
  std::vector<size_t> prob_offsets;  // per text: where its 4 heads' n x n matrices start
  std::vector<float> pooled, tanh_out, norm, embedding, logits;
  // Backward buffers.
  std::vector<float> d_logits, d_emb, d_z, d_pooled, d_x4, d_relu, d_h2, d_x3, d_heads, d_qkv, d_h1,
      d_probs;

  float* p(size_t off) { return params.data() + off; }
  float* g(size_t off) { return grad.data() + off; }

  size_t add_block(const std::string& key, const std::vector<float>& init) {
    const size_t off = params.size();
    blocks.push_back({key, off, init.size()});
    params.insert(params.end(), init.begin(), init.end());
    return off;
  }

  void forward(std::span<const std::span<const int32_t>> texts, int max_tokens, float head_scale);
  double loss_and_backward(const UseLiteTuneTargets& targets, std::span<const size_t> rows,
                           float head_scale, bool with_gradient);
};

UseLiteTuner::UseLiteTuner(const UseLiteNetwork& network, int outputs)
    : impl_(std::make_unique<Impl>()) {
  WINNOW_CHECK(outputs >= 1);
  Impl& m = *impl_;
  m.network = &network;
  m.outputs = outputs;
  const UseLiteNetwork::Layer& l = network.layers_[1];
  m.ln1_s = m.add_block("layer_1/attention_norm/scale", l.ln_scale);
  m.ln1_b = m.add_block("layer_1/attention_norm/bias", l.ln_bias);
  m.qkv_w = m.add_block("layer_1/attention/qkv_kernel", l.qkv_kernel);
  m.qkv_b = m.add_block("layer_1/attention/qkv_bias", l.qkv_bias);
  m.out_w = m.add_block("layer_1/attention/out_kernel", l.out_kernel);
  m.out_b = m.add_block("layer_1/attention/out_bias", l.out_bias);
  m.ln2_s = m.add_block("layer_1/ffn_norm/scale", l.ffn_ln_scale);
  m.ln2_b = m.add_block("layer_1/ffn_norm/bias", l.ffn_ln_bias);
  m.w1 = m.add_block("layer_1/ffn/conv1_kernel", l.ffn1_kernel);
  m.b1 = m.add_block("layer_1/ffn/conv1_bias", l.ffn1_bias);
  m.w2 = m.add_block("layer_1/ffn/conv2_kernel", l.ffn2_kernel);
  m.b2 = m.add_block("layer_1/ffn/conv2_bias", l.ffn2_bias);
  m.tanh_w = m.add_block("tanh_layer/kernel", network.tanh_kernel_);
  m.tanh_b = m.add_block("tanh_layer/bias", network.tanh_bias_);
  m.head_offset = m.params.size();
  m.head_w =
      m.add_block("head/kernel", std::vector<float>(static_cast<size_t>(kTuneModel) * outputs));
  m.head_b = m.add_block("head/bias", std::vector<float>(outputs));
  m.grad.assign(m.params.size(), 0.0f);
}

UseLiteTuner::~UseLiteTuner() = default;

std::span<float> UseLiteTuner::parameters() { return impl_->params; }
std::span<const float> UseLiteTuner::gradient() const { return impl_->grad; }
const std::vector<UseLiteTuner::Block>& UseLiteTuner::blocks() const { return impl_->blocks; }

std::vector<UseLiteTunedTensor> UseLiteTuner::tuned_tensors() const {
  std::vector<UseLiteTunedTensor> out;
  for (const Block& b : impl_->blocks) {
    if (b.offset >= impl_->head_offset) break;
    const float* v = impl_->params.data() + b.offset;
    out.push_back({b.key, std::vector<float>(v, v + b.size)});
  }
  return out;
}

std::vector<UseLiteTunedTensor> UseLiteTuner::head_tensors() const {
  std::vector<UseLiteTunedTensor> out;
  for (const Block& b : impl_->blocks) {
    if (b.offset < impl_->head_offset) continue;
    const float* v = impl_->params.data() + b.offset;
    out.push_back({b.key, std::vector<float>(v, v + b.size)});
  }
  return out;
}

// Layer 0 by the network (frozen), then layer 1, pooling, the tanh layer, the L2 norm and the
// head by the tuner's weights, keeping every activation the backward pass reads.
void UseLiteTuner::Impl::forward(std::span<const std::span<const int32_t>> texts, int max_tokens,
                                 float head_scale) {
  const int batch = static_cast<int>(texts.size());
  std::vector<std::span<const int32_t>> clipped(texts.begin(), texts.end());
  for (auto& t : clipped) t = t.first(std::min<size_t>(t.size(), static_cast<size_t>(max_tokens)));
  const int tokens = network->run_lower(clipped, &lower);
  offsets = lower.offsets_;
  const size_t rows = static_cast<size_t>(tokens);
  for (auto* v :
       {&x2, &xhat1, &h1, &heads, &x3, &xhat2, &h2, &x4, &d_x4, &d_h2, &d_x3, &d_heads, &d_h1}) {
    tune_grow(v, rows * kTuneModel);
  }
  for (auto* v : {&qkv, &relu, &d_qkv, &d_relu}) tune_grow(v, rows * kTuneQkv);
  tune_grow(&rstd1, rows);
  tune_grow(&rstd2, rows);
  prob_offsets.assign(batch + 1, 0);
  for (int t = 0; t < batch; ++t) {
    const size_t n = static_cast<size_t>(offsets[t + 1] - offsets[t]);
    prob_offsets[t + 1] = prob_offsets[t] + n * n * kTuneHeads;
  }
  tune_grow(&probs, prob_offsets[batch]);
  tune_grow(&d_probs, static_cast<size_t>(kUseLiteMaxTokens) * kUseLiteMaxTokens);
  for (auto* v : {&pooled, &tanh_out, &embedding, &d_emb, &d_z, &d_pooled}) {
    tune_grow(v, static_cast<size_t>(batch) * kTuneModel);
  }
  tune_grow(&norm, batch);
  tune_grow(&logits, static_cast<size_t>(batch) * outputs);
  tune_grow(&d_logits, static_cast<size_t>(batch) * outputs);
  if (tokens > 0) std::memcpy(x2.data(), lower.x_.data(), sizeof(float) * rows * kTuneModel);

  if (tokens > 0) {
    // x3 = x2 + MHA(LN(x2))
    use_lite_layer_norm(x2.data(), tokens, kTuneModel, p(ln1_s), p(ln1_b), h1.data(), xhat1.data(),
                        rstd1.data());
    tune_linear(h1.data(), tokens, kTuneModel, p(qkv_w), p(qkv_b), kTuneQkv, qkv.data());
    const float scale = 1.0f / std::sqrt(static_cast<float>(kTuneHeadDim));
    for (int t = 0; t < batch; ++t) {
      const int begin = offsets[t];
      const int n = offsets[t + 1] - begin;
      if (n == 0) continue;
      const float* r = qkv.data() + static_cast<size_t>(begin) * kTuneQkv;
      for (int h = 0; h < kTuneHeads; ++h) {
        float* pr = probs.data() + prob_offsets[t] + static_cast<size_t>(h) * n * n;
        tune_gemm(false, true, n, n, kTuneHeadDim, scale, r + h * kTuneHeadDim, kTuneQkv,
                  r + kTuneModel + h * kTuneHeadDim, kTuneQkv, 0.0f, pr, n);
        for (int i = 0; i < n; ++i) {
          float* row = pr + static_cast<size_t>(i) * n;
          const float mx = *std::max_element(row, row + n);
          float sum = 0;
          for (int j = 0; j < n; ++j) {
            row[j] = std::exp(row[j] - mx);
            sum += row[j];
          }
          const float inv = 1.0f / sum;
          for (int j = 0; j < n; ++j) row[j] *= inv;
        }
        tune_gemm(false, false, n, kTuneHeadDim, n, 1.0f, pr, n,
                  r + 2 * kTuneModel + h * kTuneHeadDim, kTuneQkv, 0.0f,
                  heads.data() + static_cast<size_t>(begin) * kTuneModel + h * kTuneHeadDim,
                  kTuneModel);
      }
    }
    std::memcpy(x3.data(), x2.data(), sizeof(float) * rows * kTuneModel);
    for (size_t r = 0; r < rows; ++r) {
      float* o = x3.data() + r * kTuneModel;
      for (int j = 0; j < kTuneModel; ++j) o[j] += p(out_b)[j];
    }
    tune_gemm(false, false, tokens, kTuneModel, kTuneModel, 1.0f, heads.data(), kTuneModel,
              p(out_w), kTuneModel, 1.0f, x3.data(), kTuneModel);
    // x4 = x3 + FFN(LN(x3))
    use_lite_layer_norm(x3.data(), tokens, kTuneModel, p(ln2_s), p(ln2_b), h2.data(), xhat2.data(),
                        rstd2.data());
    tune_linear(h2.data(), tokens, kTuneModel, p(w1), p(b1), kTuneHidden, relu.data());
    for (size_t i = 0, n = rows * kTuneHidden; i < n; ++i) relu[i] = std::max(relu[i], 0.0f);
    std::memcpy(x4.data(), x3.data(), sizeof(float) * rows * kTuneModel);
    for (size_t r = 0; r < rows; ++r) {
      float* o = x4.data() + r * kTuneModel;
      for (int j = 0; j < kTuneModel; ++j) o[j] += p(b2)[j];
    }
    tune_gemm(false, false, tokens, kTuneModel, kTuneHidden, 1.0f, relu.data(), kTuneHidden, p(w2),
              kTuneModel, 1.0f, x4.data(), kTuneModel);
  }
  // pooled = mean of x4 over the text's tokens; embedding = l2(tanh(pooled Wt + bt))
  for (int t = 0; t < batch; ++t) {
    float* pr = pooled.data() + static_cast<size_t>(t) * kTuneModel;
    std::fill(pr, pr + kTuneModel, 0.0f);
    const int n = offsets[t + 1] - offsets[t];
    for (int i = offsets[t]; i < offsets[t + 1]; ++i) {
      const float* xr = x4.data() + static_cast<size_t>(i) * kTuneModel;
      for (int j = 0; j < kTuneModel; ++j) pr[j] += xr[j];
    }
    const float inv = 1.0f / static_cast<float>(std::max(n, 1));
    for (int j = 0; j < kTuneModel; ++j) pr[j] *= inv;
  }
  tune_linear(pooled.data(), batch, kTuneModel, p(tanh_w), p(tanh_b), kTuneModel, tanh_out.data());
  for (int t = 0; t < batch; ++t) {
    float* u = tanh_out.data() + static_cast<size_t>(t) * kTuneModel;
    float* e = embedding.data() + static_cast<size_t>(t) * kTuneModel;
    float sq = 0;
    for (int j = 0; j < kTuneModel; ++j) {
      u[j] = std::tanh(u[j]);
      sq += u[j] * u[j];
    }
    norm[t] = std::sqrt(std::max(sq, kTuneL2Floor));
    for (int j = 0; j < kTuneModel; ++j) e[j] = u[j] / norm[t];
  }
  // The head reads the embedding scaled: logits = scale * e W + b.
  for (int t = 0; t < batch; ++t) {
    std::memcpy(logits.data() + static_cast<size_t>(t) * outputs, p(head_b),
                sizeof(float) * outputs);
  }
  tune_gemm(false, false, batch, outputs, kTuneModel, head_scale, embedding.data(), kTuneModel,
            p(head_w), outputs, 1.0f, logits.data(), outputs);
}

// Mean BCE over the masked (text, output) pairs of the batch (rows[t]: the text's row in the
// targets) and, when asked, its gradient into grad (overwritten).
double UseLiteTuner::Impl::loss_and_backward(const UseLiteTuneTargets& targets,
                                             std::span<const size_t> rows, float head_scale,
                                             bool with_gradient) {
  const int batch = static_cast<int>(rows.size());
  double loss = 0;
  size_t counted = 0;
  for (int t = 0; t < batch; ++t) {
    const size_t base = rows[t] * static_cast<size_t>(outputs);
    for (int o = 0; o < outputs; ++o) {
      if (targets.mask[base + o] == 0) continue;
      const auto z = static_cast<double>(logits[static_cast<size_t>(t) * outputs + o]);
      loss += tune_softplus(z) - (targets.targets[base + o] ? z : 0.0);
      ++counted;
    }
  }
  if (counted == 0) return 0.0;
  loss /= static_cast<double>(counted);
  if (!with_gradient) return loss;

  std::fill(grad.begin(), grad.end(), 0.0f);
  const float inv_count = 1.0f / static_cast<float>(counted);
  for (int t = 0; t < batch; ++t) {
    const size_t base = rows[t] * static_cast<size_t>(outputs);
    for (int o = 0; o < outputs; ++o) {
      const size_t i = static_cast<size_t>(t) * outputs + o;
      d_logits[i] =
          targets.mask[base + o] == 0
              ? 0.0f
              : (tune_sigmoid(logits[i]) - (targets.targets[base + o] ? 1.0f : 0.0f)) * inv_count;
    }
  }
  // Head: logits = scale * e W + b.
  tune_gemm(true, false, kTuneModel, outputs, batch, head_scale, embedding.data(), kTuneModel,
            d_logits.data(), outputs, 1.0f, g(head_w), outputs);
  for (int t = 0; t < batch; ++t) {
    for (int o = 0; o < outputs; ++o)
      g(head_b)[o] += d_logits[static_cast<size_t>(t) * outputs + o];
  }
  tune_gemm(false, true, batch, kTuneModel, outputs, head_scale, d_logits.data(), outputs,
            p(head_w), outputs, 0.0f, d_emb.data(), kTuneModel);
  // e = u / |u|, u = tanh(z): dz = (de - e (e . de)) / |u| * (1 - u^2).
  for (int t = 0; t < batch; ++t) {
    const float* e = embedding.data() + static_cast<size_t>(t) * kTuneModel;
    const float* u = tanh_out.data() + static_cast<size_t>(t) * kTuneModel;
    const float* de = d_emb.data() + static_cast<size_t>(t) * kTuneModel;
    float* dz = d_z.data() + static_cast<size_t>(t) * kTuneModel;
    float dot = 0;
    for (int j = 0; j < kTuneModel; ++j) dot += e[j] * de[j];
    for (int j = 0; j < kTuneModel; ++j) {
      dz[j] = (de[j] - e[j] * dot) / norm[t] * (1.0f - u[j] * u[j]);
    }
  }
  tune_linear_backward(pooled.data(), d_z.data(), batch, kTuneModel, kTuneModel, p(tanh_w),
                       g(tanh_w), g(tanh_b), d_pooled.data(), false);
  const int tokens = offsets[batch];
  if (tokens == 0) return loss;
  const size_t nrows = static_cast<size_t>(tokens);
  // Mean pooling: every token of text t gets d_pooled[t] / n.
  for (int t = 0; t < batch; ++t) {
    const int n = offsets[t + 1] - offsets[t];
    const float inv = 1.0f / static_cast<float>(std::max(n, 1));
    const float* dp = d_pooled.data() + static_cast<size_t>(t) * kTuneModel;
    for (int i = offsets[t]; i < offsets[t + 1]; ++i) {
      float* dx = d_x4.data() + static_cast<size_t>(i) * kTuneModel;
      for (int j = 0; j < kTuneModel; ++j) dx[j] = dp[j] * inv;
    }
  }
  // x4 = x3 + relu(h2 W1 + b1) W2 + b2.
  tune_linear_backward(relu.data(), d_x4.data(), tokens, kTuneHidden, kTuneModel, p(w2), g(w2),
                       g(b2), d_relu.data(), false);
  for (size_t i = 0, n = nrows * kTuneHidden; i < n; ++i) {
    if (relu[i] <= 0.0f) d_relu[i] = 0.0f;
  }
  tune_linear_backward(h2.data(), d_relu.data(), tokens, kTuneModel, kTuneHidden, p(w1), g(w1),
                       g(b1), d_h2.data(), false);
  std::memcpy(d_x3.data(), d_x4.data(), sizeof(float) * nrows * kTuneModel);
  tune_layer_norm_backward(d_h2.data(), xhat2.data(), rstd2.data(), tokens, kTuneModel, p(ln2_s),
                           g(ln2_s), g(ln2_b), d_x3.data());
  // x3 = x2 + heads Wo + bo.
  tune_linear_backward(heads.data(), d_x3.data(), tokens, kTuneModel, kTuneModel, p(out_w),
                       g(out_w), g(out_b), d_heads.data(), false);
  // Attention, per text and head: O = P V, P = softmax(s Q K^T).
  const float scale = 1.0f / std::sqrt(static_cast<float>(kTuneHeadDim));
  for (int t = 0; t < batch; ++t) {
    const int begin = offsets[t];
    const int n = offsets[t + 1] - begin;
    if (n == 0) continue;
    const float* r = qkv.data() + static_cast<size_t>(begin) * kTuneQkv;
    float* dr = d_qkv.data() + static_cast<size_t>(begin) * kTuneQkv;
    for (int h = 0; h < kTuneHeads; ++h) {
      const float* pr = probs.data() + prob_offsets[t] + static_cast<size_t>(h) * n * n;
      const float* q = r + h * kTuneHeadDim;
      const float* k = r + kTuneModel + h * kTuneHeadDim;
      const float* v = r + 2 * kTuneModel + h * kTuneHeadDim;
      const float* d_o =
          d_heads.data() + static_cast<size_t>(begin) * kTuneModel + h * kTuneHeadDim;
      float* dp = d_probs.data();
      tune_gemm(false, true, n, n, kTuneHeadDim, 1.0f, d_o, kTuneModel, v, kTuneQkv, 0.0f, dp, n);
      tune_gemm(true, false, n, kTuneHeadDim, n, 1.0f, pr, n, d_o, kTuneModel, 0.0f,
                dr + 2 * kTuneModel + h * kTuneHeadDim, kTuneQkv);
      for (int i = 0; i < n; ++i) {
        const float* prow = pr + static_cast<size_t>(i) * n;
        float* drow = dp + static_cast<size_t>(i) * n;
        float dot = 0;
        for (int j = 0; j < n; ++j) dot += drow[j] * prow[j];
        for (int j = 0; j < n; ++j) drow[j] = prow[j] * (drow[j] - dot);
      }
      tune_gemm(false, false, n, kTuneHeadDim, n, scale, dp, n, k, kTuneQkv, 0.0f,
                dr + h * kTuneHeadDim, kTuneQkv);
      tune_gemm(true, false, n, kTuneHeadDim, n, scale, dp, n, q, kTuneQkv, 0.0f,
                dr + kTuneModel + h * kTuneHeadDim, kTuneQkv);
    }
  }
  // qkv = LN(x2) Wqkv + bqkv; x2 is frozen, so only the layer norm's own scale and bias.
  tune_linear_backward(h1.data(), d_qkv.data(), tokens, kTuneModel, kTuneQkv, p(qkv_w), g(qkv_w),
                       g(qkv_b), d_h1.data(), false);
  tune_layer_norm_backward(d_h1.data(), xhat1.data(), rstd1.data(), tokens, kTuneModel, p(ln1_s),
                           g(ln1_s), g(ln1_b), nullptr);
  return loss;
}

void UseLiteTuner::embed(std::span<const std::span<const int32_t>> texts, std::vector<float>* out) {
  impl_->forward(texts, kUseLiteMaxTokens, 1.0f);
  out->assign(impl_->embedding.begin(),
              impl_->embedding.begin() + static_cast<std::ptrdiff_t>(texts.size() * kTuneModel));
}

double UseLiteTuner::batch_loss(std::span<const std::span<const int32_t>> texts,
                                const UseLiteTuneTargets& targets, float head_scale,
                                bool with_gradient) {
  WINNOW_CHECK(targets.outputs == impl_->outputs);
  std::vector<size_t> rows(texts.size());
  std::iota(rows.begin(), rows.end(), size_t{0});
  impl_->forward(texts, kUseLiteMaxTokens, head_scale);
  return impl_->loss_and_backward(targets, rows, head_scale, with_gradient);
}

Status UseLiteTuner::tune(std::span<const std::span<const int32_t>> texts,
                          const UseLiteTuneTargets& targets, const UseLiteTuneOptions& o) {
  Impl& m = *impl_;
  const size_t n = texts.size();
  if (targets.outputs != m.outputs || targets.targets.size() != n * m.outputs ||
      targets.mask.size() != n * m.outputs) {
    return Status::invalid_argument("fine-tuning targets do not match the texts");
  }
  if (!(o.epochs > 0 && o.epochs <= 100) || o.batch_size < 1 || o.max_tokens < 1 ||
      !(o.learning_rate >= 0) || !(o.head_learning_rate >= 0) || !(o.weight_decay >= 0) ||
      !(o.warmup_fraction >= 0 && o.warmup_fraction < 1)) {
    return Status::invalid_argument("fine-tuning option out of range");
  }
  if (n == 0) return Status::ok();

  // Head: weights 0, bias the log prior odds (clamped away from 0 and 1).
  for (int out = 0; out < m.outputs; ++out) {
    double pos = 0, all = 0;
    for (size_t i = 0; i < n; ++i) {
      if (targets.mask[i * m.outputs + out] == 0) continue;
      all += 1;
      pos += targets.targets[i * m.outputs + out];
    }
    const double prior = std::clamp(all > 0 ? pos / all : 0.5, 1e-3, 1 - 1e-3);
    m.p(m.head_b)[out] = static_cast<float>(std::log(prior / (1 - prior)));
  }
  std::fill(m.p(m.head_w), m.p(m.head_w) + static_cast<size_t>(kTuneModel) * m.outputs, 0.0f);
  m.adam_m.assign(m.params.size(), 0.0f);
  m.adam_v.assign(m.params.size(), 0.0f);

  // Batches: per pass, a random order cut into chunks of 50 batches; within a chunk texts
  // sorted by length (little padding work: each text's attention is its own), then the
  // batches shuffled.
  Rng rng(o.seed ^ 0x7475'6e65ULL);
  const size_t bs = static_cast<size_t>(o.batch_size);
  const size_t per_pass = (n + bs - 1) / bs;
  const int64_t total = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(o.epochs * static_cast<double>(per_pass))));
  const int64_t warm = std::max<int64_t>(1, static_cast<int64_t>(o.warmup_fraction * total));
  std::vector<std::vector<size_t>> batches;
  openblas_set_num_threads(std::max(1, o.threads));
  struct BlasRestore {
    ~BlasRestore() { openblas_set_num_threads(1); }
  } restore;

  std::vector<std::span<const int32_t>> batch_texts;
  int64_t step = 0;
  while (step < total) {
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), size_t{0});
    rng.shuffle(order);
    batches.clear();
    for (size_t c = 0; c < n; c += bs * 50) {
      const size_t end = std::min(n, c + bs * 50);
      std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(c),
                       order.begin() + static_cast<std::ptrdiff_t>(end),
                       [&](size_t a, size_t b) { return texts[a].size() < texts[b].size(); });
      for (size_t i = c; i < end; i += bs) {
        batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(i),
                             order.begin() + static_cast<std::ptrdiff_t>(std::min(end, i + bs)));
      }
    }
    rng.shuffle(batches);
    for (const std::vector<size_t>& b : batches) {
      if (step >= total) break;
      if (o.cancel != nullptr && o.cancel->load()) {
        return Status::cancelled("fine-tuning cancelled after " + std::to_string(step) + " of " +
                                 std::to_string(total) + " steps");
      }
      batch_texts.clear();
      for (size_t i : b) batch_texts.push_back(texts[i]);
      m.forward(batch_texts, o.max_tokens, o.head_scale);
      const double loss = m.loss_and_backward(targets, b, o.head_scale, true);
      // Linear warm-up to the full rate over `warm` steps, then linear decay to 0.
      const double s = static_cast<double>(step + 1);
      const double factor = step < warm ? s / static_cast<double>(warm)
                                        : std::max(0.0, static_cast<double>(total - step) /
                                                            static_cast<double>(total - warm + 1));
      ++step;
      const double bc1 = 1 - std::pow(kTuneAdamBeta1, static_cast<double>(step));
      const double bc2 = 1 - std::pow(kTuneAdamBeta2, static_cast<double>(step));
      for (int part = 0; part < 2; ++part) {
        const size_t begin = part == 0 ? 0 : m.head_offset;
        const size_t end = part == 0 ? m.head_offset : m.params.size();
        const float lr = static_cast<float>(
            static_cast<double>(part == 0 ? o.learning_rate : o.head_learning_rate) * factor);
        const float decay = part == 0 ? lr * o.weight_decay : 0.0f;
        const float step_size = static_cast<float>(static_cast<double>(lr) / bc1);
        const float inv_bc2 = static_cast<float>(1.0 / bc2);
        const auto b1 = static_cast<float>(kTuneAdamBeta1);
        const auto b2 = static_cast<float>(kTuneAdamBeta2);
        const auto eps = static_cast<float>(kTuneAdamEpsilon);
        for (size_t i = begin; i < end; ++i) {
          const float gi = m.grad[i];
          float& mi = m.adam_m[i];
          float& vi = m.adam_v[i];
          mi = b1 * mi + (1 - b1) * gi;
          vi = b2 * vi + (1 - b2) * gi * gi;
          m.params[i] -= decay * m.params[i];
          m.params[i] -= step_size * mi / (std::sqrt(vi * inv_bc2) + eps);
        }
      }
      if (o.on_step) o.on_step(step, total, loss);
    }
  }
  return Status::ok();
}

}  // namespace winnow
