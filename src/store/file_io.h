// The store's write path: every file-system change the store makes (blob writes, renames, hard
// links, removals, directory fsyncs) and every database commit goes through a FileIo, so tests
// can inject faults (fail the Nth write, ENOSPC) and check that nothing torn or half-recorded
// is left behind.
//
// Thread-safety: implementations must allow concurrent calls (the store calls them from any
// thread).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace winnow::store {

class FileIo {
 public:
  virtual ~FileIo() = default;
  // Creates (or truncates) `path`, writes all of `bytes`, fsyncs and closes it. On failure
  // the partial file may remain (callers write to temporary names and clean up).
  virtual Status write_file(const std::string& path, std::string_view bytes) = 0;
  // rename(2): atomically replaces `to`.
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  // link(2): a hard link `to` of `from`.
  virtual Status link(const std::string& from, const std::string& to) = 0;
  // Removes a file; a missing file is not an error.
  virtual Status remove(const std::string& path) = 0;
  // Removes a directory and everything under it; a missing directory is not an error.
  virtual Status remove_tree(const std::string& path) = 0;
  // Creates a directory and its parents as needed.
  virtual Status make_dirs(const std::string& path) = 0;
  // fsyncs a directory, making renames, links and removals in it durable.
  virtual Status fsync_dir(const std::string& path) = 0;
  // Commits a database transaction: calls `commit` (which does the real COMMIT) and returns its
  // status. A fault-injecting implementation may fail without calling it (the store rolls back).
  virtual Status commit(const std::function<Status()>& commit) = 0;
};

// The real file system (POSIX calls). Errors are kIoError naming the path and errno text.
FileIo& real_file_io();

// For tests: the real file system, except that the operation numbered `fail_at` (counting
// every call from 1, of the kinds enabled in `fail_kinds`) and, if `fail_all_after`, every
// later one, fails with kIoError "No space left on device" (ENOSPC). A failing write_file
// leaves a torn half of the bytes on disk, as a full disk would.
class FaultInjectingFileIo : public FileIo {
 public:
  enum Kind : unsigned {
    kWrite = 1,
    kRename = 2,
    kLink = 4,
    kRemove = 8,
    kMakeDirs = 16,
    kFsyncDir = 32,
    kCommit = 64,
    kAll = 127,
  };
  // fail_at 0 = never fail.
  void arm(int64_t fail_at, unsigned fail_kinds = kAll, bool fail_all_after = false);
  int64_t calls() const { return calls_.load(); }  // counted calls so far (enabled kinds)
  int64_t failures() const { return failures_.load(); }

  Status write_file(const std::string& path, std::string_view bytes) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status link(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status remove_tree(const std::string& path) override;
  Status make_dirs(const std::string& path) override;
  Status fsync_dir(const std::string& path) override;
  Status commit(const std::function<Status()>& commit) override;

 private:
  bool should_fail(Kind kind);
  std::atomic<int64_t> fail_at_{0};
  std::atomic<unsigned> kinds_{kAll};
  std::atomic<bool> fail_all_after_{false};
  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> failures_{0};
};

}  // namespace winnow::store
