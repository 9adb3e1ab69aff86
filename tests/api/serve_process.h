// Runs the real `winnow serve` for a test: on --port 0 in a given data directory, its port read
// from the listening line, stderr (access log) kept in a file, stopped with SIGTERM. A sanitizer
// report the server wrote (scripts/tsan.sh, scripts/sanitize.sh) fails the test when the object
// dies, even if every request was answered before the server aborted.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "test_support.h"

namespace winnow::testing {

class ServeProcess {
 public:
  // `args` follow "winnow serve --port 0 --host 127.0.0.1".
  ServeProcess(const std::vector<std::string>& args, const std::string& stderr_path)
      : stderr_path_(stderr_path) {
    std::error_code ec;
    stderr_start_ = std::filesystem::file_size(stderr_path, ec);  // earlier servers' output
    if (ec) stderr_start_ = 0;
    std::vector<std::string> all = {WINNOW_BINARY, "serve", "--port", "0", "--host", "127.0.0.1"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (::pipe(fds) != 0) return;
    const int err = ::open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      if (err >= 0) ::dup2(err, STDERR_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    if (err >= 0) ::close(err);
    ::close(fds[1]);
    out_ = ::fdopen(fds[0], "r");
    char line[256] = {0};
    if (out_ != nullptr && std::fgets(line, sizeof line, out_) != nullptr) {
      line_ = line;
      const std::string prefix = "winnow serve: listening on http://127.0.0.1:";
      if (line_.rfind(prefix, 0) == 0) port_ = std::atoi(line_.c_str() + prefix.size());
    }
  }
  ~ServeProcess() {
    if (pid_ > 0 && exit_code_ < 0) stop();
    if (out_ != nullptr) std::fclose(out_);
    const std::string log = read_file(stderr_path_);
    const std::string reports = sanitizer_reports(log.substr(std::min(stderr_start_, log.size())));
    if (!reports.empty()) ADD_FAILURE() << "winnow serve (exit " << exit_code_ << ") reported:\n" << reports;
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  int port() const { return port_; }
  const std::string& first_line() const { return line_; }
  // SIGTERM, then the exit code (128 + signal if it died of one).
  int stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  int port_ = 0;
  int exit_code_ = -1;
  std::string line_;
  std::string stderr_path_;
  size_t stderr_start_ = 0;
};

}  // namespace winnow::testing
