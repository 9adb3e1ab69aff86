// Shared helpers for the libFuzzer targets in fuzz/ (built with -DWINNOW_FUZZ=ON, see
// fuzz/CMakeLists.txt): an in-memory ByteSource that hands out bytes in chunks of a chosen size,
// a scratch file for APIs that take a path, and a check that aborts (a finding) when a property
// of the code under test does not hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "data/byte_source.h"

namespace winnow::fuzz {

// Serves `data` (not owned; must outlive the source) at most `chunk_bytes` per read(), so that
// readers meet every possible split of their input across refills.
class MemoryByteSource : public ByteSource {
 public:
  MemoryByteSource(std::string_view data, size_t chunk_bytes, std::string path = "<fuzz>");
  Result<size_t> read(char* buffer, size_t capacity) override;
  uint64_t position_bytes() const override { return position_; }
  uint64_t size_bytes() const override { return data_.size(); }
  const std::string& path() const override { return path_; }
  bool compressed() const override { return false; }

 private:
  std::string_view data_;
  size_t chunk_bytes_;
  std::string path_;
  size_t position_ = 0;
};

// Writes `data` to a file named `name` in a per-process scratch directory (under $TMPDIR, or
// /dev/shm when it exists, so that no disk is touched) and returns its path. The file is
// overwritten by the next call with the same name; the directory is removed at exit.
std::string write_scratch_file(std::string_view name, std::string_view data);

// That per-process scratch directory (created on first call, removed at exit).
const std::string& scratch_dir();

// A property of the code under test that must hold: otherwise prints `what` and aborts, which
// libFuzzer reports as a crash with the input that caused it.
void fuzz_check(bool condition, const char* what);
void fuzz_check(bool condition, const std::string& what);

}  // namespace winnow::fuzz
