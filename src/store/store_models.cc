// Store: published models, their rows and blobs.
#include "store/record_json.h"
#include "store/store_impl.h"

namespace winnow::store {

namespace {

// The one answer for a model this workspace does not have.
Status model_not_found() { return Status::not_found("Model not found"); }

constexpr const char* kModelColumns =
    "id, workspace, job_id, root, created, name, description, archived, classifier_targets";

Result<ModelRecord> read_model_row(const SqlRow& q) {
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

}  // namespace

Result<std::optional<ModelRecord>> Store::Impl::find_model(std::string_view workspace,
                                                           std::string_view id, bool for_update) {
  WINNOW_ASSIGN_OR_RETURN(SqlRows rows,
                          db->query(std::string("SELECT ") + kModelColumns +
                                        " FROM models WHERE id = ? AND workspace = ?" +
                                        (for_update ? db->dialect().row_lock : ""),
                                    SqlArgs().add(id).add(workspace)));
  return first_row<ModelRecord>(rows, read_model_row);
}

Result<ModelRecord> Store::publish_model(ModelRecord model, const std::string& staged_model_path,
                                         const std::function<Status(JobRecord&)>& job_update) {
  Impl& s = *impl_;
  if (model.created == 0) model.created = s.now();
  const std::string target = s.model_blob(model.id);
  std::lock_guard<std::mutex> lock(s.mu);
  {
    WINNOW_ASSIGN_OR_RETURN(
        SqlRows found, s.db->query("SELECT 1 FROM models WHERE id = ?", SqlArgs().add(model.id)));
    if (!found.empty()) return Status::already_exists("model " + model.id + " already exists");
  }
  WINNOW_RETURN_IF_ERROR(s.io->rename(staged_model_path, target));
  Status st = s.io->fsync_dir(s.models_dir);
  if (st.is_ok()) {
    st = s.transaction([&]() -> Status {
      WINNOW_RETURN_IF_ERROR(s.db->query(std::string("INSERT INTO models (") + kModelColumns +
                                             ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                         SqlArgs()
                                             .add(model.id)
                                             .add(model.workspace)
                                             .add(model.job_id)
                                             .add(model.root)
                                             .add(model.created)
                                             .add(model.name)
                                             .add(model.description)
                                             .add(static_cast<int64_t>(model.archived ? 1 : 0))
                                             .add(to_json(model.classifier_targets).dump()))
                                 .status());
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
  if (!m) return model_not_found();
  return std::move(*m);
}

Result<std::vector<ModelRecord>> Store::list_models(std::string_view workspace) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  WINNOW_ASSIGN_OR_RETURN(
      SqlRows rows,
      impl_->db->query(std::string("SELECT ") + kModelColumns +
                           " FROM models WHERE workspace = ? ORDER BY created DESC, " +
                           impl_->db->dialect().insertion_order + " DESC",
                       SqlArgs().add(workspace)));
  return all_rows<ModelRecord>(rows, read_model_row);
}

Result<ModelRecord> Store::Impl::mutate_model(std::string_view workspace, std::string_view id,
                                              const std::function<void(ModelRecord&)>& change) {
  std::lock_guard<std::mutex> lock(mu);
  ModelRecord model;
  Status txn = transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(std::optional<ModelRecord> m,
                            find_model(workspace, id, /*for_update=*/true));
    if (!m) return model_not_found();
    change(*m);
    WINNOW_RETURN_IF_ERROR(
        db->query("UPDATE models SET name = ?, description = ?, archived = ? WHERE id = ?",
                  SqlArgs()
                      .add(m->name)
                      .add(m->description)
                      .add(static_cast<int64_t>(m->archived ? 1 : 0))
                      .add(id))
            .status());
    model = std::move(*m);
    return Status::ok();
  });
  if (!txn.is_ok()) return txn;
  return model;
}

Result<ModelRecord> Store::update_model(std::string_view workspace, std::string_view id,
                                        std::optional<std::optional<std::string>> name,
                                        std::optional<std::optional<std::string>> description) {
  return impl_->mutate_model(workspace, id, [&](ModelRecord& m) {
    if (name) m.name = *name;
    if (description) m.description = *description;
  });
}

Result<ModelRecord> Store::set_model_archived(std::string_view workspace, std::string_view id,
                                              bool archived) {
  return impl_->mutate_model(workspace, id, [&](ModelRecord& m) { m.archived = archived; });
}

Status Store::delete_model(std::string_view workspace, std::string_view id) {
  Impl& s = *impl_;
  std::lock_guard<std::mutex> lock(s.mu);
  Status txn = s.transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(SqlRows deleted,
                            s.db->query("DELETE FROM models WHERE id = ? AND workspace = ?",
                                        SqlArgs().add(id).add(workspace)));
    if (deleted.changes == 0) return model_not_found();
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
