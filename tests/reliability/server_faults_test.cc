// Store faults under a running server (issue 6): a real api::Server in this process, serving
// real HTTP on a loopback port, with the store's FileIo replaced by a FaultInjectingFileIo
// (ServerOptions::store_io). Uploads, job creation and model updates meet a full disk (ENOSPC
// from operation N on), one failed operation, or a failed database commit. Each client gets a
// prompt, clear answer (507 with a detail for a full disk), never a hang; the server keeps
// working once the disk has room, and a restart (a fresh Store on the directory) finds every
// acknowledged file and model intact and nothing that was refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/server.h"
#include "raw_http.h"
#include "store/file_io.h"
#include "store/store.h"
#include "store_seed.h"
#include "test_support.h"

namespace winnow::reliability {
namespace {

using nlohmann::json;
using store::FaultInjectingFileIo;

const std::string kKey = "fault-test-key";

class InProcessServer {
 public:
  InProcessServer(const std::string& data_dir, store::FileIo* io) {
    api::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.data_dir = data_dir;
    o.keys = {api::ApiKey{kKey, "default"}};
    o.store_io = io;
    o.access_log = false;
    o.request_timeout_s = 5;
    o.workers = 1;
    o.train_threads = 1;
    auto created = api::Server::create(o);
    EXPECT_TRUE(created.is_ok()) << created.status().to_string();
    if (!created.is_ok()) return;
    server_ = std::move(*created);
    EXPECT_TRUE(server_->bind().is_ok());
    EXPECT_TRUE(server_->start_jobs().is_ok());
    thread_ = std::thread([this] { server_->run(); });
  }
  ~InProcessServer() { stop(); }
  void stop() {
    if (server_) server_->stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }
  int port() const { return server_ ? server_->port() : 0; }

 private:
  std::unique_ptr<api::Server> server_;
  std::thread thread_;
};

std::string upload_body(const std::string& name, const std::string& content) {
  return "--B0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name +
         "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content + "\r\n--B0undary--\r\n";
}

RawResponse upload(int port, const std::string& name, const std::string& content) {
  return raw_request(port, make_request("POST", "/v1/files",
                                        {"Authorization: Bearer " + kKey,
                                         "Content-Type: multipart/form-data; boundary=B0undary"},
                                        upload_body(name, content)));
}

RawResponse call(int port, const std::string& method, const std::string& path,
                 const std::string& body = "") {
  std::vector<std::string> head = {"Authorization: Bearer " + kKey};
  if (!body.empty()) head.push_back("Content-Type: application/json");
  return raw_request(port, make_request(method, path, head, body));
}

// A refused write: 507 {"detail": "Insufficient storage..."}.
void expect_insufficient_storage(const RawResponse& r) {
  EXPECT_EQ(r.status, 507) << r.error << " " << r.body;
  const json j = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_THAT(j.value("detail", ""), ::testing::HasSubstr("Insufficient storage"));
}

TEST(ServerFaults, FullDiskAndFailedWritesGiveClearAnswersAndLoseNothingAcknowledged) {
  testing::TempDir dir;
  const std::string data = dir.file("data");
  const SeededModel seeded = seed_model(data, "default", dir, "m");
  ASSERT_FALSE(seeded.model_id.empty());
  FaultInjectingFileIo io;
  InProcessServer server(data, &io);
  const int port = server.port();
  ASSERT_GT(port, 0);

  std::vector<std::pair<std::string, std::string>> acknowledged;  // id, content
  auto upload_ok = [&](const std::string& name, const std::string& content) {
    const RawResponse r = upload(port, name, content);
    EXPECT_EQ(r.status, 200) << r.body;
    const json j = json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("id"))
      acknowledged.emplace_back(j["id"].get<std::string>(), content);
  };
  upload_ok("before.jsonl", "{\"text\":\"before\"}\n");

  int faults = 0;
  // Uploads: disk full from the 1st, 2nd, ... operation on; then a single failed operation;
  // then failed writes only; then a failed commit only.
  struct Fault {
    int64_t at;
    unsigned kinds;
    bool all_after;
  };
  for (const Fault& f : std::vector<Fault>{{1, FaultInjectingFileIo::kAll, true},
                                           {2, FaultInjectingFileIo::kAll, true},
                                           {3, FaultInjectingFileIo::kAll, true},
                                           {1, FaultInjectingFileIo::kAll, false},
                                           {2, FaultInjectingFileIo::kAll, false},
                                           {1, FaultInjectingFileIo::kWrite, false},
                                           {1, FaultInjectingFileIo::kRename, false},
                                           {1, FaultInjectingFileIo::kCommit, false}}) {
    SCOPED_TRACE("upload, fault at " + std::to_string(f.at) + " kinds " + std::to_string(f.kinds));
    io.arm(f.at, f.kinds, f.all_after);
    expect_insufficient_storage(upload(port, "refused-" + std::to_string(faults) + ".jsonl",
                                       std::string(20000, 'r') + std::to_string(faults)));
    EXPECT_GE(io.failures(), 1);
    io.arm(0);
    ++faults;
    EXPECT_EQ(call(port, "GET", "/health").status, 200);
    upload_ok("after-" + std::to_string(faults) + ".jsonl",
              "{\"n\":" + std::to_string(faults) + "}\n");
  }

  // A job created while the disk is full.
  for (const Fault& f : std::vector<Fault>{{1, FaultInjectingFileIo::kAll, true},
                                           {1, FaultInjectingFileIo::kCommit, false}}) {
    SCOPED_TRACE("job create, fault kinds " + std::to_string(f.kinds));
    io.arm(f.at, f.kinds, f.all_after);
    const RawResponse r = call(port, "POST", "/v1/fine_tuning/jobs",
                               "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},"
                               "\"training_files\":[{\"file_id\":\"" +
                                   acknowledged[0].first + "\"}]}");
    expect_insufficient_storage(r);
    io.arm(0);
    ++faults;
  }
  const RawResponse jobs = call(port, "GET", "/v1/fine_tuning/jobs");
  ASSERT_EQ(jobs.status, 200) << jobs.body;
  EXPECT_EQ(json::parse(jobs.body)["data"].size(), 1u)
      << "a refused job was recorded: " << jobs.body;

  // A model update and an archive while the database cannot commit.
  const std::string model_path = "/v1/fine_tuning/models/" + encode_model_id(seeded.model_id);
  io.arm(1, FaultInjectingFileIo::kAll, true);
  expect_insufficient_storage(call(port, "PATCH", model_path, "{\"name\":\"renamed\"}"));
  expect_insufficient_storage(call(port, "POST", model_path + "/archive"));
  io.arm(0);
  faults += 2;
  const RawResponse card = call(port, "GET", "/v1/models/" + encode_model_id(seeded.model_id));
  ASSERT_EQ(card.status, 200) << card.body;
  EXPECT_FALSE(json::parse(card.body).value("archived", true)) << card.body;
  const std::string classify = "{\"model\":\"" + seeded.model_id + "\",\"input\":[\"you idiot\"]}";
  EXPECT_EQ(call(port, "POST", "/v1/classifications", classify).status, 200);

  server.stop();
  std::printf("server faults: %d injected, each answered 507\n", faults);

  // Restart: exactly the acknowledged files, byte for byte; the model intact and unchanged.
  store::StoreOptions o;
  o.data_dir = data;
  auto reopened = store::Store::open(o);
  ASSERT_TRUE(reopened.is_ok()) << reopened.status().to_string();
  auto page = (*reopened)->list_files("default", store::FileQuery{});
  ASSERT_TRUE(page.is_ok());
  EXPECT_EQ(page->data.size(), acknowledged.size() + 1);  // + the seeded training file
  for (const auto& [id, content] : acknowledged) {
    auto f = (*reopened)->get_file("default", id);
    ASSERT_TRUE(f.is_ok()) << "acknowledged file lost: " << id;
    EXPECT_EQ(testing::read_file((*reopened)->file_path(*f)), content);
  }
  auto model = (*reopened)->get_model("default", seeded.model_id);
  ASSERT_TRUE(model.is_ok());
  EXPECT_FALSE(model->name.has_value());
  EXPECT_FALSE(model->archived);
  EXPECT_TRUE(std::filesystem::exists((*reopened)->model_path(*model)));

  // A restarted server serves it all.
  InProcessServer again(data, nullptr);
  for (const auto& [id, content] : acknowledged) {
    const RawResponse r = call(again.port(), "GET", "/v1/files/" + id + "/content");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, content);
  }
  EXPECT_EQ(call(again.port(), "POST", "/v1/classifications", classify).status, 200);
}

}  // namespace
}  // namespace winnow::reliability
