#include "data/row_scan.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <thread>

namespace winnow {
namespace {

// Reads rows until the end, or until a row starts at or after `stop_offset`; that row is left
// in *held (and *stopped set) for the caller to resume with.
class RangeScanner {
 public:
  RangeScanner(ScoreReader& reader, const ScanOptions& options, RowIndex* rows,
               ScanCounters* counters)
      : reader_(reader), options_(options), rows_(rows), counters_(counters) {}

  Status run(uint64_t stop_offset, const std::function<void()>& tick) {
    uint64_t since_tick = 0;
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(bool more, reader_.next(&held_));
      if (!more) return Status::ok();
      if (held_.record_offset >= stop_offset) {
        stopped_ = true;
        return Status::ok();
      }
      WINNOW_RETURN_IF_ERROR(consume(held_));
      if (tick && ++since_tick == 4096) {
        since_tick = 0;
        tick();
      }
    }
  }

  // Continues past a stop: consumes the held row, then reads to the end.
  Status resume(const std::function<void()>& tick) {
    if (!stopped_) return Status::ok();
    stopped_ = false;
    WINNOW_RETURN_IF_ERROR(consume(held_));
    return run(UINT64_MAX, tick);
  }

  Status consume(const ScoreRow& row) {
    ++counters_->rows_read;
    if (row.status != RowStatus::kOk) {
      (row.status == RowStatus::kEmptyText ? counters_->rows_skipped_empty_text
                                           : counters_->rows_skipped_missing)++;
      if (counters_->first_skipped_line == 0) counters_->first_skipped_line = row.line;
      return Status::ok();
    }
    LabelMask mask = 0;
    for (size_t i = 0; i < row.scores.size(); ++i) {
      const double s = row.scores[i];
      const bool flagged = options_.inclusive ? s >= options_.threshold : s > options_.threshold;
      mask |= static_cast<LabelMask>(flagged) << i;
    }
    if (row.text_raw_size > UINT32_MAX) {
      return Status::invalid_argument(reader_.path() + ":" + std::to_string(row.line) +
                                      ": text larger than 4 GiB");
    }
    rows_->push_back(
        {row.text_offset, static_cast<uint32_t>(row.text_raw_size), row.text_quoted, mask});
    return Status::ok();
  }

  bool stopped() const { return stopped_; }
  const ScoreRow& held() const { return held_; }

 private:
  ScoreReader& reader_;
  const ScanOptions& options_;
  RowIndex* rows_;
  ScanCounters* counters_;
  ScoreRow held_;
  bool stopped_ = false;
};

// The offset just after the first '\n' at or after `from`, or 0 if there is none.
uint64_t next_line_start(const std::string& path, uint64_t from) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[1 << 16];
  uint64_t at = from;
  uint64_t found = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(at));
    if (n <= 0) break;
    const void* nl = std::memchr(buf, '\n', static_cast<size_t>(n));
    if (nl != nullptr) {
      found = at + static_cast<uint64_t>(static_cast<const char*>(nl) - buf) + 1;
      break;
    }
    at += static_cast<uint64_t>(n);
  }
  ::close(fd);
  return found;
}

}  // namespace

Status scan_rows(ScoreReader& reader, const ScanOptions& options, RowIndex* rows,
                 ScanCounters* counters) {
  const uint64_t size = reader.size_bytes();
  // Rows are rarely shorter than 64 bytes; reserving is cheap because untouched pages of a
  // large (huge-page) mapping cost no memory, and it saves regrowth copies.
  if (size > 0) rows->reserve(size / 64 + 16);
  RangeScanner first(reader, options, rows, counters);
  const uint64_t guess = reader.seekable() && size >= options.parallel_min_bytes &&
                                 std::thread::hardware_concurrency() >= 2
                             ? next_line_start(reader.path(), size / 2)
                             : 0;
  std::atomic<uint64_t> second_position{guess};
  auto tick = [&] {
    if (options.progress) {
      options.progress(reader.position_bytes() + (second_position.load() - guess), size);
    }
  };
  if (guess == 0 || guess >= size) {
    WINNOW_RETURN_IF_ERROR(first.run(UINT64_MAX, tick));
    if (options.progress) options.progress(size, size);
    return Status::ok();
  }

  RowIndex second_rows;
  ScanCounters second_counters;
  Status second_status;
  std::thread second([&] {
    auto r = ScoreReader::open_at(reader.path(), options.reader, guess);
    if (!r.is_ok()) {
      second_status = r.status();
      return;
    }
    ScoreReader& second_reader = *r.value();
    second_rows.reserve((size - guess) / 64 + 16);
    RangeScanner scanner(second_reader, options, &second_rows, &second_counters);
    second_status =
        scanner.run(UINT64_MAX, [&] { second_position = second_reader.position_bytes(); });
  });
  Status first_status = first.run(guess, tick);
  second.join();
  WINNOW_RETURN_IF_ERROR(first_status);

  const bool confirmed =
      first.stopped() && first.held().record_offset == guess && second_status.is_ok();
  if (!confirmed) {
    // Wrong guess or an error in the second half: finish sequentially (exact errors and lines).
    WINNOW_RETURN_IF_ERROR(first.resume(tick));
  } else {
    counters->threads_used = 2;
    const uint64_t base_line = first.held().line;  // line of the record at `guess`
    rows->insert(rows->end(), second_rows.begin(), second_rows.end());
    counters->rows_read += second_counters.rows_read;
    counters->rows_skipped_empty_text += second_counters.rows_skipped_empty_text;
    counters->rows_skipped_missing += second_counters.rows_skipped_missing;
    if (counters->first_skipped_line == 0 && second_counters.first_skipped_line != 0) {
      counters->first_skipped_line = base_line + second_counters.first_skipped_line - 1;
    }
  }
  if (options.progress) options.progress(size, size);
  return Status::ok();
}

}  // namespace winnow
