// The weights of a TensorFlow.js model: model.json's `weightsManifest` plus its binary shard
// files, read into named tensors. Only the manifest is interpreted (the graph in `modelTopology`
// is not): each manifest group lists its shard `paths` (relative to model.json's folder) and its
// `weights` (name, dtype, shape); the group's shards, concatenated in order, hold those weights
// back to back as little-endian arrays, with nothing before, between or after them.
//
// Supported dtypes: float32 and int32. Quantized weights (a `quantization` entry), other dtypes,
// a missing or unreadable shard, shards whose total size differs from what the group's weights
// need, malformed JSON and duplicate names are errors naming the file and what is wrong; loading
// never crashes on bad input.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace winnow {

enum class TfjsDtype : uint8_t { kFloat32, kInt32 };
std::string_view tfjs_dtype_name(TfjsDtype dtype);  // "float32", "int32"

struct TfjsTensor {
  std::string name;
  TfjsDtype dtype = TfjsDtype::kFloat32;
  std::vector<int64_t> shape;  // empty for a scalar
  std::vector<float> f32;      // the elements when dtype is kFloat32, else empty
  std::vector<int32_t> i32;    // the elements when dtype is kInt32, else empty

  int64_t element_count() const;  // product of shape (1 for a scalar)
  // "[8002, 256]", "[]" for a scalar.
  std::string shape_string() const;
};

class TfjsWeights {
 public:
  // Reads `model_json_path` and every shard its manifest names. kNotFound when model.json or a
  // shard does not exist; kIoError when one cannot be read; kInvalidArgument for JSON that is not
  // a TF.js manifest or uses what this reader does not support (messages name model.json);
  // kCorruption when a group's shards do not hold exactly its weights (messages name the shards).
  static Result<TfjsWeights> load(const std::string& model_json_path);

  // Same, from model.json's text; shard paths are resolved against `base_dir` and errors are
  // prefixed with `json_name`.
  static Result<TfjsWeights> parse(std::string_view model_json, const std::string& base_dir,
                                   const std::string& json_name);

  // In manifest order.
  const std::vector<TfjsTensor>& tensors() const { return tensors_; }
  // The tensor named `name`, or nullptr.
  const TfjsTensor* find(std::string_view name) const;

 private:
  std::vector<TfjsTensor> tensors_;
};

}  // namespace winnow
