// A bounded cache of loaded models for classification requests: each model file is read once
// and shared read-only (a Classifier is immutable and thread-safe) until it is evicted (least
// recently used first) or invalidated (deleted model).
//
// Lookups of cached models take a shared lock only and bump an atomic use tick, so concurrent
// classifications never serialize on the cache. A miss runs the loader outside any lock; two
// concurrent misses of one model may both load it (the first insert wins).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"
#include "winnow/classifier.h"

namespace winnow::api {

// A model ready to classify with, and facts the routes need about it.
struct LoadedModel {
  std::string id;
  Classifier classifier;
  // JSON-quoted moderation category names per head and label ("\"toxicity\"" with one head,
  // "\"moderation/toxicity\"" with several).
  std::vector<std::vector<std::string>> category_names;
};

class ModelCache {
 public:
  using Loader = std::function<Result<std::shared_ptr<const LoadedModel>>()>;

  explicit ModelCache(size_t capacity);

  // The cached model for (workspace, id), or the loader's result (cached when OK).
  Result<std::shared_ptr<const LoadedModel>> get(std::string_view workspace, std::string_view id,
                                                 const Loader& loader);
  // Drops the entry, if any (a deleted model must not classify again).
  void invalidate(std::string_view workspace, std::string_view id);

  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  uint64_t evictions() const { return evictions_.load(std::memory_order_relaxed); }
  size_t size() const;
  size_t capacity() const { return capacity_; }

 private:
  struct Entry {
    std::shared_ptr<const LoadedModel> model;
    std::unique_ptr<std::atomic<uint64_t>> last_used;
  };
  static std::string key_of(std::string_view workspace, std::string_view id);

  const size_t capacity_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::atomic<uint64_t> tick_{0};
  std::atomic<uint64_t> hits_{0}, misses_{0}, evictions_{0};
};

// Builds a LoadedModel from a model file (Classifier::load errors pass through).
Result<std::shared_ptr<const LoadedModel>> load_model_for_serving(const std::string& id,
                                                                  const std::string& path);

}  // namespace winnow::api
