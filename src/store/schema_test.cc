#include "store/schema.h"

#include <gtest/gtest.h>

#include <string>

#include "test_support.h"

namespace winnow::store {
namespace {

// Column `column` of every row of `sql`, one per line.
std::string query_text(Db& db, const std::string& sql, int column = 0) {
  Result<Stmt> q = Stmt::prepare(db, sql);
  EXPECT_TRUE(q.is_ok()) << q.status().to_string();
  if (!q.is_ok()) return {};
  std::string out;
  for (;;) {
    Result<bool> row = q->step();
    EXPECT_TRUE(row.is_ok()) << row.status().to_string();
    if (!row.is_ok() || !*row) break;
    out += q->text(column) + "\n";
  }
  return out;
}

// Creates a current database at `path`, then runs `then_sql` on it (to make it look as another
// Winnow left it), and closes it.
void make_database(const std::string& path, const std::string& then_sql) {
  Result<Db> db = Db::open(path);
  ASSERT_TRUE(db.is_ok()) << db.status().to_string();
  ASSERT_TRUE(prepare_database(*db).is_ok());
  ASSERT_TRUE(db->exec(then_sql).is_ok()) << then_sql;
}

TEST(Schema, ExpirySweepUsesAnIndexNotATableScan) {
  testing::TempDir dir;
  Result<Db> db = Db::open(dir.file("winnow.db"));
  ASSERT_TRUE(db.is_ok()) << db.status().to_string();
  ASSERT_TRUE(prepare_database(*db).is_ok());
  // The sweep's two statements (Store::remove_expired_files).
  for (const char* sql : {"SELECT 1 FROM files WHERE expires_at <= 5 LIMIT 1",
                          "DELETE FROM files WHERE expires_at <= 5 RETURNING id"}) {
    // EXPLAIN QUERY PLAN's columns: id, parent, notused, detail.
    const std::string detail = query_text(*db, std::string("EXPLAIN QUERY PLAN ") + sql, 3);
    // e.g. "SEARCH files USING COVERING INDEX files_by_expiry (expires_at<?)"; without the
    // index, "SCAN files".
    EXPECT_NE(detail.find("INDEX files_by_expiry"), std::string::npos) << sql << ":\n" << detail;
    EXPECT_EQ(detail.find("SCAN files"), std::string::npos) << sql << ":\n" << detail;
  }
}

TEST(Schema, UpgradesAVersionOneDatabaseInPlace) {
  testing::TempDir dir;
  const std::string path = dir.file("winnow.db");
  // A database as Winnow with schema version 1 left it: no expiry index, version 1.
  make_database(path, "DROP INDEX files_by_expiry; UPDATE schema_version SET version = 1");
  Result<Db> db = Db::open(path);
  ASSERT_TRUE(db.is_ok());
  ASSERT_TRUE(prepare_database(*db).is_ok());
  EXPECT_EQ(query_text(*db, "SELECT version FROM schema_version"),
            std::to_string(kSchemaVersion) + "\n");
  EXPECT_EQ(query_text(*db, "SELECT name FROM sqlite_master WHERE name = 'files_by_expiry'"),
            "files_by_expiry\n");
}

TEST(Schema, RefusesADatabaseFromANewerWinnow) {
  testing::TempDir dir;
  const std::string path = dir.file("winnow.db");
  make_database(path, "UPDATE schema_version SET version = " + std::to_string(kSchemaVersion + 1));
  Result<Db> db = Db::open(path);
  ASSERT_TRUE(db.is_ok());
  const Status s = prepare_database(*db);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.to_string();
  EXPECT_NE(s.to_string().find("use a newer Winnow"), std::string::npos) << s.to_string();
}

}  // namespace
}  // namespace winnow::store
