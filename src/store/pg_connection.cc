#include "store/pg_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <memory>

namespace winnow::store {
namespace {

// Type OIDs of the parameters we send typed (pg_type.h): PostgreSQL infers the others.
constexpr Oid kPgInt8 = 20;
constexpr Oid kPgFloat8 = 701;

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

void ignore_notice(void*, const char*) {}

// Status for a failed command (or a lost connection), naming `name`.
Status pg_status(PGconn* conn, const PGresult* result, const std::string& name,
                 std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string detail = result ? PQresultErrorMessage(result) : "";
  if (detail.empty()) detail = PQerrorMessage(conn);
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  const std::string message = name + ": " + std::string(what) + ": " + detail;
  const std::string_view sqlstate = state ? state : "";
  if (PQstatus(conn) == CONNECTION_BAD || sqlstate.substr(0, 2) == "08" ||
      sqlstate.substr(0, 4) == "57P0") {
    return Status::unavailable(message);
  }
  if (sqlstate.substr(0, 2) == "23") return Status::already_exists(message);
  if (sqlstate.substr(0, 2) == "22") return Status::invalid_argument(message);
  return Status::io_error(message);
}

std::string double_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round trip
  return std::string(buf, end);
}

}  // namespace

bool is_postgres_url(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::string redact_postgres_url(std::string_view url) {
  std::string out(url);
  const size_t scheme = out.find("://");
  if (scheme == std::string::npos) return out;
  const size_t at = out.find('@', scheme + 3);
  const size_t slash = out.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return out;
  const size_t colon = out.find(':', scheme + 3);
  if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  return out;
}

Status check_postgres_url(std::string_view url) {
  const std::string shown = redact_postgres_url(url);
  if (!is_postgres_url(url)) {
    return Status::invalid_argument("store URL '" + shown +
                                    "' is not a PostgreSQL URL (postgresql://USER@HOST:PORT/DB)");
  }
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(url).c_str(), &error);
  if (options == nullptr) {
    std::string why = error ? error : "cannot be parsed";
    PQfreemem(error);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Status::invalid_argument("store URL '" + shown + "' is malformed: " + why);
  }
  PQconninfoFree(options);
  return Status::ok();
}

std::string postgres_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (c != '?') {
      out += c;
      continue;
    }
    size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
    out += '$';
    if (j > i + 1) {
      out += sql.substr(i + 1, j - i - 1);
      i = j - 1;
    } else {
      out += std::to_string(++next);
    }
  }
  return out;
}

PgConnection::PgConnection(pg_conn* conn, std::string url)
    : conn_(conn), url_(std::move(url)), name_(redact_postgres_url(url_)) {
  dialect_.engine = SqlEngine::kPostgres;
  dialect_.insertion_order = "seq";
  dialect_.row_lock = " FOR UPDATE";
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Result<std::unique_ptr<PgConnection>> PgConnection::open(const std::string& url) {
  WINNOW_RETURN_IF_ERROR(check_postgres_url(url));
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr) return Status::unavailable(redact_postgres_url(url) + ": out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    PQfinish(conn);
    return Status::unavailable(redact_postgres_url(url) + ": cannot connect: " + why);
  }
  // Notices (CREATE TABLE IF NOT EXISTS on an existing table, ...) are not errors: libpq would
  // print them on stderr.
  PQsetNoticeProcessor(conn, ignore_notice, nullptr);
  auto out = std::unique_ptr<PgConnection>(new PgConnection(conn, url));
  if (PQclientEncoding(conn) != 6 /* PG_UTF8 */) {
    WINNOW_RETURN_IF_ERROR(out->exec_script("SET client_encoding = 'UTF8'"));
  }
  return out;
}

Status PgConnection::ensure_connected() {
  if (PQstatus(conn_) == CONNECTION_OK || in_transaction_) return Status::ok();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) return pg_status(conn_, nullptr, name_, "reconnect");
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  return Status::ok();
}

Status PgConnection::exec_script(std::string_view sql) {
  WINNOW_RETURN_IF_ERROR(ensure_connected());
  PgResult r(PQexec(conn_, std::string(sql).c_str()));
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return pg_status(conn_, r.get(), name_, "statement failed");
  }
  return Status::ok();
}

Result<SqlRows> PgConnection::query(std::string_view sql, const SqlArgs& args) {
  WINNOW_RETURN_IF_ERROR(ensure_connected());
  const std::string text = postgres_placeholders(sql);
  const std::vector<SqlParam>& values = args.values();
  std::vector<std::string> storage(values.size());
  std::vector<const char*> params(values.size(), nullptr);
  std::vector<Oid> types(values.size(), 0);
  for (size_t i = 0; i < values.size(); ++i) {
    const SqlParam& v = values[i];
    if (const auto* n = std::get_if<SqlNull>(&v)) {
      types[i] = n->type == SqlType::kInt64 ? kPgInt8 : n->type == SqlType::kReal ? kPgFloat8 : 0;
      continue;
    }
    if (const auto* s = std::get_if<std::string>(&v)) {
      // Text parameters travel as C strings: a NUL would silently cut the value short.
      if (s->find('\0') != std::string::npos) {
        return Status::invalid_argument(name_ + ": parameter " + std::to_string(i + 1) +
                                        " contains a NUL character, which PostgreSQL text cannot "
                                        "hold");
      }
      storage[i] = *s;
    } else if (const auto* n64 = std::get_if<int64_t>(&v)) {
      storage[i] = std::to_string(*n64);
      types[i] = kPgInt8;
    } else {
      storage[i] = double_text(std::get<double>(v));
      types[i] = kPgFloat8;
    }
    params[i] = storage[i].c_str();
  }
  PgResult r(PQexecParams(conn_, text.c_str(), static_cast<int>(values.size()), types.data(),
                          params.data(), nullptr, nullptr, 0));
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    return pg_status(conn_, r.get(), name_, "statement failed");
  }
  SqlRows out;
  const int rows = PQntuples(r.get()), columns = PQnfields(r.get());
  out.rows.resize(static_cast<size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    std::vector<SqlCell>& row = out.rows[static_cast<size_t>(i)];
    row.resize(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r.get(), i, c)) continue;
      row[static_cast<size_t>(c)] =
          std::string(PQgetvalue(r.get(), i, c), static_cast<size_t>(PQgetlength(r.get(), i, c)));
    }
  }
  const char* changed = PQcmdTuples(r.get());
  if (changed && *changed) {
    int64_t n = 0;
    std::from_chars(changed, changed + std::char_traits<char>::length(changed), n);
    out.changes = n;
  }
  return out;
}

Status PgConnection::begin() {
  WINNOW_RETURN_IF_ERROR(exec_script("BEGIN"));
  in_transaction_ = true;
  return Status::ok();
}

Status PgConnection::commit() {
  PgResult r(PQexec(conn_, "COMMIT"));
  in_transaction_ = false;
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    return pg_status(conn_, r.get(), name_, "commit failed");
  }
  // COMMIT of a transaction that had failed answers "ROLLBACK": nothing was written.
  if (std::string_view(PQcmdStatus(r.get())) != "COMMIT") {
    return Status::io_error(name_ + ": commit failed: the transaction was rolled back");
  }
  return Status::ok();
}

Status PgConnection::rollback() {
  in_transaction_ = false;
  if (PQstatus(conn_) != CONNECTION_OK) return Status::ok();  // the server rolled it back
  PgResult r(PQexec(conn_, "ROLLBACK"));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    return pg_status(conn_, r.get(), name_, "rollback failed");
  }
  return Status::ok();
}

Status PgConnection::lock_key(std::string_view key) {
  if (!in_transaction_) return Status::internal(name_ + ": lock_key outside a transaction");
  return query("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", SqlArgs().add(key)).status();
}

}  // namespace winnow::store
