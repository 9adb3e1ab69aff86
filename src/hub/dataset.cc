#include "hub/dataset.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/atomic_file.h"
#include "hub/fetch_state.h"
#include "hub/parquet.h"

namespace winnow {
namespace {

// The dataset's (config, split) list: from the cache when an earlier run saved it (so a fully
// cached dataset needs no network at all), else from the server, then saved.
Result<std::vector<HubSplit>> cached_split_list(const HubDatasetRequest& request,
                                                const std::filesystem::path& cache_file) {
  std::ifstream in(cache_file);
  if (in) {
    try {
      nlohmann::json j = nlohmann::json::parse(in);
      std::vector<HubSplit> splits;
      for (const auto& s : j.at("splits")) splits.push_back({s.at("config"), s.at("split")});
      if (!splits.empty()) return splits;
    } catch (const nlohmann::json::exception&) {
      // A damaged cache entry is ignored and rewritten from the server.
    }
  }
  auto listed = list_hub_splits(request.connection, request.dataset);
  if (!listed.is_ok()) return listed.status().with_context("dataset " + request.dataset);
  nlohmann::json j = {{"dataset", request.dataset}, {"splits", nlohmann::json::array()}};
  for (const HubSplit& s : listed.value())
    j["splits"].push_back({{"config", s.config}, {"split", s.split}});
  std::error_code ec;
  std::filesystem::create_directories(cache_file.parent_path(), ec);
  WINNOW_RETURN_IF_ERROR(write_file_atomically(cache_file.string(), j.dump(2) + "\n"));
  return listed;
}

}  // namespace

Result<HubDatasetFiles> fetch_hub_dataset(const HubDatasetRequest& request,
                                          const HubDatasetProgress& progress) {
  std::string safe_name = request.dataset;
  for (char& c : safe_name) {
    if (c == '/') c = '_';
  }
  const std::filesystem::path dataset_dir = std::filesystem::path(request.cache_dir) / safe_name;
  WINNOW_ASSIGN_OR_RETURN(std::vector<HubSplit> available,
                          cached_split_list(request, dataset_dir / "splits.json"));
  std::string config = request.config;
  if (config.empty()) {
    config = "default";
    bool has_default = false;
    for (const HubSplit& s : available) has_default |= s.config == "default";
    if (!has_default && !available.empty()) config = available.front().config;
  }
  auto has = [&](const std::string& split) {
    for (const HubSplit& s : available) {
      if (s.config == config && s.split == split) return true;
    }
    return false;
  };
  const std::vector<std::vector<std::string>> names = {
      {"train"}, {"validation", "valid", "dev"}, {"test"}};
  std::array<std::string, 3> chosen;
  for (size_t i = 0; i < names.size(); ++i) {
    for (const std::string& n : names[i]) {
      if (has(n)) {
        chosen[i] = n;
        break;
      }
    }
  }
  if (chosen[0].empty()) {
    std::string listed;
    for (const HubSplit& s : available) {
      listed += (listed.empty() ? "" : ", ") + s.config + "/" + s.split;
    }
    return Status::not_found(request.dataset + ": no 'train' split in config '" + config +
                             "' (the dataset has: " + (listed.empty() ? "none" : listed) + ")");
  }
  const std::filesystem::path dir = dataset_dir / config;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::io_error(dir.string() + ": cannot create directory: " + ec.message());

  HubDatasetFiles files;
  for (size_t i = 0; i < chosen.size(); ++i) {
    if (chosen[i].empty()) continue;
    const std::string split = chosen[i];
    const uint64_t rows_wanted = request.max_rows[i];
    const std::string jsonl_path = (dir / (split + ".jsonl")).string();
    // Auto keeps using a rows-API download an earlier run started (it resumes or is complete).
    const bool rows_started = std::filesystem::exists(jsonl_path, ec) &&
                              std::filesystem::exists(hub_state_path(jsonl_path), ec);
    const bool try_parquet = request.format == HubFormat::kParquet ||
                             (request.format == HubFormat::kAuto && !rows_started &&
                              (rows_wanted == 0 || rows_wanted >= kHubParquetAutoRows));
    if (try_parquet) {
      HubParquetFetchOptions po;
      po.connection = request.connection;
      po.dataset = request.dataset;
      po.config = config;
      po.split = split;
      po.max_rows = rows_wanted;
      po.out_dir = (dir / (split + "-parquet")).string();
      auto r = fetch_hub_parquet_split(po, [&](uint64_t done, uint64_t total) {
        return !progress || progress(split, done, total);
      });
      if (r.is_ok()) {
        files.paths[i] = r.value().dir;
        files.row_limits[i] = r.value().row_limit;
        files.formats[i] = HubFormat::kParquet;
        continue;
      }
      // Auto: a dataset without a Parquet conversion for this split still has the rows API.
      if (request.format == HubFormat::kParquet || r.status().code() != StatusCode::kNotFound) {
        return r.status().with_context("dataset " + request.dataset + ", split " + split +
                                       " (Parquet files)");
      }
    }
    HubFetchOptions o;
    o.connection = request.connection;
    o.dataset = request.dataset;
    o.config = config;
    o.split = chosen[i];
    o.max_rows = request.max_rows[i];
    o.out_path = (dir / (chosen[i] + ".jsonl")).string();
    auto r = fetch_hub_split(o, [&](uint64_t done, uint64_t wanted) {
      return !progress || progress(split, done, wanted);
    });
    if (!r.is_ok())
      return r.status().with_context("dataset " + request.dataset + ", split " + split);
    files.paths[i] = o.out_path;
    files.formats[i] = HubFormat::kRows;
  }
  return files;
}

}  // namespace winnow
