#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace winnow {

std::string progress_bar_text(double frac, int width) {
  if (!(frac > 0)) frac = 0;  // NaN too
  if (frac > 1) frac = 1;
  if (width < 0) width = 0;
  const int filled = static_cast<int>(frac * width);
  std::string bar = "[";
  bar.append(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(width - filled), '.');
  bar += ']';
  return bar;
}

std::string format_eta(double seconds) {
  if (!(seconds >= 0) || seconds > 1e7) return "?";
  const auto s = static_cast<long long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  return buf;
}

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
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (total_ > 0) {
    double frac = static_cast<double>(done_) / static_cast<double>(total_);
    if (frac > 1) frac = 1;
    std::fprintf(stderr, "\r%-24s %s %5.1f%% %6.1fs", label_.c_str(),
                 progress_bar_text(frac, kWidth).c_str(), frac * 100, seconds);
  } else {
    std::fprintf(stderr, "\r%-24s %llu %6.1fs", label_.c_str(),
                 static_cast<unsigned long long>(done_), seconds);
  }
  if (final) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace winnow
