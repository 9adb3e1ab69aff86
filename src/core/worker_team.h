// A fixed team of threads that run one function together (like an OpenMP parallel region):
// the caller is member 0, the other members are background threads that live as long as the
// team. Starting a round costs a condition-variable wake-up, so hot loops can run many short
// rounds (one per training step) without creating threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace winnow {

// Number of threads to use when the user asks for `requested` (0 = all hardware threads).
int resolve_thread_count(int requested);

class WorkerTeam {
 public:
  // `size` >= 1 members (values below 1 are treated as 1).
  explicit WorkerTeam(int size);
  ~WorkerTeam();
  WorkerTeam(const WorkerTeam&) = delete;
  WorkerTeam& operator=(const WorkerTeam&) = delete;

  int size() const { return size_; }

  // Runs fn(member) on every member, member 0 on the calling thread, and returns when all have
  // finished. fn must not throw. Not reentrant: one round at a time, from one thread.
  void run(const std::function<void(int member)>& fn);

  // Splits [0, n) into size() contiguous ranges and runs fn(begin, end, member) on each.
  void run_ranges(size_t n, const std::function<void(size_t begin, size_t end, int member)>& fn);

 private:
  void loop(int member);

  int size_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(int)>* fn_ = nullptr;
  unsigned long generation_ = 0;
  int running_ = 0;
  bool stop_ = false;
};

}  // namespace winnow
