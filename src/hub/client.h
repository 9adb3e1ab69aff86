// Downloads one split of a Hugging Face dataset through the dataset viewer's /rows API into a
// JSONL file of flat row objects, resumably. This is what `winnow prepare --hub <dataset>` uses.
//
// Wire protocol (https://huggingface.co/docs/dataset-viewer):
//   GET <endpoint>/rows?dataset=D&config=C&split=S&offset=O&length=L   (L <= 100)
//     -> {"features": [...], "rows": [{"row_idx": O, "row": {...}, "truncated_cells": []}, ...],
//         "num_rows_total": N, "num_rows_per_page": 100, "partial": false}
//   GET <endpoint>/splits?dataset=D -> {"splits": [{"dataset": D, "config": C, "split": S}, ...]}
//   errors: HTTP 4xx/5xx with {"error": "..."}; 429 = rate limited (may carry Retry-After).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "hub/http.h"
#include "hub/rows_page.h"

namespace winnow {

inline constexpr int kHubPageRowsMax = 100;  // the server's cap on `length`

struct HubFetchOptions {
  HubConnectionOptions connection;  // endpoint, token, timeouts, retries
  std::string dataset;              // "google/civil_comments"
  std::string config = "default";
  std::string split;                // "train"
  uint64_t max_rows = 0;            // fetch only the first max_rows rows; 0 = the whole split
  int page_rows = kHubPageRowsMax;  // rows per request, 1..100
  // Output: one "row" object per line, keys in the server's order. A sidecar
  // "<out_path>.hub.json" records the request so that a later call can resume.
  std::string out_path;
};

struct HubFetchResult {
  uint64_t rows_written = 0;  // rows in out_path now: min(max_rows, rows_total_in_split)
  uint64_t rows_total_in_split = 0;
  uint64_t rows_fetched = 0;   // rows downloaded by this call (the rest were already there)
  bool resumed = false;        // out_path already held rows from an earlier call
  bool partial_split = false;  // the server serves only a prefix of the split (see docs)
};

// Called after every page is on disk with the rows in out_path and the rows wanted
// (min(max_rows, rows in split)); return false to stop. May be empty.
using HubProgress = std::function<bool(uint64_t rows_done, uint64_t rows_wanted)>;

// Fetches rows [0, min(max_rows, total)) of the split into out_path, page by page in order.
// Each page is appended as whole lines with one write before the next request (fsynced at least
// once a second and before returning), so an interrupted fetch (crash, Ctrl-C, network loss,
// cancel) can be resumed by calling again with the same dataset/config/split and out_path:
// complete lines already there are kept (a cut last line is removed) and fetching continues
// after them.
//
// On success out_path holds exactly the first rows_written rows (surplus rows from an earlier,
// larger max_rows are cut). When the sidecar says the wanted rows are all present, no request is
// made. Pages whose cells the server truncated are re-requested with fewer rows per page.
//
// Errors (out_path keeps every complete row fetched so far, so calling again resumes):
//   kInvalidArgument     bad options; a 4xx from the server other than 401/403/404/429
//   kNotFound            unknown dataset/config/split (the server's message is included)
//   kFailedPrecondition  401/403 (token needed); untrusted certificate; a redirect while a token
//                        is set; out_path or its sidecar belongs to a different request; the
//                        split changed size since out_path was started
//   kAlreadyExists       out_path exists and is not a hub fetch's output (never overwritten)
//   kUnavailable         connection errors, 429 or 5xx persisting after max_retries
//   kCorruption          a malformed page (message names the URL); a single row the server
//                        always truncates; a damaged sidecar
//   kCancelled           `progress` returned false
//   kIoError             the output could not be written
//
// Thread-safe for distinct out_paths. Two fetches into the same out_path at once are not
// detected (there is no file lock) and interleave rows: the caller must serialize them.
Result<HubFetchResult> fetch_hub_split(const HubFetchOptions& options, const HubProgress& progress);

// The (config, split) pairs of a dataset, in server order. Errors as for fetch_hub_split.
Result<std::vector<HubSplit>> list_hub_splits(const HubConnectionOptions& connection,
                                              const std::string& dataset);

}  // namespace winnow
