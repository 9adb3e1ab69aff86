// The PostgreSQL engine of the store's seam against a real server (tests/fixtures/
// postgres_fixture.h): one server per test process, one database per test. What both engines
// promise is in sql_connection_test.cc; this file holds what only PostgreSQL does.
#include "store/pg_connection.h"

#include <gtest/gtest.h>

#include "fixtures/postgres_fixture.h"

namespace winnow::store {
namespace {

using winnow::testing::TestDatabase;

TEST(PgPlaceholders, NumbersQuestionMarksAndLeavesQuotedTextAlone) {
  EXPECT_EQ(postgres_placeholders("SELECT ? , ?"), "SELECT $1 , $2");
  EXPECT_EQ(postgres_placeholders("UPDATE t SET a = ?3 WHERE id = ?1"),
            "UPDATE t SET a = $3 WHERE id = $1");
  EXPECT_EQ(postgres_placeholders("SELECT '?', \"a?\", ?"), "SELECT '?', \"a?\", $1");
}

TEST(PgUrl, RedactsThePasswordAndRefusesMalformedUrlsNamingThem) {
  EXPECT_EQ(redact_postgres_url("postgresql://u:secret@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(redact_postgres_url("postgresql://u@h/db"), "postgresql://u@h/db");
  EXPECT_TRUE(check_postgres_url("postgresql://u@h:5432/db").is_ok());
  const Status bad_port = check_postgres_url("postgresql://u:pw@h:notaport/db?x");
  EXPECT_EQ(bad_port.code(), StatusCode::kInvalidArgument);
  const Status not_pg = check_postgres_url("mysql://u@h/db");
  EXPECT_EQ(not_pg.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(not_pg.message().find("mysql://u@h/db"), std::string::npos) << not_pg.to_string();
  const Status option = check_postgres_url("postgresql://u@h/db?nosuchoption=1");
  EXPECT_EQ(option.code(), StatusCode::kInvalidArgument) << option.to_string();
}

TEST(PgUrl, UnreachableServerIsUnavailableNamingTheUrlWithoutPassword) {
  // Port 1 on loopback: nothing listens there.
  auto conn = PgConnection::open("postgresql://u:secret@127.0.0.1:1/db?connect_timeout=2");
  ASSERT_FALSE(conn.is_ok());
  EXPECT_EQ(conn.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(conn.status().message().find("postgresql://u:***@127.0.0.1:1/db"), std::string::npos)
      << conn.status().to_string();
  EXPECT_EQ(conn.status().message().find("secret"), std::string::npos);
}

class PgConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = winnow::testing::shared_postgres();
    if (server.status().code() == StatusCode::kNotFound) GTEST_SKIP() << server.status().message();
    ASSERT_TRUE(server.is_ok()) << server.status().to_string();
    auto db = TestDatabase::create(**server);
    ASSERT_TRUE(db.is_ok()) << db.status().to_string();
    db_ = std::make_unique<TestDatabase>(std::move(db).value());
    conn_ = connect();
    ASSERT_TRUE(conn_ != nullptr);
    ASSERT_TRUE(conn_
                    ->exec_script("CREATE TABLE t (seq BIGINT GENERATED ALWAYS AS IDENTITY, "
                                  "id TEXT PRIMARY KEY, n BIGINT, x DOUBLE PRECISION)")
                    .is_ok());
  }
  void TearDown() override { conn_.reset(); }

  std::unique_ptr<PgConnection> connect() {
    auto conn = PgConnection::open(db_->url());
    EXPECT_TRUE(conn.is_ok()) << conn.status().to_string();
    return conn.is_ok() ? std::move(conn).value() : nullptr;
  }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<PgConnection> conn_;
};

TEST_F(PgConnectionTest, MapsBadValueErrorsAndNamesTheUrl) {
  auto bad_utf8 = conn_->query("INSERT INTO t (id) VALUES (?)", SqlArgs().add("\xff\xfe"));
  EXPECT_EQ(bad_utf8.status().code(), StatusCode::kInvalidArgument)
      << bad_utf8.status().to_string();
  auto syntax = conn_->query("SELEKT 1");
  EXPECT_EQ(syntax.status().code(), StatusCode::kIoError);
  EXPECT_NE(syntax.status().message().find(db_->url()), std::string::npos);
}

// PostgreSQL aborts a transaction at its first error (SQLite does not): its COMMIT then
// answers ROLLBACK, which must not read as success.
TEST_F(PgConnectionTest, AFailedTransactionDoesNotCommit) {
  ASSERT_TRUE(conn_->begin().is_ok());
  ASSERT_TRUE(conn_->query("INSERT INTO t (id) VALUES ('c')").is_ok());
  EXPECT_FALSE(conn_->query("SELEKT").is_ok());  // aborts the transaction
  EXPECT_FALSE(conn_->commit().is_ok());
  EXPECT_TRUE(conn_->query("SELECT 1 FROM t")->empty());
  ASSERT_TRUE(conn_->begin().is_ok());
  ASSERT_TRUE(conn_->query("INSERT INTO t (id) VALUES ('k')").is_ok());
  ASSERT_TRUE(conn_->commit().is_ok());
  EXPECT_EQ(conn_->query("SELECT id FROM t")->row(0).text(0), "k");
}

TEST_F(PgConnectionTest, LockKeyExcludesOtherConnectionsUntilTheTransactionEnds) {
  auto other = connect();
  ASSERT_TRUE(other != nullptr);
  const char* kTry = "SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0))::text";
  EXPECT_EQ(conn_->lock_key("k").code(), StatusCode::kInternal);  // outside a transaction
  ASSERT_TRUE(conn_->begin().is_ok());
  ASSERT_TRUE(conn_->lock_key("upload ws t.jsonl").is_ok());
  ASSERT_TRUE(other->begin().is_ok());
  EXPECT_EQ(other->query(kTry, SqlArgs().add("upload ws t.jsonl"))->row(0).text(0), "false");
  EXPECT_EQ(other->query(kTry, SqlArgs().add("another key"))->row(0).text(0), "true");
  ASSERT_TRUE(other->rollback().is_ok());
  ASSERT_TRUE(conn_->commit().is_ok());
  ASSERT_TRUE(other->begin().is_ok());
  EXPECT_EQ(other->query(kTry, SqlArgs().add("upload ws t.jsonl"))->row(0).text(0), "true");
  ASSERT_TRUE(other->rollback().is_ok());
}

TEST_F(PgConnectionTest, ALostConnectionIsUnavailableThenReconnects) {
  auto other = connect();
  ASSERT_TRUE(other != nullptr);
  auto pid = conn_->query("SELECT pg_backend_pid()");
  ASSERT_TRUE(pid.is_ok());
  ASSERT_TRUE(
      other->query("SELECT pg_terminate_backend(?::int)", SqlArgs().add(pid->row(0).text(0)))
          .is_ok());
  auto lost = conn_->query("SELECT 1");
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable) << lost.status().to_string();
  auto again = conn_->query("SELECT 1");
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  EXPECT_EQ(again->row(0).int64(0), 1);
}

}  // namespace
}  // namespace winnow::store
