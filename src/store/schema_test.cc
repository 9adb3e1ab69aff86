// The schema's migrations and version rule, against both engines (SQLite on a temporary file,
// PostgreSQL on the test fixture's real server).
#include "store/schema.h"

#include <gtest/gtest.h>

#include <string>

#include "fixtures/store_engine.h"
#include "test_support.h"

namespace winnow::store {
namespace {

class Schema : public ::testing::TestWithParam<SqlEngine> {
 protected:
  void SetUp() override { WINNOW_ENGINE_DATABASE_OR_SKIP(db_, GetParam(), tmp_.path().string()); }
  bool postgres() const { return GetParam() == SqlEngine::kPostgres; }

  std::unique_ptr<SqlConnection> connect() {
    auto conn = db_->connect();
    EXPECT_TRUE(conn.is_ok()) << conn.status().to_string();
    return conn.is_ok() ? std::move(conn).value() : nullptr;
  }

  // Creates a current database, then runs `then_sql` on it (to make it look as another Winnow
  // left it), and closes it.
  void make_database(const std::string& then_sql) {
    auto conn = connect();
    ASSERT_TRUE(conn != nullptr);
    ASSERT_TRUE(prepare_database(*conn).is_ok());
    ASSERT_TRUE(conn->exec_script(then_sql).is_ok()) << then_sql;
  }

  winnow::testing::TempDir tmp_;
  std::unique_ptr<winnow::testing::EngineDatabase> db_;
};

// Column `column` of every row of `sql`, one per line.
std::string query_text(SqlConnection& db, const std::string& sql, int column = 0) {
  Result<SqlRows> rows = db.query(sql);
  EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
  std::string out;
  for (size_t i = 0; rows.is_ok() && i < rows->size(); ++i) {
    out += rows->row(i).text(column) + "\n";
  }
  return out;
}

TEST_P(Schema, ExpirySweepUsesAnIndexNotATableScan) {
  auto db = connect();
  ASSERT_TRUE(db != nullptr);
  ASSERT_TRUE(prepare_database(*db).is_ok());
  // PostgreSQL's planner scans a small table whole when it may; forbidding sequential scans
  // shows whether an index can serve the statement at all (if none can, the plan still says
  // "Seq Scan").
  if (postgres()) {
    ASSERT_TRUE(db->exec_script("SET enable_seqscan = off").is_ok());
  }
  // The sweep's two statements (Store::remove_expired_files).
  for (const char* sql : {"SELECT 1 FROM files WHERE expires_at <= 5 LIMIT 1",
                          "DELETE FROM files WHERE expires_at <= 5 RETURNING id"}) {
    // SQLite: EXPLAIN QUERY PLAN's columns are id, parent, notused, detail, e.g. "SEARCH
    // files USING COVERING INDEX files_by_expiry (expires_at<?)"; without the index, "SCAN
    // files". PostgreSQL: EXPLAIN's one column, e.g. "Index Only Scan using files_by_expiry".
    const std::string detail = postgres()
                                   ? query_text(*db, std::string("EXPLAIN ") + sql)
                                   : query_text(*db, std::string("EXPLAIN QUERY PLAN ") + sql, 3);
    EXPECT_NE(detail.find("files_by_expiry"), std::string::npos) << sql << ":\n" << detail;
    EXPECT_EQ(detail.find(postgres() ? "Seq Scan" : "SCAN files"), std::string::npos)
        << sql << ":\n"
        << detail;
  }
}

TEST_P(Schema, UpgradesAVersionOneDatabaseInPlace) {
  // A database as Winnow with schema version 1 left it: no expiry index, version 1.
  make_database("DROP INDEX files_by_expiry; UPDATE schema_version SET version = 1");
  auto db = connect();
  ASSERT_TRUE(db != nullptr);
  const std::string index_query =
      postgres() ? "SELECT indexname FROM pg_indexes WHERE indexname = 'files_by_expiry'"
                 : "SELECT name FROM sqlite_master WHERE name = 'files_by_expiry'";
  EXPECT_EQ(query_text(*db, index_query), "");
  ASSERT_TRUE(prepare_database(*db).is_ok());
  EXPECT_EQ(query_text(*db, "SELECT version FROM schema_version"),
            std::to_string(kSchemaVersion) + "\n");
  EXPECT_EQ(query_text(*db, index_query), "files_by_expiry\n");
  // Opening again changes nothing.
  ASSERT_TRUE(prepare_database(*db).is_ok());
  EXPECT_EQ(query_text(*db, "SELECT count(*) FROM schema_version"), "1\n");
}

TEST_P(Schema, RefusesADatabaseFromANewerWinnow) {
  make_database("UPDATE schema_version SET version = " + std::to_string(kSchemaVersion + 1));
  auto db = connect();
  ASSERT_TRUE(db != nullptr);
  const Status s = prepare_database(*db);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.to_string();
  EXPECT_NE(s.to_string().find("use a newer Winnow"), std::string::npos) << s.to_string();
  EXPECT_NE(s.to_string().find(db->name()), std::string::npos) << s.to_string();
  // Refused before anything was written: the version is still the newer one.
  EXPECT_EQ(query_text(*db, "SELECT version FROM schema_version"),
            std::to_string(kSchemaVersion + 1) + "\n");
}

INSTANTIATE_TEST_SUITE_P(, Schema, ::testing::ValuesIn(winnow::testing::kStoreEngines),
                         winnow::testing::EngineTestName());

}  // namespace
}  // namespace winnow::store
