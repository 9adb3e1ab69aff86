#include "encoder/tfjs_weights.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/read_fully.h"

namespace winnow {
namespace {

using TfjsJson = nlohmann::json;

// Reads [0, size) of `path` into `out` (which holds `size` bytes). The size was taken by stat;
// a file that shrinks meanwhile is reported as truncated.
Status read_tfjs_file_exact(const std::string& path, char* out, size_t size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e == ENOENT) return Status::not_found(path + ": no such file");
    return Status::io_error(path + ": cannot open: " + std::strerror(e));
  }
  Result<size_t> done = read_fully(fd, out, size, path);
  ::close(fd);
  if (!done.is_ok()) return done.status();
  if (*done != size) return Status::corruption(path + ": truncated while reading");
  return Status::ok();
}

Result<std::string> read_tfjs_json(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    if (e == ENOENT) return Status::not_found(path + ": no such file");
    return Status::io_error(path + ": cannot open: " + std::strerror(e));
  }
  if (!S_ISREG(st.st_mode)) return Status::io_error(path + ": not a regular file");
  std::string text(static_cast<size_t>(st.st_size), '\0');
  WINNOW_RETURN_IF_ERROR(read_tfjs_file_exact(path, text.data(), text.size()));
  return text;
}

// A shard path must stay inside model.json's folder: relative, without "..".
bool tfjs_is_contained_path(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  for (const auto& part : std::filesystem::path(path)) {
    if (part == "..") return false;
  }
  return true;
}

struct TfjsManifestWeight {
  std::string name;
  TfjsDtype dtype;
  std::vector<int64_t> shape;
  uint64_t count;
};

// Largest tensor accepted (elements): far above any TF.js model, low enough that byte counts
// cannot overflow.
constexpr uint64_t kMaxTfjsElements = uint64_t{1} << 36;

Result<TfjsManifestWeight> parse_tfjs_manifest_weight(const TfjsJson& w, const std::string& where) {
  if (!w.is_object()) return Status::invalid_argument(where + ": not an object");
  TfjsManifestWeight out;
  const auto name = w.find("name");
  if (name == w.end() || !name->is_string() || name->get<std::string>().empty()) {
    return Status::invalid_argument(where + ": \"name\" must be a non-empty string");
  }
  out.name = name->get<std::string>();
  const std::string at = where + " (" + out.name + ")";
  if (w.contains("quantization")) {
    return Status::invalid_argument(at + ": quantized weights are not supported");
  }
  const auto dtype = w.find("dtype");
  if (dtype == w.end() || !dtype->is_string()) {
    return Status::invalid_argument(at + ": \"dtype\" must be a string");
  }
  const std::string dtype_name = dtype->get<std::string>();
  if (dtype_name == "float32") {
    out.dtype = TfjsDtype::kFloat32;
  } else if (dtype_name == "int32") {
    out.dtype = TfjsDtype::kInt32;
  } else {
    return Status::invalid_argument(at + ": unknown dtype \"" + dtype_name +
                                    "\" (supported: float32, int32)");
  }
  const auto shape = w.find("shape");
  if (shape == w.end() || !shape->is_array()) {
    return Status::invalid_argument(at + ": \"shape\" must be an array");
  }
  out.count = 1;
  for (const TfjsJson& d : *shape) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0) {
      return Status::invalid_argument(at + ": shape dimensions must be non-negative integers");
    }
    const uint64_t dim = d.get<uint64_t>();
    if (dim != 0 && out.count > kMaxTfjsElements / dim) {
      return Status::invalid_argument(at + ": shape is too large");
    }
    out.count *= dim;
    out.shape.push_back(static_cast<int64_t>(dim));
  }
  return out;
}

std::string tfjs_describe_paths(const std::vector<std::string>& paths) {
  std::string s;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (i == 3 && paths.size() > 4) return s + ", ... " + paths.back();
    if (i > 0) s += ", ";
    s += paths[i];
  }
  return s;
}

}  // namespace

std::string_view tfjs_dtype_name(TfjsDtype dtype) {
  return dtype == TfjsDtype::kFloat32 ? "float32" : "int32";
}

int64_t TfjsTensor::element_count() const {
  int64_t n = 1;
  for (const int64_t d : shape) n *= d;
  return n;
}

std::string TfjsTensor::shape_string() const {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

const TfjsTensor* TfjsWeights::find(std::string_view name) const {
  for (const TfjsTensor& t : tensors_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Result<TfjsWeights> TfjsWeights::load(const std::string& model_json_path) {
  WINNOW_ASSIGN_OR_RETURN(const std::string text, read_tfjs_json(model_json_path));
  const std::string base_dir = std::filesystem::path(model_json_path).parent_path().string();
  return parse(text, base_dir, model_json_path);
}

Result<TfjsWeights> TfjsWeights::parse(std::string_view model_json, const std::string& base_dir,
                                       const std::string& json_name) {
  const TfjsJson doc = TfjsJson::parse(model_json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::invalid_argument(json_name + ": not valid JSON");
  if (!doc.is_object()) return Status::invalid_argument(json_name + ": not a JSON object");
  const auto manifest = doc.find("weightsManifest");
  if (manifest == doc.end() || !manifest->is_array()) {
    return Status::invalid_argument(json_name + ": no \"weightsManifest\" array");
  }

  TfjsWeights out;
  std::set<std::string, std::less<>> names;
  for (size_t g = 0; g < manifest->size(); ++g) {
    const TfjsJson& group = (*manifest)[g];
    const std::string where = json_name + ": weightsManifest[" + std::to_string(g) + "]";
    if (!group.is_object()) return Status::invalid_argument(where + ": not an object");
    const auto paths_json = group.find("paths");
    const auto weights_json = group.find("weights");
    if (paths_json == group.end() || !paths_json->is_array() || weights_json == group.end() ||
        !weights_json->is_array()) {
      return Status::invalid_argument(where + ": needs \"paths\" and \"weights\" arrays");
    }
    std::vector<std::string> paths;
    for (const TfjsJson& p : *paths_json) {
      if (!p.is_string() || !tfjs_is_contained_path(p.get<std::string>())) {
        return Status::invalid_argument(
            where + ": shard paths must be relative paths inside the model's folder");
      }
      paths.push_back(p.get<std::string>());
    }

    std::vector<TfjsManifestWeight> weights;
    uint64_t needed_bytes = 0;
    for (size_t i = 0; i < weights_json->size(); ++i) {
      WINNOW_ASSIGN_OR_RETURN(
          TfjsManifestWeight w,
          parse_tfjs_manifest_weight((*weights_json)[i],
                                     where + ".weights[" + std::to_string(i) + "]"));
      if (!names.insert(w.name).second) {
        return Status::invalid_argument(where + ": weight \"" + w.name + "\" appears twice");
      }
      needed_bytes += w.count * 4;  // both supported dtypes are 4 bytes wide
      weights.push_back(std::move(w));
    }

    // Sizes first (stat), so a wrong shard is reported without reading anything.
    std::vector<std::string> full_paths;
    std::vector<uint64_t> sizes;
    uint64_t shard_bytes = 0;
    for (const std::string& p : paths) {
      const std::string full = (std::filesystem::path(base_dir) / p).string();
      struct stat st;
      if (::stat(full.c_str(), &st) != 0) {
        const int e = errno;
        if (e == ENOENT) return Status::not_found(where + ": missing shard " + full);
        return Status::io_error(where + ": cannot open shard " + full + ": " + std::strerror(e));
      }
      if (!S_ISREG(st.st_mode))
        return Status::io_error(where + ": shard " + full + " is not a file");
      full_paths.push_back(full);
      sizes.push_back(static_cast<uint64_t>(st.st_size));
      shard_bytes += static_cast<uint64_t>(st.st_size);
    }
    if (shard_bytes != needed_bytes) {
      return Status::corruption(where + ": shards (" + tfjs_describe_paths(paths) + ") hold " +
                                std::to_string(shard_bytes) + " bytes, but its " +
                                std::to_string(weights.size()) + " weights need " +
                                std::to_string(needed_bytes) +
                                (shard_bytes < needed_bytes ? " (truncated shard?)" : ""));
    }
    std::vector<char> bytes(static_cast<size_t>(needed_bytes));
    size_t offset = 0;
    for (size_t i = 0; i < full_paths.size(); ++i) {
      WINNOW_RETURN_IF_ERROR(read_tfjs_file_exact(full_paths[i], bytes.data() + offset,
                                                  static_cast<size_t>(sizes[i])));
      offset += static_cast<size_t>(sizes[i]);
    }

    // Little-endian on disk; x86-64 and AArch64 Linux are little-endian too, so a memcpy is the
    // decoding.
    static_assert(std::endian::native == std::endian::little);
    offset = 0;
    for (TfjsManifestWeight& w : weights) {
      TfjsTensor t;
      t.name = std::move(w.name);
      t.dtype = w.dtype;
      t.shape = std::move(w.shape);
      const size_t n = static_cast<size_t>(w.count);
      if (t.dtype == TfjsDtype::kFloat32) {
        t.f32.resize(n);
        if (n > 0) std::memcpy(t.f32.data(), bytes.data() + offset, n * 4);
      } else {
        t.i32.resize(n);
        if (n > 0) std::memcpy(t.i32.data(), bytes.data() + offset, n * 4);
      }
      offset += n * 4;
      out.tensors_.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace winnow
