// `winnow serve` driven over real HTTP: startup rules, routing errors, auth, service routes,
// and the files endpoints (F1–F6).
#include <filesystem>

#include "api/serve_test_util.h"
#include "store/store.h"

namespace winnow::testing {
namespace {

TEST(ServeStartup, RefusesToStartWithoutKeyOrNoAuth) {
  TempDir dir;
  CommandResult r = run_command(std::string("env -u WINNOW_API_KEYS ") + WINNOW_BINARY +
                                " serve --port 0 --data-dir " + dir.file("d"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--no-auth"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--api-key"), std::string::npos) << r.err;
}

TEST_F(ServeTest, StopsCleanlyOnSigterm) { EXPECT_EQ(server_->stop(), 0); }

TEST_F(ServeTest, HealthInfoAndUnknownRoutes) {
  auto anon = anonymous();
  auto health = anon.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json_of(health)["status"], "ok");
  EXPECT_EQ(health->get_header_value("Content-Type"), "application/json");

  auto info = anon.Get("/v1/winnow/info");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->status, 200);
  EXPECT_EQ(json_of(info)["auth_required"], true);

  auto missing = client().Get("/v1/nothing/here");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(json_of(missing), nlohmann::json({{"detail", "Not Found"}}));

  auto wrong_method = client().Put("/v1/files", "{}", "application/json");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(json_of(wrong_method), nlohmann::json({{"detail", "Method Not Allowed"}}));

  auto root = anon.Get("/");
  ASSERT_TRUE(root);
  EXPECT_EQ(root->status, 200);
}

TEST_F(ServeTest, RejectsMissingAndWrongKeysWith401) {
  auto anon = anonymous();
  auto r = anon.Get("/v1/files");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  nlohmann::json body = json_of(r);
  EXPECT_EQ(body["message"], "Unauthorized");
  const std::string id = body["request_id"];
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);

  auto wrong = anon.Get("/v1/files", {{"Authorization", "Bearer not-the-key"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  // The access log never holds a key.
  server_->stop();
  const std::string log = read_file(dir_.file("stderr.log"));
  EXPECT_EQ(log.find("not-the-key"), std::string::npos);
  EXPECT_EQ(log.find(kKey), std::string::npos);
  EXPECT_NE(log.find("\"status\":401"), std::string::npos) << log;
}

TEST_F(ServeTest, OpenApiListsEveryRoute) {
  auto r = anonymous().Get("/v1/openapi.json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  nlohmann::json doc = json_of(r);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  for (const char* path : {"/v1/files",
                           "/v1/files/{file_id}",
                           "/v1/files/{file_id}/content",
                           "/v1/files/{file_id}/url",
                           "/v1/fine_tuning/jobs",
                           "/v1/fine_tuning/jobs/{job_id}",
                           "/v1/fine_tuning/jobs/{job_id}/start",
                           "/v1/fine_tuning/jobs/{job_id}/cancel",
                           "/v1/models",
                           "/v1/models/{model_id}",
                           "/v1/fine_tuning/models/{model_id}",
                           "/v1/fine_tuning/models/{model_id}/archive",
                           "/v1/classifications",
                           "/v1/chat/classifications",
                           "/v1/moderations",
                           "/v1/chat/moderations",
                           "/v1/winnow/info",
                           "/v1/winnow/files/{file_id}/preview",
                           "/v1/winnow/files/{file_id}/validation",
                           "/v1/winnow/files/{file_id}/stats",
                           "/v1/winnow/models/{model_id}/metrics",
                           "/health",
                           "/metrics"}) {
    EXPECT_TRUE(doc["paths"].contains(path)) << path;
  }
  EXPECT_TRUE(doc["paths"]["/v1/fine_tuning/models/{model_id}/archive"].contains("delete"));
}

TEST_F(ServeTest, UploadListRetrieveDownloadDelete) {
  std::string bytes = moderation_jsonl(10, 1);
  bytes += "\r\n\x01\xff binary tail";  // exact bytes, whatever they are
  nlohmann::json f = upload("training_file.jsonl", bytes);
  ASSERT_TRUE(f.is_object());
  EXPECT_EQ(f["object"], "file");
  EXPECT_EQ(f["bytes"], bytes.size());
  EXPECT_EQ(f["filename"], "training_file.jsonl");
  EXPECT_EQ(f["purpose"], "fine-tune");
  EXPECT_TRUE(f["created_at"].is_number_integer());
  EXPECT_EQ(f["visibility"], "workspace");
  const std::string id = f["id"];

  auto list = client().Get("/v1/files?include_total=true&page=0&page_size=100&purpose=fine-tune");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  nlohmann::json l = json_of(list);
  EXPECT_EQ(l["object"], "list");
  EXPECT_EQ(l["total"], 1);
  EXPECT_EQ(l["data"][0]["id"], id);
  auto filtered = client().Get("/v1/files?sample_type=pretrain&sample_type=batch_result");
  ASSERT_TRUE(filtered);
  EXPECT_EQ(json_of(filtered)["data"].size(), 0u);

  auto got = client().Get("/v1/files/" + id);
  ASSERT_TRUE(got);
  EXPECT_EQ(json_of(got)["deleted"], false);

  auto content = client().Get("/v1/files/" + id + "/content");
  ASSERT_TRUE(content);
  EXPECT_EQ(content->status, 200);
  EXPECT_EQ(content->get_header_value("Content-Type"), "application/octet-stream");
  EXPECT_EQ(content->body, bytes);

  auto preview = client().Get("/v1/winnow/files/" + id + "/preview?lines=2");
  ASSERT_TRUE(preview);
  ASSERT_EQ(preview->status, 200) << preview->body;
  EXPECT_EQ(json_of(preview)["lines"].size(), 2u);
  EXPECT_EQ(json_of(preview)["total_lines"], 12);

  auto del = client().Delete("/v1/files/" + id);
  ASSERT_TRUE(del);
  EXPECT_EQ(json_of(del), nlohmann::json({{"id", id}, {"object", "file"}, {"deleted", true}}));
  auto gone = client().Get("/v1/files/" + id);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 404);
  EXPECT_EQ(json_of(gone)["detail"], "File not found");
  EXPECT_EQ(client().Get("/v1/files/" + id + "/content")->status, 404);
}

TEST_F(ServeTest, ExpiredFileIsGoneAndSweptAtStart) {
  nlohmann::json lasting = upload("keep.jsonl", moderation_jsonl(4, 3));
  httplib::MultipartFormDataItems items = {
      {"file", moderation_jsonl(4, 2), "soon.jsonl", "application/octet-stream"},
      {"expiry", "2", "", ""}};
  auto expiring = client().Post("/v1/files", items);
  ASSERT_TRUE(expiring);
  ASSERT_EQ(expiring->status, 200) << expiring->body;
  const nlohmann::json soon = json_of(expiring);
  ASSERT_TRUE(soon["expires_at"].is_number_integer()) << soon.dump();
  EXPECT_NEAR(soon["expires_at"].get<double>() - soon["created_at"].get<double>(), 2 * 3600, 1);
  EXPECT_TRUE(lasting["expires_at"].is_null());

  // A file that expired while the server was down: added through the real store, as an upload
  // with expiry would have left it.
  ASSERT_EQ(server_->stop(), 0);
  std::string expired_id;
  {
    store::StoreOptions options;
    options.data_dir = dir_.file("data");
    auto opened = store::Store::open(options);
    ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
    store::FileRecord meta;
    meta.workspace = "default";
    meta.filename = "old.jsonl";
    meta.expires_at = (*opened)->now() - 1;
    auto added = (*opened)->add_file(meta, moderation_jsonl(4, 1));
    ASSERT_TRUE(added.is_ok()) << added.status().to_string();
    expired_id = added->id;
  }
  ASSERT_TRUE(std::filesystem::exists(dir_.file("data/files/" + expired_id)));
  start();
  EXPECT_FALSE(std::filesystem::exists(dir_.file("data/files/" + expired_id)));  // swept
  for (const char* path : {"", "/content", "/url"}) {
    auto r = client().Get("/v1/files/" + expired_id + std::string(path));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << path << ": " << r->body;
  }
  auto list = client().Get("/v1/files");
  ASSERT_TRUE(list);
  std::vector<std::string> listed;
  const nlohmann::json files = json_of(list);
  for (const auto& f : files["data"]) listed.push_back(f["id"]);
  EXPECT_EQ(listed, (std::vector<std::string>{soon["id"], lasting["id"]})) << list->body;
  auto job = client().Post("/v1/fine_tuning/jobs",
                           R"({"model": "ministral-3b-latest", "hyperparameters": {}, )"
                           R"("training_files": [")" +
                               expired_id + R"("]})",
                           "application/json");
  ASSERT_TRUE(job);
  EXPECT_EQ(job->status, 404) << job->body;
}

TEST_F(ServeTest, UploadErrors) {
  auto no_file =
      client().Post("/v1/files", httplib::MultipartFormDataItems{{"purpose", "fine-tune", "", ""}});
  ASSERT_TRUE(no_file);
  EXPECT_EQ(no_file->status, 422);
  EXPECT_EQ(json_of(no_file)["detail"][0]["loc"], nlohmann::json({"body", "file"}));

  auto not_multipart = client().Post("/v1/files", "{}", "application/json");
  ASSERT_TRUE(not_multipart);
  EXPECT_EQ(not_multipart->status, 422);

  auto bad_page = client().Get("/v1/files?page=abc");
  ASSERT_TRUE(bad_page);
  EXPECT_EQ(bad_page->status, 422);
  EXPECT_EQ(json_of(bad_page)["detail"][0]["loc"], nlohmann::json({"query", "page"}));
}

TEST_F(ServeTest, UploadOverTheLimitIs413) {
  start({"--api-key", kKey, "--max-upload-mb", "1"});
  const std::string big((size_t{1} << 20) + 10, 'x');
  auto r = client().Post("/v1/files", httplib::MultipartFormDataItems{
                                          {"file", big, "big.jsonl", "application/octet-stream"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(json_of(r)["detail"].is_string());
  // Nothing was stored.
  httplib::Client fresh("127.0.0.1", server_->port());
  auto list = fresh.Get("/v1/files", {{"Authorization", "Bearer " + kKey}});
  ASSERT_TRUE(list);
  EXPECT_EQ(json_of(list)["total"], 0);
}

TEST_F(ServeTest, SignedUrlDownloadsWithoutKeyAndRejectsTampering) {
  const std::string bytes = moderation_jsonl(3, 2);
  const std::string id = upload("v.jsonl", bytes)["id"];
  auto r = client().Get("/v1/files/" + id + "/url?expiry=24");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string url = json_of(r)["url"];
  const std::string prefix = "http://127.0.0.1:" + std::to_string(server_->port());
  ASSERT_EQ(url.rfind(prefix, 0), 0u) << url;
  const std::string path = url.substr(prefix.size());

  auto anon = anonymous();
  auto ok = anon.Get(path);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(ok->body, bytes);

  std::string tampered = path;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  auto bad = anon.Get(tampered);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
  EXPECT_TRUE(json_of(bad)["detail"].is_string());

  auto expired = anon.Get("/v1/files/" + id + "/content?expires=1&sig=00");
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 403);

  auto out_of_range = client().Get("/v1/files/" + id + "/url?expiry=1000");
  ASSERT_TRUE(out_of_range);
  EXPECT_EQ(out_of_range->status, 422);
}

TEST_F(ServeTest, ValidationAndStatsOfAFile) {
  std::string lines = moderation_jsonl(6, 3);
  lines += "{\"text\": \"x\", \"labels\": {\"moderation\": 3}}\n";
  const std::string id = upload("train.jsonl", lines)["id"];
  auto v = client().Get("/v1/winnow/files/" + id + "/validation");
  ASSERT_TRUE(v);
  ASSERT_EQ(v->status, 200) << v->body;
  nlohmann::json report = json_of(v);
  EXPECT_EQ(report["valid"], false);
  ASSERT_EQ(report["problems"].size(), 1u);
  EXPECT_EQ(report["problems"][0]["line"], 7);
  EXPECT_EQ(report["problems"][0]["file"], "train.jsonl");
  EXPECT_EQ(report["heads"][0]["name"], "moderation");

  const std::string good = upload("good.jsonl", moderation_jsonl(6, 3))["id"];
  auto s = client().Get("/v1/winnow/files/" + good + "/stats");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->status, 200) << s->body;
  nlohmann::json stats = json_of(s);
  EXPECT_EQ(stats["head"], "moderation");
  EXPECT_EQ(stats["splits"][0]["samples"], 6);
  EXPECT_EQ(stats["splits"][0]["no_flags"], 3);
}

TEST_F(ServeTest, MetricsCountRequestsByRoute) {
  client().Get("/v1/files");
  auto r = anonymous().Get("/metrics");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  EXPECT_NE(r->body.find(
                "winnow_http_requests_total{route=\"/v1/files\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << r->body;
  EXPECT_NE(r->body.find("winnow_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(r->body.find("winnow_model_cache_hits_total"), std::string::npos);
}

TEST_F(ServeTest, NoAuthModeAcceptsRequestsWithoutKey) {
  start({"--no-auth"});
  auto r = anonymous().Get("/v1/files");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json_of(anonymous().Get("/v1/winnow/info"))["auth_required"], false);
}

}  // namespace
}  // namespace winnow::testing
