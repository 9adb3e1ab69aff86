// Pass 1 of `winnow prepare`: read every row of a split once and keep, per usable row, only its
// label flags and where its text is (RowRef, 24 bytes), not the text itself.
//
// Large plain CSV files are scanned by two threads: the second starts at the first line break
// after the middle of the file, speculating that a record starts there. The first thread checks
// the guess when it gets there; if the guess was wrong (the line break was inside a quoted
// field) or the second half hit an error, the first thread simply carries on alone, so results
// and error messages are always those of a sequential scan.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/huge_page_allocator.h"
#include "core/status.h"
#include "data/balancer.h"
#include "data/score_reader.h"

namespace winnow {

struct RowRef {
  uint64_t text_offset;  // seekable files: the text field's raw bytes in the file
  uint32_t text_raw_size;
  bool text_quoted;
  LabelMask flags;
};

using RowIndex = std::vector<RowRef, HugePageAllocator<RowRef>>;

struct ScanCounters {
  uint64_t rows_read = 0;
  uint64_t rows_skipped_empty_text = 0;
  uint64_t rows_skipped_missing = 0;
  uint64_t first_skipped_line = 0;  // 0 = none
  int threads_used = 1;             // 2 when a parallel scan was confirmed
};

struct ScanOptions {
  double threshold = 0.5;
  bool inclusive = false;
  ScoreReaderOptions reader;               // to open a second reader on the same file
  uint64_t parallel_min_bytes = 32 << 20;  // smaller files are scanned by one thread
  // (bytes done, bytes total), called from the calling thread only; may be empty.
  std::function<void(uint64_t, uint64_t)> progress;
};

// Scans all rows of `reader` (positioned after its header) into *rows (file order).
Status scan_rows(ScoreReader& reader, const ScanOptions& options, RowIndex* rows,
                 ScanCounters* counters);

}  // namespace winnow
