#include "api/line_writer.h"

#include <utility>

namespace winnow::api {

LineWriter::LineWriter(std::FILE* out, size_t max_pending)
    : out_(out), max_pending_(max_pending), thread_([this] { run(); }) {}

LineWriter::~LineWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void LineWriter::append(std::string_view line) {
  {
    std::lock_guard lock(mutex_);
    ++appended_;
    if (pending_.size() + line.size() > max_pending_) {
      ++dropped_;
    } else {
      pending_.append(line);
    }
  }
  wake_.notify_one();
}

void LineWriter::flush() {
  std::unique_lock lock(mutex_);
  const uint64_t target = appended_;
  written_.wait(lock, [&] { return done_ >= target; });
}

void LineWriter::run() {
  std::string batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || appended_ != done_; });
    if (appended_ == done_ && stopping_) return;
    batch.clear();
    batch.swap(pending_);
    const size_t dropped = std::exchange(dropped_, 0);
    const uint64_t upto = appended_;
    lock.unlock();
    if (dropped > 0) {
      batch +=
          "{\"level\":\"error\",\"error\":\"log writer fell behind: " + std::to_string(dropped) +
          " log lines dropped\"}\n";
    }
    std::fwrite(batch.data(), 1, batch.size(), out_);
    std::fflush(out_);
    lock.lock();
    done_ = upto;
    written_.notify_all();
  }
}

}  // namespace winnow::api
