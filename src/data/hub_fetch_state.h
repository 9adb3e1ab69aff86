// The on-disk side of a resumable hub fetch: the JSONL output (appended a page at a time and
// fsynced, so after a crash it holds whole rows plus at most one cut line) and a small sidecar
// "<out>.hub.json" that records which split the rows came from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace winnow {

struct HubFetchState {
  std::string dataset;
  std::string config;
  std::string split;
  uint64_t num_rows_total = 0;  // as reported by the server when the rows were fetched
  bool partial = false;         // the server served only a prefix of the split
};

// "<out_path>.hub.json".
std::string hub_state_path(const std::string& out_path);

// Reads a sidecar; nullopt if it does not exist. A sidecar that is not ours or is damaged is
// kCorruption naming the file.
Result<std::optional<HubFetchState>> read_hub_fetch_state(const std::string& path);

// Writes the sidecar atomically (temp file, fsync, rename): a crash leaves the old or the new one.
Status write_hub_fetch_state(const std::string& path, const HubFetchState& state);

// Keeps at most `max_lines` complete ('\n'-terminated) lines of the file at `path` and cuts
// everything after them, including an unterminated last line left by an interrupted write.
// Returns the number of lines kept; a missing file keeps 0 and is not created.
Result<uint64_t> keep_complete_lines(const std::string& path, uint64_t max_lines);

// Appends to a file, making each append durable before returning. Not thread-safe.
class DurableAppender {
 public:
  // Opens (creating if needed) `path` for appending. kIoError naming the path on failure.
  static Result<DurableAppender> open(const std::string& path);
  DurableAppender(DurableAppender&& other) noexcept;
  DurableAppender& operator=(DurableAppender&&) = delete;
  DurableAppender(const DurableAppender&) = delete;
  ~DurableAppender();

  // Writes all of `bytes` then fsyncs. On failure the file may end in a partial write, which
  // keep_complete_lines() removes on the next run.
  Status append(std::string_view bytes);

 private:
  DurableAppender(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  std::string path_;
};

}  // namespace winnow
