// Durable whole-file writes: data goes to "<path>.tmp-<pid>", is flushed and fsynced, then
// renamed over <path> (and the directory fsynced), so readers see the old file or the complete
// new one, never a torn write.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace winnow {

class AtomicFileWriter {
 public:
  // Opens the temporary file. Errors name the path.
  static Result<AtomicFileWriter> open(const std::string& path);
  AtomicFileWriter(AtomicFileWriter&& other) noexcept;
  AtomicFileWriter& operator=(AtomicFileWriter&&) = delete;
  ~AtomicFileWriter();  // removes the temporary file if commit() was not reached

  // Writes all of `bytes` straight to the file (no user-space buffering: callers batch).
  Status write(std::string_view bytes);
  // Asks the kernel to start writing what has been written so far to disk, without waiting,
  // so that commit()'s fsync has less left to wait for (advice: errors surface at commit()).
  void start_writeback();
  // Flushes, fsyncs, renames into place. The writer is unusable afterwards.
  Status commit();
  const std::string& path() const { return path_; }

 private:
  AtomicFileWriter(std::string path, std::string tmp_path, int fd)
      : path_(std::move(path)), tmp_path_(std::move(tmp_path)), fd_(fd) {}
  std::string path_;
  std::string tmp_path_;
  int fd_ = -1;
};

// Writes `bytes` to `path` atomically.
Status write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace winnow
