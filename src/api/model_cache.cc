#include "api/model_cache.h"

#include <mutex>
#include <nlohmann/json.hpp>

namespace winnow::api {

ModelCache::ModelCache(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

std::string ModelCache::key_of(std::string_view workspace, std::string_view id) {
  std::string key(workspace);
  key.push_back('\0');
  key.append(id);
  return key;
}

Result<std::shared_ptr<const LoadedModel>> ModelCache::get(std::string_view workspace,
                                                           std::string_view id,
                                                           const Loader& loader) {
  const std::string key = key_of(workspace, id);
  {
    std::shared_lock lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      it->second.last_used->store(tick_.fetch_add(1, std::memory_order_relaxed),
                                  std::memory_order_relaxed);
      hits_.fetch_add(1, std::memory_order_relaxed);
      return it->second.model;
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  Result<std::shared_ptr<const LoadedModel>> loaded = loader();
  if (!loaded.is_ok()) return loaded;
  std::unique_lock lock(mutex_);
  auto [it, inserted] = entries_.try_emplace(key);
  if (inserted) {
    it->second.model = loaded.value();
    it->second.last_used = std::make_unique<std::atomic<uint64_t>>(0);
  }
  it->second.last_used->store(tick_.fetch_add(1, std::memory_order_relaxed),
                              std::memory_order_relaxed);
  std::shared_ptr<const LoadedModel> out = it->second.model;
  while (entries_.size() > capacity_) {
    auto oldest = entries_.end();
    for (auto e = entries_.begin(); e != entries_.end(); ++e) {
      if (e->first == key) continue;
      if (oldest == entries_.end() ||
          e->second.last_used->load(std::memory_order_relaxed) <
              oldest->second.last_used->load(std::memory_order_relaxed)) {
        oldest = e;
      }
    }
    if (oldest == entries_.end()) break;
    entries_.erase(oldest);
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
  return out;
}

void ModelCache::invalidate(std::string_view workspace, std::string_view id) {
  std::unique_lock lock(mutex_);
  entries_.erase(key_of(workspace, id));
}

size_t ModelCache::size() const {
  std::shared_lock lock(mutex_);
  return entries_.size();
}

Result<std::shared_ptr<const LoadedModel>> load_model_for_serving(const std::string& id,
                                                                  const std::string& path) {
  WINNOW_ASSIGN_OR_RETURN(Classifier classifier, Classifier::load(path));
  auto model = std::make_shared<LoadedModel>(LoadedModel{id, std::move(classifier), {}});
  const auto& heads = model->classifier.heads();
  for (const ClassifierHead& head : heads) {
    std::vector<std::string> names;
    for (const std::string& label : head.labels) {
      const std::string name = heads.size() == 1 ? label : head.name + "/" + label;
      names.push_back(
          nlohmann::json(name).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    model->category_names.push_back(std::move(names));
  }
  return std::shared_ptr<const LoadedModel>(std::move(model));
}

}  // namespace winnow::api
