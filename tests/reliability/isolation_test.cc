// Workspace isolation and key handling (issue 6), against the real `winnow serve`:
// - a keys file gives two workspaces; everything of workspace alpha (file, job, model) is 404
//   for beta's key on every route (not 403: ids must not leak), while alpha's own key gets it
//   (the positive control that makes each 404 meaningful), and lists never show it;
// - keys never appear in the server's log;
// - the keys file is re-read on SIGHUP (a bad file keeps the old keys).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "fixtures/child_process.h"
#include "raw_http.h"
#include "store_seed.h"
#include "test_support.h"

namespace winnow::reliability {
namespace {

using nlohmann::json;

const std::string kKeyA = "alpha-secret-key-5f1c9e";
const std::string kKeyB = "beta-secret-key-77d0a2";
const std::string kKeyC = "gamma-secret-key-e41b3c";

std::string auth(const std::string& key) { return "Authorization: Bearer " + key; }

std::string req(const std::string& method, const std::string& path, const std::string& key,
                const std::string& body = "") {
  std::vector<std::string> head = {auth(key)};
  if (!body.empty()) head.push_back("Content-Type: application/json");
  return make_request(method, path, head, body);
}

class IsolationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seeded_ = seed_model(dir_.file("data"), "alpha", dir_, "alpha");
    ASSERT_FALSE(seeded_.model_id.empty());
    testing::write_file(dir_.file("keys"), kKeyA + " alpha\n" + kKeyB + " beta\n");
    server_ = std::make_unique<testing::ServeProcess>(
        WINNOW_BINARY,
        std::vector<std::string>{"--data-dir", dir_.file("data"), "--api-keys-file",
                                 dir_.file("keys"), "--workers", "1", "--train-threads", "1"},
        dir_.file("stderr.log"));
    ASSERT_GT(server_->port(), 0) << testing::read_file(dir_.file("stderr.log"));
  }

  RawResponse call(const std::string& method, const std::string& path, const std::string& key,
                   const std::string& body = "") {
    return raw_request(server_->port(), req(method, path, key, body));
  }

  // Sends the request as beta (must be 404 with `detail`) and as alpha (must not be 404).
  void expect_hidden(const std::string& method, const std::string& path, const std::string& detail,
                     const std::string& body = "", int alpha_status = 200) {
    SCOPED_TRACE(method + " " + path);
    const RawResponse b = call(method, path, kKeyB, body);
    EXPECT_EQ(b.status, 404) << b.body;
    const json j = json::parse(b.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << b.body;
    EXPECT_EQ(j.value("detail", ""), detail) << b.body;
    const RawResponse a = call(method, path, kKeyA, body);
    EXPECT_EQ(a.status, alpha_status) << a.body;
    ++routes_checked_;
  }

  testing::TempDir dir_;
  SeededModel seeded_;
  std::unique_ptr<testing::ServeProcess> server_;
  int routes_checked_ = 0;
};

TEST_F(IsolationTest, AnotherWorkspaceSeesNothing) {
  const std::string fid = seeded_.file_id, jid = seeded_.job_id,
                    mid = encode_model_id(seeded_.model_id);
  const std::string kFile = "File not found", kJob = "No fine tuning job matches the given query.",
                    kModel = "Model not found";
  // Files.
  expect_hidden("GET", "/v1/files/" + fid, kFile);
  expect_hidden("GET", "/v1/files/" + fid + "/content", kFile);
  expect_hidden("GET", "/v1/files/" + fid + "/url", kFile);
  expect_hidden("GET", "/v1/winnow/files/" + fid + "/preview", kFile);
  expect_hidden("GET", "/v1/winnow/files/" + fid + "/validation", kFile);
  expect_hidden("GET", "/v1/winnow/files/" + fid + "/stats", kFile);
  // Jobs: alpha's job finished (SUCCESS), so start and cancel are refused for alpha with 400.
  expect_hidden("GET", "/v1/fine_tuning/jobs/" + jid, kJob);
  expect_hidden("POST", "/v1/fine_tuning/jobs/" + jid + "/start", kJob, "", 400);
  expect_hidden("POST", "/v1/fine_tuning/jobs/" + jid + "/cancel", kJob, "", 400);
  // Models.
  expect_hidden("GET", "/v1/models/" + mid, kModel);
  expect_hidden("PATCH", "/v1/fine_tuning/models/" + mid, kModel, "{\"name\":\"renamed\"}");
  expect_hidden("POST", "/v1/fine_tuning/models/" + mid + "/archive", kModel);
  expect_hidden("DELETE", "/v1/fine_tuning/models/" + mid + "/archive", kModel);
  const std::string classify_body =
      "{\"model\":\"" + seeded_.model_id + "\",\"input\":[\"you idiot\"]}";
  expect_hidden("POST", "/v1/classifications", kModel, classify_body);
  expect_hidden("POST", "/v1/moderations", kModel, classify_body);
  expect_hidden("POST", "/v1/chat/classifications", kModel,
                "{\"model\":\"" + seeded_.model_id +
                    "\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}");

  // A job of beta naming alpha's file: the file does not exist for beta.
  const RawResponse job = call("POST", "/v1/fine_tuning/jobs", kKeyB,
                               "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},"
                               "\"training_files\":[{\"file_id\":\"" +
                                   fid + "\"}]}");
  EXPECT_EQ(job.status, 404) << job.body;
  // No "403" in the answer, the file's own id aside: a random hex id holds "403" about one
  // time in 150, which made this check flaky.
  std::string without_id = job.body;
  for (size_t at; (at = without_id.find(fid)) != std::string::npos;)
    without_id.erase(at, fid.size());
  EXPECT_EQ(without_id.find("403"), std::string::npos) << job.body;

  // Lists: beta sees none of alpha's records; alpha does (positive control).
  for (const auto& [path, id] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/files", fid}, {"/v1/fine_tuning/jobs", jid}, {"/v1/models", seeded_.model_id}}) {
    const RawResponse b = call("GET", path, kKeyB);
    EXPECT_EQ(b.status, 200) << b.body;
    EXPECT_EQ(b.body.find(id), std::string::npos) << path << ": " << b.body;
    const RawResponse a = call("GET", path, kKeyA);
    EXPECT_NE(a.body.find(id), std::string::npos) << path << ": " << a.body;
  }

  // Destructive routes last: beta's deletes are 404 and leave alpha's records in place.
  expect_hidden("DELETE", "/v1/files/" + fid, kFile);
  EXPECT_EQ(call("GET", "/v1/files/" + fid, kKeyA).status, 404);  // alpha really deleted it
  expect_hidden("DELETE", "/v1/models/" + mid, kModel);
  EXPECT_EQ(call("GET", "/v1/models/" + mid, kKeyA).status, 404);

  // A signed URL of alpha's file is bound to alpha: the signature fails for another ws.
  std::printf("isolation: %d routes checked across workspaces\n", routes_checked_);
  EXPECT_EQ(server_->stop(), 0);
  // No key (the ones used, nor a wrong one tried) reaches the log.
  const std::string log = testing::read_file(dir_.file("stderr.log"));
  EXPECT_THAT(log, ::testing::HasSubstr("\"workspace\":\"beta\""));  // the log has lines
  for (const std::string& key : {kKeyA, kKeyB}) {
    EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr(key)));
  }
}

TEST_F(IsolationTest, SignedUrlIsBoundToItsWorkspaceAndKeysStayOutOfTheLog) {
  const RawResponse url = call("GET", "/v1/files/" + seeded_.file_id + "/url", kKeyA);
  ASSERT_EQ(url.status, 200) << url.body;
  std::string target = json::parse(url.body)["url"];
  target = target.substr(target.find("/v1/"));
  ASSERT_NE(target.find("&ws=alpha"), std::string::npos) << target;
  EXPECT_EQ(raw_request(server_->port(), make_request("GET", target, {}, "")).status, 200);
  std::string as_beta = target;
  as_beta.replace(as_beta.find("&ws=alpha"), 9, "&ws=beta");
  const RawResponse forged = raw_request(server_->port(), make_request("GET", as_beta, {}, ""));
  EXPECT_EQ(forged.status, 403) << forged.body;
  const std::string wrong = "wrong-key-should-not-be-logged-93af";
  EXPECT_EQ(call("GET", "/v1/files", wrong).status, 401);
  EXPECT_EQ(server_->stop(), 0);
  const std::string log = testing::read_file(dir_.file("stderr.log"));
  EXPECT_THAT(log, ::testing::HasSubstr("\"status\":401"));
  for (const std::string& key : {kKeyA, kKeyB, wrong}) {
    EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr(key)));
  }
}

// Polls until `pred` holds (at most ~10 s); the server applies SIGHUP asynchronously.
bool eventually(const std::function<bool()>& pred) {
  for (int i = 0; i < 200; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

TEST_F(IsolationTest, KeysFileReloadsOnSighupWithoutRestart) {
  const pid_t pid = server_->pid();
  EXPECT_EQ(call("GET", "/v1/files", kKeyB).status, 200);
  EXPECT_EQ(call("GET", "/v1/files", kKeyC).status, 401);
  // Beta's key is replaced by gamma's (same workspace); alpha's is kept.
  testing::write_file(dir_.file("keys"), kKeyA + " alpha\n" + kKeyC + " beta\n");
  server_->signal(SIGHUP);
  EXPECT_TRUE(eventually([&] { return call("GET", "/v1/files", kKeyC).status == 200; }));
  EXPECT_EQ(call("GET", "/v1/files", kKeyB).status, 401);
  EXPECT_EQ(call("GET", "/v1/files/" + seeded_.file_id, kKeyA).status, 200);
  EXPECT_EQ(call("GET", "/v1/files/" + seeded_.file_id, kKeyC).status, 404);  // still beta

  // A broken keys file is refused; the keys in force stay.
  testing::write_file(dir_.file("keys"), kKeyA + " alpha extra-field\n");
  server_->signal(SIGHUP);
  EXPECT_TRUE(eventually([&] {
    return testing::read_file(dir_.file("stderr.log")).find("keeping the old API keys") !=
           std::string::npos;
  }));
  EXPECT_EQ(call("GET", "/v1/files", kKeyC).status, 200);
  EXPECT_EQ(call("GET", "/v1/files", kKeyA).status, 200);
  EXPECT_TRUE(server_->alive());
  EXPECT_EQ(server_->pid(), pid);
  EXPECT_EQ(server_->stop(), 0);
  const std::string log = testing::read_file(dir_.file("stderr.log"));
  for (const std::string& key : {kKeyA, kKeyB, kKeyC}) {
    EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr(key)));
  }
}

}  // namespace
}  // namespace winnow::reliability
