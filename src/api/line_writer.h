// Log lines written by a background thread, so that a request never waits on write(2).
//
// The access log is one line per request on stderr, usually a file or a pipe. A write to it can
// block for tens or hundreds of milliseconds (dirty-page throttling while other processes write,
// a slow pipe reader); written under a mutex from the request path, one such stall held up every
// request at once (docs/benchmarks.md, "Tail latency"). Here append() only copies the line into a
// buffer; the writer thread writes whatever has accumulated, in order, as soon as it can.
// Bounded: past `max_pending` unwritten bytes new lines are dropped and counted, and a line saying
// how many were dropped is written once the writer catches up. flush() and the destructor write
// everything pending.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace winnow::api {

class LineWriter {
 public:
  explicit LineWriter(std::FILE* out, size_t max_pending = size_t{16} << 20);
  ~LineWriter();
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  // Queues `line` (which ends in '\n'). Never blocks on I/O.
  void append(std::string_view line);
  // Returns once everything appended before the call is written.
  void flush();

 private:
  void run();

  std::FILE* out_;
  size_t max_pending_;
  std::mutex mutex_;
  std::condition_variable wake_, written_;
  std::string pending_;
  size_t dropped_ = 0;
  uint64_t appended_ = 0, done_ = 0;  // append() calls queued / written so far
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace winnow::api
