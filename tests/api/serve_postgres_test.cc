// `winnow serve --store postgresql://...` on a real PostgreSQL (tests/fixtures/postgres_fixture.h):
// the records live in the database (nothing in a winnow.db), survive a restart of the server,
// and a malformed or unreachable store URL is refused at start with exit 2 naming it.
// Skipped, saying why, when PostgreSQL is not installed.
#include <filesystem>

#include "api/serve_test_util.h"
#include "fixtures/postgres_fixture.h"
#include "store/pg_connection.h"

namespace winnow::testing {
namespace {

class ServePostgres : public ServeTest {
 protected:
  void SetUp() override {
    auto server = shared_postgres();
    if (server.status().code() == StatusCode::kNotFound) GTEST_SKIP() << server.status().message();
    ASSERT_TRUE(server.is_ok()) << server.status().to_string();
    auto db = TestDatabase::create(**server);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    db_ = std::make_unique<TestDatabase>(std::move(db).value());
    start({"--api-key", kKey, "--store", db_->url()});
  }
  void TearDown() override {
    server_.reset();  // before the database is dropped
    db_.reset();
  }

  // count(*) of `table`, read straight from the database.
  int64_t rows_in(const std::string& table) {
    auto conn = store::PgConnection::open(db_->url());
    EXPECT_TRUE(conn.is_ok()) << conn.status().to_string();
    if (!conn.is_ok()) return -1;
    auto rows = (*conn)->query("SELECT count(*) FROM " + table);
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() ? rows->row(0).int64(0) : -1;
  }

  std::unique_ptr<TestDatabase> db_;
};

TEST_F(ServePostgres, UploadTrainAndReadBackAfterARestart) {
  const std::string train = upload("training_file.jsonl", moderation_jsonl(120, 1))["id"];
  nlohmann::json req = {{"model", "ministral-3b-latest"},
                        {"training_files", {{{"file_id", train}, {"weight", 1}}}},
                        {"auto_start", true},
                        {"invalid_sample_skip_percentage", 0},
                        {"job_type", "classifier"},
                        {"hyperparameters", {{"training_steps", 20}, {"learning_rate", 5e-05}}}};
  auto created = client().Post("/v1/fine_tuning/jobs", req.dump(), "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 200) << created->body;
  const std::string job_id = json_of(created)["id"];
  nlohmann::json job = wait_job(job_id, {"QUEUED", "VALIDATING", "VALIDATED", "RUNNING"});
  ASSERT_EQ(job["status"], "SUCCESS") << job.dump();
  const std::string model = job["fine_tuned_model"];

  // The records are in PostgreSQL, not in a SQLite file beside the blobs.
  EXPECT_EQ(rows_in("files"), 1);
  EXPECT_EQ(rows_in("jobs"), 1);
  EXPECT_EQ(rows_in("models"), 1);
  EXPECT_GT(rows_in("job_checkpoints"), 0);
  EXPECT_FALSE(std::filesystem::exists(dir_.file("data/winnow.db")));

  start({"--api-key", kKey, "--store", db_->url()});
  auto file = client().Get("/v1/files/" + train);
  ASSERT_TRUE(file);
  ASSERT_EQ(file->status, 200) << file->body;
  EXPECT_EQ(json_of(file)["filename"], "training_file.jsonl");
  auto content = client().Get("/v1/files/" + train + "/content");
  ASSERT_TRUE(content);
  EXPECT_EQ(content->body, moderation_jsonl(120, 1));
  auto again = client().Get("/v1/fine_tuning/jobs/" + job_id);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(json_of(again)["status"], "SUCCESS");
  EXPECT_EQ(json_of(again)["fine_tuned_model"], model);
  EXPECT_EQ(json_of(again)["checkpoints"].size(), job["checkpoints"].size());
  auto listed = client().Get("/v1/fine_tuning/jobs");
  ASSERT_TRUE(listed);
  EXPECT_EQ(json_of(listed)["total"], 1) << listed->body;
  nlohmann::json classify = {{"model", model}, {"input", {"you stupid idiot"}}};
  auto c = client().Post("/v1/classifications", classify.dump(), "application/json");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, 200) << c->body;
}

TEST(ServeStoreUrl, AMalformedOrUnreachableStoreIsRefusedWithExit2NamingIt) {
  TempDir dir;
  const std::string serve =
      std::string(WINNOW_BINARY) + " serve --no-auth --port 0 --data-dir " + dir.file("data");
  struct Case {
    std::string command, shown;
  };
  const Case cases[] = {
      {serve + " --store 'postgresql://u:secret@h:notaport/db'",
       "postgresql://u:***@h:notaport/db"},
      {serve + " --store mysql://u@h/db", "mysql://u@h/db"},
      {"WINNOW_STORE='postgresql://u@h:notaport/db' " + serve, "postgresql://u@h:notaport/db"},
      // Port 1 on loopback: nothing listens there.
      {serve + " --store 'postgresql://u:secret@127.0.0.1:1/db?connect_timeout=2'",
       "postgresql://u:***@127.0.0.1:1/db"},
  };
  for (const Case& c : cases) {
    const CommandResult r = run_command(c.command);
    EXPECT_EQ(r.exit_code, 2) << c.command << "\n" << r.err;
    EXPECT_NE(r.err.find(c.shown), std::string::npos) << c.command << "\n" << r.err;
    EXPECT_EQ(r.err.find("secret"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("listening"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace winnow::testing
