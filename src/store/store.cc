#include "store/store.h"

#include <ctime>
#include <filesystem>
#include <limits>
#include <set>
#include <system_error>

#include "store/ids.h"
#include "store/schema.h"
#include "store/sql_engine.h"
#include "store/store_impl.h"

namespace winnow::store {

namespace fs = std::filesystem;

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

int64_t page_offset(int64_t page, int64_t page_size) {
  if (page > std::numeric_limits<int64_t>::max() / page_size) {
    return std::numeric_limits<int64_t>::max();
  }
  return page * page_size;
}

std::vector<std::string> entries_of(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  return names;
}

bool is_temp_name(const std::string& name) { return name.find(kTempMarker) != std::string::npos; }

Status Store::Impl::transaction(const std::function<Status()>& body) {
  WINNOW_RETURN_IF_ERROR(db->begin());
  Status s = body();
  if (s.is_ok()) s = io->commit([this] { return db->commit(); });
  if (!s.is_ok()) (void)db->rollback();
  return s;
}

std::string Store::Impl::model_blob(std::string_view id) const {
  return models_dir + "/" + file_safe_name(id) + ".winnow";
}

namespace {

// The values of a one-column query, as a set.
Result<std::set<std::string>> column_set(SqlConnection& db, const char* sql,
                                         const std::function<std::string(std::string)>& map) {
  WINNOW_ASSIGN_OR_RETURN(SqlRows rows, db.query(sql));
  std::set<std::string> out;
  WINNOW_RETURN_IF_ERROR(for_each_row(rows, [&](const SqlRow& row) {
    out.insert(map(row.text(0)));
    return Status::ok();
  }));
  return out;
}

}  // namespace

Status Store::Impl::remove_leftovers() {
  const auto same = [](std::string s) { return s; };
  WINNOW_ASSIGN_OR_RETURN(const std::set<std::string> file_ids,
                          column_set(*db, "SELECT id FROM files", same));
  WINNOW_ASSIGN_OR_RETURN(const std::set<std::string> model_names,
                          column_set(*db, "SELECT id FROM models", [](std::string id) {
                            return file_safe_name(id) + ".winnow";
                          }));
  WINNOW_ASSIGN_OR_RETURN(const std::set<std::string> job_ids,
                          column_set(*db, "SELECT id FROM jobs", same));
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
  WINNOW_ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> db,
                          open_sql_connection(options.store_url, root));
  WINNOW_RETURN_IF_ERROR(prepare_database(*db));
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

}  // namespace winnow::store
