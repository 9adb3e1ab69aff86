#include "parquet/codec.h"

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <limits>
#include <string>

#include "parquet/parquet_metadata.h"

namespace winnow::parquet {
namespace {

Status gunzip(const uint8_t* src, size_t src_size, uint8_t* dst, size_t dst_size) {
  z_stream z{};
  // 15 + 32: a zlib or gzip header, detected (writers differ: pyarrow and arrow-rs write gzip).
  if (inflateInit2(&z, 15 + 32) != Z_OK) return Status::internal("gzip: inflateInit2 failed");
  z.next_in = const_cast<Bytef*>(src);
  z.next_out = dst;
  Status status;
  size_t in_left = src_size;
  size_t out_left = dst_size;
  for (;;) {
    // zlib counts in uInt: feed at most 1 GiB at a time.
    const uInt in_chunk = static_cast<uInt>(std::min<size_t>(in_left, 1u << 30));
    const uInt out_chunk = static_cast<uInt>(std::min<size_t>(out_left, 1u << 30));
    z.avail_in = in_chunk;
    z.avail_out = out_chunk;
    const int rc = inflate(&z, Z_NO_FLUSH);
    in_left -= in_chunk - z.avail_in;
    out_left -= out_chunk - z.avail_out;
    if (rc == Z_STREAM_END) {
      if (in_left == 0 || out_left == 0) break;
      // Another gzip member follows.
      if (inflateReset(&z) != Z_OK) {
        status = Status::corruption("gzip: cannot start the next member");
        break;
      }
      continue;
    }
    if (rc == Z_OK) {
      if (out_left == 0 && in_left > 0) {
        status = Status::corruption("gzip: the page decompresses to more than " +
                                    std::to_string(dst_size) + " bytes");
        break;
      }
      if (in_left == 0 && z.avail_in == 0 && out_left > 0 && in_chunk == 0) {
        status = Status::corruption("gzip: the data ends early");
        break;
      }
      continue;
    }
    if (rc == Z_BUF_ERROR) {
      status = out_left == 0 ? Status::corruption("gzip: the page decompresses to more than " +
                                                  std::to_string(dst_size) + " bytes")
                             : Status::corruption("gzip: the data ends early");
      break;
    }
    status = Status::corruption(std::string("gzip: ") + (z.msg ? z.msg : "invalid data"));
    break;
  }
  inflateEnd(&z);
  WINNOW_RETURN_IF_ERROR(status);
  if (out_left != 0) {
    return Status::corruption("gzip: the page decompresses to " +
                              std::to_string(dst_size - out_left) + " bytes, not the " +
                              std::to_string(dst_size) + " its header says");
  }
  return Status::ok();
}

}  // namespace

bool codec_supported(int32_t codec) {
  return codec == static_cast<int32_t>(Codec::kUncompressed) ||
         codec == static_cast<int32_t>(Codec::kSnappy) ||
         codec == static_cast<int32_t>(Codec::kGzip) || codec == static_cast<int32_t>(Codec::kZstd);
}

uint64_t max_expansion_bytes(int32_t codec, const uint8_t* src, size_t src_size) {
  switch (static_cast<Codec>(codec)) {
    case Codec::kUncompressed:
      return src_size;
    case Codec::kSnappy: {
      size_t n = 0;
      if (snappy_uncompressed_length(reinterpret_cast<const char*>(src), src_size, &n) != SNAPPY_OK)
        return 0;
      return n;
    }
    case Codec::kGzip:
      // deflate's best ratio is about 1032:1.
      return static_cast<uint64_t>(src_size) * 1032 + 1024;
    case Codec::kZstd: {
      const unsigned long long n = ZSTD_getFrameContentSize(src, src_size);
      if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN) return 0;
      // Several frames may follow the first: no exact bound then.
      return std::numeric_limits<uint64_t>::max();
    }
    default:
      return 0;
  }
}

Status decompress(int32_t codec, const uint8_t* src, size_t src_size, uint8_t* dst,
                  size_t dst_size) {
  switch (static_cast<Codec>(codec)) {
    case Codec::kUncompressed:
      if (src_size != dst_size) {
        return Status::corruption("an uncompressed page of " + std::to_string(src_size) +
                                  " bytes whose header says " + std::to_string(dst_size));
      }
      if (dst_size > 0) std::memcpy(dst, src, dst_size);
      return Status::ok();
    case Codec::kSnappy: {
      size_t n = 0;
      const char* in = reinterpret_cast<const char*>(src);
      if (snappy_uncompressed_length(in, src_size, &n) != SNAPPY_OK) {
        return Status::corruption("snappy: invalid length header");
      }
      if (n != dst_size) {
        return Status::corruption("snappy: the page decompresses to " + std::to_string(n) +
                                  " bytes, not the " + std::to_string(dst_size) +
                                  " its header says");
      }
      size_t out = dst_size;
      if (snappy_uncompress(in, src_size, reinterpret_cast<char*>(dst), &out) != SNAPPY_OK ||
          out != dst_size) {
        return Status::corruption("snappy: invalid compressed data");
      }
      return Status::ok();
    }
    case Codec::kGzip:
      return gunzip(src, src_size, dst, dst_size);
    case Codec::kZstd: {
      const size_t n = ZSTD_decompress(dst, dst_size, src, src_size);
      if (ZSTD_isError(n)) return Status::corruption(std::string("zstd: ") + ZSTD_getErrorName(n));
      if (n != dst_size) {
        return Status::corruption("zstd: the page decompresses to " + std::to_string(n) +
                                  " bytes, not the " + std::to_string(dst_size) +
                                  " its header says");
      }
      return Status::ok();
    }
    default:
      return Status::invalid_argument(
          "compression " + codec_name(codec) +
          " is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD)");
  }
}

}  // namespace winnow::parquet
