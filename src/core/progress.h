// A one-line progress bar on stderr, drawn only when stderr is a terminal (never in logs or
// pipes). Redraws at most ~10 times a second, so calling update() per row is cheap.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace winnow {

// "[#########.....]": frac in [0, 1] (clamped) of `width` cells filled.
std::string progress_bar_text(double frac, int width);
// A remaining time as "m:ss" or "h:mm:ss" ("?" for negative, NaN or over ~100 days).
std::string format_eta(double seconds);

class ProgressBar {
 public:
  // `total` is in the same unit as update()'s argument (bytes, rows); 0 = unknown.
  ProgressBar(std::string label, uint64_t total, bool enabled = stderr_is_terminal());
  ~ProgressBar();
  void set_label(std::string label);
  void set_total(uint64_t total) { total_ = total; }
  void update(uint64_t done);
  // Draws the final state and moves to a new line.
  void finish();
  static bool stderr_is_terminal();

 private:
  void draw(bool final);
  std::string label_;
  uint64_t total_;
  uint64_t done_ = 0;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace winnow
