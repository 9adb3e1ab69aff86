#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace winnow {

ProgressBar::ProgressBar(std::string label, uint64_t total, bool enabled)
    : label_(std::move(label)),
      total_(total),
      enabled_(enabled),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_ - std::chrono::seconds(1)) {}

ProgressBar::~ProgressBar() { finish(); }

bool ProgressBar::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void ProgressBar::set_label(std::string label) {
  label_ = std::move(label);
  draw(false);
}

void ProgressBar::update(uint64_t done) {
  done_ = done;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(false);
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) {
    if (total_ > 0) done_ = total_;
    draw(true);
  }
}

void ProgressBar::draw(bool final) {
  if (!enabled_) return;
  constexpr int kWidth = 30;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (total_ > 0) {
    double frac = static_cast<double>(done_) / static_cast<double>(total_);
    if (frac > 1) frac = 1;
    int filled = static_cast<int>(frac * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%-24s [%s] %5.1f%% %6.1fs", label_.c_str(), bar.c_str(), frac * 100,
                 seconds);
  } else {
    std::fprintf(stderr, "\r%-24s %llu %6.1fs", label_.c_str(),
                 static_cast<unsigned long long>(done_), seconds);
  }
  if (final) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace winnow
