#include "store/store.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <limits>
#include <mutex>
#include <set>
#include <system_error>
#include <variant>

#include "data/classifier_jsonl.h"
#include "store/file_io.h"
#include "store/ids.h"
#include "store/record_json.h"
#include "store/schema.h"
#include "store/sqlite_db.h"

namespace winnow::store {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTempMarker = ".tmp-";

using SqlValue = std::variant<std::string, int64_t>;

void bind_all(Stmt& stmt, const std::vector<SqlValue>& values, int first = 1) {
  for (size_t i = 0; i < values.size(); ++i) {
    const int index = first + static_cast<int>(i);
    if (const auto* s = std::get_if<std::string>(&values[i])) {
      stmt.bind(index, std::string_view(*s));
    } else {
      stmt.bind(index, std::get<int64_t>(values[i]));
    }
  }
}

// "(?, ?, ?)" for n values.
std::string placeholders(size_t n) {
  std::string out = "(";
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out + ")";
}

Status check_paging(int64_t page, int64_t page_size) {
  if (page < 0) return Status::invalid_argument("page must be >= 0");
  if (page_size < 1) return Status::invalid_argument("page_size must be >= 1");
  return Status::ok();
}

// OFFSET of a page, saturating instead of overflowing (a huge page is simply empty).
int64_t page_offset(int64_t page, int64_t page_size) {
  if (page > std::numeric_limits<int64_t>::max() / page_size) {
    return std::numeric_limits<int64_t>::max();
  }
  return page * page_size;
}

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

FileRecord read_file_row(const Stmt& q) {
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

constexpr const char* kJobColumns =
    "id, workspace, model, status, auto_start, created_at, modified_at, suffix, "
    "fine_tuned_model, trained_tokens, error, invalid_sample_skip_percentage, training_files, "
    "validation_files, hyperparameters, integrations, requested_targets, classifier_targets, "
    "metadata";

Result<JobRecord> read_job_row(const Stmt& q) {
  JobRecord j;
  j.id = q.text(0);
  j.workspace = q.text(1);
  j.model = q.text(2);
  const std::string status = q.text(3);
  const std::optional<JobStatus> parsed = parse_job_status(status);
  if (!parsed) return Status::corruption("job " + j.id + " has an unknown status '" + status + "'");
  j.status = *parsed;
  j.auto_start = q.int64(4) != 0;
  j.created_at = q.int64(5);
  j.modified_at = q.int64(6);
  j.suffix = q.optional_text(7);
  j.fine_tuned_model = q.optional_text(8);
  j.trained_tokens = q.optional_int64(9);
  j.error = q.optional_text(10);
  j.invalid_sample_skip_percentage = q.real(11);
  WINNOW_ASSIGN_OR_RETURN(j.training_files, training_files_from_json(q.text(12)));
  WINNOW_ASSIGN_OR_RETURN(j.validation_files, strings_from_json(q.text(13)));
  WINNOW_ASSIGN_OR_RETURN(j.hyperparameters, hyperparameters_from_json(q.text(14)));
  WINNOW_ASSIGN_OR_RETURN(j.integrations, json_from_text(q.text(15)));
  WINNOW_ASSIGN_OR_RETURN(j.requested_targets, targets_from_json(q.text(16)));
  WINNOW_ASSIGN_OR_RETURN(j.classifier_targets, targets_from_json(q.text(17)));
  WINNOW_ASSIGN_OR_RETURN(j.metadata, metadata_from_json(q.text(18)));
  return j;
}

// Binds the job's columns in kJobColumns order starting at parameter 1.
void bind_job(Stmt& q, const JobRecord& j) {
  q.bind(1, std::string_view(j.id))
      .bind(2, std::string_view(j.workspace))
      .bind(3, std::string_view(j.model))
      .bind(4, job_status_name(j.status))
      .bind(5, static_cast<int64_t>(j.auto_start ? 1 : 0))
      .bind(6, j.created_at)
      .bind(7, j.modified_at)
      .bind(8, j.suffix)
      .bind(9, j.fine_tuned_model)
      .bind(10, j.trained_tokens)
      .bind(11, j.error)
      .bind(12, j.invalid_sample_skip_percentage)
      .bind(13, to_json(j.training_files).dump())
      .bind(14, nlohmann::json(j.validation_files).dump())
      .bind(15, to_json(j.hyperparameters).dump())
      .bind(16, j.integrations.dump())
      .bind(17, to_json(j.requested_targets).dump())
      .bind(18, to_json(j.classifier_targets).dump())
      .bind(19, to_json(j.metadata).dump());
}

constexpr const char* kModelColumns =
    "id, workspace, job_id, root, created, name, description, archived, classifier_targets";

Result<ModelRecord> read_model_row(const Stmt& q) {
  ModelRecord m;
  m.id = q.text(0);
  m.workspace = q.text(1);
  m.job_id = q.text(2);
  m.root = q.text(3);
  m.created = q.int64(4);
  m.name = q.optional_text(5);
  m.description = q.optional_text(6);
  m.archived = q.int64(7) != 0;
  WINNOW_ASSIGN_OR_RETURN(m.classifier_targets, targets_from_json(q.text(8)));
  return m;
}

// One page of a list: the rows of `table` that `where` (" WHERE ...", parameters `values`)
// matches, newest first (created_at, then insertion order), read by `read_row`, and their
// total count before paging. The caller holds the store's mutex.
template <typename Record>
Result<Page<Record>> select_page(Db& db, const char* table, const char* columns,
                                 const std::string& where, const std::vector<SqlValue>& values,
                                 int64_t page, int64_t page_size,
                                 const std::function<Result<Record>(const Stmt&)>& read_row) {
  Page<Record> out;
  {
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q, Stmt::prepare(db, std::string("SELECT count(*) FROM ") + table + where));
    bind_all(q, values);
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    out.total = row ? q.int64(0) : 0;
  }
  WINNOW_ASSIGN_OR_RETURN(
      Stmt q, Stmt::prepare(db, std::string("SELECT ") + columns + " FROM " + table + where +
                                    " ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?"));
  bind_all(q, values);
  const int next = static_cast<int>(values.size()) + 1;
  q.bind(next, page_size).bind(next + 1, page_offset(page, page_size));
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    WINNOW_ASSIGN_OR_RETURN(Record record, read_row(q));
    out.data.push_back(std::move(record));
  }
  return out;
}

}  // namespace

struct Store::Impl {
  std::string data_dir;
  std::string files_dir;
  std::string models_dir;
  std::string jobs_dir;
  FileIo* io = nullptr;
  std::function<int64_t()> clock;
  std::mutex mu;  // guards db (one connection, one writer at a time)
  Db db;

  explicit Impl(Db d) : db(std::move(d)) {}

  int64_t now() const { return clock(); }

  // Runs `body` in a BEGIN IMMEDIATE transaction and commits through the FileIo; rolls back on
  // any failure.
  Status transaction(const std::function<Status()>& body) {
    WINNOW_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
    Status s = body();
    if (s.is_ok()) s = io->commit([this] { return db.exec("COMMIT"); });
    if (!s.is_ok()) (void)db.exec("ROLLBACK");
    return s;
  }

  Result<std::optional<FileRecord>> find_file(std::string_view workspace, std::string_view id) {
    WINNOW_ASSIGN_OR_RETURN(Stmt q,
                            Stmt::prepare(db, std::string("SELECT ") + kFileColumns +
                                                  " FROM files WHERE id = ? AND workspace = ? "
                                                  "AND " +
                                                  kNotExpired));
    q.bind(1, id).bind(2, workspace).bind(3, now());
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) return std::optional<FileRecord>();
    return std::optional<FileRecord>(read_file_row(q));
  }

  Result<std::optional<FileRecord>> find_duplicate(const FileRecord& meta, const std::string& sha) {
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q, Stmt::prepare(db, std::string("SELECT ") + kFileColumns +
                                      " FROM files WHERE workspace = ? AND filename = ? AND "
                                      "sha256 = ? AND " +
                                      kNotExpired + " ORDER BY created_at, rowid LIMIT 1"));
    q.bind(1, std::string_view(meta.workspace))
        .bind(2, std::string_view(meta.filename))
        .bind(3, std::string_view(sha))
        .bind(4, now());
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) return std::optional<FileRecord>();
    return std::optional<FileRecord>(read_file_row(q));
  }

  // The job row alone (events and checkpoints not loaded). No workspace = any.
  Result<std::optional<JobRecord>> find_job(std::optional<std::string_view> workspace,
                                            std::string_view id) {
    std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?";
    if (workspace) sql += " AND workspace = ?";
    WINNOW_ASSIGN_OR_RETURN(Stmt q, Stmt::prepare(db, sql));
    q.bind(1, id);
    if (workspace) q.bind(2, *workspace);
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) return std::optional<JobRecord>();
    WINNOW_ASSIGN_OR_RETURN(JobRecord job, read_job_row(q));
    return std::optional<JobRecord>(std::move(job));
  }

  Status load_details(JobRecord* job) {
    {
      WINNOW_ASSIGN_OR_RETURN(
          Stmt q, Stmt::prepare(db,
                                "SELECT name, data, created_at FROM job_events WHERE job_id = ? "
                                "ORDER BY seq"));
      q.bind(1, std::string_view(job->id));
      job->events.clear();
      for (;;) {
        WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
        if (!row) break;
        JobEvent e;
        e.name = q.text(0);
        WINNOW_ASSIGN_OR_RETURN(e.data, json_from_text(q.text(1)));
        e.created_at = q.int64(2);
        job->events.push_back(std::move(e));
      }
    }
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q, Stmt::prepare(db,
                              "SELECT step_number, train_loss, valid_loss, valid_accuracy, "
                              "valid_macro_roc_auc, created_at FROM job_checkpoints "
                              "WHERE job_id = ? ORDER BY step_number, rowid"));
    q.bind(1, std::string_view(job->id));
    job->checkpoints.clear();
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      JobCheckpoint c;
      c.step_number = q.int64(0);
      c.train_loss = q.optional_real(1);
      c.valid_loss = q.optional_real(2);
      c.valid_accuracy = q.optional_real(3);
      c.valid_macro_roc_auc = q.optional_real(4);
      c.created_at = q.int64(5);
      job->checkpoints.push_back(c);
    }
    return Status::ok();
  }

  Status insert_events(const JobRecord& job, size_t first) {
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q, Stmt::prepare(db,
                              "INSERT INTO job_events (job_id, seq, workspace, name, data, "
                              "created_at) VALUES (?, ?, ?, ?, ?, ?)"));
    for (size_t i = first; i < job.events.size(); ++i) {
      const JobEvent& e = job.events[i];
      WINNOW_RETURN_IF_ERROR(q.bind(1, std::string_view(job.id))
                                 .bind(2, static_cast<int64_t>(i))
                                 .bind(3, std::string_view(job.workspace))
                                 .bind(4, std::string_view(e.name))
                                 .bind(5, e.data.dump())
                                 .bind(6, e.created_at)
                                 .run());
      q.reset();
    }
    return Status::ok();
  }

  // Inside a transaction: reads the job, applies `mutate`, writes it back with its new events.
  Result<JobRecord> mutate_job(std::string_view id,
                               const std::function<Status(JobRecord&)>& mutate) {
    WINNOW_ASSIGN_OR_RETURN(std::optional<JobRecord> found, find_job(std::nullopt, id));
    if (!found) return Status::not_found("job " + std::string(id) + " not found");
    JobRecord job = std::move(*found);
    WINNOW_RETURN_IF_ERROR(load_details(&job));
    const size_t old_events = job.events.size();
    const std::string old_id = job.id, old_workspace = job.workspace;
    const int64_t old_created = job.created_at;
    WINNOW_RETURN_IF_ERROR(mutate(job));
    const int64_t now = this->now();
    job.id = old_id;  // identity is not the callback's to change
    job.workspace = old_workspace;
    job.created_at = old_created;
    job.modified_at = now;
    if (job.events.size() < old_events) {
      return Status::internal("a job update removed events of job " + old_id);
    }
    for (size_t i = old_events; i < job.events.size(); ++i) {
      if (job.events[i].created_at == 0) job.events[i].created_at = now;
    }
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q, Stmt::prepare(db,
                              "UPDATE jobs SET model = ?3, status = ?4, auto_start = ?5, "
                              "modified_at = ?7, suffix = ?8, fine_tuned_model = ?9, "
                              "trained_tokens = ?10, error = ?11, "
                              "invalid_sample_skip_percentage = ?12, training_files = ?13, "
                              "validation_files = ?14, hyperparameters = ?15, "
                              "integrations = ?16, requested_targets = ?17, "
                              "classifier_targets = ?18, metadata = ?19 "
                              "WHERE id = ?1 AND workspace = ?2 AND created_at = ?6"));
    bind_job(q, job);
    WINNOW_RETURN_IF_ERROR(q.run());
    WINNOW_RETURN_IF_ERROR(insert_events(job, old_events));
    return job;
  }

  Result<std::optional<ModelRecord>> find_model(std::string_view workspace, std::string_view id) {
    WINNOW_ASSIGN_OR_RETURN(Stmt q,
                            Stmt::prepare(db, std::string("SELECT ") + kModelColumns +
                                                  " FROM models WHERE id = ? AND workspace = ?"));
    q.bind(1, id).bind(2, workspace);
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) return std::optional<ModelRecord>();
    WINNOW_ASSIGN_OR_RETURN(ModelRecord m, read_model_row(q));
    return std::optional<ModelRecord>(std::move(m));
  }

  std::string file_blob(std::string_view id) const { return files_dir + "/" + std::string(id); }
  std::string job_directory(std::string_view job_id) const {
    return jobs_dir + "/" + std::string(job_id);
  }
  std::string model_blob(std::string_view id) const {
    return models_dir + "/" + file_safe_name(id) + ".winnow";
  }

  // Removes temporary files and blobs no row names (a crash between the blob's rename and
  // its row's commit), and job directories of jobs that were never committed.
  Status remove_leftovers();
};

namespace {

// Names of the entries of `dir` (files and directories); empty if it cannot be listed.
std::vector<std::string> entries_of(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  return names;
}

bool is_temp_name(const std::string& name) { return name.find(kTempMarker) != std::string::npos; }

}  // namespace

Status Store::Impl::remove_leftovers() {
  std::set<std::string> file_ids, model_names, job_ids;
  {
    WINNOW_ASSIGN_OR_RETURN(Stmt q, Stmt::prepare(db, "SELECT id FROM files"));
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      file_ids.insert(q.text(0));
    }
  }
  {
    WINNOW_ASSIGN_OR_RETURN(Stmt q, Stmt::prepare(db, "SELECT id FROM models"));
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      model_names.insert(file_safe_name(q.text(0)) + ".winnow");
    }
  }
  {
    WINNOW_ASSIGN_OR_RETURN(Stmt q, Stmt::prepare(db, "SELECT id FROM jobs"));
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      job_ids.insert(q.text(0));
    }
  }
  for (const std::string& name : entries_of(files_dir)) {
    if (is_temp_name(name) || !file_ids.count(name)) {
      WINNOW_RETURN_IF_ERROR(io->remove(files_dir + "/" + name));
    }
  }
  for (const std::string& name : entries_of(models_dir)) {
    if (is_temp_name(name) || !model_names.count(name)) {
      WINNOW_RETURN_IF_ERROR(io->remove(models_dir + "/" + name));
    }
  }
  for (const std::string& name : entries_of(jobs_dir)) {
    const std::string dir = jobs_dir + "/" + name;
    if (!job_ids.count(name)) {
      WINNOW_RETURN_IF_ERROR(io->remove_tree(dir));
      continue;
    }
    // Temporaries in the job directory and its subdirectories (files/, clean/).
    std::vector<std::string> dirs = {dir};
    for (const std::string& inner : entries_of(dir)) {
      if (fs::is_directory(dir + "/" + inner)) dirs.push_back(dir + "/" + inner);
    }
    for (const std::string& d : dirs) {
      for (const std::string& inner : entries_of(d)) {
        if (is_temp_name(inner)) WINNOW_RETURN_IF_ERROR(io->remove(d + "/" + inner));
      }
    }
  }
  return Status::ok();
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const StoreOptions& options) {
  FileIo* io = options.io ? options.io : &real_file_io();
  const std::string root = options.data_dir.empty() ? std::string(".") : options.data_dir;
  for (const char* sub : {"", "/files", "/models", "/jobs"}) {
    WINNOW_RETURN_IF_ERROR(io->make_dirs(root + sub));
  }
  WINNOW_ASSIGN_OR_RETURN(Db db, Db::open(root + "/winnow.db"));
  WINNOW_RETURN_IF_ERROR(prepare_database(db));
  auto impl = std::make_unique<Impl>(std::move(db));
  impl->data_dir = root;
  impl->files_dir = root + "/files";
  impl->models_dir = root + "/models";
  impl->jobs_dir = root + "/jobs";
  impl->io = io;
  impl->clock =
      options.clock ? options.clock : [] { return static_cast<int64_t>(std::time(nullptr)); };
  WINNOW_RETURN_IF_ERROR(impl->remove_leftovers());
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

const std::string& Store::data_dir() const { return impl_->data_dir; }
int64_t Store::now() const { return impl_->now(); }
FileIo& Store::io() const { return *impl_->io; }

// ---- files ----

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
    // A concurrent upload of the same name and content may have won the race.
    WINNOW_ASSIGN_OR_RETURN(duplicate, s.find_duplicate(meta, sha));
    if (duplicate) return Status::ok();
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q,
        Stmt::prepare(s.db, std::string("INSERT INTO files (") + kFileColumns +
                                ", sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.bind(1, std::string_view(meta.id))
        .bind(2, std::string_view(meta.workspace))
        .bind(3, std::string_view(meta.filename))
        .bind(4, std::string_view(meta.purpose))
        .bind(5, std::string_view(meta.sample_type))
        .bind(6, std::string_view(meta.source))
        .bind(7, std::string_view(meta.mimetype))
        .bind(8, std::string_view(meta.visibility))
        .bind(9, meta.bytes)
        .bind(10, meta.num_lines)
        .bind(11, std::string_view(meta.signature))
        .bind(12, meta.created_at)
        .bind(13, meta.expires_at)
        .bind(14, std::string_view(sha));
    return q.run();
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
  std::vector<SqlValue> values = {std::string(workspace), impl_->now()};
  if (query.purpose) {
    where += " AND purpose = ?";
    values.emplace_back(*query.purpose);
  }
  if (query.search && !query.search->empty()) {
    where += " AND instr(filename, ?) > 0";
    values.emplace_back(*query.search);
  }
  auto add_in = [&](const char* column, const std::vector<std::string>& list) {
    if (list.empty()) return;
    where += std::string(" AND ") + column + " IN " + placeholders(list.size());
    for (const std::string& v : list) values.emplace_back(v);
  };
  add_in("sample_type", query.sample_types);
  add_in("source", query.sources);
  add_in("mimetype", query.mimetypes);

  std::lock_guard<std::mutex> lock(impl_->mu);
  return select_page<FileRecord>(
      impl_->db, "files", kFileColumns, where, values, query.page, query.page_size,
      [](const Stmt& q) -> Result<FileRecord> { return read_file_row(q); });
}

Status Store::delete_file(std::string_view workspace, std::string_view id) {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  Status txn = s.transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(Stmt q,
                            Stmt::prepare(s.db, std::string("DELETE FROM files WHERE id = ? AND "
                                                            "workspace = ? AND ") +
                                                    kNotExpired));
    q.bind(1, id).bind(2, workspace).bind(3, s.now());
    WINNOW_RETURN_IF_ERROR(q.run());
    if (s.db.changes() == 0) return Status::not_found("File " + std::string(id) + " not found");
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
        Stmt q, Stmt::prepare(s.db, "SELECT 1 FROM files WHERE expires_at <= ? LIMIT 1"));
    q.bind(1, now);
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) return int64_t{0};
  }
  std::vector<std::string> ids;
  Status txn = s.transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q, Stmt::prepare(s.db, "DELETE FROM files WHERE expires_at <= ? RETURNING id"));
    q.bind(1, now);
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
      if (!row) break;
      ids.push_back(q.text(0));
    }
    return Status::ok();
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

// ---- jobs ----

Result<JobRecord> Store::create_job(JobRecord job) {
  Impl& s = *impl_;
  WINNOW_ASSIGN_OR_RETURN(job.id, new_uuid_v4());
  job.created_at = job.modified_at = s.now();
  job.status = JobStatus::kQueued;
  job.events = {JobEvent{"status-updated", {{"status", "QUEUED"}}, job.created_at}};
  job.checkpoints.clear();
  std::vector<std::string> file_ids;
  for (const JobTrainingFile& f : job.training_files) file_ids.push_back(f.file_id);
  for (const std::string& f : job.validation_files) file_ids.push_back(f);
  std::sort(file_ids.begin(), file_ids.end());
  file_ids.erase(std::unique(file_ids.begin(), file_ids.end()), file_ids.end());

  std::lock_guard<std::mutex> lock(s.mu);
  for (const std::string& id : file_ids) {
    WINNOW_ASSIGN_OR_RETURN(std::optional<FileRecord> f, s.find_file(job.workspace, id));
    if (!f) return Status::not_found("File " + id + " not found");
  }
  // The job's private copies (hard links) exist before its row does; open() removes the
  // directory of a job whose row never committed.
  const std::string dir = s.job_directory(job.id);
  auto link_files = [&]() -> Status {
    WINNOW_RETURN_IF_ERROR(s.io->make_dirs(dir + "/files"));
    for (const std::string& id : file_ids) {
      Status linked = s.io->link(s.file_blob(id), job_file_path(job.id, id));
      if (linked.code() == StatusCode::kNotFound)
        return Status::not_found("File " + id + " not found");
      WINNOW_RETURN_IF_ERROR(linked);
    }
    WINNOW_RETURN_IF_ERROR(s.io->fsync_dir(dir + "/files"));
    return s.io->fsync_dir(s.jobs_dir);
  };
  Status st = link_files();
  if (st.is_ok()) {
    st = s.transaction([&]() -> Status {
      WINNOW_ASSIGN_OR_RETURN(Stmt q,
                              Stmt::prepare(s.db, std::string("INSERT INTO jobs (") + kJobColumns +
                                                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                                                      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      bind_job(q, job);
      WINNOW_RETURN_IF_ERROR(q.run());
      return s.insert_events(job, 0);
    });
  }
  if (!st.is_ok()) {
    (void)s.io->remove_tree(dir);
    return st;
  }
  return job;
}

Result<JobRecord> Store::get_job(std::string_view workspace, std::string_view id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  WINNOW_ASSIGN_OR_RETURN(std::optional<JobRecord> job, impl_->find_job(workspace, id));
  if (!job) return Status::not_found("No fine tuning job matches the given query.");
  WINNOW_RETURN_IF_ERROR(impl_->load_details(&*job));
  return std::move(*job);
}

Result<JobRecord> Store::load_job(std::string_view id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  WINNOW_ASSIGN_OR_RETURN(std::optional<JobRecord> job, impl_->find_job(std::nullopt, id));
  if (!job) return Status::not_found("job " + std::string(id) + " not found");
  WINNOW_RETURN_IF_ERROR(impl_->load_details(&*job));
  return std::move(*job);
}

Result<Page<JobRecord>> Store::list_jobs(std::string_view workspace, const JobQuery& query) {
  WINNOW_RETURN_IF_ERROR(check_paging(query.page, query.page_size));
  std::string where = " WHERE workspace = ?";
  std::vector<SqlValue> values = {std::string(workspace)};
  if (query.model) {
    where += " AND model = ?";
    values.emplace_back(*query.model);
  }
  if (query.created_after) {
    where += " AND created_at >= ?";
    values.emplace_back(*query.created_after);
  }
  if (query.created_before) {
    where += " AND created_at < ?";
    values.emplace_back(*query.created_before);
  }
  if (query.status) {
    where += " AND status = ?";
    values.emplace_back(std::string(job_status_name(*query.status)));
  }
  if (query.suffix) {
    where += " AND suffix = ?";
    values.emplace_back(*query.suffix);
  }
  if (query.wandb_project) {
    where +=
        " AND EXISTS (SELECT 1 FROM json_each(jobs.integrations) WHERE "
        "json_extract(value, '$.project') = ?)";
    values.emplace_back(*query.wandb_project);
  }
  if (query.wandb_name) {
    where +=
        " AND EXISTS (SELECT 1 FROM json_each(jobs.integrations) WHERE "
        "json_extract(value, '$.name') = ?)";
    values.emplace_back(*query.wandb_name);
  }
  std::lock_guard<std::mutex> lock(impl_->mu);
  return select_page<JobRecord>(impl_->db, "jobs", kJobColumns, where, values, query.page,
                                query.page_size, read_job_row);
}

Result<JobRecord> Store::update_job(std::string_view id,
                                    const std::function<Status(JobRecord&)>& mutate) {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  JobRecord updated;
  Status txn = s.transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(updated, s.mutate_job(id, mutate));
    return Status::ok();
  });
  if (!txn.is_ok()) return txn;
  return updated;
}

Status Store::add_checkpoint(std::string_view job_id, const JobCheckpoint& checkpoint) {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  return s.transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q, Stmt::prepare(s.db,
                              "INSERT INTO job_checkpoints (job_id, workspace, step_number, "
                              "train_loss, valid_loss, valid_accuracy, valid_macro_roc_auc, "
                              "created_at) SELECT id, workspace, ?, ?, ?, ?, ?, ? FROM jobs "
                              "WHERE id = ?"));
    q.bind(1, checkpoint.step_number)
        .bind(2, checkpoint.train_loss)
        .bind(3, checkpoint.valid_loss)
        .bind(4, checkpoint.valid_accuracy)
        .bind(5, checkpoint.valid_macro_roc_auc)
        .bind(6, checkpoint.created_at ? checkpoint.created_at : s.now())
        .bind(7, job_id);
    WINNOW_RETURN_IF_ERROR(q.run());
    if (s.db.changes() == 0) return Status::not_found("job " + std::string(job_id) + " not found");
    return Status::ok();
  });
}

Result<std::vector<std::string>> Store::job_ids_with_status(
    const std::vector<JobStatus>& statuses) {
  std::vector<std::string> ids;
  if (statuses.empty()) return ids;
  std::vector<SqlValue> values;
  for (JobStatus st : statuses) values.emplace_back(std::string(job_status_name(st)));
  std::lock_guard<std::mutex> lock(impl_->mu);
  WINNOW_ASSIGN_OR_RETURN(Stmt q, Stmt::prepare(impl_->db, "SELECT id FROM jobs WHERE status IN " +
                                                               placeholders(values.size()) +
                                                               " ORDER BY created_at, rowid"));
  bind_all(q, values);
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    ids.push_back(q.text(0));
  }
  return ids;
}

std::string Store::job_dir(std::string_view job_id) const { return impl_->job_directory(job_id); }

Status Store::release_job_files(std::string_view job_id,
                                const std::vector<std::string>& keep_file_ids) {
  Impl& s = *impl_;
  const std::string dir = s.job_directory(job_id);
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Status::ok();
  if (keep_file_ids.empty()) {
    WINNOW_RETURN_IF_ERROR(s.io->remove_tree(dir));
    return s.io->fsync_dir(s.jobs_dir);
  }
  const std::set<std::string> keep(keep_file_ids.begin(), keep_file_ids.end());
  for (const std::string& name : entries_of(dir)) {
    if (name != "files") WINNOW_RETURN_IF_ERROR(s.io->remove_tree(dir + "/" + name));
  }
  for (const std::string& name : entries_of(dir + "/files")) {
    if (!keep.count(name)) WINNOW_RETURN_IF_ERROR(s.io->remove(dir + "/files/" + name));
  }
  WINNOW_RETURN_IF_ERROR(s.io->fsync_dir(dir + "/files"));
  return s.io->fsync_dir(dir);
}

Result<std::map<std::string, int64_t>> Store::count_jobs_by_status() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  WINNOW_ASSIGN_OR_RETURN(
      Stmt q, Stmt::prepare(impl_->db, "SELECT status, count(*) FROM jobs GROUP BY status"));
  std::map<std::string, int64_t> counts;
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    counts[q.text(0)] = q.int64(1);
  }
  return counts;
}

// ---- models ----

Result<ModelRecord> Store::publish_model(ModelRecord model, const std::string& staged_model_path,
                                         const std::function<Status(JobRecord&)>& job_update) {
  Impl& s = *impl_;
  if (model.created == 0) model.created = s.now();
  const std::string target = s.model_blob(model.id);
  std::lock_guard<std::mutex> lock(s.mu);
  {
    WINNOW_ASSIGN_OR_RETURN(Stmt q, Stmt::prepare(s.db, "SELECT 1 FROM models WHERE id = ?"));
    q.bind(1, std::string_view(model.id));
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    if (row) return Status::already_exists("model " + model.id + " already exists");
  }
  WINNOW_RETURN_IF_ERROR(s.io->rename(staged_model_path, target));
  Status st = s.io->fsync_dir(s.models_dir);
  if (st.is_ok()) {
    st = s.transaction([&]() -> Status {
      WINNOW_ASSIGN_OR_RETURN(
          Stmt q, Stmt::prepare(s.db, std::string("INSERT INTO models (") + kModelColumns +
                                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      q.bind(1, std::string_view(model.id))
          .bind(2, std::string_view(model.workspace))
          .bind(3, std::string_view(model.job_id))
          .bind(4, std::string_view(model.root))
          .bind(5, model.created)
          .bind(6, model.name)
          .bind(7, model.description)
          .bind(8, static_cast<int64_t>(model.archived ? 1 : 0))
          .bind(9, to_json(model.classifier_targets).dump());
      WINNOW_RETURN_IF_ERROR(q.run());
      if (!job_update) return Status::ok();
      return s.mutate_job(model.job_id, job_update).status();
    });
  }
  if (!st.is_ok()) {
    // Give the staged file back so the caller may retry; the record never existed.
    if (!s.io->rename(target, staged_model_path).is_ok()) (void)s.io->remove(target);
    return st;
  }
  return model;
}

Result<ModelRecord> Store::get_model(std::string_view workspace, std::string_view id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  WINNOW_ASSIGN_OR_RETURN(std::optional<ModelRecord> m, impl_->find_model(workspace, id));
  if (!m) return Status::not_found("Model not found");
  return std::move(*m);
}

Result<std::vector<ModelRecord>> Store::list_models(std::string_view workspace) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  WINNOW_ASSIGN_OR_RETURN(Stmt q,
                          Stmt::prepare(impl_->db, std::string("SELECT ") + kModelColumns +
                                                       " FROM models WHERE workspace = ? "
                                                       "ORDER BY created DESC, rowid DESC"));
  q.bind(1, workspace);
  std::vector<ModelRecord> models;
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool row, q.step());
    if (!row) break;
    WINNOW_ASSIGN_OR_RETURN(ModelRecord m, read_model_row(q));
    models.push_back(std::move(m));
  }
  return models;
}

Result<ModelRecord> Store::update_model(std::string_view workspace, std::string_view id,
                                        std::optional<std::optional<std::string>> name,
                                        std::optional<std::optional<std::string>> description) {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  ModelRecord model;
  Status txn = s.transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(std::optional<ModelRecord> m, s.find_model(workspace, id));
    if (!m) return Status::not_found("Model not found");
    if (name) m->name = *name;
    if (description) m->description = *description;
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q, Stmt::prepare(s.db, "UPDATE models SET name = ?, description = ? WHERE id = ?"));
    q.bind(1, m->name).bind(2, m->description).bind(3, id);
    WINNOW_RETURN_IF_ERROR(q.run());
    model = std::move(*m);
    return Status::ok();
  });
  if (!txn.is_ok()) return txn;
  return model;
}

Result<ModelRecord> Store::set_model_archived(std::string_view workspace, std::string_view id,
                                              bool archived) {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  ModelRecord model;
  Status txn = s.transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(std::optional<ModelRecord> m, s.find_model(workspace, id));
    if (!m) return Status::not_found("Model not found");
    m->archived = archived;
    WINNOW_ASSIGN_OR_RETURN(Stmt q,
                            Stmt::prepare(s.db, "UPDATE models SET archived = ? WHERE id = ?"));
    q.bind(1, static_cast<int64_t>(archived ? 1 : 0)).bind(2, id);
    WINNOW_RETURN_IF_ERROR(q.run());
    model = std::move(*m);
    return Status::ok();
  });
  if (!txn.is_ok()) return txn;
  return model;
}

Status Store::delete_model(std::string_view workspace, std::string_view id) {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  Status txn = s.transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q, Stmt::prepare(s.db, "DELETE FROM models WHERE id = ? AND workspace = ?"));
    q.bind(1, id).bind(2, workspace);
    WINNOW_RETURN_IF_ERROR(q.run());
    if (s.db.changes() == 0) return Status::not_found("Model not found");
    return Status::ok();
  });
  if (!txn.is_ok()) return txn;
  WINNOW_RETURN_IF_ERROR(s.io->remove(s.model_blob(id)));
  return s.io->fsync_dir(s.models_dir);
}

std::string Store::model_path(const ModelRecord& model) const {
  return impl_->model_blob(model.id);
}

}  // namespace winnow::store
