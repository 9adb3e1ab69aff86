// Fuzzes the gzip byte source (open_byte_source in src/data/byte_source.h) and the LineReader on
// top of it. Inputs are mostly gzip streams (the corpus), truncated or damaged by the fuzzer.
// Checks: no crash or hang; a damaged stream is a kCorruption error naming the file; the bytes
// (and the error) do not depend on the read size; LineReader sees the same bytes.
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
      fuzz_check(n.status().code() == winnow::StatusCode::kCorruption, "not kCorruption: " + out.error);
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
  fuzz_check(small == big, "the output depends on the read size");

  // LineReader over the same stream: its lines joined with '\n' are the bytes (minus a BOM,
  // CRs before newlines and a final newline).
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
  std::string expected = big.bytes;
  if (expected.compare(0, 3, "\xEF\xBB\xBF") == 0) expected.erase(0, 3);
  std::string normalized;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] == '\r' && (i + 1 == expected.size() || expected[i + 1] == '\n')) continue;
    normalized.push_back(expected[i]);
  }
  if (!normalized.empty() && normalized.back() != '\n') normalized.push_back('\n');
  fuzz_check(joined == normalized, "LineReader lost or changed bytes");
  return 0;
}
