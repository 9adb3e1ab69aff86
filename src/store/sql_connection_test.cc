// The contract of the store's seam (sql_connection.h), run against both engines: SQLite on a
// temporary file and PostgreSQL on the test fixture's real server. What only one engine does
// (PostgreSQL's reconnect, advisory locks across connections, refusal of invalid UTF-8) is
// tested in that engine's own file.
#include "store/sql_connection.h"

#include <gtest/gtest.h>

#include <limits>

#include "fixtures/store_engine.h"
#include "test_support.h"

namespace winnow::store {
namespace {

using winnow::testing::EngineDatabase;

class SqlConnectionContract : public ::testing::TestWithParam<SqlEngine> {
 protected:
  void SetUp() override {
    WINNOW_ENGINE_DATABASE_OR_SKIP(db_, GetParam(), tmp_.path().string());
    auto conn = db_->connect();
    ASSERT_TRUE(conn.is_ok()) << conn.status().to_string();
    conn_ = std::move(conn).value();
    ASSERT_EQ(conn_->dialect().engine, GetParam());
    // The same table in each engine's words: PostgreSQL has no rowid, hence the identity
    // column that dialect().insertion_order names.
    const char* ddl = GetParam() == SqlEngine::kPostgres
                          ? "CREATE TABLE t (seq BIGINT GENERATED ALWAYS AS IDENTITY, "
                            "id TEXT PRIMARY KEY, n BIGINT, x DOUBLE PRECISION, j TEXT)"
                          : "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, x REAL, j TEXT)";
    ASSERT_TRUE(conn_->exec_script(ddl).is_ok());
  }

  std::string ordered(const std::string& select) const {
    return select + " ORDER BY " + conn_->dialect().insertion_order;
  }

  winnow::testing::TempDir tmp_;
  std::unique_ptr<EngineDatabase> db_;
  std::unique_ptr<SqlConnection> conn_;
};

TEST_P(SqlConnectionContract, RoundTripsTextIntegersDoublesAndTypedNulls) {
  const double tenth = 0.1, tiny = 1e-300;
  const int64_t small = std::numeric_limits<int64_t>::min();
  const int64_t big = std::numeric_limits<int64_t>::max();
  ASSERT_TRUE(conn_
                  ->query("INSERT INTO t (id, n, x) VALUES (?, ?, ?)",
                          SqlArgs().add("héllo 'quoted' ?").add(small).add(tenth))
                  .is_ok());
  ASSERT_TRUE(conn_
                  ->query("INSERT INTO t (id, n, x) VALUES (?, ?, ?)",
                          SqlArgs().add("tiny").add(big).add(tiny))
                  .is_ok());
  // Typed NULLs in a SELECT list: untyped, PostgreSQL would take them as text.
  auto inserted = conn_->query(
      "INSERT INTO t (id, n, x) SELECT ?, ?, ?",
      SqlArgs().add("nulls").add(std::optional<int64_t>()).add(std::optional<double>()));
  ASSERT_TRUE(inserted.is_ok()) << inserted.status().to_string();
  EXPECT_EQ(inserted->changes, 1);
  auto rows = conn_->query(ordered("SELECT id, n, x FROM t"));
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(rows->row(0).text(0), "héllo 'quoted' ?");
  EXPECT_EQ(rows->row(0).int64(1), small);
  EXPECT_EQ(rows->row(0).real(2), tenth);  // exact, not merely close
  EXPECT_EQ(rows->row(1).int64(1), big);
  EXPECT_EQ(rows->row(1).real(2), tiny);
  EXPECT_EQ(rows->row(2).text(0), "nulls");
  EXPECT_TRUE(rows->row(2).is_null(1));
  EXPECT_FALSE(rows->row(2).optional_int64(1).has_value());
  EXPECT_FALSE(rows->row(2).optional_real(2).has_value());
  EXPECT_EQ(rows->row(0).optional_text(0), "héllo 'quoted' ?");
}

TEST_P(SqlConnectionContract, NumberedParametersAndChangedRowCounts) {
  for (const char* id : {"a", "b", "c"}) {
    ASSERT_TRUE(conn_->query("INSERT INTO t (id, n) VALUES (?, 1)", SqlArgs().add(id)).is_ok());
  }
  auto updated = conn_->query("UPDATE t SET n = ?2 WHERE id = ?1 OR id = ?3",
                              SqlArgs().add("a").add(int64_t{8}).add("c"));
  ASSERT_TRUE(updated.is_ok()) << updated.status().to_string();
  EXPECT_EQ(updated->changes, 2);
  auto none = conn_->query("DELETE FROM t WHERE id = ?", SqlArgs().add("zzz"));
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->changes, 0);
  auto returned = conn_->query("DELETE FROM t WHERE n = ? RETURNING id", SqlArgs().add(int64_t{8}));
  ASSERT_TRUE(returned.is_ok()) << returned.status().to_string();
  EXPECT_EQ(returned->changes, 2);
  ASSERT_EQ(returned->size(), 2u);
  auto left = conn_->query("SELECT id, count(*) FROM t GROUP BY id");
  ASSERT_TRUE(left.is_ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left->row(0).text(0), "b");
  EXPECT_EQ(left->row(0).int64(1), 1);
}

TEST_P(SqlConnectionContract, DialectContainsAndJsonArrayHas) {
  ASSERT_TRUE(conn_
                  ->query("INSERT INTO t (id, j) VALUES (?, ?)",
                          SqlArgs().add("train.jsonl").add(R"([{"project":"p","name":"n"}])"))
                  .is_ok());
  ASSERT_TRUE(conn_->query("INSERT INTO t (id, j) VALUES (?, ?)", SqlArgs().add("x.txt").add("[]"))
                  .is_ok());
  const SqlDialect& d = conn_->dialect();
  auto matches = [&](const std::string& where, const std::string& value) {
    auto r = conn_->query(ordered("SELECT id FROM t WHERE " + where), SqlArgs().add(value));
    EXPECT_TRUE(r.is_ok()) << where << ": " << r.status().to_string();
    std::string ids;
    for (size_t i = 0; r.is_ok() && i < r->size(); ++i) ids += r->row(i).text(0) + " ";
    return ids;
  };
  EXPECT_EQ(matches(d.contains("id"), ".json"), "train.jsonl ");
  EXPECT_EQ(matches(d.contains("id"), "."), "train.jsonl x.txt ");
  EXPECT_EQ(matches(d.contains("id"), "?"), "");
  EXPECT_EQ(matches(d.json_array_has("t.j", "project"), "p"), "train.jsonl ");
  EXPECT_EQ(matches(d.json_array_has("t.j", "name"), "n"), "train.jsonl ");
  EXPECT_EQ(matches(d.json_array_has("t.j", "project"), "n"), "");
}

TEST_P(SqlConnectionContract, ConstraintAndSyntaxErrorsNameTheDatabase) {
  ASSERT_TRUE(conn_->query("INSERT INTO t (id) VALUES (?)", SqlArgs().add("a")).is_ok());
  auto dup = conn_->query("INSERT INTO t (id) VALUES (?)", SqlArgs().add("a"));
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists) << dup.status().to_string();
  auto syntax = conn_->query("SELEKT 1");
  EXPECT_EQ(syntax.status().code(), StatusCode::kIoError) << syntax.status().to_string();
  EXPECT_NE(syntax.status().message().find(conn_->name()), std::string::npos)
      << syntax.status().to_string();
  EXPECT_FALSE(conn_->exec_script("CREATE TABLE t (id TEXT)").is_ok());  // exists
}

TEST_P(SqlConnectionContract, CommitKeepsRollbackDiscards) {
  ASSERT_TRUE(conn_->begin().is_ok());
  ASSERT_TRUE(conn_->query("INSERT INTO t (id) VALUES ('r')").is_ok());
  ASSERT_TRUE(conn_->rollback().is_ok());
  EXPECT_TRUE(conn_->query("SELECT 1 FROM t")->empty());
  ASSERT_TRUE(conn_->begin().is_ok());
  ASSERT_TRUE(conn_->query("INSERT INTO t (id) VALUES ('k')").is_ok());
  ASSERT_TRUE(conn_->commit().is_ok());
  auto other = db_->connect();  // a second connection sees the commit
  ASSERT_TRUE(other.is_ok()) << other.status().to_string();
  auto seen = (*other)->query("SELECT id FROM t");
  ASSERT_TRUE(seen.is_ok());
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ(seen->row(0).text(0), "k");
}

TEST_P(SqlConnectionContract, LockKeyOnlyInsideATransaction) {
  EXPECT_EQ(conn_->lock_key("k").code(), StatusCode::kInternal);
  ASSERT_TRUE(conn_->begin().is_ok());
  EXPECT_TRUE(conn_->lock_key("upload ws t.jsonl").is_ok());
  EXPECT_TRUE(conn_->lock_key("another key").is_ok());
  ASSERT_TRUE(conn_->commit().is_ok());
  EXPECT_EQ(conn_->lock_key("k").code(), StatusCode::kInternal);
}

INSTANTIATE_TEST_SUITE_P(, SqlConnectionContract,
                         ::testing::ValuesIn(winnow::testing::kStoreEngines),
                         winnow::testing::EngineTestName());

}  // namespace
}  // namespace winnow::store
