// The three splits of a Hugging Face dataset, fetched into a local cache for `winnow prepare`:
// train (required), validation and test (when the dataset has them; `valid`/`dev` accepted).
// Each split is fetched with fetch_hub_split (resumable; a complete cached split is reused
// without any request). Only the first max_rows[i] rows of each split are fetched: like the
// tutorial's streaming `shuffle(buffer_size=n).take(n)`, sampling then happens within them.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "core/status.h"
#include "data/hub_client.h"

namespace winnow {

struct HubDatasetRequest {
  HubConnectionOptions connection;
  std::string dataset;           // "google/civil_comments"
  std::string config;            // empty: the dataset's only config, or "default"
  std::string cache_dir;         // files go to <cache_dir>/<dataset with '/'→'__'>/<config>/<split>.jsonl
  std::array<uint64_t, 3> max_rows = {1000000, 50000, 50000};  // train, validation, test
};

// (split name, rows done, rows wanted) after each page; return false to cancel.
using HubDatasetProgress = std::function<bool(const std::string&, uint64_t, uint64_t)>;

// Returns the local JSONL path of each split (train, validation, test; empty when absent).
// Errors: no train split (the message lists the splits there are), and those of fetch_hub_split.
Result<std::array<std::string, 3>> fetch_hub_dataset(const HubDatasetRequest& request,
                                                     const HubDatasetProgress& progress);

}  // namespace winnow
