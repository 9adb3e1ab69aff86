// The model file (docs/model-format.md): one self-describing file that loads with one read.
//
//   [0, 64)        header: magic "\x89WINNOW\n", format version, sizes and offsets,
//                  XXH3-64 checksum of everything after the header, XXH3-64 of the header
//   [64, ...)      metadata: UTF-8 JSON (spec: architecture, features, heads with labels, kinds
//                  and thresholds; the tensor table; free-form metadata)
//   [aligned 64)   tensors: little-endian float32 arrays, each starting on a 64-byte boundary
//
// Loading checks, in order: size, magic, header checksum, version, declared size against the
// real size (truncation), body checksum, metadata, tensor table. Anything unexpected is an
// error value, never a crash.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "model/model.h"

namespace winnow {

constexpr uint32_t kModelFormatVersion = 1;

// The whole file as bytes.
std::string serialize_model(const Model& model);

// Writes the model to `path` atomically (temporary file in the same folder, fsync, rename).
// kIoError naming the path on failure; an existing file is replaced only on success.
Status save_model(const Model& model, const std::string& path);

// Reads and checks a model file. kNotFound / kIoError for unreadable files; kInvalidArgument
// for files that are not Winnow models or have an unsupported version; kCorruption for damaged
// ones (truncated, bad checksum, inconsistent metadata). Messages name the path.
Result<std::shared_ptr<const Model>> load_model(const std::string& path);

// Same checks on bytes already in memory (copied into an aligned buffer the model keeps).
Result<std::shared_ptr<const Model>> parse_model(std::string_view bytes);

}  // namespace winnow
