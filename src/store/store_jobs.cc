// Store: fine-tuning jobs, their events and checkpoints, and their private file copies.
#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "store/ids.h"
#include "store/record_json.h"
#include "store/store_impl.h"

namespace winnow::store {

namespace fs = std::filesystem;

namespace {

constexpr const char* kJobColumns =
    "id, workspace, model, status, auto_start, created_at, modified_at, suffix, "
    "fine_tuned_model, trained_tokens, error, invalid_sample_skip_percentage, training_files, "
    "validation_files, hyperparameters, integrations, requested_targets, classifier_targets, "
    "metadata";

Result<JobRecord> read_job_row(const SqlRow& q) {
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

// The job's columns in kJobColumns order, as parameters 1..19.
SqlArgs job_args(const JobRecord& j) {
  SqlArgs a;
  a.add(j.id)
      .add(j.workspace)
      .add(j.model)
      .add(job_status_name(j.status))
      .add(static_cast<int64_t>(j.auto_start ? 1 : 0))
      .add(j.created_at)
      .add(j.modified_at)
      .add(j.suffix)
      .add(j.fine_tuned_model)
      .add(j.trained_tokens)
      .add(j.error)
      .add(j.invalid_sample_skip_percentage)
      .add(to_json(j.training_files).dump())
      .add(nlohmann::json(j.validation_files).dump())
      .add(to_json(j.hyperparameters).dump())
      .add(j.integrations.dump())
      .add(to_json(j.requested_targets).dump())
      .add(to_json(j.classifier_targets).dump())
      .add(to_json(j.metadata).dump());
  return a;
}

}  // namespace

Result<std::optional<JobRecord>> Store::Impl::find_job(std::optional<std::string_view> workspace,
                                                       std::string_view id, bool for_update) {
  std::string sql = std::string("SELECT ") + kJobColumns + " FROM jobs WHERE id = ?";
  SqlArgs args;
  args.add(id);
  if (workspace) {
    sql += " AND workspace = ?";
    args.add(*workspace);
  }
  if (for_update) sql += db->dialect().row_lock;
  WINNOW_ASSIGN_OR_RETURN(SqlRows rows, db->query(sql, args));
  return first_row<JobRecord>(rows, read_job_row);
}

Status Store::Impl::load_details(JobRecord* job) {
  {
    WINNOW_ASSIGN_OR_RETURN(
        SqlRows rows,
        db->query("SELECT name, data, created_at FROM job_events WHERE job_id = ? ORDER BY seq",
                  SqlArgs().add(job->id)));
    job->events.clear();
    WINNOW_RETURN_IF_ERROR(for_each_row(rows, [&](const SqlRow& row) -> Status {
      JobEvent e;
      e.name = row.text(0);
      WINNOW_ASSIGN_OR_RETURN(e.data, json_from_text(row.text(1)));
      e.created_at = row.int64(2);
      job->events.push_back(std::move(e));
      return Status::ok();
    }));
  }
  WINNOW_ASSIGN_OR_RETURN(
      SqlRows rows,
      db->query(std::string("SELECT step_number, train_loss, valid_loss, valid_accuracy, "
                            "valid_macro_roc_auc, created_at FROM job_checkpoints "
                            "WHERE job_id = ? ORDER BY step_number, ") +
                    db->dialect().insertion_order,
                SqlArgs().add(job->id)));
  job->checkpoints.clear();
  return for_each_row(rows, [&](const SqlRow& row) {
    JobCheckpoint c;
    c.step_number = row.int64(0);
    c.train_loss = row.optional_real(1);
    c.valid_loss = row.optional_real(2);
    c.valid_accuracy = row.optional_real(3);
    c.valid_macro_roc_auc = row.optional_real(4);
    c.created_at = row.int64(5);
    job->checkpoints.push_back(c);
    return Status::ok();
  });
}

Status Store::Impl::insert_events(const JobRecord& job, size_t first) {
  for (size_t i = first; i < job.events.size(); ++i) {
    const JobEvent& e = job.events[i];
    WINNOW_RETURN_IF_ERROR(db->query("INSERT INTO job_events (job_id, seq, workspace, name, "
                                     "data, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                                     SqlArgs()
                                         .add(job.id)
                                         .add(static_cast<int64_t>(i))
                                         .add(job.workspace)
                                         .add(e.name)
                                         .add(e.data.dump())
                                         .add(e.created_at))
                               .status());
  }
  return Status::ok();
}

Result<JobRecord> Store::Impl::mutate_job(std::string_view id,
                                          const std::function<Status(JobRecord&)>& mutate) {
  WINNOW_ASSIGN_OR_RETURN(std::optional<JobRecord> found,
                          find_job(std::nullopt, id, /*for_update=*/true));
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
  WINNOW_RETURN_IF_ERROR(db->query("UPDATE jobs SET model = ?3, status = ?4, auto_start = ?5, "
                                   "modified_at = ?7, suffix = ?8, fine_tuned_model = ?9, "
                                   "trained_tokens = ?10, error = ?11, "
                                   "invalid_sample_skip_percentage = ?12, training_files = ?13, "
                                   "validation_files = ?14, hyperparameters = ?15, "
                                   "integrations = ?16, requested_targets = ?17, "
                                   "classifier_targets = ?18, metadata = ?19 "
                                   "WHERE id = ?1 AND workspace = ?2 AND created_at = ?6",
                                   job_args(job))
                             .status());
  WINNOW_RETURN_IF_ERROR(insert_events(job, old_events));
  return job;
}

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
      WINNOW_RETURN_IF_ERROR(s.db->query(std::string("INSERT INTO jobs (") + kJobColumns +
                                             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                             "?, ?, ?, ?, ?, ?, ?)",
                                         job_args(job))
                                 .status());
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
  SqlArgs args;
  args.add(workspace);
  if (query.model) {
    where += " AND model = ?";
    args.add(*query.model);
  }
  if (query.created_after) {
    where += " AND created_at >= ?";
    args.add(*query.created_after);
  }
  if (query.created_before) {
    where += " AND created_at < ?";
    args.add(*query.created_before);
  }
  if (query.status) {
    where += " AND status = ?";
    args.add(job_status_name(*query.status));
  }
  if (query.suffix) {
    where += " AND suffix = ?";
    args.add(*query.suffix);
  }
  const SqlDialect& dialect = impl_->db->dialect();
  if (query.wandb_project) {
    where += " AND " + dialect.json_array_has("jobs.integrations", "project");
    args.add(*query.wandb_project);
  }
  if (query.wandb_name) {
    where += " AND " + dialect.json_array_has("jobs.integrations", "name");
    args.add(*query.wandb_name);
  }
  std::lock_guard<std::mutex> lock(impl_->mu);
  return select_page<JobRecord>(*impl_->db, "jobs", kJobColumns, where, args, query.page,
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
        SqlRows inserted,
        s.db->query("INSERT INTO job_checkpoints (job_id, workspace, step_number, train_loss, "
                    "valid_loss, valid_accuracy, valid_macro_roc_auc, created_at) "
                    "SELECT id, workspace, ?, ?, ?, ?, ?, ? FROM jobs WHERE id = ?",
                    SqlArgs()
                        .add(checkpoint.step_number)
                        .add(checkpoint.train_loss)
                        .add(checkpoint.valid_loss)
                        .add(checkpoint.valid_accuracy)
                        .add(checkpoint.valid_macro_roc_auc)
                        .add(checkpoint.created_at ? checkpoint.created_at : s.now())
                        .add(job_id)));
    if (inserted.changes == 0) {
      return Status::not_found("job " + std::string(job_id) + " not found");
    }
    return Status::ok();
  });
}

Result<std::vector<std::string>> Store::job_ids_with_status(
    const std::vector<JobStatus>& statuses) {
  std::vector<std::string> ids;
  if (statuses.empty()) return ids;
  SqlArgs args;
  for (JobStatus st : statuses) args.add(job_status_name(st));
  std::lock_guard<std::mutex> lock(impl_->mu);
  WINNOW_ASSIGN_OR_RETURN(
      SqlRows rows,
      impl_->db->query("SELECT id FROM jobs WHERE status IN " + placeholders(statuses.size()) +
                           " ORDER BY created_at, " + impl_->db->dialect().insertion_order,
                       args));
  WINNOW_RETURN_IF_ERROR(for_each_row(rows, [&](const SqlRow& row) {
    ids.push_back(row.text(0));
    return Status::ok();
  }));
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
  WINNOW_ASSIGN_OR_RETURN(SqlRows rows,
                          impl_->db->query("SELECT status, count(*) FROM jobs GROUP BY status"));
  std::map<std::string, int64_t> counts;
  WINNOW_RETURN_IF_ERROR(for_each_row(rows, [&](const SqlRow& row) {
    counts[row.text(0)] = row.int64(1);
    return Status::ok();
  }));
  return counts;
}

}  // namespace winnow::store
