#include "core/read_fully.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace winnow {

Result<size_t> read_fully(int fd, char* out, size_t size, const std::string& path) {
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, out + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::io_error(path + ": read failed: " + std::strerror(errno));
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

}  // namespace winnow
