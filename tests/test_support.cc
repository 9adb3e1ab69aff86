#include "test_support.h"

#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

namespace winnow::testing {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = std::filesystem::temp_directory_path() /
          ("winnow-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(rd()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
  if (!f) ADD_FAILURE() << "cannot write " << path;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(f, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> dir_entries(const std::string& path) {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

void write_gzip_file(const std::string& path, const std::string& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  gzclose(f);
}

CommandResult run_command(const std::string& command) {
  char err_path[] = "/tmp/winnow-test-stderr-XXXXXX";
  int fd = mkstemp(err_path);
  if (fd >= 0) close(fd);
  std::string full = "(" + command + ") 2>" + err_path;
  CommandResult r;
  FILE* p = popen(full.c_str(), "r");
  if (p == nullptr) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = read_file(err_path);
  std::remove(err_path);
  return r;
}

std::string sanitizer_reports(const std::string& log) {
  size_t first = std::string::npos;
  for (const char* marker :
       {"WARNING: ThreadSanitizer:", "ERROR: ThreadSanitizer:", "FATAL: ThreadSanitizer",
        "ERROR: AddressSanitizer:", "ERROR: LeakSanitizer:", ": runtime error: "}) {
    first = std::min(first, log.find(marker));
  }
  if (first == std::string::npos) return {};
  // From the start of the line that holds the first marker.
  const size_t line = log.rfind('\n', first);
  return log.substr(line == std::string::npos ? 0 : line + 1);
}

std::string shared_data(const std::string& relative) {
#ifdef WINNOW_SHARED_DATA
  std::filesystem::path p = std::filesystem::path(WINNOW_SHARED_DATA) / relative;
  if (std::filesystem::exists(p)) return std::filesystem::weakly_canonical(p).string();
#endif
  return {};
}

}  // namespace winnow::testing
