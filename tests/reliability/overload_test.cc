// More keep-alive connections than `winnow serve` has HTTP threads (api/connection_pool.h): every
// request is answered -- 200, or 503 with Retry-After in the API's error shape -- within a bound,
// none hangs, and every connection gets served in turn.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "fixtures/child_process.h"
#include "raw_http.h"
#include "test_support.h"

namespace winnow::reliability {
namespace {

using OverloadClock = std::chrono::steady_clock;
using winnow::testing::read_file;
using winnow::testing::ServeProcess;
using winnow::testing::TempDir;

// A 503 the server sends when it is over capacity.
bool is_overload_refusal(int status, const std::string& retry_after, const std::string& body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  return status == 503 && retry_after == "1" && j.is_object() && j.contains("detail") &&
         j["detail"].is_string();
}

TEST(Overload, KeepAliveConnectionsBeyondTheThreadsAreServedInTurnOrRefusedQuickly) {
  TempDir dir;
  ServeProcess server(WINNOW_BINARY,
                      {"--data-dir", dir.file("data"), "--no-auth", "--http-threads", "2",
                       "--max-connection-wait-ms", "300", "--keep-alive-timeout", "30"},
                      dir.file("stderr.log"));
  ASSERT_GT(server.port(), 0) << read_file(dir.file("stderr.log"));

  constexpr int kClients = 8, kRequests = 15;
  std::atomic<int> ok{0}, refused{0}, other{0}, served{0};
  std::vector<int> ok_per_client(kClients, 0);
  std::vector<double> slowest_s(kClients, 0);
  std::vector<std::string> failures(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", server.port());  // keep-alive; reconnects when closed
      client.set_keep_alive(true);
      client.set_read_timeout(10, 0);
      // Each client stays active (its connection open) until every client was served at least
      // once and it made kRequests requests: a pinned-out connection shows as a stall here.
      const auto deadline = OverloadClock::now() + std::chrono::seconds(8);
      for (int i = 0; OverloadClock::now() < deadline && (i < kRequests || served < kClients); ++i) {
        const auto t0 = OverloadClock::now();
        auto r = client.Get("/v1/models");
        slowest_s[c] = std::max(slowest_s[c], std::chrono::duration<double>(OverloadClock::now() - t0).count());
        if (!r) {
          failures[c] = "no answer: " + httplib::to_string(r.error());
          ++other;
        } else if (r->status == 200) {
          ++ok;
          if (ok_per_client[c]++ == 0) ++served;
        } else if (is_overload_refusal(r->status, r->get_header_value("Retry-After"), r->body)) {
          ++refused;
        } else {
          failures[c] = std::to_string(r->status) + " " + r->body;
          ++other;
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(served.load(), kClients);
  for (int c = 0; c < kClients; ++c) {
    EXPECT_EQ(failures[c], "") << "client " << c;
    // Busy connections yield their thread while others wait, so no connection is shut out for
    // the 30 s keep-alive timeout.
    EXPECT_GT(ok_per_client[c], 0) << "client " << c << " was never served";
    EXPECT_LT(slowest_s[c], 5.0) << "client " << c << " waited " << slowest_s[c] << " s";
  }
}

TEST(Overload, AConnectionThatWaitedPastTheLimitGets503WithRetryAfter) {
  TempDir dir;
  // One thread, held by an idle keep-alive connection for 2 s: the next connection waits past
  // the 200 ms limit, and is refused as soon as the thread frees -- not served late.
  ServeProcess server(WINNOW_BINARY,
                      {"--data-dir", dir.file("data"), "--no-auth", "--http-threads", "1",
                       "--max-connection-wait-ms", "200", "--keep-alive-timeout", "2"},
                      dir.file("stderr.log"));
  ASSERT_GT(server.port(), 0) << read_file(dir.file("stderr.log"));
  httplib::Client holder("127.0.0.1", server.port());
  holder.set_keep_alive(true);
  auto first = holder.Get("/v1/models");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);

  const auto t0 = OverloadClock::now();
  RawResponse late = raw_request(
      server.port(), "GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10000);
  const double waited = std::chrono::duration<double>(OverloadClock::now() - t0).count();
  EXPECT_TRUE(is_overload_refusal(late.status, late.headers["retry-after"], late.body))
      << late.status << " " << late.error << " " << late.body;
  EXPECT_LT(waited, 5.0);  // the holder's 2 s keep-alive timeout, not longer

  // Once nothing waits, a connection is served normally again.
  RawResponse again = raw_request(
      server.port(), "GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10000);
  EXPECT_EQ(again.status, 200) << again.error << " " << again.body;
}

}  // namespace
}  // namespace winnow::reliability
