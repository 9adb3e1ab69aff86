// Request counters and latency histograms per route pattern, method and status, kept in
// fixed arrays of atomics (no lock on the request path), rendered in the Prometheus text
// exposition format for GET /metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace winnow::api {

class RequestMetrics {
 public:
  // One slot per (method, route pattern); the caller adds slots for unmatched requests too.
  struct Slot {
    std::string method;
    std::string route;
  };
  explicit RequestMetrics(std::vector<Slot> slots);

  // Counts one request of slot `slot` answered with `status` after `seconds`. Thread-safe.
  void record(size_t slot, int status, double seconds);

  // winnow_http_requests_total and winnow_http_request_duration_seconds (histogram) lines,
  // for every (slot, status) seen at least once.
  std::string prometheus() const;

  static constexpr std::array<double, 14> kBucketsSeconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

 private:
  static constexpr std::array<int, 13> kStatuses = {200, 400, 401, 403, 404, 405, 408,
                                                    409, 413, 422, 500, 503, 0};
  struct Series {
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_us{0};
    std::array<std::atomic<uint64_t>, kBucketsSeconds.size()> buckets{};
  };
  static size_t status_index(int status);

  std::vector<Slot> slots_;
  std::unique_ptr<Series[]> series_;  // slots_.size() * kStatuses.size()
};

}  // namespace winnow::api
