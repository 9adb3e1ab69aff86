#include "encoder/use_lite.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "encoder/tfjs_weights.h"

namespace winnow {
namespace {

constexpr int kUseEmbedIn = 256;  // embedding width (layer 0's input)
constexpr int kUseModel = 512;    // residual stream width from layer 0's output on
constexpr int kUseFfnHidden = 1536;
constexpr int kUseHeads = 4;
constexpr float kUseLayerNormEpsilon = 1e-6f;
constexpr float kUseL2Floor = 1e-12f;  // l2_normalize: v * rsqrt(max(|v|^2, floor))

constexpr std::string_view kUseApply = "module_apply_default/Encoder_en/KonaTransformer/Encode/";
constexpr std::string_view kUseStack =
    "module_apply_default/Encoder_en/KonaTransformer/Encode/TransformerStack/";
constexpr std::string_view kUseModule = "module/Encoder_en/KonaTransformer/Encode/";

// Row-major C[m, n] = A[m, k] B[k, n] + beta C.
void use_sgemm(const float* a, int m, int k, const float* b, int n, float beta, float* c) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, beta, c, n);
}

// C[m, n] = A B + bias (overwrite) or C += A B + bias (accumulate): bias goes in first, so one
// GEMM with beta = 1 does the rest.
void use_linear(const float* a, int m, int k, const std::vector<float>& w,
                const std::vector<float>& bias, int n, float* c, bool accumulate) {
  for (int r = 0; r < m; ++r) {
    float* row = c + static_cast<size_t>(r) * n;
    if (accumulate) {
      for (int j = 0; j < n; ++j) row[j] += bias[j];
    } else {
      std::memcpy(row, bias.data(), sizeof(float) * n);
    }
  }
  use_sgemm(a, m, k, w.data(), n, 1.0f, c);
}

void use_grow(std::vector<float>* v, size_t n) {
  if (v->size() < n) v->resize(n);
}

std::string use_shape_text(std::span<const int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::vector<UseLiteTensorSpec> make_use_lite_specs() {
  std::vector<UseLiteTensorSpec> specs;
  auto add = [&](std::string key, std::string tfjs_name, std::vector<int64_t> shape) {
    specs.push_back({std::move(key), std::move(tfjs_name), std::move(shape)});
  };
  const std::string apply(kUseApply), stack(kUseStack), module(kUseModule);
  add("embeddings", "module/Embeddings_en", {kUseLiteVocabRows, kUseEmbedIn});
  add("timing_inv_timescales", stack + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1",
      {1, kUseEmbedIn / 2});
  for (int l = 0; l < 2; ++l) {
    const int64_t d_in = l == 0 ? kUseEmbedIn : kUseModel;
    const std::string k = "layer_" + std::to_string(l) + "/";
    const std::string layer = "Layer_" + std::to_string(l) + "/TransformerLayer/";
    const std::string ln = layer + "layer_prepostprocess/layer_norm/";
    const std::string mha = layer + "MultiheadAttention/";
    add(k + "attention_norm/scale", apply + ln + "layer_norm_scale/ConcatPartitions/concat",
        {d_in});
    add(k + "attention_norm/bias", apply + ln + "layer_norm_bias/ConcatPartitions/concat", {d_in});
    add(k + "attention/qkv_kernel", module + mha + "qkv_transform_single/kernel/part_0",
        {1, 1, d_in, 3 * d_in});
    add(k + "attention/qkv_bias", apply + mha + "qkv_transform_single/bias/ConcatPartitions/concat",
        {3 * d_in});
    add(k + "attention/out_kernel", module + mha + "output_transform_single/kernel/part_0",
        {1, 1, d_in, kUseModel});
    add(k + "attention/out_bias",
        apply + mha + "output_transform_single/bias/ConcatPartitions/concat", {kUseModel});
    if (d_in != kUseModel) {
      add(k + "residual/kernel", apply + layer + "dense/kernel/ConcatPartitions/concat",
          {d_in, kUseModel});
      add(k + "residual/bias", apply + layer + "dense/bias/ConcatPartitions/concat", {kUseModel});
    }
    const std::string ffn_ln = layer + "FFN/layer_prepostprocess/layer_norm/";
    add(k + "ffn_norm/scale", apply + ffn_ln + "layer_norm_scale/ConcatPartitions/concat",
        {kUseModel});
    add(k + "ffn_norm/bias", apply + ffn_ln + "layer_norm_bias/ConcatPartitions/concat",
        {kUseModel});
    add(k + "ffn/conv1_kernel", stack + layer + "FFN/conv1/Tensordot/Reshape_1",
        {kUseModel, kUseFfnHidden});
    add(k + "ffn/conv1_bias", apply + layer + "FFN/conv1/bias/ConcatPartitions/concat",
        {kUseFfnHidden});
    add(k + "ffn/conv2_kernel", stack + layer + "FFN/conv2/Tensordot/Reshape_1",
        {kUseFfnHidden, kUseModel});
    add(k + "ffn/conv2_bias", apply + layer + "FFN/conv2/bias/ConcatPartitions/concat",
        {kUseModel});
  }
  add("tanh_layer/kernel", "module/Encoder_en/hidden_layers/tanh_layer_0/weights",
      {kUseModel, kUseModel});
  add("tanh_layer/bias", "module/Encoder_en/hidden_layers/tanh_layer_0/bias", {kUseModel});
  return specs;
}

}  // namespace

void use_lite_layer_norm(const float* x, int rows, int d, const float* scale, const float* bias,
                         float* out, float* xhat, float* rstd) {
  for (int r = 0; r < rows; ++r) {
    const float* xr = x + static_cast<size_t>(r) * d;
    float* o = out + static_cast<size_t>(r) * d;
    float* hr = xhat == nullptr ? nullptr : xhat + static_cast<size_t>(r) * d;
    float mean = 0;
    for (int j = 0; j < d; ++j) mean += xr[j];
    mean /= static_cast<float>(d);
    float var = 0;
    for (int j = 0; j < d; ++j) {
      const float c = xr[j] - mean;
      var += c * c;
    }
    var /= static_cast<float>(d);
    const float inv = 1.0f / std::sqrt(var + kUseLayerNormEpsilon);
    if (rstd != nullptr) rstd[r] = inv;
    for (int j = 0; j < d; ++j) {
      const float h = (xr[j] - mean) * inv;
      if (hr != nullptr) hr[j] = h;
      o[j] = h * scale[j] + bias[j];
    }
  }
}

int64_t UseLiteTensorSpec::element_count() const {
  int64_t n = 1;
  for (const int64_t d : shape) n *= d;
  return n;
}

const std::vector<UseLiteTensorSpec>& UseLiteNetwork::tensor_specs() {
  static const std::vector<UseLiteTensorSpec> specs = make_use_lite_specs();
  return specs;
}

void UseLiteNetwork::set_blas_threads(int threads) { openblas_set_num_threads(threads); }

Result<UseLiteNetwork> UseLiteNetwork::create(const TensorLookup& lookup) {
  UseLiteNetwork net;
  // Copies tensor `key` into *out after checking it against its spec.
  auto take = [&](std::string_view key, std::vector<float>* out) -> Status {
    const auto& specs = tensor_specs();
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const UseLiteTensorSpec& s) { return s.key == key; });
    WINNOW_CHECK(spec != specs.end());
    const std::string what = "tensor " + spec->key + " (" + spec->tfjs_name + ")";
    const UseLiteTensorView view = lookup(*spec);
    if (view.data.empty()) return Status::invalid_argument(what + ": missing");
    if (!view.shape.empty() &&
        !std::equal(view.shape.begin(), view.shape.end(), spec->shape.begin(), spec->shape.end())) {
      return Status::invalid_argument(what + ": shape " + use_shape_text(view.shape) +
                                      ", expected " + use_shape_text(spec->shape));
    }
    if (static_cast<int64_t>(view.data.size()) != spec->element_count()) {
      return Status::invalid_argument(what + ": " + std::to_string(view.data.size()) +
                                      " elements, expected " +
                                      std::to_string(spec->element_count()));
    }
    out->assign(view.data.begin(), view.data.end());
    return Status::ok();
  };

  WINNOW_RETURN_IF_ERROR(take("embeddings", &net.embeddings2_));
  for (float& v : net.embeddings2_) v *= 2.0f;  // exact in float: the graph's E + (E + timing)
  std::vector<float> inv_timescales;
  WINNOW_RETURN_IF_ERROR(take("timing_inv_timescales", &inv_timescales));
  // The graph computes sin/cos of the float32 product; Math.sin in double, rounded, as TF.js.
  const int half = kUseEmbedIn / 2;
  net.timing_.resize(static_cast<size_t>(kUseLiteMaxTokens) * kUseEmbedIn);
  for (int p = 0; p < kUseLiteMaxTokens; ++p) {
    for (int i = 0; i < half; ++i) {
      const float arg = static_cast<float>(p) * inv_timescales[i];
      net.timing_[static_cast<size_t>(p) * kUseEmbedIn + i] =
          static_cast<float>(std::sin(static_cast<double>(arg)));
      net.timing_[static_cast<size_t>(p) * kUseEmbedIn + half + i] =
          static_cast<float>(std::cos(static_cast<double>(arg)));
    }
  }
  for (int l = 0; l < 2; ++l) {
    Layer& layer = net.layers_[l];
    layer.d_in = l == 0 ? kUseEmbedIn : kUseModel;
    layer.d_model = kUseModel;
    layer.head_dim = layer.d_in / kUseHeads;
    const std::string k = "layer_" + std::to_string(l) + "/";
    WINNOW_RETURN_IF_ERROR(take(k + "attention_norm/scale", &layer.ln_scale));
    WINNOW_RETURN_IF_ERROR(take(k + "attention_norm/bias", &layer.ln_bias));
    WINNOW_RETURN_IF_ERROR(take(k + "attention/qkv_kernel", &layer.qkv_kernel));
    WINNOW_RETURN_IF_ERROR(take(k + "attention/qkv_bias", &layer.qkv_bias));
    WINNOW_RETURN_IF_ERROR(take(k + "attention/out_kernel", &layer.out_kernel));
    WINNOW_RETURN_IF_ERROR(take(k + "attention/out_bias", &layer.out_bias));
    if (layer.d_in != layer.d_model) {
      WINNOW_RETURN_IF_ERROR(take(k + "residual/kernel", &layer.dense_kernel));
      WINNOW_RETURN_IF_ERROR(take(k + "residual/bias", &layer.dense_bias));
    }
    WINNOW_RETURN_IF_ERROR(take(k + "ffn_norm/scale", &layer.ffn_ln_scale));
    WINNOW_RETURN_IF_ERROR(take(k + "ffn_norm/bias", &layer.ffn_ln_bias));
    WINNOW_RETURN_IF_ERROR(take(k + "ffn/conv1_kernel", &layer.ffn1_kernel));
    WINNOW_RETURN_IF_ERROR(take(k + "ffn/conv1_bias", &layer.ffn1_bias));
    WINNOW_RETURN_IF_ERROR(take(k + "ffn/conv2_kernel", &layer.ffn2_kernel));
    WINNOW_RETURN_IF_ERROR(take(k + "ffn/conv2_bias", &layer.ffn2_bias));
  }
  WINNOW_RETURN_IF_ERROR(take("tanh_layer/kernel", &net.tanh_kernel_));
  WINNOW_RETURN_IF_ERROR(take("tanh_layer/bias", &net.tanh_bias_));
  return net;
}

Result<UseLiteNetwork> UseLiteNetwork::create(const TfjsWeights& weights) {
  Status dtype_error;
  Result<UseLiteNetwork> net = create([&](const UseLiteTensorSpec& spec) -> UseLiteTensorView {
    const TfjsTensor* t = weights.find(spec.tfjs_name);
    if (t == nullptr) return {};
    if (t->dtype != TfjsDtype::kFloat32) {
      dtype_error =
          Status::invalid_argument("tensor " + spec.key + " (" + spec.tfjs_name + "): dtype " +
                                   std::string(tfjs_dtype_name(t->dtype)) + ", expected float32");
      return {};
    }
    return {t->f32, t->shape};
  });
  if (!dtype_error.is_ok()) return dtype_error;
  return net;
}

// One transformer layer over all tokens of the batch (rows packed text after text, no padding:
// a text's keys are its own tokens, which is what the graph's -1e9 padding bias amounts to, and
// every other op is per token). Layer 0 reads x0_ (T x 256) and writes x_; layer 1 updates x_.
void UseLiteNetwork::run_layer(const Layer& layer, int tokens, UseLiteScratch* s) const {
  const int d_in = layer.d_in;
  const int d = layer.d_model;
  const int hd = layer.head_dim;
  const int qkv_width = 3 * d_in;
  const bool project = d_in != d;
  const float* in = project ? s->x0_.data() : s->x_.data();

  use_lite_layer_norm(in, tokens, d_in, layer.ln_scale.data(), layer.ln_bias.data(),
                      s->normed_.data());
  use_linear(s->normed_.data(), tokens, d_in, layer.qkv_kernel, layer.qkv_bias, qkv_width,
             s->qkv_.data(), /*accumulate=*/false);

  // q k^T / sqrt(head_dim): alpha of the GEMM instead of scaling q first (same value).
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  const int texts = static_cast<int>(s->offsets_.size()) - 1;
  for (int t = 0; t < texts; ++t) {
    const int begin = s->offsets_[t];
    const int n = s->offsets_[t + 1] - begin;
    if (n == 0) continue;
    const float* rows = s->qkv_.data() + static_cast<size_t>(begin) * qkv_width;
    for (int h = 0; h < kUseHeads; ++h) {
      const float* q = rows + h * hd;
      const float* k = rows + d_in + h * hd;
      const float* v = rows + 2 * d_in + h * hd;
      float* scores = s->scores_.data();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, hd, scale, q, qkv_width, k,
                  qkv_width, 0.0f, scores, n);
      for (int i = 0; i < n; ++i) {
        float* row = scores + static_cast<size_t>(i) * n;
        const float mx = *std::max_element(row, row + n);
        float sum = 0;
        for (int j = 0; j < n; ++j) {
          row[j] = std::exp(row[j] - mx);
          sum += row[j];
        }
        const float inv = 1.0f / sum;
        for (int j = 0; j < n; ++j) row[j] *= inv;
      }
      float* out = s->heads_.data() + static_cast<size_t>(begin) * d_in + h * hd;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, hd, n, 1.0f, scores, n, v,
                  qkv_width, 0.0f, out, d_in);
    }
  }

  float* x = s->x_.data();
  if (project) {
    use_linear(in, tokens, d_in, layer.dense_kernel, layer.dense_bias, d, x, /*accumulate=*/false);
  }
  use_linear(s->heads_.data(), tokens, d_in, layer.out_kernel, layer.out_bias, d, x,
             /*accumulate=*/true);

  use_lite_layer_norm(x, tokens, d, layer.ffn_ln_scale.data(), layer.ffn_ln_bias.data(),
                      s->normed_.data());
  float* hidden = s->hidden_.data();
  use_linear(s->normed_.data(), tokens, d, layer.ffn1_kernel, layer.ffn1_bias, kUseFfnHidden,
             hidden,
             /*accumulate=*/false);
  for (size_t i = 0, n = static_cast<size_t>(tokens) * kUseFfnHidden; i < n; ++i) {
    hidden[i] = std::max(hidden[i], 0.0f);
  }
  use_linear(hidden, tokens, kUseFfnHidden, layer.ffn2_kernel, layer.ffn2_bias, d, x,
             /*accumulate=*/true);
}

int UseLiteNetwork::run_lower(std::span<const std::span<const int32_t>> texts,
                              UseLiteScratch* s) const {
  const size_t batch = texts.size();
  s->offsets_.resize(batch + 1);
  int tokens = 0;
  for (size_t t = 0; t < batch; ++t) {
    s->offsets_[t] = tokens;
    tokens += static_cast<int>(std::min<size_t>(texts[t].size(), kUseLiteMaxTokens));
  }
  s->offsets_[batch] = tokens;

  const size_t rows = static_cast<size_t>(tokens);
  use_grow(&s->x0_, rows * kUseEmbedIn);
  use_grow(&s->x_, rows * kUseModel);
  use_grow(&s->normed_, rows * kUseModel);
  use_grow(&s->qkv_, rows * 3 * kUseModel);
  use_grow(&s->heads_, rows * kUseModel);
  use_grow(&s->hidden_, rows * kUseFfnHidden);
  use_grow(&s->scores_, static_cast<size_t>(kUseLiteMaxTokens) * kUseLiteMaxTokens);
  use_grow(&s->pooled_, batch * kUseModel);

  for (size_t t = 0; t < batch; ++t) {
    const int n = s->offsets_[t + 1] - s->offsets_[t];
    for (int p = 0; p < n; ++p) {
      int32_t id = texts[t][p];
      if (id < 0 || id >= kUseLiteVocabRows) id = 0;
      const float* e = embeddings2_.data() + static_cast<size_t>(id) * kUseEmbedIn;
      const float* tim = timing_.data() + static_cast<size_t>(p) * kUseEmbedIn;
      float* x0 = s->x0_.data() + static_cast<size_t>(s->offsets_[t] + p) * kUseEmbedIn;
      for (int j = 0; j < kUseEmbedIn; ++j) x0[j] = e[j] + tim[j];
    }
  }
  if (tokens > 0) run_layer(layers_[0], tokens, s);
  return tokens;
}

void UseLiteNetwork::embed(std::span<const int32_t> ids, UseLiteScratch* scratch,
                           std::span<float> out, std::span<float> pooled_out) const {
  const std::span<const int32_t> one[1] = {ids};
  embed_batch(one, scratch, out, pooled_out);
}

void UseLiteNetwork::embed_batch(std::span<const std::span<const int32_t>> texts,
                                 UseLiteScratch* scratch, std::span<float> out,
                                 std::span<float> pooled_out) const {
  const size_t batch = texts.size();
  WINNOW_CHECK(out.size() == batch * kUseLiteEmbeddingDim);
  WINNOW_CHECK(pooled_out.empty() || pooled_out.size() == batch * kUseLiteEmbeddingDim);
  if (batch == 0) return;
  UseLiteScratch* s = scratch;
  if (run_lower(texts, s) > 0) run_layer(layers_[1], s->offsets_[batch], s);

  float* pooled = s->pooled_.data();
  for (size_t t = 0; t < batch; ++t) {
    float* pr = pooled + t * kUseModel;
    std::fill(pr, pr + kUseModel, 0.0f);
    const int begin = s->offsets_[t];
    const int n = s->offsets_[t + 1] - begin;
    for (int p = 0; p < n; ++p) {
      const float* xr = s->x_.data() + static_cast<size_t>(begin + p) * kUseModel;
      for (int j = 0; j < kUseModel; ++j) pr[j] += xr[j];
    }
    const float inv = 1.0f / static_cast<float>(std::max(n, 1));
    for (int j = 0; j < kUseModel; ++j) pr[j] *= inv;
  }
  if (!pooled_out.empty()) std::copy(pooled, pooled + batch * kUseModel, pooled_out.begin());

  use_linear(pooled, static_cast<int>(batch), kUseModel, tanh_kernel_, tanh_bias_, kUseModel,
             out.data(),
             /*accumulate=*/false);
  for (size_t t = 0; t < batch; ++t) {
    float* o = out.data() + t * kUseModel;
    float sq = 0;
    for (int j = 0; j < kUseModel; ++j) {
      o[j] = std::tanh(o[j]);
      sq += o[j] * o[j];
    }
    const float inv = 1.0f / std::sqrt(std::max(sq, kUseL2Floor));
    for (int j = 0; j < kUseModel; ++j) o[j] *= inv;
  }
}

}  // namespace winnow
