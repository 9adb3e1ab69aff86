#include "data/hub_dataset.h"

#include <filesystem>
#include <vector>

namespace winnow {

Result<std::array<std::string, 3>> fetch_hub_dataset(const HubDatasetRequest& request,
                                                     const HubDatasetProgress& progress) {
  WINNOW_ASSIGN_OR_RETURN(std::vector<HubSplit> available,
                          list_hub_splits(request.connection, request.dataset));
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
    for (const HubSplit& s : available) listed += (listed.empty() ? "" : ", ") + s.config + "/" + s.split;
    return Status::not_found(request.dataset + ": no 'train' split in config '" + config +
                             "' (the dataset has: " + (listed.empty() ? "none" : listed) + ")");
  }
  std::string safe_name = request.dataset;
  for (char& c : safe_name) {
    if (c == '/') c = '_';
  }
  const std::filesystem::path dir = std::filesystem::path(request.cache_dir) / safe_name / config;
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
    if (!r.is_ok()) return r.status();
    paths[i] = o.out_path;
  }
  return paths;
}

}  // namespace winnow
