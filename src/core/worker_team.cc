#include "core/worker_team.h"

#include <algorithm>

namespace winnow {

int resolve_thread_count(int requested) {
  if (requested > 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

WorkerTeam::WorkerTeam(int size) : size_(std::max(1, size)) {
  threads_.reserve(static_cast<size_t>(size_ - 1));
  for (int m = 1; m < size_; ++m) threads_.emplace_back([this, m] { loop(m); });
}

WorkerTeam::~WorkerTeam() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void WorkerTeam::loop(int member) {
  unsigned long seen = 0;
  for (;;) {
    const std::function<void(int)>* fn = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      fn = fn_;
    }
    (*fn)(member);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--running_ == 0) done_cv_.notify_one();
    }
  }
}

void WorkerTeam::run(const std::function<void(int)>& fn) {
  if (size_ == 1) {
    fn(0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = &fn;
    running_ = size_ - 1;
    ++generation_;
  }
  start_cv_.notify_all();
  fn(0);
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [&] { return running_ == 0; });
  fn_ = nullptr;
}

void WorkerTeam::run_ranges(size_t n, const std::function<void(size_t, size_t, int)>& fn) {
  const size_t parts = static_cast<size_t>(size_);
  run([&](int member) {
    const size_t m = static_cast<size_t>(member);
    const size_t begin = n * m / parts;
    const size_t end = n * (m + 1) / parts;
    if (begin < end) fn(begin, end, member);
  });
}

}  // namespace winnow
