// Store: the files (uploaded JSONL), their rows and blobs.
#include <filesystem>

#include "data/classifier_jsonl.h"
#include "store/ids.h"
#include "store/store_impl.h"

namespace winnow::store {

namespace {

int64_t count_lines(std::string_view content) {
  int64_t n = 0;
  size_t start = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    if (!is_blank_line(content.substr(start, end - start))) ++n;
    start = end + 1;
  }
  return n;
}

constexpr const char* kFileColumns =
    "id, workspace, filename, purpose, sample_type, source, mimetype, visibility, bytes, "
    "num_lines, signature, created_at, expires_at";

// The condition that a file has not expired; its one parameter is the store's "now". A file
// expires at the second expires_at names.
constexpr const char* kNotExpired = "(expires_at IS NULL OR expires_at > ?)";

Result<FileRecord> read_file_row(const SqlRow& q) {
  FileRecord f;
  f.id = q.text(0);
  f.workspace = q.text(1);
  f.filename = q.text(2);
  f.purpose = q.text(3);
  f.sample_type = q.text(4);
  f.source = q.text(5);
  f.mimetype = q.text(6);
  f.visibility = q.text(7);
  f.bytes = q.int64(8);
  f.num_lines = q.int64(9);
  f.signature = q.text(10);
  f.created_at = q.int64(11);
  f.expires_at = q.optional_int64(12);
  return f;
}

}  // namespace

Result<std::optional<FileRecord>> Store::Impl::find_file(std::string_view workspace,
                                                         std::string_view id) {
  WINNOW_ASSIGN_OR_RETURN(
      SqlRows rows, db->query(std::string("SELECT ") + kFileColumns +
                                  " FROM files WHERE id = ? AND workspace = ? AND " + kNotExpired,
                              SqlArgs().add(id).add(workspace).add(now())));
  return first_row<FileRecord>(rows, read_file_row);
}

Result<std::optional<FileRecord>> Store::Impl::find_duplicate(const FileRecord& meta,
                                                              const std::string& sha) {
  WINNOW_ASSIGN_OR_RETURN(
      SqlRows rows,
      db->query(std::string("SELECT ") + kFileColumns +
                    " FROM files WHERE workspace = ? AND filename = ? AND sha256 = ? AND " +
                    kNotExpired + " ORDER BY created_at, " + db->dialect().insertion_order +
                    " LIMIT 1",
                SqlArgs().add(meta.workspace).add(meta.filename).add(sha).add(now())));
  return first_row<FileRecord>(rows, read_file_row);
}

Result<FileRecord> Store::add_file(FileRecord meta, std::string_view content) {
  Impl& s = *impl_;
  const std::string sha = sha256_hex(content);
  {
    std::lock_guard<std::mutex> lock(s.mu);
    WINNOW_ASSIGN_OR_RETURN(std::optional<FileRecord> existing, s.find_duplicate(meta, sha));
    if (existing) return std::move(*existing);
  }
  WINNOW_ASSIGN_OR_RETURN(meta.id, new_uuid_v4());
  meta.bytes = static_cast<int64_t>(content.size());
  meta.num_lines = count_lines(content);
  meta.signature = sha.substr(0, 16);
  meta.created_at = s.now();

  // Durability order: bytes (temporary name, fsync, rename, directory fsync), then the row.
  const std::string blob = s.file_blob(meta.id);
  const std::string temp = blob + std::string(kTempMarker) + meta.id.substr(0, 8);
  Status written = s.io->write_file(temp, content);
  if (written.is_ok()) written = s.io->rename(temp, blob);
  if (written.is_ok()) written = s.io->fsync_dir(s.files_dir);
  if (!written.is_ok()) {
    (void)s.io->remove(temp);
    (void)s.io->remove(blob);
    return written;
  }

  std::lock_guard<std::mutex> lock(s.mu);
  std::optional<FileRecord> duplicate;
  Status st = s.transaction([&]() -> Status {
    // A concurrent upload of the same name and content may have won the race, in this process
    // or (PostgreSQL) in another one: the key makes the check and the insert one step.
    WINNOW_RETURN_IF_ERROR(
        s.db->lock_key("winnow upload\n" + meta.workspace + "\n" + meta.filename + "\n" + sha));
    WINNOW_ASSIGN_OR_RETURN(duplicate, s.find_duplicate(meta, sha));
    if (duplicate) return Status::ok();
    return s.db
        ->query(std::string("INSERT INTO files (") + kFileColumns +
                    ", sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                SqlArgs()
                    .add(meta.id)
                    .add(meta.workspace)
                    .add(meta.filename)
                    .add(meta.purpose)
                    .add(meta.sample_type)
                    .add(meta.source)
                    .add(meta.mimetype)
                    .add(meta.visibility)
                    .add(meta.bytes)
                    .add(meta.num_lines)
                    .add(meta.signature)
                    .add(meta.created_at)
                    .add(meta.expires_at)
                    .add(sha))
        .status();
  });
  if (!st.is_ok() || duplicate) (void)s.io->remove(blob);
  if (!st.is_ok()) return st;
  if (duplicate) return std::move(*duplicate);
  return meta;
}

Result<FileRecord> Store::get_file(std::string_view workspace, std::string_view id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  WINNOW_ASSIGN_OR_RETURN(std::optional<FileRecord> f, impl_->find_file(workspace, id));
  if (!f) return Status::not_found("File " + std::string(id) + " not found");
  return std::move(*f);
}

Result<Page<FileRecord>> Store::list_files(std::string_view workspace, const FileQuery& query) {
  WINNOW_RETURN_IF_ERROR(check_paging(query.page, query.page_size));
  std::string where = std::string(" WHERE workspace = ? AND ") + kNotExpired;
  SqlArgs args;
  args.add(workspace).add(impl_->now());
  if (query.purpose) {
    where += " AND purpose = ?";
    args.add(*query.purpose);
  }
  if (query.search && !query.search->empty()) {
    where += " AND " + impl_->db->dialect().contains("filename");
    args.add(*query.search);
  }
  auto add_in = [&](const char* column, const std::vector<std::string>& list) {
    if (list.empty()) return;
    where += std::string(" AND ") + column + " IN " + placeholders(list.size());
    for (const std::string& v : list) args.add(v);
  };
  add_in("sample_type", query.sample_types);
  add_in("source", query.sources);
  add_in("mimetype", query.mimetypes);

  std::lock_guard<std::mutex> lock(impl_->mu);
  return select_page<FileRecord>(*impl_->db, "files", kFileColumns, where, args, query.page,
                                 query.page_size, read_file_row);
}

Status Store::delete_file(std::string_view workspace, std::string_view id) {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  Status txn = s.transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(
        SqlRows deleted,
        s.db->query(
            std::string("DELETE FROM files WHERE id = ? AND workspace = ? AND ") + kNotExpired,
            SqlArgs().add(id).add(workspace).add(s.now())));
    if (deleted.changes == 0) return Status::not_found("File " + std::string(id) + " not found");
    return Status::ok();
  });
  if (!txn.is_ok()) return txn;
  // The row is gone; a crash before the blob is removed leaves an orphan that open() removes.
  WINNOW_RETURN_IF_ERROR(s.io->remove(s.file_blob(id)));
  return s.io->fsync_dir(s.files_dir);
}

Result<int64_t> Store::remove_expired_files() {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  const int64_t now = s.now();
  {
    // Most sweeps find nothing: they then write nothing (no transaction, no FileIo call).
    WINNOW_ASSIGN_OR_RETURN(
        SqlRows due,
        s.db->query("SELECT 1 FROM files WHERE expires_at <= ? LIMIT 1", SqlArgs().add(now)));
    if (due.empty()) return int64_t{0};
  }
  std::vector<std::string> ids;
  Status txn = s.transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(
        SqlRows deleted,
        s.db->query("DELETE FROM files WHERE expires_at <= ? RETURNING id", SqlArgs().add(now)));
    return for_each_row(deleted, [&](const SqlRow& row) {
      ids.push_back(row.text(0));
      return Status::ok();
    });
  });
  if (!txn.is_ok()) return txn;
  // As in delete_file: rows first, then the bytes (an orphan left by a crash goes at open()).
  for (const std::string& id : ids) WINNOW_RETURN_IF_ERROR(s.io->remove(s.file_blob(id)));
  if (!ids.empty()) WINNOW_RETURN_IF_ERROR(s.io->fsync_dir(s.files_dir));
  return static_cast<int64_t>(ids.size());
}

std::string Store::file_path(const FileRecord& file) const { return impl_->file_blob(file.id); }

std::string Store::job_file_path(std::string_view job_id, std::string_view file_id) const {
  return impl_->job_directory(job_id) + "/files/" + std::string(file_id);
}

}  // namespace winnow::store
