// The on-disk side of a resumable hub fetch: the JSONL output (appended a page at a time and
// fsynced, so after a crash it holds whole rows plus at most one cut line) and a small sidecar
// "<out>.hub.json" that records which split the rows came from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

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
// everything after them, including an unterminated last line left by an interrupted write. A NUL
// byte also ends the trusted part: file systems can leave NUL-filled blocks at the end of a file
// after a power loss, and JSON text never contains a raw NUL.
// Returns the number of lines kept; a missing file keeps 0 and is not created.
Result<uint64_t> keep_complete_lines(const std::string& path, uint64_t max_lines);

// Appends to a file with explicit durability points. Not thread-safe.
class DurableAppender {
 public:
  // Opens (creating if needed) `path` for appending. kIoError naming the path on failure.
  static Result<DurableAppender> open(const std::string& path);
  DurableAppender(DurableAppender&& other) noexcept;
  DurableAppender& operator=(DurableAppender&&) = delete;
  DurableAppender(const DurableAppender&) = delete;
  ~DurableAppender();  // syncs unsynced appends, best effort

  // Writes all of `bytes` with write(2), so a killed process leaves them in the file; they
  // survive an OS crash only after sync(). On failure the file may end in a partial write, which
  // keep_complete_lines() removes on the next run.
  Status append(std::string_view bytes);
  // fsyncs if anything was appended since the last sync.
  Status sync();

 private:
  DurableAppender(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_ = -1;
  bool dirty_ = false;
  std::string path_;
};

}  // namespace winnow
