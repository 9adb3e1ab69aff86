// The store's private parts, shared by the files that implement Store by record kind
// (store.cc: opening, transactions, leftovers; store_files.cc, store_jobs.cc,
// store_models.cc): the connection and directories (Store::Impl), and the small helpers every
// query uses (reading rows, one page of a list). The SQL is written once for both engines
// (SqlConnection); what they say differently comes from db->dialect(). Not a public header.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/file_io.h"
#include "store/sql_connection.h"
#include "store/store.h"

namespace winnow::store {

// Temporary files carry this in their names (removed at open()).
inline constexpr std::string_view kTempMarker = ".tmp-";

// "(?, ?, ?)" for n values.
std::string placeholders(size_t n);
// kInvalidArgument unless page >= 0 and page_size >= 1.
Status check_paging(int64_t page, int64_t page_size);
// OFFSET of a page, saturating instead of overflowing (a huge page is simply empty).
int64_t page_offset(int64_t page, int64_t page_size);
// Names of the entries of `dir` (files and directories); empty if it cannot be listed.
std::vector<std::string> entries_of(const std::string& dir);
bool is_temp_name(const std::string& name);

// The row reader: calls read(row) on each row of `rows` (read returns a Status; the first
// error stops the walk and is returned).
template <typename Read>
Status for_each_row(const SqlRows& rows, Read&& read) {
  for (size_t i = 0; i < rows.size(); ++i) WINNOW_RETURN_IF_ERROR(read(rows.row(i)));
  return Status::ok();
}

// The first row of `rows` read by read(row) -> Result<Record>, or nullopt when there is none.
template <typename Record, typename Read>
Result<std::optional<Record>> first_row(const SqlRows& rows, Read&& read) {
  if (rows.empty()) return std::optional<Record>();
  WINNOW_ASSIGN_OR_RETURN(Record record, read(rows.row(0)));
  return std::optional<Record>(std::move(record));
}

// Every row of `rows` read by read(row) -> Result<Record>, in order.
template <typename Record, typename Read>
Result<std::vector<Record>> all_rows(const SqlRows& rows, Read&& read) {
  std::vector<Record> out;
  out.reserve(rows.size());
  WINNOW_RETURN_IF_ERROR(for_each_row(rows, [&](const SqlRow& row) -> Status {
    WINNOW_ASSIGN_OR_RETURN(Record record, read(row));
    out.push_back(std::move(record));
    return Status::ok();
  }));
  return out;
}

// One page of a list: the rows of `table` that `where` (" WHERE ...", parameters `args`)
// matches, newest first (created_at, then insertion order), read by `read_row`, and their
// total count before paging. The caller holds the store's mutex.
template <typename Record, typename Read>
Result<Page<Record>> select_page(SqlConnection& db, const char* table, const char* columns,
                                 const std::string& where, const SqlArgs& args, int64_t page,
                                 int64_t page_size, Read&& read_row) {
  Page<Record> out;
  WINNOW_ASSIGN_OR_RETURN(SqlRows count,
                          db.query(std::string("SELECT count(*) FROM ") + table + where, args));
  out.total = count.empty() ? 0 : count.row(0).int64(0);
  SqlArgs paged = args;
  paged.add(page_size).add(page_offset(page, page_size));
  WINNOW_ASSIGN_OR_RETURN(
      SqlRows rows, db.query(std::string("SELECT ") + columns + " FROM " + table + where +
                                 " ORDER BY created_at DESC, " + db.dialect().insertion_order +
                                 " DESC LIMIT ? OFFSET ?",
                             paged));
  WINNOW_ASSIGN_OR_RETURN(out.data, all_rows<Record>(rows, read_row));
  return out;
}

struct Store::Impl {
  std::string data_dir;
  std::string files_dir;
  std::string models_dir;
  std::string jobs_dir;
  FileIo* io = nullptr;
  std::function<int64_t()> clock;
  std::mutex mu;  // guards db (one connection, one statement at a time)
  std::unique_ptr<SqlConnection> db;

  explicit Impl(std::unique_ptr<SqlConnection> d) : db(std::move(d)) {}

  int64_t now() const { return clock(); }

  // Runs `body` in a write transaction (SqlConnection::begin: SQLite's BEGIN IMMEDIATE,
  // PostgreSQL's BEGIN) and commits through the FileIo; rolls back on any failure.
  Status transaction(const std::function<Status()>& body);

  // store_files.cc. Files that have expired are not found.
  Result<std::optional<FileRecord>> find_file(std::string_view workspace, std::string_view id);
  Result<std::optional<FileRecord>> find_duplicate(const FileRecord& meta, const std::string& sha);

  // store_jobs.cc. The job row alone (events and checkpoints not loaded). No workspace = any.
  // `for_update`: inside a transaction that writes the row back, it is read with the
  // dialect's row lock (another process updating the job waits instead of losing an update).
  Result<std::optional<JobRecord>> find_job(std::optional<std::string_view> workspace,
                                            std::string_view id, bool for_update = false);
  Status load_details(JobRecord* job);
  Status insert_events(const JobRecord& job, size_t first);
  // Inside a transaction: reads the job, applies `mutate`, writes it back with its new events.
  Result<JobRecord> mutate_job(std::string_view id,
                               const std::function<Status(JobRecord&)>& mutate);

  // store_models.cc.
  Result<std::optional<ModelRecord>> find_model(std::string_view workspace, std::string_view id,
                                                bool for_update = false);
  // Takes the mutex; in a transaction: reads the model, applies `change` (to its name,
  // description or archived flag) and writes those back. kNotFound when the workspace has no
  // such model.
  Result<ModelRecord> mutate_model(std::string_view workspace, std::string_view id,
                                   const std::function<void(ModelRecord&)>& change);

  std::string file_blob(std::string_view id) const { return files_dir + "/" + std::string(id); }
  std::string job_directory(std::string_view job_id) const {
    return jobs_dir + "/" + std::string(job_id);
  }
  std::string model_blob(std::string_view id) const;

  // Removes temporary files and blobs no row names (a crash between the blob's rename and
  // its row's commit), and job directories of jobs that were never committed.
  Status remove_leftovers();
};

}  // namespace winnow::store
