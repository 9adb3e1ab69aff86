// Page decompression with Debian's libraries: Snappy (libsnappy), GZIP (zlib; gzip or zlib
// framing, several members allowed), ZSTD (libzstd), and UNCOMPRESSED. The output size is the
// page header's uncompressed size and must come out exactly; anything else is an error, so a
// corrupt page can never write past its buffer or leave part of it undefined.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/status.h"

namespace winnow::parquet {

// True for the codecs decompress() handles.
bool codec_supported(int32_t codec);

// Decompresses src[0, src_size) into exactly dst_size bytes at dst. kCorruption saying what the
// library reported ("snappy: ...", "zstd: ..."); kInvalidArgument for an unsupported codec.
Status decompress(int32_t codec, const uint8_t* src, size_t src_size, uint8_t* dst,
                  size_t dst_size);

// A bound on how many bytes `src_size` compressed bytes can expand to with `codec`, used to
// reject a header that claims a huge page before allocating it (0 = no useful bound).
uint64_t max_expansion_bytes(int32_t codec, const uint8_t* src, size_t src_size);

}  // namespace winnow::parquet
