#include "model/architecture.h"

#include "model/encoder_architecture.h"
#include "model/model.h"

namespace winnow {

namespace {

uint32_t no_extra_inputs(const ModelSpec&) { return 0; }

Result<std::shared_ptr<const void>> bind_linear(const ModelSpec& spec, const TensorMap&) {
  if (!spec.encoder.name.empty()) {
    return Status::corruption("the linear architecture has no encoder, but the spec names '" +
                              spec.encoder.name + "'");
  }
  return std::shared_ptr<const void>();
}

}  // namespace

const std::vector<Architecture>& architectures() {
  static const std::vector<Architecture> kTable = {
      {"linear",
       "Hashed word and character n-grams (TF-IDF) with linear heads: fast, small, strong on "
       "thousands of samples",
       {{"idf", "buckets: inverse document frequency of each hash bucket"},
        {"linear.weight", "buckets x outputs"},
        {"linear.bias", "outputs"}},
       no_extra_inputs,
       bind_linear,
       nullptr},
      encoder_architecture(),
  };
  return kTable;
}

const Architecture* find_architecture(std::string_view name) {
  for (const Architecture& a : architectures()) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string architecture_names() {
  std::string out;
  for (const Architecture& a : architectures()) {
    if (!out.empty()) out += ", ";
    out += a.name;
  }
  return out;
}

const std::vector<std::string>& mistral_model_aliases() {
  static const std::vector<std::string> kAliases = {"ministral-3b-latest", "ministral-8b-latest"};
  return kAliases;
}

Result<const Architecture*> resolve_architecture(std::string_view name,
                                                 std::string_view default_architecture) {
  std::string_view target = name;
  if (name.empty() || name == "default") target = default_architecture;
  for (const std::string& alias : mistral_model_aliases()) {
    if (name == alias) target = default_architecture;
  }
  if (const Architecture* a = find_architecture(target)) return a;
  std::string aliases;
  for (const std::string& alias : mistral_model_aliases()) aliases += ", " + alias;
  return Status::invalid_argument("unknown model architecture '" + std::string(name) +
                                  "' (known: " + architecture_names() + "; aliases of the default" +
                                  aliases + ")");
}

std::string_view tensor_type_name(TensorType type) {
  return type == TensorType::kF32 ? "f32" : "u8";
}

}  // namespace winnow
