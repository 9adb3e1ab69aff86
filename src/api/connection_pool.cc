#include "api/connection_pool.h"

#include <utility>

namespace winnow::api {

namespace {
thread_local std::chrono::steady_clock::duration connection_wait{};
}  // namespace

ConnectionPool::ConnectionPool(size_t threads) {
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

ConnectionPool::~ConnectionPool() { shutdown(); }

void ConnectionPool::enqueue(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back({std::move(fn), std::chrono::steady_clock::now()});
    waiting_.store(tasks_.size(), std::memory_order_relaxed);
  }
  ready_.notify_one();
}

void ConnectionPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

std::chrono::steady_clock::duration ConnectionPool::take_wait() {
  return std::exchange(connection_wait, std::chrono::steady_clock::duration{});
}

void ConnectionPool::work() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and nothing left to serve
      task = std::move(tasks_.front());
      tasks_.pop_front();
      waiting_.store(tasks_.size(), std::memory_order_relaxed);
    }
    connection_wait = std::chrono::steady_clock::now() - task.enqueued;
    task.fn();
    connection_wait = {};
  }
}

}  // namespace winnow::api
