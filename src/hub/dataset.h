// The three splits of a Hugging Face dataset, fetched into a local cache for `winnow prepare`:
// train (required), validation and test (when the dataset has them; `valid`/`dev` accepted).
// Each split is fetched either through the rows API (fetch_hub_split, client.h: a JSONL
// file) or as the hub's Parquet files (fetch_hub_parquet_split, parquet.h: a directory of
// part files); both are resumable and a complete cached split is reused without any request.
// Only the first max_rows[i] rows of each split are used either way: like the tutorial's
// streaming `shuffle(buffer_size=n).take(n)`, sampling then happens within them, and both
// formats give the same rows.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"
#include "hub/client.h"

namespace winnow {

enum class HubFormat {
  kRows,     // the /rows API, 100 rows per request
  kParquet,  // the hub's Parquet conversion (one listing request, then whole files)
  // Parquet for splits where at least kHubParquetAutoRows rows are wanted (fewer rows are
  // cheaper as a few /rows pages than as whole files), falling back to rows when the dataset
  // has no Parquet files for the split.
  kAuto,
};
inline constexpr uint64_t kHubParquetAutoRows = 10000;

struct HubDatasetRequest {
  HubConnectionOptions connection;
  std::string dataset;    // "google/civil_comments"
  std::string config;     // empty: the dataset's only config, or "default"
  std::string cache_dir;  // files go to <cache_dir>/<dataset with '/'→'__'>/<config>/<split>.jsonl
  std::array<uint64_t, 3> max_rows = {1000000, 50000, 50000};  // train, validation, test
  HubFormat format = HubFormat::kAuto;
};

struct HubDatasetFiles {
  // Per split (train, validation, test; empty when absent): a JSONL file (rows API) or a
  // directory of Parquet files.
  std::array<std::string, 3> paths;
  // For Parquet: read only the first row_limits[i] rows (ScoreReaderOptions::row_limit); 0 for
  // JSONL, which holds exactly the rows wanted.
  std::array<uint64_t, 3> row_limits = {0, 0, 0};
  std::array<HubFormat, 3> formats = {HubFormat::kRows, HubFormat::kRows, HubFormat::kRows};
};

// (split name, done, wanted) after each page (rows) or downloaded chunk (Parquet: bytes);
// return false to cancel.
using HubDatasetProgress = std::function<bool(const std::string&, uint64_t, uint64_t)>;

// Errors: no train split (the message lists the splits there are), and those of
// fetch_hub_split / fetch_hub_parquet_split.
Result<HubDatasetFiles> fetch_hub_dataset(const HubDatasetRequest& request,
                                          const HubDatasetProgress& progress);

}  // namespace winnow
