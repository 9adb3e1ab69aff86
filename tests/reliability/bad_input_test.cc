// Hostile input over the API (issue 6): a table of malformed requests sent as raw bytes to a
// real `winnow serve --port 0` on a temporary data directory. Every row states the status it
// must get and what the body must look like (the spec's error shapes, §1.4–1.5); none may get a
// 5xx, crash the server or go unanswered (each request has a deadline). After the table the
// same server process must still answer /health.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fixtures/child_process.h"
#include "raw_http.h"
#include "test_support.h"

namespace winnow::reliability {
namespace {

using nlohmann::json;

const std::string kBadInputKey = "key-alpha-0123456789";
const std::string kAuth = "Authorization: Bearer " + kBadInputKey;
const std::string kJsonType = "Content-Type: application/json";
const std::string kUnknownUuid = "3f9a6c10-52d7-4b8e-9c1a-6e0f2b7d8a41";

// What a row's answer body must be.
enum class Shape {
  kDetail,        // {"detail": "<string containing `text`>"}
  kFieldErrors,   // 422 {"detail": [{"type","loc","msg"...}, ...]}, some loc mentioning `text`
  kUnauthorized,  // {"message": "Unauthorized", "request_id": <32 hex>}
  kAnyDetail,     // {"detail": string or array}, for transport-level rejections
  kCustom,        // `check` decides
};

struct Case {
  std::string name;
  std::string request;  // raw bytes
  int status;           // expected
  Shape shape;
  std::string text;  // see Shape
  std::function<void(const RawResponse&)> check = nullptr;
};

std::string multipart(const std::string& boundary, const std::vector<std::string>& parts,
                      bool close = true) {
  std::string body;
  for (const std::string& p : parts) body += "--" + boundary + "\r\n" + p + "\r\n";
  if (close) body += "--" + boundary + "--\r\n";
  return body;
}

std::string file_part(const std::string& filename, const std::string& content) {
  return "Content-Disposition: form-data; name=\"file\"; filename=\"" + filename +
         "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + content;
}

std::string field_part(const std::string& name, const std::string& value) {
  return "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value;
}

std::string upload_request(const std::string& body, const std::string& boundary = "XyZbound",
                           std::vector<std::string> extra_head = {}) {
  std::vector<std::string> head = {kAuth,
                                   "Content-Type: multipart/form-data; boundary=" + boundary};
  head.insert(head.end(), extra_head.begin(), extra_head.end());
  return make_request("POST", "/v1/files", head, body);
}

std::string post_json(const std::string& path, const std::string& body) {
  return make_request("POST", path, {kAuth, kJsonType}, body);
}

std::string get(const std::string& path, bool auth = true) {
  return make_request("GET", path,
                      auth ? std::vector<std::string>{kAuth} : std::vector<std::string>{}, "");
}

std::string classify(const std::string& body) { return post_json("/v1/classifications", body); }

std::string nested_arrays(int depth) {
  return "{\"model\":\"m\",\"input\":" + std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']') + "}";
}

std::string strings_array(size_t n) {
  std::string s = "[";
  for (size_t i = 0; i < n; ++i) s += (i ? ",\"t\"" : "\"t\"");
  return s + "]";
}

// Checks a row's answer; returns an empty string or what was wrong.
std::string verify(const Case& c, const RawResponse& r) {
  if (r.status < 0) return "no answer: " + r.error;
  if (r.status >= 500) return "server error " + std::to_string(r.status) + ": " + r.body;
  if (r.status != c.status) {
    return "status " + std::to_string(r.status) + ", expected " + std::to_string(c.status) +
           "; body: " + r.body.substr(0, 300);
  }
  if (c.shape == Shape::kCustom) return {};
  const auto type = r.headers.find("content-type");
  if (type == r.headers.end() || type->second.find("application/json") == std::string::npos) {
    return "error answer without Content-Type: application/json";
  }
  const json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return "body is not a JSON object: " + r.body;
  switch (c.shape) {
    case Shape::kDetail:
      if (!body.contains("detail") || !body["detail"].is_string())
        return "no string detail: " + r.body;
      if (body["detail"].get<std::string>().find(c.text) == std::string::npos) {
        return "detail lacks '" + c.text + "': " + r.body;
      }
      return {};
    case Shape::kFieldErrors: {
      if (!body.contains("detail") || !body["detail"].is_array() || body["detail"].empty()) {
        return "no 422 array detail: " + r.body;
      }
      bool mentioned = c.text.empty();
      for (const json& e : body["detail"]) {
        if (!e.is_object() || !e.contains("type") || !e.contains("loc") || !e.contains("msg") ||
            !e["loc"].is_array() || e["loc"].empty() || !e["msg"].is_string()) {
          return "malformed field error: " + e.dump();
        }
        const std::string first = e["loc"][0].is_string() ? e["loc"][0].get<std::string>() : "";
        if (first != "body" && first != "query")
          return "loc starts neither body nor query: " + e.dump();
        if (e["loc"].dump().find("\"" + c.text + "\"") != std::string::npos) mentioned = true;
      }
      if (!mentioned) return "no field error at '" + c.text + "': " + r.body;
      return {};
    }
    case Shape::kUnauthorized:
      if (body.value("message", "") != "Unauthorized") return "not the 401 shape: " + r.body;
      if (!body.contains("request_id") || !body["request_id"].is_string() ||
          body["request_id"].get<std::string>().size() != 32) {
        return "401 without a 32-hex request_id: " + r.body;
      }
      return {};
    case Shape::kAnyDetail:
      if (!body.contains("detail")) return "no detail: " + r.body;
      return {};
    case Shape::kCustom:
      return {};
  }
  return {};
}

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_file(dir_.file("keys"), "# test keys\n" + kBadInputKey + " alpha\n");
    server_ = std::make_unique<testing::ServeProcess>(
        WINNOW_BINARY,
        std::vector<std::string>{"--data-dir", dir_.file("data"), "--api-keys-file",
                                 dir_.file("keys"), "--max-upload-mb", "1", "--max-body-mb", "1",
                                 "--max-inputs", "8", "--request-timeout", "3", "--workers", "1",
                                 "--train-threads", "1"},
        dir_.file("stderr.log"));
    ASSERT_GT(server_->port(), 0) << server_->first_line()
                                  << testing::read_file(dir_.file("stderr.log"));
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::ServeProcess> server_;
};

TEST_F(BadInputTest, MalformedRequestsGetClearFourHundreds) {
  const int port = server_->port();
  // One real file, for rows that need an existing id.
  const std::string b = "XyZbound";
  RawResponse up = raw_request(
      port, upload_request(multipart(
                b, {file_part("good.jsonl", "{\"text\":\"hi\",\"labels\":{\"m\":[\"a\"]}}\n"),
                    field_part("visibility", "workspace")})));
  ASSERT_EQ(up.status, 200) << up.body;
  const std::string file_id = json::parse(up.body)["id"];
  RawResponse url = raw_request(port, get("/v1/files/" + file_id + "/url?expiry=1"));
  ASSERT_EQ(url.status, 200) << url.body;
  const std::string signed_url = json::parse(url.body)["url"];
  const std::string signed_target = signed_url.substr(signed_url.find("/v1/"));
  const std::string expires =
      signed_target.substr(signed_target.find("expires=") + 8,
                           signed_target.find('&') - signed_target.find("expires=") - 8);
  const std::string sig = signed_target.substr(signed_target.find("sig=") + 4, 64);
  const std::string ws_suffix =
      signed_target.substr(signed_target.find("sig=") + 4 + 64);  // "&ws=alpha"
  ASSERT_EQ(ws_suffix, "&ws=alpha");
  const std::string content = "/v1/files/" + file_id + "/content";
  // Sanity: the real signed URL works without a key.
  ASSERT_EQ(raw_request(port, get(signed_target, false)).status, 200);

  const std::string data_dir = dir_.file("data");
  auto outside_untouched = [data_dir](const std::string& rel) {
    return [data_dir, rel](const RawResponse& r) {
      const json j = json::parse(r.body, nullptr, false);
      ASSERT_TRUE(j.is_object()) << r.body;
      EXPECT_TRUE(j.contains("id"));
      EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(data_dir) / rel)) << rel;
    };
  };
  auto json_object_ok = [](const RawResponse& r) {
    const json j = json::parse(r.body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << "not valid JSON (invalid UTF-8 must be replaced): " << r.body;
    EXPECT_TRUE(j.contains("filename"));
  };

  const std::string big_upload(size_t{1} << 20 | 4096, 'x');  // just over the 1 MiB limit
  const std::string long_field(5000, 'p');

  std::vector<Case> cases = {
      // ---- routing and methods ----
      {"unknown route", get("/v1/nope"), 404, Shape::kDetail, "Not Found"},
      {"unknown root route POST", make_request("POST", "/v2/files", {kAuth}, ""), 404, Shape::kDetail, "Not Found"},
      {"PUT files", make_request("PUT", "/v1/files", {kAuth}, "x"), 405, Shape::kDetail, "Method Not Allowed"},
      {"DELETE files list", make_request("DELETE", "/v1/files", {kAuth}, ""), 405, Shape::kDetail, "Method Not Allowed"},
      {"PATCH a file", make_request("PATCH", "/v1/files/" + file_id, {kAuth, kJsonType}, "{}"), 405, Shape::kDetail, "Method Not Allowed"},
      {"POST models", make_request("POST", "/v1/models", {kAuth, kJsonType}, "{}"), 405, Shape::kDetail, "Method Not Allowed"},
      {"GET classifications", get("/v1/classifications"), 405, Shape::kDetail, "Method Not Allowed"},
      {"PUT jobs", make_request("PUT", "/v1/fine_tuning/jobs", {kAuth}, ""), 405, Shape::kDetail, "Method Not Allowed"},
      {"DELETE a job", make_request("DELETE", "/v1/fine_tuning/jobs/" + kUnknownUuid, {kAuth}, ""), 405, Shape::kDetail, "Method Not Allowed"},
      {"GET job start", get("/v1/fine_tuning/jobs/" + kUnknownUuid + "/start"), 405, Shape::kDetail, "Method Not Allowed"},
      {"POST health", make_request("POST", "/health", {}, ""), 405, Shape::kDetail, "Method Not Allowed"},
      {"trailing slash", get("/v1/files/"), 404, Shape::kDetail, "Not Found"},
      {"double slash", get("/v1//files"), 404, Shape::kDetail, "Not Found"},
      {"malformed escape in path", get("/v1/files/%zz"), 404, Shape::kDetail, "Not Found"},
      {"truncated escape in path", get("/v1/files/%4"), 404, Shape::kDetail, "Not Found"},
      {"extra segment", get("/v1/files/" + file_id + "/content/more"), 404, Shape::kDetail, "Not Found"},
      // ---- auth ----
      {"no Authorization", get("/v1/files", false), 401, Shape::kUnauthorized, ""},
      {"Bearer without key", make_request("GET", "/v1/files", {"Authorization: Bearer"}, ""), 401, Shape::kUnauthorized, ""},
      {"Bearer and spaces", make_request("GET", "/v1/files", {"Authorization: Bearer    "}, ""), 401, Shape::kUnauthorized, ""},
      {"wrong key", make_request("GET", "/v1/files", {"Authorization: Bearer nope"}, ""), 401, Shape::kUnauthorized, ""},
      {"key prefix", make_request("GET", "/v1/files", {"Authorization: Bearer " + kBadInputKey.substr(0, 8)}, ""), 401, Shape::kUnauthorized, ""},
      {"key plus a char", make_request("GET", "/v1/files", {"Authorization: Bearer " + kBadInputKey + "x"}, ""), 401, Shape::kUnauthorized, ""},
      {"Basic scheme", make_request("GET", "/v1/files", {"Authorization: Basic a2V5OnB3"}, ""), 401, Shape::kUnauthorized, ""},
      {"key without scheme", make_request("GET", "/v1/files", {"Authorization: " + kBadInputKey}, ""), 401, Shape::kUnauthorized, ""},
      {"workspace name as key", make_request("GET", "/v1/files", {"Authorization: Bearer alpha"}, ""), 401, Shape::kUnauthorized, ""},
      {"key with invalid UTF-8", make_request("GET", "/v1/files", {"Authorization: Bearer \xff\xfe\xc0\xaf"}, ""), 401, Shape::kUnauthorized, ""},
      {"4 KB key", make_request("GET", "/v1/files", {"Authorization: Bearer " + std::string(4000, 'k')}, ""), 401, Shape::kUnauthorized, ""},
      {"no key on upload", make_request("POST", "/v1/files", {"Content-Type: multipart/form-data; boundary=XyZbound"},
                                        multipart(b, {file_part("a.jsonl", "{}\n")})), 401, Shape::kUnauthorized, ""},
      {"no key on classify", make_request("POST", "/v1/classifications", {kJsonType}, "{\"model\":\"m\",\"input\":\"x\"}"), 401, Shape::kUnauthorized, ""},
      {"no key on job start", make_request("POST", "/v1/fine_tuning/jobs/" + kUnknownUuid + "/start", {}, ""), 401, Shape::kUnauthorized, ""},
      {"no key on model delete", make_request("DELETE", "/v1/models/ft%3Aclassifier%3Ax", {}, ""), 401, Shape::kUnauthorized, ""},
      {"no key on download", get(content, false), 401, Shape::kUnauthorized, ""},
      // ---- broken JSON ----
      {"empty JSON body", classify(""), 422, Shape::kFieldErrors, ""},
      {"open brace", classify("{"), 422, Shape::kFieldErrors, ""},
      {"missing value", classify("{\"model\": }"), 422, Shape::kFieldErrors, ""},
      {"trailing comma", classify("{\"model\":\"m\",\"input\":\"x\",}"), 422, Shape::kFieldErrors, ""},
      {"single quotes", classify("{'model':'m','input':'x'}"), 422, Shape::kFieldErrors, ""},
      {"NaN literal", classify("{\"model\":\"m\",\"input\":NaN}"), 422, Shape::kFieldErrors, ""},
      {"unterminated string", classify("{\"model\":\"m"), 422, Shape::kFieldErrors, ""},
      {"garbage after object", classify("{\"model\":\"m\",\"input\":\"x\"} trailing"), 422, Shape::kFieldErrors, ""},
      {"JSON array body", classify("[]"), 422, Shape::kFieldErrors, "body"},
      {"JSON null body", classify("null"), 422, Shape::kFieldErrors, "body"},
      {"JSON number body", classify("42"), 422, Shape::kFieldErrors, "body"},
      {"JSON string body", classify("\"text\""), 422, Shape::kFieldErrors, "body"},
      {"100k nested arrays", classify(nested_arrays(100000)), 422, Shape::kFieldErrors, "body"},
      {"binary body", classify(std::string("\x00\x01\x02\xff", 4)), 422, Shape::kFieldErrors, ""},
      // ---- invalid UTF-8 in JSON ----
      {"invalid UTF-8 in model", classify("{\"model\":\"\xff\xfe\",\"input\":\"x\"}"), 422, Shape::kFieldErrors, ""},
      {"invalid UTF-8 in input", classify("{\"model\":\"m\",\"input\":\"caf\xe9\"}"), 422, Shape::kFieldErrors, ""},
      {"overlong UTF-8", classify("{\"model\":\"m\",\"input\":\"\xc0\xaf\"}"), 422, Shape::kFieldErrors, ""},
      {"lone surrogate escape", classify("{\"model\":\"m\",\"input\":\"\\ud800\"}"), 422, Shape::kFieldErrors, ""},
      {"truncated UTF-8 sequence", classify("{\"model\":\"m\",\"input\":[\"ok\",\"\xe2\x82\"]}"), 422, Shape::kFieldErrors, ""},
      {"invalid UTF-8 in job body", post_json("/v1/fine_tuning/jobs", "{\"model\":\"\xfe\"}"), 422, Shape::kFieldErrors, ""},
      // ---- classification: wrong types, empty and huge inputs ----
      {"model missing", classify("{\"input\":\"x\"}"), 422, Shape::kFieldErrors, "model"},
      {"model a number", classify("{\"model\":5,\"input\":\"x\"}"), 422, Shape::kFieldErrors, "model"},
      {"model null", classify("{\"model\":null,\"input\":\"x\"}"), 422, Shape::kFieldErrors, "model"},
      {"model an object", classify("{\"model\":{},\"input\":\"x\"}"), 422, Shape::kFieldErrors, "model"},
      {"input missing", classify("{\"model\":\"m\"}"), 422, Shape::kFieldErrors, "input"},
      {"input a number", classify("{\"model\":\"m\",\"input\":42}"), 422, Shape::kFieldErrors, "input"},
      {"input an object", classify("{\"model\":\"m\",\"input\":{}}"), 422, Shape::kFieldErrors, "input"},
      {"input null", classify("{\"model\":\"m\",\"input\":null}"), 422, Shape::kFieldErrors, "input"},
      {"input empty list", classify("{\"model\":\"m\",\"input\":[]}"), 422, Shape::kFieldErrors, "input"},
      {"input list of numbers", classify("{\"model\":\"m\",\"input\":[1,2]}"), 422, Shape::kFieldErrors, "input"},
      {"input list with null", classify("{\"model\":\"m\",\"input\":[\"a\",null]}"), 422, Shape::kFieldErrors, "input"},
      {"input nested list", classify("{\"model\":\"m\",\"input\":[[\"a\"]]}"), 422, Shape::kFieldErrors, "input"},
      {"input 9 texts (limit 8)", classify("{\"model\":\"m\",\"input\":" + strings_array(9) + "}"), 422, Shape::kFieldErrors, "input"},
      {"input 50000 texts", classify("{\"model\":\"m\",\"input\":" + strings_array(50000) + "}"), 422, Shape::kFieldErrors, "input"},
      {"body over 1 MiB", classify("{\"model\":\"m\",\"input\":\"" + std::string((size_t{1} << 20) + 10, 'a') + "\"}"), 413, Shape::kDetail, "larger than"},
      {"unknown model", classify("{\"model\":\"ft:classifier:nope:00000000:20260101:deadbeef\",\"input\":\"x\"}"), 404, Shape::kDetail, "Model not found"},
      {"traversal model id", classify("{\"model\":\"../../winnow.db\",\"input\":\"x\"}"), 404, Shape::kDetail, "Model not found"},
      {"NUL in model id", classify("{\"model\":\"ft:\\u0000x\",\"input\":\"x\"}"), 404, Shape::kDetail, "Model not found"},
      {"base model classify", classify("{\"model\":\"winnow-linear\",\"input\":\"x\"}"), 400, Shape::kDetail, "base model"},
      {"moderation input object", post_json("/v1/moderations", "{\"model\":\"m\",\"input\":{}}"), 422, Shape::kFieldErrors, "input"},
      {"moderation input empty", post_json("/v1/moderations", "{\"model\":\"m\",\"input\":[]}"), 422, Shape::kFieldErrors, "input"},
      {"chat input string", post_json("/v1/chat/classifications", "{\"model\":\"m\",\"input\":\"x\"}"), 422, Shape::kFieldErrors, "input"},
      {"chat messages not list", post_json("/v1/chat/classifications", "{\"model\":\"m\",\"input\":{\"messages\":5}}"), 422, Shape::kFieldErrors, "messages"},
      {"chat messages empty", post_json("/v1/chat/classifications", "{\"model\":\"m\",\"input\":{\"messages\":[]}}"), 422, Shape::kFieldErrors, "messages"},
      {"chat message without role", post_json("/v1/chat/classifications", "{\"model\":\"m\",\"input\":{\"messages\":[{\"content\":\"x\"}]}}"), 422, Shape::kFieldErrors, "role"},
      {"chat role a number", post_json("/v1/chat/classifications", "{\"model\":\"m\",\"input\":[{\"messages\":[{\"role\":5,\"content\":\"x\"}]}]}"), 422, Shape::kFieldErrors, "role"},
      {"chat content a number", post_json("/v1/chat/classifications", "{\"model\":\"m\",\"input\":{\"messages\":[{\"role\":\"user\",\"content\":5}]}}"), 422, Shape::kFieldErrors, "content"},
      {"chat moderation string", post_json("/v1/chat/moderations", "{\"model\":\"m\",\"input\":\"x\"}"), 422, Shape::kFieldErrors, "input"},
      {"chat moderation empty", post_json("/v1/chat/moderations", "{\"model\":\"m\",\"input\":[]}"), 422, Shape::kFieldErrors, "input"},
      {"chat moderation [[1]]", post_json("/v1/chat/moderations", "{\"model\":\"m\",\"input\":[[1]]}"), 422, Shape::kFieldErrors, "input"},
      // ---- job creation ----
      {"job empty object", post_json("/v1/fine_tuning/jobs", "{}"), 422, Shape::kFieldErrors, "model"},
      {"job model a number", post_json("/v1/fine_tuning/jobs", "{\"model\":5,\"hyperparameters\":{}}"), 422, Shape::kFieldErrors, "model"},
      {"job completion type", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"job_type\":\"completion\",\"hyperparameters\":{}}"), 422, Shape::kDetail, "not available"},
      {"job_type unknown", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"job_type\":\"magic\",\"hyperparameters\":{}}"), 422, Shape::kFieldErrors, "job_type"},
      {"hyperparameters a string", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":\"x\"}"), 422, Shape::kFieldErrors, "hyperparameters"},
      {"learning_rate a string", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{\"learning_rate\":\"a\"}}"), 422, Shape::kFieldErrors, "learning_rate"},
      {"learning_rate negative", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{\"learning_rate\":-1}}"), 422, Shape::kFieldErrors, "learning_rate"},
      {"training_steps fractional", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{\"training_steps\":1.5}}"), 422, Shape::kFieldErrors, "training_steps"},
      {"training_files a string", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"training_files\":\"abc\"}"), 422, Shape::kFieldErrors, "training_files"},
      {"training_files numbers", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"training_files\":[5]}"), 422, Shape::kFieldErrors, "training_files"},
      {"training file without id", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"training_files\":[{\"weight\":1}]}"), 422, Shape::kFieldErrors, "file_id"},
      {"training file traversal id", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"training_files\":[{\"file_id\":\"../../winnow.db\"}]}"), 404, Shape::kDetail, "not found"},
      {"training file unknown id", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"training_files\":[{\"file_id\":\"" + kUnknownUuid + "\"}]}"), 404, Shape::kDetail, "not found"},
      {"validation_files not uuids", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"validation_files\":[\"nope\"]}"), 422, Shape::kFieldErrors, ""},
      {"auto_start a string", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"auto_start\":\"yes\"}"), 422, Shape::kFieldErrors, "auto_start"},
      {"suffix too long", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"suffix\":\"" + std::string(100, 's') + "\"}"), 422, Shape::kFieldErrors, "suffix"},
      {"classifier_targets a string", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"classifier_targets\":\"x\"}"), 422, Shape::kFieldErrors, "classifier_targets"},
      {"target without name", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"classifier_targets\":[{\"labels\":[\"a\"]}]}"), 422, Shape::kFieldErrors, "name"},
      {"target labels a string", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"classifier_targets\":[{\"name\":\"h\",\"labels\":\"a\"}]}"), 422, Shape::kFieldErrors, "labels"},
      {"target bad loss_function", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"classifier_targets\":[{\"name\":\"h\",\"labels\":[\"a\"],\"loss_function\":\"hinge\"}]}"), 422, Shape::kFieldErrors, "loss_function"},
      {"integration not wandb", post_json("/v1/fine_tuning/jobs", "{\"model\":\"ministral-3b-latest\",\"hyperparameters\":{},\"integrations\":[{\"type\":\"slack\"}]}"), 422, Shape::kFieldErrors, "type"},
      {"unknown base model", post_json("/v1/fine_tuning/jobs", "{\"model\":\"gpt-9\",\"hyperparameters\":{},\"training_files\":[{\"file_id\":\"" + file_id + "\"}]}"), 422, Shape::kDetail, "not available"},
      // ---- job ids and queries ----
      {"unknown job", get("/v1/fine_tuning/jobs/" + kUnknownUuid), 404, Shape::kDetail, "No fine tuning job"},
      {"job id not a uuid", get("/v1/fine_tuning/jobs/nope"), 404, Shape::kDetail, "No fine tuning job"},
      {"job id traversal", get("/v1/fine_tuning/jobs/..%2F..%2Fwinnow.db"), 404, Shape::kDetail, "No fine tuning job"},
      {"job id dot-dot", get("/v1/fine_tuning/jobs/%2e%2e"), 404, Shape::kDetail, "No fine tuning job"},
      {"job id with NUL", get("/v1/fine_tuning/jobs/" + kUnknownUuid + "%00"), 404, Shape::kDetail, "No fine tuning job"},
      {"start unknown job", make_request("POST", "/v1/fine_tuning/jobs/" + kUnknownUuid + "/start", {kAuth}, ""), 404, Shape::kDetail, "No fine tuning job"},
      {"cancel unknown job", make_request("POST", "/v1/fine_tuning/jobs/" + kUnknownUuid + "/cancel", {kAuth}, ""), 404, Shape::kDetail, "No fine tuning job"},
      {"cancel with garbage body", make_request("POST", "/v1/fine_tuning/jobs/" + kUnknownUuid + "/cancel", {kAuth, kJsonType}, "{{{{"), 404, Shape::kDetail, "No fine tuning job"},
      {"jobs page negative", get("/v1/fine_tuning/jobs?page=-1"), 422, Shape::kFieldErrors, "page"},
      {"jobs page_size zero", get("/v1/fine_tuning/jobs?page_size=0"), 422, Shape::kFieldErrors, "page_size"},
      {"jobs page not a number", get("/v1/fine_tuning/jobs?page=abc"), 422, Shape::kFieldErrors, "page"},
      {"jobs page overflow", get("/v1/fine_tuning/jobs?page=99999999999999999999999"), 422, Shape::kFieldErrors, "page"},
      {"jobs created_after bad", get("/v1/fine_tuning/jobs?created_after=yesterday"), 422, Shape::kFieldErrors, "created_after"},
      {"jobs status unknown", get("/v1/fine_tuning/jobs?status=BOGUS"), 422, Shape::kFieldErrors, "status"},
      // ---- file ids, traversal ----
      {"unknown file", get("/v1/files/" + kUnknownUuid), 404, Shape::kDetail, "File not found"},
      {"file id traversal", get("/v1/files/..%2F..%2Fwinnow.db"), 404, Shape::kDetail, "File not found"},
      {"file id traversal content", get("/v1/files/..%2Furl-signing.key/content"), 404, Shape::kDetail, "File not found"},
      {"file id absolute path", get("/v1/files/%2Fetc%2Fpasswd/content"), 404, Shape::kDetail, "File not found"},
      {"file id dot-dot", get("/v1/files/%2E%2E/content"), 404, Shape::kDetail, "File not found"},
      {"file id with NUL", get("/v1/files/" + file_id + "%00"), 404, Shape::kDetail, "File not found"},
      {"file id with NUL content", get("/v1/files/" + file_id + "%00/content"), 404, Shape::kDetail, "File not found"},
      {"file id upper-case", get("/v1/files/" + kUnknownUuid.substr(0, 8) + "-XXXX"), 404, Shape::kDetail, "File not found"},
      {"file id 4 KB", get("/v1/files/" + std::string(4096, 'f')), 404, Shape::kDetail, "File not found"},
      {"file id invalid UTF-8", get("/v1/files/%FF%FE%C0%AF"), 404, Shape::kDetail, "File not found"},
      {"delete traversal", make_request("DELETE", "/v1/files/..%2F..%2F", {kAuth}, ""), 404, Shape::kDetail, "File not found"},
      {"delete unknown", make_request("DELETE", "/v1/files/" + kUnknownUuid, {kAuth}, ""), 404, Shape::kDetail, "File not found"},
      {"files page negative", get("/v1/files?page=-1"), 422, Shape::kFieldErrors, "page"},
      {"files page_size zero", get("/v1/files?page_size=0"), 422, Shape::kFieldErrors, "page_size"},
      {"files page_size text", get("/v1/files?page_size=lots"), 422, Shape::kFieldErrors, "page_size"},
      {"files include_total bad", get("/v1/files?include_total=maybe"), 422, Shape::kFieldErrors, "include_total"},
      {"url expiry zero", get("/v1/files/" + file_id + "/url?expiry=0"), 422, Shape::kFieldErrors, "expiry"},
      {"url expiry 169", get("/v1/files/" + file_id + "/url?expiry=169"), 422, Shape::kFieldErrors, "expiry"},
      {"url expiry text", get("/v1/files/" + file_id + "/url?expiry=soon"), 422, Shape::kFieldErrors, "expiry"},
      {"url unknown file", get("/v1/files/" + kUnknownUuid + "/url"), 404, Shape::kDetail, "File not found"},
      // ---- signed URLs ----
      {"forged signature", get(content + "?expires=" + expires + "&sig=" + std::string(64, '0') + ws_suffix, false), 403, Shape::kDetail, "signature"},
      {"short signature", get(content + "?expires=" + expires + "&sig=abc" + ws_suffix, false), 403, Shape::kDetail, "signature"},
      {"empty signature", get(content + "?expires=" + expires + "&sig=" + ws_suffix, false), 403, Shape::kDetail, "signature"},
      {"expired signature", get(content + "?expires=1000&sig=" + sig + ws_suffix, false), 403, Shape::kDetail, "signature"},
      {"expires moved", get(content + "?expires=" + std::to_string(std::stoll(expires) + 3600) + "&sig=" + sig + ws_suffix, false), 403, Shape::kDetail, "signature"},
      {"expires not a number", get(content + "?expires=tomorrow&sig=" + sig + ws_suffix, false), 403, Shape::kDetail, "signature"},
      {"expires overflow", get(content + "?expires=99999999999999999999999&sig=" + sig + ws_suffix, false), 403, Shape::kDetail, "signature"},
      {"workspace swapped", get(content + "?expires=" + expires + "&sig=" + sig + "&ws=default", false), 403, Shape::kDetail, "signature"},
      {"workspace dropped", get(content + "?expires=" + expires + "&sig=" + sig, false), 403, Shape::kDetail, "signature"},
      {"signature of another id", get("/v1/files/" + kUnknownUuid + "/content?expires=" + expires + "&sig=" + sig + ws_suffix, false), 403, Shape::kDetail, "signature"},
      {"signature upper-cased", get(content + "?expires=" + expires + "&sig=" + lower(sig) + "X" + ws_suffix, false), 403, Shape::kDetail, "signature"},
      {"signature on retrieve route", get("/v1/files/" + file_id + "?expires=" + expires + "&sig=" + sig + ws_suffix, false), 401, Shape::kUnauthorized, ""},
      // ---- uploads: malformed multipart, oversized, bad fields, odd filenames ----
      {"upload without multipart", make_request("POST", "/v1/files", {kAuth, "Content-Type: application/octet-stream"}, "raw bytes"), 422, Shape::kFieldErrors, "file"},
      {"upload as JSON", make_request("POST", "/v1/files", {kAuth, kJsonType}, "{\"file\":\"x\"}"), 422, Shape::kFieldErrors, "file"},
      {"upload no content type", make_request("POST", "/v1/files", {kAuth}, "x"), 422, Shape::kFieldErrors, "file"},
      {"multipart without boundary", make_request("POST", "/v1/files", {kAuth, "Content-Type: multipart/form-data"}, multipart(b, {file_part("a.jsonl", "{}\n")})), 400, Shape::kAnyDetail, ""},
      {"multipart wrong boundary", upload_request(multipart("OTHER", {file_part("a.jsonl", "{}\n")})), 400, Shape::kAnyDetail, ""},
      {"multipart truncated", upload_request(multipart(b, {file_part("a.jsonl", "{}\n")}, false)), 400, Shape::kAnyDetail, ""},
      {"multipart cut in headers", upload_request("--" + b + "\r\nContent-Disposition: form-da"), 400, Shape::kAnyDetail, ""},
      {"multipart no file part", upload_request(multipart(b, {field_part("visibility", "workspace")})), 422, Shape::kFieldErrors, "file"},
      {"multipart empty body", upload_request(""), 422, Shape::kFieldErrors, "file"},
      {"multipart only closing", upload_request("--" + b + "--\r\n"), 400, Shape::kDetail, "Malformed multipart"},
      {"multipart part without disposition", upload_request(multipart(b, {"Content-Type: text/plain\r\n\r\nabc"})), 422, Shape::kFieldErrors, "file"},
      {"empty file", upload_request(multipart(b, {file_part("e.jsonl", "")})), 422, Shape::kFieldErrors, "file"},
      {"upload over 1 MiB", upload_request(multipart(b, {file_part("big.jsonl", big_upload)})), 413, Shape::kDetail, "too large"},
      {"upload claims 100 MB", make_request("POST", "/v1/files", {kAuth, "Content-Type: multipart/form-data; boundary=" + b, "Content-Length: 104857600"}, "--" + b + "\r\n"), 413, Shape::kDetail, "too large"},
      {"form field over 4 KB", upload_request(multipart(b, {field_part("purpose", long_field), file_part("a.jsonl", "{}\n")})), 413, Shape::kAnyDetail, ""},
      {"purpose unknown", upload_request(multipart(b, {file_part("a.jsonl", "{}\n"), field_part("purpose", "evil")})), 422, Shape::kFieldErrors, "purpose"},
      {"visibility unknown", upload_request(multipart(b, {file_part("a.jsonl", "{}\n"), field_part("visibility", "public")})), 422, Shape::kFieldErrors, "visibility"},
      {"expiry negative", upload_request(multipart(b, {file_part("a.jsonl", "{}\n"), field_part("expiry", "-5")})), 422, Shape::kFieldErrors, "expiry"},
      {"expiry text", upload_request(multipart(b, {file_part("a.jsonl", "{}\n"), field_part("expiry", "soon")})), 422, Shape::kFieldErrors, "expiry"},
      {"filename traversal", upload_request(multipart(b, {file_part("../../escape.jsonl", "{\"t\":1}\n")})), 200, Shape::kCustom, "", outside_untouched("../escape.jsonl")},
      {"filename absolute", upload_request(multipart(b, {file_part("/tmp/winnow-abs-escape.jsonl", "{\"t\":2}\n")})), 200, Shape::kCustom, "",
       [](const RawResponse& r) {
         EXPECT_NE(r.body.find("winnow-abs-escape"), std::string::npos);
         EXPECT_FALSE(std::filesystem::exists("/tmp/winnow-abs-escape.jsonl"));
       }},
      {"filename invalid UTF-8", upload_request(multipart(b, {file_part("bad\xff\xfe.jsonl", "{\"t\":3}\n")})), 200, Shape::kCustom, "", json_object_ok},
      {"filename with control chars", upload_request(multipart(b, {file_part("a\x01\x7f.jsonl", "{\"t\":4}\n")})), 200, Shape::kCustom, "", json_object_ok},
      // ---- extension routes ----
      {"preview unknown file", get("/v1/winnow/files/" + kUnknownUuid + "/preview"), 404, Shape::kDetail, "File not found"},
      {"preview lines negative", get("/v1/winnow/files/" + file_id + "/preview?lines=-1"), 422, Shape::kFieldErrors, "lines"},
      {"preview lines 1001", get("/v1/winnow/files/" + file_id + "/preview?lines=1001"), 422, Shape::kFieldErrors, "lines"},
      {"preview lines text", get("/v1/winnow/files/" + file_id + "/preview?lines=all"), 422, Shape::kFieldErrors, "lines"},
      {"validation traversal", get("/v1/winnow/files/..%2F..%2Fwinnow.db/validation"), 404, Shape::kDetail, "File not found"},
      {"stats unknown file", get("/v1/winnow/files/" + kUnknownUuid + "/stats"), 404, Shape::kDetail, "File not found"},
      {"metrics unknown model", get("/v1/winnow/models/ft%3Aclassifier%3Anope/metrics"), 404, Shape::kDetail, "Model not found"},
      // ---- models ----
      {"unknown model card", get("/v1/models/ft%3Aclassifier%3Anope"), 404, Shape::kDetail, "Model not found"},
      {"model id traversal", get("/v1/models/..%2F..%2Fwinnow.db"), 404, Shape::kDetail, "Model not found"},
      {"model id with NUL", get("/v1/models/ft%3A%00"), 404, Shape::kDetail, "Model not found"},
      {"delete unknown model", make_request("DELETE", "/v1/models/ft%3Aclassifier%3Anope", {kAuth}, ""), 404, Shape::kDetail, "Model not found"},
      {"delete base model", make_request("DELETE", "/v1/models/winnow-linear", {kAuth}, ""), 400, Shape::kDetail, "Base models"},
      {"update unknown model", make_request("PATCH", "/v1/fine_tuning/models/ft%3Aclassifier%3Anope", {kAuth, kJsonType}, "{\"name\":\"x\"}"), 404, Shape::kDetail, "Model not found"},
      {"update body an array", make_request("PATCH", "/v1/fine_tuning/models/ft%3Aclassifier%3Anope", {kAuth, kJsonType}, "[]"), 422, Shape::kFieldErrors, "body"},
      {"update name a number", make_request("PATCH", "/v1/fine_tuning/models/ft%3Aclassifier%3Anope", {kAuth, kJsonType}, "{\"name\":5}"), 422, Shape::kFieldErrors, "name"},
      {"update base model", make_request("PATCH", "/v1/fine_tuning/models/winnow-linear", {kAuth, kJsonType}, "{\"name\":\"x\"}"), 400, Shape::kDetail, "Base models"},
      {"archive unknown model", make_request("POST", "/v1/fine_tuning/models/ft%3Aclassifier%3Anope/archive", {kAuth}, ""), 404, Shape::kDetail, "Model not found"},
      {"unarchive unknown model", make_request("DELETE", "/v1/fine_tuning/models/ft%3Aclassifier%3Anope/archive", {kAuth}, ""), 404, Shape::kDetail, "Model not found"},
      // ---- transport-level garbage ----
      {"garbage request line", "HELLO\r\n\r\n", 400, Shape::kAnyDetail, ""},
      {"request line without version", "GET /health\r\n\r\n", 400, Shape::kAnyDetail, ""},
      {"unknown method", make_request("BREW", "/v1/files", {kAuth}, ""), 400, Shape::kAnyDetail, ""},
      {"header without colon", "GET /health HTTP/1.1\r\nHost: x\r\nNoColonHere\r\nConnection: close\r\n\r\n", 200, Shape::kCustom, ""},  // httplib skips the line
      // From HTTP fuzzing: a GET announcing a multipart body that is cut short, with no
      // Connection: close. The GET is answered (its body is ignored); the leftover bytes are
      // the connection's next "request", refused as garbage.
      {"GET with a truncated body, kept alive", "GET /v1/files?page=0&page_~x}#&p HTTP/1.1\r\nHost: 127.0.0.1\r\n" + kAuth + "\r\nContent-Type: multipart/form-data; boundary=XyZb\r\nContent-Length: 373\r\n\r\n--XyZb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.jsonl\"\r\n\r\n{\"text\":\"you", 200, Shape::kCustom, "",
       [](const RawResponse& r) {
         const json j = json::parse(r.body, nullptr, false);
         ASSERT_TRUE(j.is_object()) << r.body;
         EXPECT_TRUE(j.contains("data")) << r.body;
       }},
      {"URI of 20 KB", get("/v1/files/" + std::string(20000, 'a')), 414, Shape::kAnyDetail, ""},
      {"bad Content-Length", make_request("POST", "/v1/classifications", {kAuth, kJsonType, "Content-Length: abc"}, "{}"), 422, Shape::kFieldErrors, "body"},  // read as 0 bytes
      {"negative Content-Length", make_request("POST", "/v1/classifications", {kAuth, kJsonType, "Content-Length: -5"}, "{}"), 400, Shape::kDetail, "Malformed"},  // RFC 9112 6.3: an invalid length is a 400
      {"bad chunk size", make_request("POST", "/v1/classifications", {kAuth, kJsonType, "Transfer-Encoding: chunked"}, "zz\r\n{}\r\n0\r\n\r\n"), 400, Shape::kDetail, "Malformed"},
      {"bad chunk size, no-body route", make_request("POST", "/v1/fine_tuning/jobs/00000000-0000-0000-0000-000000000000/start", {kAuth, "Transfer-Encoding: chunked"}, "zz\r\n{}\r\n0\r\n\r\n"), 400, Shape::kDetail, "Malformed"},
      {"chunk longer than the JSON limit", make_request("POST", "/v1/classifications", {kAuth, kJsonType, "Transfer-Encoding: chunked"}, "200000\r\n" + std::string(0x200000, 'a') + "\r\n0\r\n\r\n"), 413, Shape::kDetail, "larger than"},
  };

  int failures = 0;
  for (const Case& c : cases) {
    const RawResponse r = raw_request(port, c.request);
    const std::string problem = verify(c, r);
    if (!problem.empty()) {
      ++failures;
      ADD_FAILURE() << "[" << c.name << "] " << problem;
      continue;
    }
    if (c.check) {
      SCOPED_TRACE(c.name);
      c.check(r);
    }
  }
  std::printf("bad-input cases: %zu sent, %d failed\n", cases.size(), failures);
  EXPECT_GE(cases.size(), 100u);

  // The same process is still up and serving.
  ASSERT_TRUE(server_->alive());
  const RawResponse health = raw_request(port, get("/health", false));
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(raw_request(port, get("/v1/files/" + file_id)).status, 200);
  EXPECT_TRUE(server_->alive());
  EXPECT_EQ(server_->stop(), 0);
  const std::string log = testing::read_file(dir_.file("stderr.log"));
  EXPECT_THAT(log, ::testing::Not(::testing::HasSubstr("handler threw")));
}

}  // namespace
}  // namespace winnow::reliability
