#include "store/sql_engine.h"

#include "store/pg_connection.h"
#include "store/sqlite_connection.h"

namespace winnow::store {

Result<std::unique_ptr<SqlConnection>> open_sql_connection(const std::string& store_url,
                                                           const std::string& data_dir) {
  if (store_url.empty()) {
    WINNOW_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> db,
                            SqliteConnection::open(data_dir + "/winnow.db"));
    return std::unique_ptr<SqlConnection>(std::move(db));
  }
  WINNOW_RETURN_IF_ERROR(check_postgres_url(store_url));  // names a non-PostgreSQL URL too
  WINNOW_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::open(store_url));
  return std::unique_ptr<SqlConnection>(std::move(db));
}

}  // namespace winnow::store
