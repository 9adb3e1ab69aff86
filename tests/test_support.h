// Helpers shared by the unit and integration suites: scratch directories, file I/O, running
// the real binary, and locating ../shared/data (tests that need it skip when it is absent).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace winnow::testing {

// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

void write_file(const std::string& path, const std::string& bytes);
std::string read_file(const std::string& path);
std::vector<std::string> read_lines(const std::string& path);
// The names of the entries of directory `path`, sorted; empty if it does not exist.
std::vector<std::string> dir_entries(const std::string& path);
// Writes `bytes` gzip-compressed.
void write_gzip_file(const std::string& path, const std::string& bytes);

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};
// Runs `command` through /bin/sh, capturing stdout and stderr.
CommandResult run_command(const std::string& command);

// The sanitizer reports in `log` (a child process's stderr), from the first report on; empty if
// there is none. Under scripts/tsan.sh and scripts/sanitize.sh the `winnow serve` a test starts
// is itself sanitized and writes any data race or memory error there (then aborts), which the
// test client may not notice: the suites fail the test on a non-empty result.
std::string sanitizer_reports(const std::string& log);

#ifdef WINNOW_BINARY
// The `winnow` binary the integration suites drive (their CMake target defines its path).
inline const std::string kWinnow = WINNOW_BINARY;
#endif

// Path of ../shared/data/<relative>, or empty if the shared data folder is absent.
std::string shared_data(const std::string& relative);

}  // namespace winnow::testing

// Skips the current test (with a reason) when ../shared/data is not present, e.g. a user's clone.
#define WINNOW_REQUIRE_SHARED_DATA(rel)                                               \
  if (::winnow::testing::shared_data(rel).empty()) {                                  \
    GTEST_SKIP() << "needs ../shared/data/" << (rel) << " (absent in this checkout)"; \
  }
