// A split of a Hugging Face dataset as the hub's Parquet files instead of rows-API pages: one
// listing request, then one streamed download per file (download.h) — a few requests where
// the /rows API needs one per 100 rows (~18,000 for google/civil_comments' train split).
//
// Wire protocol (https://huggingface.co/docs/dataset-viewer/parquet):
//   GET <endpoint>/parquet?dataset=D&config=C
//     -> {"parquet_files": [{"dataset": D, "config": C, "split": S, "url": U, "filename": F,
//                            "size": BYTES}, ...], "pending": [], "failed": [], "partial": false}
//   U is an absolute URL, e.g.
//   https://huggingface.co/datasets/D/resolve/refs%2Fconvert%2Fparquet/C/S/0000.parquet
//
// Files are downloaded in name order into `out_dir`, only as many as the first max_rows rows
// need (each file's row count comes from its footer once it is on disk), so that a row limit
// means the same rows as with the /rows API. Each file is written as <name>.part, checked (its
// size against the listing, its footer with the Parquet reader) and renamed, so out_dir only
// ever holds complete files; a cut download resumes from its .part file. A sidecar
// out_dir/hub-parquet.json records the listing: a later call that finds every file it needs
// complete makes no request at all.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "hub/http.h"

namespace winnow {

struct HubParquetFile {
  std::string url;
  std::string filename;  // "0000.parquet"
  uint64_t size_bytes = 0;
};

struct HubParquetListing {
  std::vector<HubParquetFile> files;  // of one (config, split), in filename order
  bool partial = false;  // the conversion covers only a prefix of the split (the hub's 5 GB cap)
};

// Parses a /parquet response, keeping the files of `config`/`split`. kCorruption on another
// shape, a file name that is not a plain "*.parquet" name, or a non-http(s) URL.
Result<HubParquetListing> parse_hub_parquet_listing(std::string_view body,
                                                    const std::string& config,
                                                    const std::string& split);

struct HubParquetFetchOptions {
  HubConnectionOptions connection;
  std::string dataset;
  std::string config = "default";
  std::string split;
  uint64_t max_rows = 0;  // 0 = the whole split
  std::string out_dir;    // created if needed
};

struct HubParquetFetchResult {
  std::string dir;            // out_dir: a directory of part files for ScoreReader
  uint64_t rows_on_disk = 0;  // rows in the files downloaded so far
  uint64_t row_limit = 0;     // read only the first row_limit rows (min(max_rows, rows_on_disk))
  uint64_t bytes_downloaded = 0;  // by this call
  uint64_t requests = 0;          // HTTP requests made by this call (0: all from the cache)
  bool partial_split = false;
};

// (bytes done, bytes wanted) while downloading; return false to cancel.
using HubParquetProgress = std::function<bool(uint64_t done, uint64_t total)>;

// Errors: kNotFound (dataset, or no Parquet files for the split: the caller may fall back to the
// rows API), kFailedPrecondition (the listing changed since out_dir was started: delete it),
// kCorruption (a downloaded file is not the listed size or not valid Parquet; it is deleted),
// and those of hub_download (network, cancel).
Result<HubParquetFetchResult> fetch_hub_parquet_split(const HubParquetFetchOptions& options,
                                                      const HubParquetProgress& progress);

}  // namespace winnow
