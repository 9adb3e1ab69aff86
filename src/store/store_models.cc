// Store: published models, their rows and blobs.
#include "store/record_json.h"
#include "store/store_impl.h"

namespace winnow::store {

namespace {

// The one answer for a model this workspace does not have.
Status model_not_found() { return Status::not_found("Model not found"); }

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

}  // namespace

Result<std::optional<ModelRecord>> Store::Impl::find_model(std::string_view workspace,
                                                           std::string_view id) {
  WINNOW_ASSIGN_OR_RETURN(Stmt q,
                          Stmt::prepare(db, std::string("SELECT ") + kModelColumns +
                                                " FROM models WHERE id = ? AND workspace = ?"));
  q.bind(1, id).bind(2, workspace);
  return first_row<ModelRecord>(q, read_model_row);
}

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
  if (!m) return model_not_found();
  return std::move(*m);
}

Result<std::vector<ModelRecord>> Store::list_models(std::string_view workspace) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  WINNOW_ASSIGN_OR_RETURN(Stmt q,
                          Stmt::prepare(impl_->db, std::string("SELECT ") + kModelColumns +
                                                       " FROM models WHERE workspace = ? "
                                                       "ORDER BY created DESC, rowid DESC"));
  q.bind(1, workspace);
  return all_rows<ModelRecord>(q, read_model_row);
}

Result<ModelRecord> Store::Impl::mutate_model(std::string_view workspace, std::string_view id,
                                              const std::function<void(ModelRecord&)>& change) {
  std::lock_guard<std::mutex> lock(mu);
  ModelRecord model;
  Status txn = transaction([&]() -> Status {
    WINNOW_ASSIGN_OR_RETURN(std::optional<ModelRecord> m, find_model(workspace, id));
    if (!m) return model_not_found();
    change(*m);
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q, Stmt::prepare(db,
                              "UPDATE models SET name = ?, description = ?, archived = ? "
                              "WHERE id = ?"));
    q.bind(1, m->name)
        .bind(2, m->description)
        .bind(3, static_cast<int64_t>(m->archived ? 1 : 0))
        .bind(4, id);
    WINNOW_RETURN_IF_ERROR(q.run());
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
    WINNOW_ASSIGN_OR_RETURN(
        Stmt q, Stmt::prepare(s.db, "DELETE FROM models WHERE id = ? AND workspace = ?"));
    q.bind(1, id).bind(2, workspace);
    WINNOW_RETURN_IF_ERROR(q.run());
    if (s.db.changes() == 0) return model_not_found();
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
