// Identifiers and digests the store hands out: random UUIDs for files and jobs, SHA-256 of
// contents, and the file-system-safe form of a model id.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace winnow::store {

// A lower-case UUID v4 ("3f9a6c10-52d7-4b8e-9c1a-6e0f2b7d8a41") from OpenSSL's CSPRNG.
// kInternal if the generator fails (it does not on a working system).
Result<std::string> new_uuid_v4();

// Lower-case hex SHA-256 of `bytes` (64 digits).
std::string sha256_hex(std::string_view bytes);

// `id` with every byte outside [A-Za-z0-9._-] replaced by '_' ("ft:classifier:..." →
// "ft_classifier_..."), for use as a file name.
std::string file_safe_name(std::string_view id);

}  // namespace winnow::store
