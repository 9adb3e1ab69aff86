// Parsing one page of the dataset viewer's /rows response:
//   {"features": [...], "rows": [{"row_idx": 0, "row": {...}, "truncated_cells": []}, ...],
//    "num_rows_total": 1804874, "num_rows_per_page": 100, "partial": false}
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace winnow {

struct HubRowsPage {
  // Each "row" object re-serialized on one line with its keys in server order, every line ending
  // in '\n': ready to append to a JSONL file.
  std::string jsonl;
  uint64_t row_count = 0;
  uint64_t num_rows_total = 0;
  // The server serves only a prefix of the split (its parquet conversion stopped at a size cap);
  // num_rows_total then counts that prefix.
  bool partial = false;
  // The server shortened some cells to fit its response-size limit; asking for fewer rows per
  // page avoids that. `truncated_example` names the first one ("row 17, column text").
  bool has_truncated_cells = false;
  std::string truncated_example;
};

// Parses and checks a page requested at `offset`: the body must be a JSON object with
// "num_rows_total" (a non-negative integer) and "rows" (an array of objects whose "row_idx" is
// offset, offset+1, ... and whose "row" is an object); "partial" and "truncated_cells" are
// optional. Any other shape is kCorruption with a message saying what was wrong and where
// (the caller adds the URL).
Result<HubRowsPage> parse_hub_rows_page(std::string_view body, uint64_t offset);

// The (config, split) pairs of a /splits response
// {"splits": [{"dataset": ..., "config": ..., "split": ...}, ...]}, in server order.
struct HubSplit {
  std::string config;
  std::string split;
};
Result<std::vector<HubSplit>> parse_hub_splits(std::string_view body);

}  // namespace winnow
