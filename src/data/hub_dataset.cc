#include "data/hub_dataset.h"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include <vector>

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
  for (const HubSplit& s : listed.value()) j["splits"].push_back({{"config", s.config}, {"split", s.split}});
  std::error_code ec;
  std::filesystem::create_directories(cache_file.parent_path(), ec);
  WINNOW_RETURN_IF_ERROR(write_file_atomically(cache_file.string(), j.dump(2) + "\n"));
  return listed;
}

}  // namespace

Result<std::array<std::string, 3>> fetch_hub_dataset(const HubDatasetRequest& request,
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
  const std::vector<std::vector<std::string>> names = {{"train"}, {"validation", "valid", "dev"}, {"test"}};
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

  std::array<std::string, 3> paths;
  for (size_t i = 0; i < chosen.size(); ++i) {
    if (chosen[i].empty()) continue;
    HubFetchOptions o;
    o.connection = request.connection;
    o.dataset = request.dataset;
    o.config = config;
    o.split = chosen[i];
    o.max_rows = request.max_rows[i];
    o.out_path = (dir / (chosen[i] + ".jsonl")).string();
    const std::string split = chosen[i];
    auto r = fetch_hub_split(o, [&](uint64_t done, uint64_t wanted) {
      return !progress || progress(split, done, wanted);
    });
    if (!r.is_ok()) return r.status().with_context("dataset " + request.dataset + ", split " + split);
    paths[i] = o.out_path;
  }
  return paths;
}

}  // namespace winnow
