// Fuzzes the gzip byte source (open_byte_source in src/data/byte_source.h) and the LineReader on
// top of it. Inputs are mostly gzip streams (the corpus), truncated or damaged by the fuzzer.
// Checks: no crash or hang; a damaged stream is a kCorruption error naming the file; the bytes
// and the error do not depend on the read size; LineReader sees the same bytes.
#include <cstdint>
#include <string>
#include <string_view>

#include "data/byte_source.h"
#include "fuzz_support.h"

namespace {

using winnow::fuzz::fuzz_check;

// Decompressed output is capped so a small "zip bomb" input stays fast (1 KiB of deflate data
// expands to at most ~1 MiB).
constexpr size_t kMaxOutputBytes = 1 << 20;

struct Outcome {
  std::string bytes;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

Outcome read_all(const std::string& path, size_t read_bytes) {
  Outcome out;
  winnow::Result<std::unique_ptr<winnow::ByteSource>> source = winnow::open_byte_source(path);
  fuzz_check(source.is_ok(), "opening the scratch file failed");
  std::string buffer(read_bytes, '\0');
  while (out.bytes.size() < kMaxOutputBytes) {
    winnow::Result<size_t> n = (*source)->read(buffer.data(), buffer.size());
    if (!n.is_ok()) {
      out.error = n.status().to_string();
      fuzz_check(n.status().code() == winnow::StatusCode::kCorruption,
                 "not kCorruption: " + out.error);
      fuzz_check(out.error.find(path) != std::string::npos, "error without the path");
      break;
    }
    if (*n == 0) break;
    fuzz_check(*n <= buffer.size(), "read more than asked");
    out.bytes.append(buffer.data(), *n);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = winnow::fuzz::write_scratch_file(
      "input.gz", std::string_view(reinterpret_cast<const char*>(data), size));
  const Outcome big = read_all(path, 64 * 1024);
  if (big.bytes.size() >= kMaxOutputBytes) return 0;
  // Tiny reads (1..7 bytes) split every deflate block; for big outputs ~1 KiB reads keep it fast.
  const Outcome small = read_all(path, (big.bytes.size() < 65536 ? 1 : 1000) + size % 7);
  // A damaged stream fails in the read() that meets the damage, and the bytes inflated in that
  // same call are not returned: so with an error, the outputs of the two read sizes may differ in
  // length, but both are prefixes of the same stream. Which message (truncated or corrupt) zlib
  // leads to can depend on the output space it had; that the stream fails cannot.
  fuzz_check(small.error.empty() == big.error.empty(), "failure depends on the read size");
  if (big.error.empty()) {
    fuzz_check(small.bytes == big.bytes, "the output depends on the read size");
  } else {
    const std::string& shorter = small.bytes.size() < big.bytes.size() ? small.bytes : big.bytes;
    const std::string& longer = small.bytes.size() < big.bytes.size() ? big.bytes : small.bytes;
    fuzz_check(longer.compare(0, shorter.size(), shorter) == 0,
               "the output before an error depends on the read size");
  }

  // LineReader over the same stream must give the same bytes, cut into lines.
  winnow::LineReader lines(winnow::open_byte_source(path).value(), 16);
  std::string joined;
  std::string_view line;
  for (;;) {
    winnow::Result<bool> more = lines.next(&line);
    if (!more.is_ok()) {
      fuzz_check(!big.error.empty(), "LineReader fails where the source does not");
      return 0;
    }
    if (!*more) break;
    joined.append(line);
    joined.push_back('\n');
  }
  fuzz_check(big.error.empty(), "LineReader succeeds where the source fails");
  // Expected: the bytes cut at each '\n' (a last piece without one is a line too, an empty one
  // is not), one trailing '\r' dropped from each line, each line followed by '\n'.
  std::string_view rest = big.bytes;
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);
  std::string normalized;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view piece = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (!piece.empty() && piece.back() == '\r') piece.remove_suffix(1);
    normalized.append(piece);
    normalized.push_back('\n');
  }
  fuzz_check(joined == normalized, "LineReader lost or changed bytes");
  return 0;
}
