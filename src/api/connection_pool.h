// The HTTP server's worker threads, as an httplib::TaskQueue that knows how long connections wait.
//
// cpp-httplib gives each accepted connection one worker for its whole keep-alive life. With more
// open connections than workers, a new connection sits in this queue until some worker's
// connection ends -- which, for a keep-alive client, could be never. Two contracts bound that:
//  - busy connections yield: while any connection waits (waiting() > 0), the dispatcher answers
//    with `Connection: close`, so a worker frees up after its current request and the queue moves
//    in FIFO order (fair: every connection gets a turn, none is pinned out);
//  - a connection that waited longer than `max_wait` for a worker is refused: its first request
//    answers 503 with Retry-After (take_wait() tells the dispatcher how long it waited).
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace winnow::api {

class ConnectionPool : public httplib::TaskQueue {
 public:
  explicit ConnectionPool(size_t threads);
  ~ConnectionPool() override;
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  void enqueue(std::function<void()> fn) override;
  // Serves what is queued, then joins the workers (httplib calls it when listening ends).
  void shutdown() override;

  // Connections accepted and not yet given a worker.
  size_t waiting() const { return waiting_.load(std::memory_order_relaxed); }
  // On a worker thread: how long the connection it serves waited in the queue, the first time it
  // is called for that connection; zero on later calls (its later requests did not wait).
  static std::chrono::steady_clock::duration take_wait();

 private:
  struct Task {
    std::function<void()> fn;
    std::chrono::steady_clock::time_point enqueued;
  };
  void work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Task> tasks_;
  bool stopping_ = false;
  std::atomic<size_t> waiting_{0};
  std::vector<std::thread> threads_;
};

}  // namespace winnow::api
