// The store's seam between its record logic and a database engine: a connection that runs one
// statement at a time with '?' parameters and hands back all of its rows. The store's SQL is
// written once against this interface; what differs between engines (insertion order, row
// locks, a few functions) is asked of the SqlDialect. Implemented by SQLite
// (sqlite_connection.h) and PostgreSQL (pg_connection.h); sql_engine.h picks one from a store
// URL. The contract both keep is tested once, over both engines (sql_connection_test.cc).
//
// Parameters: '?' numbered left to right, or '?NNN' naming parameter NNN (1-based) where one
// value is used twice or out of order; a statement uses one style, not both.
//
// Not thread-safe: the store serializes access to one connection with its own mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace winnow::store {

enum class SqlType { kText, kInt64, kReal };

// A NULL parameter still has a type: PostgreSQL infers a parameter's type from where it is
// used, and a bare NULL in a SELECT list (INSERT ... SELECT ?, ...) would be taken as text.
struct SqlNull {
  SqlType type = SqlType::kText;
};

using SqlParam = std::variant<SqlNull, std::string, int64_t, double>;

// The parameters of one statement, in order.
class SqlArgs {
 public:
  SqlArgs& add(std::string_view text);
  SqlArgs& add(const char* text) { return add(std::string_view(text)); }
  SqlArgs& add(const std::string& text) { return add(std::string_view(text)); }
  SqlArgs& add(int64_t value);
  SqlArgs& add(double value);
  SqlArgs& add(const std::optional<std::string>& value);
  SqlArgs& add(const std::optional<int64_t>& value);
  SqlArgs& add(const std::optional<double>& value);
  const std::vector<SqlParam>& values() const { return values_; }

 private:
  std::vector<SqlParam> values_;
};

// One result cell: SQLite hands back typed values, PostgreSQL (text result format) strings.
using SqlCell = std::variant<std::monostate, int64_t, double, std::string>;

// A row of a result. Accessors convert between the representations: int64() of a text cell
// parses it (a column the schema declares BIGINT always holds digits).
class SqlRow {
 public:
  explicit SqlRow(const std::vector<SqlCell>* cells) : cells_(cells) {}
  bool is_null(int column) const;
  int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<int64_t> optional_int64(int column) const;
  std::optional<double> optional_real(int column) const;

 private:
  const std::vector<SqlCell>* cells_;
};

// Everything one statement returned: its rows and, for INSERT/UPDATE/DELETE, how many rows it
// changed.
struct SqlRows {
  std::vector<std::vector<SqlCell>> rows;
  int64_t changes = 0;

  size_t size() const { return rows.size(); }
  bool empty() const { return rows.empty(); }
  SqlRow row(size_t i) const { return SqlRow(&rows[i]); }
};

enum class SqlEngine { kSqlite, kPostgres };

// What the store's SQL says differently per engine.
struct SqlDialect {
  SqlEngine engine = SqlEngine::kSqlite;
  // The column that orders rows inserted in the same second (SQLite's rowid; an identity
  // column `seq` in the PostgreSQL schema).
  const char* insertion_order = "rowid";
  // Appended to a SELECT that reads a row the transaction will write back: other processes
  // (PostgreSQL) wait instead of losing an update. SQLite's write transaction already excludes
  // every other writer.
  const char* row_lock = "";

  // "<column> contains the text of the next parameter".
  std::string contains(std::string_view column) const;
  // "the JSON array in <column> has an object whose <key> equals the next parameter".
  std::string json_array_has(std::string_view column, std::string_view key) const;
};

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  // Runs one or more statements without parameters or results (schema migrations).
  virtual Status exec_script(std::string_view sql) = 0;
  // Runs one statement to completion.
  virtual Result<SqlRows> query(std::string_view sql, const SqlArgs& args) = 0;
  Result<SqlRows> query(std::string_view sql) { return query(sql, SqlArgs()); }

  // A write transaction. SQLite: BEGIN IMMEDIATE (the database's one writer); PostgreSQL:
  // BEGIN (READ COMMITTED; rows to be written back are read with dialect().row_lock).
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;

  // Inside a transaction: holds, until it ends, an exclusive lock named `key` that every
  // process using this database respects (PostgreSQL: a transaction-level advisory lock).
  // SQLite: nothing to do, the write transaction already excludes every other writer.
  virtual Status lock_key(std::string_view key) = 0;

  virtual const SqlDialect& dialect() const = 0;
  // What error messages call this database: its file, or its URL without a password.
  virtual const std::string& name() const = 0;
};

}  // namespace winnow::store
