#include "model/model_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
// Header-only use of xxhash: inlined, so nothing to link.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/read_fully.h"
#include "text/normalize.h"

namespace winnow {

static_assert(std::endian::native == std::endian::little,
              "the model format is little-endian; big-endian hosts need byte swapping");

namespace {

constexpr char kMagic[8] = {'\x89', 'W', 'I', 'N', 'N', 'O', 'W', '\n'};
constexpr size_t kHeaderBytes = 64;
constexpr size_t kAlign = 64;

struct Header {
  char magic[8];
  uint32_t format_version;
  uint32_t header_bytes;
  uint64_t file_bytes;
  uint64_t metadata_offset;
  uint64_t metadata_bytes;
  uint64_t tensors_offset;
  uint64_t body_checksum;    // XXH3-64 of [header_bytes, file_bytes)
  uint64_t header_checksum;  // XXH3-64 of the 56 bytes before this field
};
static_assert(sizeof(Header) == kHeaderBytes);

uint64_t align_up(uint64_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

nlohmann::json spec_to_json(const ModelSpec& spec) {
  nlohmann::json heads = nlohmann::json::array();
  for (const HeadSpec& h : spec.heads) {
    heads.push_back({{"name", h.name},
                     {"kind", head_kind_name(h.kind)},
                     {"labels", h.labels},
                     {"thresholds", h.thresholds},
                     {"loss_weight", h.loss_weight}});
    if (h.none_label) heads.back()["none_label"] = h.labels.at(*h.none_label);
  }
  nlohmann::json j = {{"architecture", spec.architecture},
                      {"features",
                       {{"normalization_version", kNormalizationVersion},
                        {"hash_version", kFeatureHashVersion},
                        {"hash_bits", spec.features.hash_bits},
                        {"word_ngram_max", spec.features.word_ngram_max},
                        {"char_ngram_min", spec.features.char_ngram_min},
                        {"char_ngram_max", spec.features.char_ngram_max}}},
                      {"weighting",
                       {{"sublinear_tf", spec.weighting.sublinear_tf},
                        {"use_idf", spec.weighting.use_idf},
                        {"min_df", spec.weighting.min_df},
                        {"word_norm", spec.weighting.word_norm},
                        {"char_norm", spec.weighting.char_norm}}},
                      {"chunking",
                       {{"window_words", spec.chunking.window_words},
                        {"overlap_words", spec.chunking.overlap_words},
                        {"aggregate", chunk_aggregate_name(spec.chunking.aggregate)}}},
                      {"heads", heads}};
  if (!spec.encoder.name.empty()) {
    j["encoder"] = {{"name", spec.encoder.name},
                    {"norm", spec.encoder.norm},
                    {"weights_checksum", spec.encoder.weights_checksum},
                    {"fine_tune_epochs", spec.encoder.fine_tune_epochs}};
  }
  return j;
}

// One JSON number as an arithmetic T, or false when T cannot hold it. nlohmann's own
// conversion casts blindly: a float outside an integer type's range is undefined behaviour, a
// negative number wraps into an unsigned type, and a double beyond float's range is undefined
// too. So integers must be JSON integers within T's range, and floats finite within T's range.
template <typename T>
bool number_to(const nlohmann::json& v, T* out) {
  if constexpr (std::is_integral_v<T>) {
    if (v.is_number_unsigned()) {
      const uint64_t u = v.get<uint64_t>();
      if (!std::in_range<T>(u)) return false;
      *out = static_cast<T>(u);
      return true;
    }
    if (!v.is_number_integer()) return false;
    const int64_t i = v.get<int64_t>();
    if (!std::in_range<T>(i)) return false;
    *out = static_cast<T>(i);
    return true;
  } else {
    if (!v.is_number()) return false;
    const double d = v.get<double>();
    if (!std::isfinite(d) || std::abs(d) > static_cast<double>(std::numeric_limits<T>::max())) {
      return false;
    }
    *out = static_cast<T>(d);
    return true;
  }
}

// Reads field `key` of `obj` as T; a missing or mistyped field (or a number T cannot hold) is
// kCorruption naming it.
template <typename T>
Status get(const nlohmann::json& obj, const char* key, T* out) {
  if (!obj.is_object() || !obj.contains(key)) {
    return Status::corruption(std::string("metadata field '") + key + "' is missing");
  }
  const nlohmann::json& v = obj.at(key);
  bool ok = true;
  if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
    ok = number_to(v, out);
  } else if constexpr (std::is_same_v<T, std::vector<float>>) {
    ok = v.is_array();
    out->assign(ok ? v.size() : 0, 0.0f);
    for (size_t i = 0; ok && i < v.size(); ++i) ok = number_to(v[i], &(*out)[i]);
  } else {
    try {
      *out = v.get<T>();
    } catch (const nlohmann::json::exception&) {
      ok = false;
    }
  }
  if (!ok) {
    return Status::corruption(std::string("metadata field '") + key +
                              "' has the wrong type or is out of range");
  }
  return Status::ok();
}

Result<ModelSpec> spec_from_json(const nlohmann::json& j) {
  ModelSpec spec;
  WINNOW_RETURN_IF_ERROR(get(j, "architecture", &spec.architecture));
  nlohmann::json f, w, heads;
  WINNOW_RETURN_IF_ERROR(get(j, "features", &f));
  int norm_version = 0, hash_version = 0;
  WINNOW_RETURN_IF_ERROR(get(f, "normalization_version", &norm_version));
  WINNOW_RETURN_IF_ERROR(get(f, "hash_version", &hash_version));
  if (norm_version != kNormalizationVersion || hash_version != kFeatureHashVersion) {
    return Status::invalid_argument(
        "the model uses text normalization v" + std::to_string(norm_version) + " and hashing v" +
        std::to_string(hash_version) + "; this build supports v" +
        std::to_string(kNormalizationVersion) + " and v" + std::to_string(kFeatureHashVersion));
  }
  WINNOW_RETURN_IF_ERROR(get(f, "hash_bits", &spec.features.hash_bits));
  WINNOW_RETURN_IF_ERROR(get(f, "word_ngram_max", &spec.features.word_ngram_max));
  WINNOW_RETURN_IF_ERROR(get(f, "char_ngram_min", &spec.features.char_ngram_min));
  WINNOW_RETURN_IF_ERROR(get(f, "char_ngram_max", &spec.features.char_ngram_max));
  WINNOW_RETURN_IF_ERROR(get(j, "weighting", &w));
  WINNOW_RETURN_IF_ERROR(get(w, "sublinear_tf", &spec.weighting.sublinear_tf));
  WINNOW_RETURN_IF_ERROR(get(w, "use_idf", &spec.weighting.use_idf));
  WINNOW_RETURN_IF_ERROR(get(w, "min_df", &spec.weighting.min_df));
  WINNOW_RETURN_IF_ERROR(get(w, "word_norm", &spec.weighting.word_norm));
  WINNOW_RETURN_IF_ERROR(get(w, "char_norm", &spec.weighting.char_norm));
  if (j.contains("encoder")) {  // the encoder architecture's block (format version 1 files
                                // written before it existed have none)
    nlohmann::json e;
    WINNOW_RETURN_IF_ERROR(get(j, "encoder", &e));
    WINNOW_RETURN_IF_ERROR(get(e, "name", &spec.encoder.name));
    WINNOW_RETURN_IF_ERROR(get(e, "norm", &spec.encoder.norm));
    WINNOW_RETURN_IF_ERROR(get(e, "weights_checksum", &spec.encoder.weights_checksum));
    if (e.contains("fine_tune_epochs")) {  // absent in models written before fine-tuning
      WINNOW_RETURN_IF_ERROR(get(e, "fine_tune_epochs", &spec.encoder.fine_tune_epochs));
    }
  }
  if (j.contains("chunking")) {  // files written before long-text chunking get its defaults
    nlohmann::json c;
    std::string aggregate;
    WINNOW_RETURN_IF_ERROR(get(j, "chunking", &c));
    WINNOW_RETURN_IF_ERROR(get(c, "window_words", &spec.chunking.window_words));
    WINNOW_RETURN_IF_ERROR(get(c, "overlap_words", &spec.chunking.overlap_words));
    WINNOW_RETURN_IF_ERROR(get(c, "aggregate", &aggregate));
    Result<ChunkAggregate> a = parse_chunk_aggregate(aggregate);
    if (!a.is_ok())
      return Status::corruption("metadata field 'chunking.aggregate': " + a.status().message());
    spec.chunking.aggregate = *a;
  }
  WINNOW_RETURN_IF_ERROR(get(j, "heads", &heads));
  if (!heads.is_array()) return Status::corruption("metadata field 'heads' is not a list");
  for (const nlohmann::json& h : heads) {
    HeadSpec head;
    std::string kind;
    WINNOW_RETURN_IF_ERROR(get(h, "name", &head.name));
    WINNOW_RETURN_IF_ERROR(get(h, "kind", &kind));
    WINNOW_RETURN_IF_ERROR(get(h, "labels", &head.labels));
    WINNOW_RETURN_IF_ERROR(get(h, "thresholds", &head.thresholds));
    WINNOW_RETURN_IF_ERROR(get(h, "loss_weight", &head.loss_weight));
    Result<HeadKind> k = parse_head_kind(kind);
    if (!k.is_ok()) return Status::corruption(k.status().message());
    head.kind = *k;
    if (h.contains("none_label")) {  // absent in models written before it existed
      std::string none;
      WINNOW_RETURN_IF_ERROR(get(h, "none_label", &none));
      auto it = std::find(head.labels.begin(), head.labels.end(), none);
      if (it == head.labels.end()) {
        return Status::corruption("metadata field 'heads': none_label '" + none +
                                  "' is not a label of head '" + head.name + "'");
      }
      head.none_label = static_cast<uint32_t>(it - head.labels.begin());
    }
    spec.heads.push_back(std::move(head));
  }
  Status valid = spec.validate();
  if (!valid.is_ok()) return Status::corruption(valid.message());
  return spec;
}

// 64-byte aligned bytes that a Model can keep alive through shared_ptr<const void>.
struct AlignedBytes {
  explicit AlignedBytes(size_t n)
      : size(n),
        data(static_cast<char*>(std::aligned_alloc(kAlign, align_up(std::max<size_t>(n, 1))))) {}
  ~AlignedBytes() { std::free(data); }
  AlignedBytes(const AlignedBytes&) = delete;
  AlignedBytes& operator=(const AlignedBytes&) = delete;
  size_t size;
  char* data;
};

Result<std::shared_ptr<const Model>> parse_aligned(std::shared_ptr<AlignedBytes> buf) {
  const char* p = buf->data;
  const uint64_t size = buf->size;
  if (size < kHeaderBytes) {
    if (size >= sizeof(kMagic) && std::memcmp(p, kMagic, sizeof(kMagic)) == 0) {
      return Status::corruption("truncated model file (" + std::to_string(size) + " bytes)");
    }
    return Status::invalid_argument("not a Winnow model file (" + std::to_string(size) +
                                    " bytes, no model header)");
  }
  Header h;
  std::memcpy(&h, p, sizeof(h));
  if (std::memcmp(h.magic, kMagic, sizeof(kMagic)) != 0) {
    return Status::invalid_argument("not a Winnow model file (unknown magic bytes)");
  }
  if (XXH3_64bits(p, offsetof(Header, header_checksum)) != h.header_checksum) {
    return Status::corruption("model header is damaged (checksum mismatch)");
  }
  if (h.format_version != kModelFormatVersion) {
    return Status::invalid_argument("model format version " + std::to_string(h.format_version) +
                                    " is not supported (this build reads version " +
                                    std::to_string(kModelFormatVersion) + ")");
  }
  if (h.header_bytes != kHeaderBytes) return Status::corruption("model header size is wrong");
  if (h.file_bytes != size) {
    return Status::corruption(size < h.file_bytes
                                  ? "truncated model file: " + std::to_string(size) + " of " +
                                        std::to_string(h.file_bytes) + " bytes"
                                  : "model file has " + std::to_string(size - h.file_bytes) +
                                        " unexpected trailing bytes");
  }
  if (h.metadata_offset != kHeaderBytes || h.metadata_bytes > size - h.metadata_offset ||
      h.tensors_offset < h.metadata_offset + h.metadata_bytes || h.tensors_offset > size ||
      h.tensors_offset % kAlign != 0) {
    return Status::corruption("model header offsets are inconsistent");
  }
  if (XXH3_64bits(p + kHeaderBytes, size - kHeaderBytes) != h.body_checksum) {
    return Status::corruption("model file is damaged (checksum mismatch)");
  }
  nlohmann::json meta = nlohmann::json::parse(p + h.metadata_offset,
                                              p + h.metadata_offset + h.metadata_bytes, nullptr,
                                              /*allow_exceptions=*/false);
  if (meta.is_discarded() || !meta.is_object()) {
    return Status::corruption("model metadata is not a JSON object");
  }
  nlohmann::json spec_json, tensors, metadata;
  WINNOW_RETURN_IF_ERROR(get(meta, "spec", &spec_json));
  WINNOW_RETURN_IF_ERROR(get(meta, "tensors", &tensors));
  WINNOW_RETURN_IF_ERROR(get(meta, "metadata", &metadata));
  WINNOW_ASSIGN_OR_RETURN(ModelSpec spec, spec_from_json(spec_json));
  if (!tensors.is_object()) return Status::corruption("metadata field 'tensors' is not an object");

  // Every tensor in the table is handed to the model; its architecture checks which it needs.
  const uint64_t region = size - h.tensors_offset;
  TensorMap views;
  for (const auto& [name, t] : tensors.items()) {
    std::string dtype;
    uint64_t offset = 0, count = 0;
    WINNOW_RETURN_IF_ERROR(get(t, "dtype", &dtype).with_context("tensor " + name));
    WINNOW_RETURN_IF_ERROR(get(t, "offset", &offset).with_context("tensor " + name));
    WINNOW_RETURN_IF_ERROR(get(t, "count", &count).with_context("tensor " + name));
    TensorType type;
    if (dtype == "f32") {
      type = TensorType::kF32;
    } else if (dtype == "u8") {
      type = TensorType::kU8;
    } else {
      return Status::corruption("tensor " + name + ": unknown dtype '" + dtype + "'");
    }
    const uint64_t width = type == TensorType::kF32 ? sizeof(float) : 1;
    if (offset % kAlign != 0 || offset > region || count > (region - offset) / width) {
      return Status::corruption("tensor " + name + " is misaligned or lies outside the file");
    }
    views.emplace(name, TensorView{type, p + h.tensors_offset + offset, count});
  }
  Result<std::shared_ptr<const Model>> model =
      Model::view(std::move(spec), std::move(metadata), buf, std::move(views));
  if (!model.is_ok()) return Status::corruption(model.status().message());
  return model;
}

}  // namespace

std::string serialize_model(const Model& model) {
  nlohmann::json tensors = nlohmann::json::object();
  uint64_t offset = 0;
  for (const auto& [name, t] : model.tensors()) {
    tensors[name] = {{"dtype", tensor_type_name(t.type)}, {"offset", offset}, {"count", t.count}};
    offset = align_up(offset + t.size_bytes());
  }
  const nlohmann::json meta = {{"format", "winnow-model"},
                               {"spec", spec_to_json(model.spec())},
                               {"tensors", tensors},
                               {"metadata", model.metadata()}};
  const std::string meta_text = meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

  Header h{};
  std::memcpy(h.magic, kMagic, sizeof(kMagic));
  h.format_version = kModelFormatVersion;
  h.header_bytes = kHeaderBytes;
  h.metadata_offset = kHeaderBytes;
  h.metadata_bytes = meta_text.size();
  h.tensors_offset = align_up(kHeaderBytes + meta_text.size());
  h.file_bytes = h.tensors_offset + offset;

  std::string out(h.file_bytes, '\0');
  std::memcpy(out.data() + kHeaderBytes, meta_text.data(), meta_text.size());
  for (const auto& [name, t] : model.tensors()) {
    const uint64_t at = h.tensors_offset + tensors[name]["offset"].get<uint64_t>();
    if (t.count != 0) std::memcpy(out.data() + at, t.data, t.size_bytes());
  }
  h.body_checksum = XXH3_64bits(out.data() + kHeaderBytes, out.size() - kHeaderBytes);
  std::memcpy(out.data(), &h, sizeof(h));
  h.header_checksum = XXH3_64bits(out.data(), offsetof(Header, header_checksum));
  std::memcpy(out.data() + offsetof(Header, header_checksum), &h.header_checksum, 8);
  return out;
}

Status save_model(const Model& model, const std::string& path) {
  const std::string bytes = serialize_model(model);
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::io_error(path + ": cannot create: " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::io_error(path + ": write failed: " + err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::io_error(path + ": write failed: " + err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::io_error(path + ": cannot rename into place: " + err);
  }
  return Status::ok();
}

Result<std::shared_ptr<const Model>> load_model(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return Status::not_found(path + ": no such file");
    return Status::io_error(path + ": cannot open: " + std::strerror(e));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::io_error(path + ": not a regular file");
  }
  auto buf = std::make_shared<AlignedBytes>(static_cast<size_t>(st.st_size));
  Result<size_t> done = read_fully(fd, buf->data, buf->size, path);
  ::close(fd);
  if (!done.is_ok()) return done.status();
  buf->size = *done;
  Result<std::shared_ptr<const Model>> model = parse_aligned(std::move(buf));
  if (!model.is_ok()) return model.status().with_context(path);
  return model;
}

Result<std::shared_ptr<const Model>> parse_model(std::string_view bytes) {
  auto buf = std::make_shared<AlignedBytes>(bytes.size());
  if (!bytes.empty()) std::memcpy(buf->data, bytes.data(), bytes.size());
  return parse_aligned(std::move(buf));
}

}  // namespace winnow
