// Named arrays a model stores (docs/model-format.md, "Tensors"): float32 weights or raw bytes
// (e.g. a tokenizer's vocabulary). TensorData owns its elements while a model is being built;
// TensorView points into storage someone else keeps alive (a model file read in one piece, or
// the TensorData a Model took over). The model file writes every tensor of a model, and the
// loader hands every tensor it finds to the model's architecture, which checks the names and
// sizes it needs (src/model/architecture.h).
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace winnow {

enum class TensorType : uint8_t { kF32, kU8 };
std::string_view tensor_type_name(TensorType type);  // "f32", "u8"

struct TensorView {
  TensorType type = TensorType::kF32;
  const void* data = nullptr;
  uint64_t count = 0;  // elements

  // Empty when the type differs: callers check the type first (TensorCheck in architecture.h).
  std::span<const float> f32() const {
    return type == TensorType::kF32 ? std::span<const float>(static_cast<const float*>(data), count)
                                    : std::span<const float>();
  }
  std::string_view u8() const {
    return type == TensorType::kU8 ? std::string_view(static_cast<const char*>(data), count)
                                   : std::string_view();
  }
  uint64_t size_bytes() const { return type == TensorType::kF32 ? count * 4 : count; }
};

struct TensorData {
  TensorType type = TensorType::kF32;
  std::vector<float> f32;
  std::string u8;

  static TensorData floats(std::vector<float> v) { return {TensorType::kF32, std::move(v), {}}; }
  static TensorData bytes(std::string b) { return {TensorType::kU8, {}, std::move(b)}; }
  TensorView view() const {
    return type == TensorType::kF32 ? TensorView{type, f32.data(), f32.size()}
                                    : TensorView{type, u8.data(), u8.size()};
  }
};

using TensorMap = std::map<std::string, TensorView, std::less<>>;
using TensorDataMap = std::map<std::string, TensorData, std::less<>>;

}  // namespace winnow
