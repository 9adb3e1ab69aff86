// A thin RAII layer over the SQLite C API: one connection (Db) and prepared statements (Stmt)
// whose errors come back as Status values naming the database file. Not thread-safe: the
// store serializes access with its own mutex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace winnow::store {

class Db {
 public:
  // Opens (creating) the database file. kIoError / kCorruption naming the path.
  static Result<Db> open(const std::string& path);
  Db(Db&& other) noexcept;
  Db& operator=(Db&& other) noexcept;
  ~Db();

  // Runs one or more statements without results.
  Status exec(std::string_view sql);
  // Status for the connection's last error, with `what` as context.
  Status error(std::string_view what) const;
  int64_t changes() const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Stmt {
 public:
  static Result<Stmt> prepare(Db& db, std::string_view sql);
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  // Parameters are 1-based, as in SQLite.
  Stmt& bind(int index, std::string_view text);
  Stmt& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Stmt& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Stmt& bind(int index, int64_t value);
  Stmt& bind(int index, double value);
  Stmt& bind(int index, std::nullopt_t);
  Stmt& bind(int index, const std::optional<std::string>& value);
  Stmt& bind(int index, const std::optional<int64_t>& value);
  Stmt& bind(int index, const std::optional<double>& value);

  // true: a row is available; false: done.
  Result<bool> step();
  // Runs a statement that returns no rows.
  Status run();
  // Makes the statement ready to run again with new parameters.
  void reset();

  bool is_null(int column) const;
  int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<int64_t> optional_int64(int column) const;
  std::optional<double> optional_real(int column) const;

 private:
  Stmt(Db* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Db* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int bind_error_ = 0;
};

}  // namespace winnow::store
