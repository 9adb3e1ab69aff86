#include "api/response_recorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/responses.h"

namespace winnow::api {

Result<std::unique_ptr<ResponseRecorder>> ResponseRecorder::from_environment() {
  const char* dir = std::getenv(kRecordResponsesVariable);
  if (dir == nullptr || *dir == '\0') return std::unique_ptr<ResponseRecorder>();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return Status::io_error(std::string(kRecordResponsesVariable) + "=" + dir +
                            ": cannot create the directory: " + ec.message());
  }
  const std::string path =
      (std::filesystem::path(dir) / ("responses-" + std::to_string(::getpid()) + ".jsonl"))
          .string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::io_error(std::string(kRecordResponsesVariable) + ": cannot open " + path + ": " +
                            std::strerror(errno));
  }
  return std::unique_ptr<ResponseRecorder>(new ResponseRecorder(fd));
}

ResponseRecorder::~ResponseRecorder() { ::close(fd_); }

void ResponseRecorder::record(std::string_view method, std::string_view route,
                              const httplib::Response& res) {
  nlohmann::ordered_json j;
  j["method"] = std::string(method);
  j["route"] = route.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(route);
  j["status"] = res.status;
  j["content_type"] = res.get_header_value("Content-Type");
  j["body"] =
      res.content_provider_ ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(res.body);
  const std::string line = dump_json(j) + "\n";
  // One write: lines of concurrent requests never interleave (O_APPEND). A short write (full
  // disk) loses the line; the checker then reads a broken last line and says so.
  const ssize_t n = ::write(fd_, line.data(), line.size());
  (void)n;
}

}  // namespace winnow::api
