// Shared pieces of the `winnow serve` integration tests: a server in a temp data dir and an
// httplib client for it.
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "fixtures/child_process.h"
#include "test_support.h"

namespace winnow::testing {

inline const std::string kKey = "test-key-123";

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }

  void start(std::vector<std::string> extra = {}) {
    server_.reset();
    std::vector<std::string> args = {"--data-dir", dir_.file("data"), "--workers",
                                     "1",          "--train-threads", "1"};
    if (extra.empty()) extra = {"--api-key", kKey};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ServeProcess>(WINNOW_BINARY, args, dir_.file("stderr.log"));
    ASSERT_GT(server_->port(), 0) << "no listening line; got '" << server_->first_line()
                                  << "'; stderr: " << read_file(dir_.file("stderr.log"));
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(60, 0);
    client_->set_default_headers({{"Authorization", "Bearer " + kKey}});
  }

  httplib::Client& client() { return *client_; }
  // A client without the Authorization header.
  httplib::Client anonymous() { return httplib::Client("127.0.0.1", server_->port()); }

  static nlohmann::json json_of(const httplib::Result& r) {
    return nlohmann::json::parse(r->body, nullptr, false);
  }

  // Uploads `content` as `name`; returns the file object.
  nlohmann::json upload(const std::string& name, const std::string& content,
                        const std::string& purpose = "") {
    httplib::MultipartFormDataItems items = {{"file", content, name, "application/octet-stream"},
                                             {"visibility", "workspace", "", ""}};
    if (!purpose.empty()) items.push_back({"purpose", purpose, "", ""});
    auto r = client().Post("/v1/files", items);
    EXPECT_TRUE(r);
    if (!r) return nullptr;
    EXPECT_EQ(r->status, 200) << r->body;
    return json_of(r);
  }

  // Polls GET /v1/fine_tuning/jobs/{id} until the status leaves `waiting` (at most ~2 min).
  nlohmann::json wait_job(const std::string& id, const std::vector<std::string>& waiting) {
    nlohmann::json job;
    for (int i = 0; i < 1200; ++i) {
      auto r = client().Get("/v1/fine_tuning/jobs/" + id);
      if (!r || r->status != 200) return nullptr;
      job = json_of(r);
      const std::string status = job["status"];
      if (std::find(waiting.begin(), waiting.end(), status) == waiting.end()) return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return job;
  }

  TempDir dir_;
  std::unique_ptr<ServeProcess> server_;
  std::unique_ptr<httplib::Client> client_;
};

// A small separable moderation set (multi-label head) for jobs.
inline std::string moderation_jsonl(int n, int seed) {
  const char* toxic[] = {"idiot", "moron", "stupid", "loser"};
  const char* filler[] = {"the", "news", "today", "about", "city", "council", "vote", "was"};
  std::string out;
  unsigned state = static_cast<unsigned>(seed) * 2654435761u + 1;
  auto next = [&] { return state = state * 1664525u + 1013904223u, state >> 8; };
  for (int i = 0; i < n; ++i) {
    std::string text;
    for (int w = 0; w < 5; ++w) text += std::string(filler[next() % 8]) + " ";
    std::string labels = R"(["safe"])";
    if (i % 2 == 1) {
      text += toxic[next() % 4];
      labels = R"(["toxicity", "insult"])";
    }
    out += R"({"text": ")" + text + R"(", "labels": {"moderation": )" + labels + "}}\n";
  }
  return out;
}

}  // namespace winnow::testing
