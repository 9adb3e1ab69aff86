#include "api/request_metrics.h"

#include <cstdio>

namespace winnow::api {

RequestMetrics::RequestMetrics(std::vector<Slot> slots)
    : slots_(std::move(slots)),
      series_(std::make_unique<Series[]>(slots_.size() * kStatuses.size())) {}

size_t RequestMetrics::status_index(int status) {
  for (size_t i = 0; i + 1 < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) return i;
  }
  return kStatuses.size() - 1;  // "other"
}

void RequestMetrics::record(size_t slot, int status, double seconds) {
  if (slot >= slots_.size()) return;
  Series& s = series_[slot * kStatuses.size() + status_index(status)];
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_us.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
  for (size_t b = 0; b < kBucketsSeconds.size(); ++b) {
    if (seconds <= kBucketsSeconds[b]) {
      s.buckets[b].fetch_add(1, std::memory_order_relaxed);
      break;  // buckets are stored non-cumulative; prometheus() sums them
    }
  }
}

std::string RequestMetrics::prometheus() const {
  std::string counts =
      "# HELP winnow_http_requests_total HTTP requests by route pattern, method and status.\n"
      "# TYPE winnow_http_requests_total counter\n";
  std::string hist =
      "# HELP winnow_http_request_duration_seconds Time from routing to the handler's answer.\n"
      "# TYPE winnow_http_request_duration_seconds histogram\n";
  char buf[96];
  for (size_t slot = 0; slot < slots_.size(); ++slot) {
    for (size_t st = 0; st < kStatuses.size(); ++st) {
      const Series& s = series_[slot * kStatuses.size() + st];
      const uint64_t count = s.count.load(std::memory_order_relaxed);
      if (count == 0) continue;
      const std::string status = kStatuses[st] == 0 ? "other" : std::to_string(kStatuses[st]);
      const std::string labels = "route=\"" + slots_[slot].route + "\",method=\"" +
                                 slots_[slot].method + "\",status=\"" + status + "\"";
      counts += "winnow_http_requests_total{" + labels + "} " + std::to_string(count) + "\n";
      uint64_t cumulative = 0;
      for (size_t b = 0; b < kBucketsSeconds.size(); ++b) {
        cumulative += s.buckets[b].load(std::memory_order_relaxed);
        std::snprintf(buf, sizeof buf, "%g", kBucketsSeconds[b]);
        hist += "winnow_http_request_duration_seconds_bucket{" + labels + ",le=\"" + buf + "\"} " +
                std::to_string(cumulative) + "\n";
      }
      hist += "winnow_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
              std::to_string(count) + "\n";
      std::snprintf(buf, sizeof buf, "%.6f",
                    static_cast<double>(s.sum_us.load(std::memory_order_relaxed)) / 1e6);
      hist += "winnow_http_request_duration_seconds_sum{" + labels + "} " + buf + "\n";
      hist += "winnow_http_request_duration_seconds_count{" + labels + "} " +
              std::to_string(count) + "\n";
    }
  }
  return counts + hist;
}

}  // namespace winnow::api
