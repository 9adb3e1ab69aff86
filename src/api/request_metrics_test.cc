#include "api/request_metrics.h"

#include <gtest/gtest.h>

namespace winnow::api {
namespace {

TEST(RequestMetrics, CountsAndCumulativeBucketsPerRouteAndStatus) {
  RequestMetrics m({{"GET", "/v1/files"}, {"POST", "/v1/classifications"}});
  m.record(1, 200, 0.0004);
  m.record(1, 200, 0.003);
  m.record(1, 422, 0.001);
  m.record(7, 200, 1);  // unknown slot: ignored
  const std::string text = m.prometheus();
  EXPECT_NE(text.find("winnow_http_requests_total{route=\"/v1/"
                      "classifications\",method=\"POST\",status=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("status=\"422\"} 1"), std::string::npos);
  EXPECT_NE(
      text.find("route=\"/v1/classifications\",method=\"POST\",status=\"200\",le=\"0.0005\"} 1"),
      std::string::npos);
  EXPECT_NE(
      text.find("route=\"/v1/classifications\",method=\"POST\",status=\"200\",le=\"0.005\"} 2"),
      std::string::npos);
  EXPECT_EQ(text.find("/v1/files\""), std::string::npos);  // never requested: no series
}

}  // namespace
}  // namespace winnow::api
