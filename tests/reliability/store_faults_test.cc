// Store faults (issue 6): every write the store makes goes through store/file_io.h, so these
// tests can (a) fail the Nth operation or every operation from the Nth on with ENOSPC, in
// process, and (b) really crash: a forked child runs the operation with a FileIo that _exit()s
// at operation N (a write crashes half-way), for every N until the operation completes. After
// each fault a fresh Store::open of the directory (what a restarted server does) must find a
// consistent state: no record without its bytes, every acknowledged file and model intact, and
// nothing half-done (a job update is all or nothing; a model is either published with its job
// SUCCESS or absent).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <string>

#include "store/file_io.h"
#include "store/store.h"
#include "test_support.h"

namespace winnow::reliability {
namespace {

namespace fs = std::filesystem;
using store::FaultInjectingFileIo;
using store::FileIo;
using store::Store;

// The real file system until operation number `crash_at` (counted from 1 over every call),
// where the process dies on the spot (_exit, no destructors, no cleanup). A write that
// crashes leaves the first half of its bytes, as a power cut in the middle would.
class CrashingFileIo : public FileIo {
 public:
  explicit CrashingFileIo(int crash_at) : crash_at_(crash_at) {}
  Status write_file(const std::string& path, std::string_view bytes) override {
    if (hit()) {
      (void)store::real_file_io().write_file(path, bytes.substr(0, bytes.size() / 2));
      ::_exit(kCrashed);
    }
    return store::real_file_io().write_file(path, bytes);
  }
  Status rename(const std::string& from, const std::string& to) override {
    crash_if_hit();
    return store::real_file_io().rename(from, to);
  }
  Status link(const std::string& from, const std::string& to) override {
    crash_if_hit();
    return store::real_file_io().link(from, to);
  }
  Status remove(const std::string& path) override {
    crash_if_hit();
    return store::real_file_io().remove(path);
  }
  Status remove_tree(const std::string& path) override {
    crash_if_hit();
    return store::real_file_io().remove_tree(path);
  }
  Status make_dirs(const std::string& path) override {
    crash_if_hit();
    return store::real_file_io().make_dirs(path);
  }
  Status fsync_dir(const std::string& path) override {
    crash_if_hit();
    return store::real_file_io().fsync_dir(path);
  }
  Status commit(const std::function<Status()>& commit) override {
    crash_if_hit();  // before COMMIT: the transaction never happened
    return store::real_file_io().commit(commit);
  }
  static constexpr int kCrashed = 86;

 private:
  bool hit() { return ++calls_ == crash_at_; }
  void crash_if_hit() {
    if (hit()) ::_exit(kCrashed);
  }
  int crash_at_;
  int calls_ = 0;
};

std::unique_ptr<Store> open_store(const std::string& dir, FileIo* io = nullptr) {
  store::StoreOptions o;
  o.data_dir = dir;
  o.io = io;
  auto s = Store::open(o);
  EXPECT_TRUE(s.is_ok()) << s.status().to_string();
  return s.is_ok() ? std::move(*s) : nullptr;
}

std::string add_file(Store& st, const std::string& ws, const std::string& name,
                     const std::string& content) {
  store::FileRecord meta;
  meta.workspace = ws;
  meta.filename = name;
  auto f = st.add_file(meta, content);
  EXPECT_TRUE(f.is_ok()) << f.status().to_string();
  return f.is_ok() ? f->id : "";
}

// Every file record of `ws` has its bytes, of the recorded size; no temporary blob is left
// anywhere under the data directory (unless `temps_allowed`: a store still running on a full
// disk could not clean up yet; its next open does). Returns the number of records.
size_t check_files_consistent(Store& st, const std::string& ws, bool temps_allowed = false) {
  auto page = st.list_files(ws, store::FileQuery{});
  EXPECT_TRUE(page.is_ok());
  if (!page.is_ok()) return 0;
  for (const store::FileRecord& f : page->data) {
    const std::string path = st.file_path(f);
    EXPECT_TRUE(fs::exists(path)) << "record without bytes: " << f.id;
    if (fs::exists(path)) {
      EXPECT_EQ(static_cast<int64_t>(fs::file_size(path)), f.bytes) << f.id;
    }
  }
  for (const auto& e : fs::recursive_directory_iterator(st.data_dir())) {
    if (temps_allowed) break;
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos)
        << "temporary left after reopen: " << e.path();
  }
  return page->data.size();
}

// Runs `op` in a forked child whose store crashes at operation `crash_at`. Returns the child's
// exit code: 0 = the operation completed (no crash point left), kCrashed = it crashed,
// anything else = the operation failed.
int run_crashing(const std::string& dir, int crash_at, const std::function<bool(Store&)>& op) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Counting starts at Store::open: its directory creation and leftover cleanup are crash
    // points too.
    CrashingFileIo armed(crash_at);
    store::StoreOptions o;
    o.data_dir = dir;
    o.io = &armed;
    auto s = Store::open(o);
    if (!s.is_ok()) ::_exit(3);
    ::_exit(op(**s) ? 0 : 4);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Copies a prepared data directory (the state before the operation) to `to`.
void copy_dir(const std::string& from, const std::string& to) {
  fs::remove_all(to);
  fs::copy(from, to, fs::copy_options::recursive);
}

constexpr int kMaxCrashPoints = 64;

TEST(StoreCrash, UploadCrashAtEveryStepLeavesAConsistentStore) {
  testing::TempDir tmp;
  const std::string base = tmp.file("base");
  std::string acked_id;
  const std::string acked = "{\"text\":\"kept\"}\n";
  {
    auto st = open_store(base);
    ASSERT_TRUE(st);
    acked_id = add_file(*st, "ws", "kept.jsonl", acked);
  }
  const std::string content(100000, 'z');
  int crashes = 0;
  bool completed = false;
  for (int n = 1; n <= kMaxCrashPoints && !completed; ++n) {
    SCOPED_TRACE("crash at operation " + std::to_string(n));
    const std::string dir = tmp.file("run");
    copy_dir(base, dir);
    const int code = run_crashing(
        dir, n, [&](Store& st) { return !add_file(st, "ws", "new.jsonl", content).empty(); });
    ASSERT_TRUE(code == 0 || code == CrashingFileIo::kCrashed) << "exit " << code;
    completed = code == 0;
    crashes += code == CrashingFileIo::kCrashed;
    auto st = open_store(dir);
    ASSERT_TRUE(st);
    const size_t records = check_files_consistent(*st, "ws");
    auto kept = st->get_file("ws", acked_id);
    ASSERT_TRUE(kept.is_ok()) << "acknowledged file lost";
    EXPECT_EQ(testing::read_file(st->file_path(*kept)), acked);
    if (completed) {
      EXPECT_EQ(records, 2u);
    } else {
      EXPECT_LE(records, 2u);
    }
    // The reopened store works.
    EXPECT_FALSE(add_file(*st, "ws", "after.jsonl", "{\"after\":1}\n").empty());
  }
  EXPECT_TRUE(completed);
  EXPECT_GE(crashes, 3);
  std::printf("upload: %d crash points survived\n", crashes);
}

TEST(StoreCrash, ModelPublishCrashAtEveryStepIsAllOrNothing) {
  testing::TempDir tmp;
  const std::string base = tmp.file("base");
  std::string job_id;
  const std::string model_bytes(50000, 'm');
  const std::string staged_name = "model.staged";
  {
    auto st = open_store(base);
    ASSERT_TRUE(st);
    const std::string fid = add_file(*st, "ws", "t.jsonl", "{\"text\":\"a\"}\n");
    store::JobRecord job;
    job.workspace = "ws";
    job.model = "winnow-linear";
    job.training_files.push_back({fid, 1.0});
    auto created = st->create_job(job);
    ASSERT_TRUE(created.is_ok()) << created.status().to_string();
    job_id = created->id;
    testing::write_file(st->job_dir(job_id) + "/" + staged_name, model_bytes);
  }
  const std::string model_id = "ft:classifier:winnow-linear:" + store::workspace_tag("ws") +
                               ":20260101:" + job_id.substr(0, 8);
  int crashes = 0;
  bool completed = false;
  for (int n = 1; n <= kMaxCrashPoints && !completed; ++n) {
    SCOPED_TRACE("crash at operation " + std::to_string(n));
    const std::string dir = tmp.file("run");
    copy_dir(base, dir);
    const int code = run_crashing(dir, n, [&](Store& st) {
      store::ModelRecord m;
      m.id = model_id;
      m.workspace = "ws";
      m.job_id = job_id;
      m.root = "winnow-linear";
      return st
          .publish_model(m, st.job_dir(job_id) + "/" + staged_name,
                         [&](store::JobRecord& j) {
                           j.status = store::JobStatus::kSuccess;
                           j.fine_tuned_model = model_id;
                           return Status::ok();
                         })
          .is_ok();
    });
    ASSERT_TRUE(code == 0 || code == CrashingFileIo::kCrashed) << "exit " << code;
    completed = code == 0;
    crashes += code == CrashingFileIo::kCrashed;
    auto st = open_store(dir);
    ASSERT_TRUE(st);
    auto model = st->get_model("ws", model_id);
    auto job = st->get_job("ws", job_id);
    ASSERT_TRUE(job.is_ok()) << job.status().to_string();
    if (model.is_ok()) {
      const std::string path = st->model_path(*model);
      ASSERT_TRUE(fs::exists(path)) << "model record without its file";
      EXPECT_EQ(testing::read_file(path), model_bytes);
      EXPECT_EQ(job->status, store::JobStatus::kSuccess);
      EXPECT_EQ(job->fine_tuned_model.value_or(""), model_id);
    } else {
      EXPECT_FALSE(completed) << "acknowledged model lost";
      EXPECT_NE(job->status, store::JobStatus::kSuccess) << "job SUCCESS without its model";
      EXPECT_FALSE(job->fine_tuned_model.has_value());
    }
    // No model file without a record.
    auto models = st->list_models("ws");
    ASSERT_TRUE(models.is_ok());
    size_t blobs = 0;
    for (const auto& e : fs::recursive_directory_iterator(st->data_dir())) {
      if (e.is_regular_file() && e.path().parent_path().filename() == "models") ++blobs;
    }
    EXPECT_EQ(blobs, models->size()) << "orphan or missing model blobs";
    check_files_consistent(*st, "ws");
  }
  EXPECT_TRUE(completed);
  EXPECT_GE(crashes, 2);
  std::printf("model publish: %d crash points survived\n", crashes);
}

TEST(StoreCrash, JobUpdateCrashIsAllOrNothing) {
  testing::TempDir tmp;
  const std::string base = tmp.file("base");
  std::string job_id;
  size_t events_before = 0;
  {
    auto st = open_store(base);
    ASSERT_TRUE(st);
    const std::string fid = add_file(*st, "ws", "t.jsonl", "{\"text\":\"a\"}\n");
    store::JobRecord job;
    job.workspace = "ws";
    job.model = "winnow-linear";
    job.training_files.push_back({fid, 1.0});
    auto created = st->create_job(job);
    ASSERT_TRUE(created.is_ok());
    job_id = created->id;
    events_before = st->get_job("ws", job_id)->events.size();
  }
  int crashes = 0;
  bool completed = false;
  for (int n = 1; n <= kMaxCrashPoints && !completed; ++n) {
    SCOPED_TRACE("crash at operation " + std::to_string(n));
    const std::string dir = tmp.file("run");
    copy_dir(base, dir);
    const int code = run_crashing(dir, n, [&](Store& st) {
      return st
          .update_job(job_id,
                      [](store::JobRecord& j) {
                        j.status = store::JobStatus::kRunning;
                        store::JobEvent e;
                        e.data = {{"status", "RUNNING"}};
                        j.events.push_back(e);
                        j.error = "half-written marker";
                        return Status::ok();
                      })
          .is_ok();
    });
    ASSERT_TRUE(code == 0 || code == CrashingFileIo::kCrashed) << "exit " << code;
    completed = code == 0;
    crashes += code == CrashingFileIo::kCrashed;
    auto st = open_store(dir);
    ASSERT_TRUE(st);
    auto job = st->get_job("ws", job_id);
    ASSERT_TRUE(job.is_ok());
    if (job->status == store::JobStatus::kRunning) {
      EXPECT_EQ(job->events.size(), events_before + 1);
      EXPECT_EQ(job->error.value_or(""), "half-written marker");
    } else {
      EXPECT_FALSE(completed) << "acknowledged update lost";
      EXPECT_EQ(job->status, store::JobStatus::kQueued);
      EXPECT_EQ(job->events.size(), events_before);
      EXPECT_FALSE(job->error.has_value());
    }
  }
  EXPECT_TRUE(completed);
  EXPECT_GE(crashes, 1);
  std::printf("job update: %d crash points survived\n", crashes);
}

// In process: ENOSPC from operation N on (and: only the Nth operation), for every N the upload
// makes. The call reports a clear I/O error naming the cause, the store stays usable, and a
// reopen finds only acknowledged files.
TEST(StoreFaults, UploadUnderEnospcFailsCleanly) {
  for (const bool all_after : {true, false}) {
    testing::TempDir tmp;
    FaultInjectingFileIo io;
    auto st = open_store(tmp.file("data"), &io);
    ASSERT_TRUE(st);
    const std::string acked = add_file(*st, "ws", "kept.jsonl", "{\"k\":1}\n");
    // How many operations one upload makes.
    io.arm(0);
    ASSERT_FALSE(add_file(*st, "ws", "probe.jsonl", "{\"p\":1}\n").empty());
    const int64_t ops = io.calls();
    ASSERT_GE(ops, 3);
    size_t expected = 2;
    for (int64_t n = 1; n <= ops; ++n) {
      SCOPED_TRACE("fault at operation " + std::to_string(n) +
                   (all_after ? " and after" : " only"));
      io.arm(n, FaultInjectingFileIo::kAll, all_after);
      store::FileRecord meta;
      meta.workspace = "ws";
      meta.filename = "f" + std::to_string(n) + ".jsonl";
      auto r = st->add_file(meta, std::string(5000 + static_cast<size_t>(n), 'q'));
      if (r.is_ok()) {
        // Only a failed cleanup step after the commit may be survived: then it is acknowledged.
        ++expected;
        EXPECT_TRUE(st->get_file("ws", r->id).is_ok());
      } else {
        EXPECT_EQ(r.status().code(), StatusCode::kIoError);
        EXPECT_THAT(r.status().message(), ::testing::HasSubstr("No space left on device"));
      }
      EXPECT_GE(io.failures(), 1);
      io.arm(0);
      EXPECT_EQ(check_files_consistent(*st, "ws", /*temps_allowed=*/true), expected);
    }
    io.arm(0);
    EXPECT_FALSE(add_file(*st, "ws", "after.jsonl", "{\"a\":1}\n").empty());
    ++expected;
    st.reset();
    auto reopened = open_store(tmp.file("data"));
    ASSERT_TRUE(reopened);
    EXPECT_EQ(check_files_consistent(*reopened, "ws"), expected);
    auto kept = reopened->get_file("ws", acked);
    ASSERT_TRUE(kept.is_ok());
    EXPECT_EQ(testing::read_file(reopened->file_path(*kept)), "{\"k\":1}\n");
  }
}

TEST(StoreFaults, ModelUpdateAndJobUpdateUnderFailedCommitChangeNothing) {
  testing::TempDir tmp;
  FaultInjectingFileIo io;
  auto st = open_store(tmp.file("data"), &io);
  ASSERT_TRUE(st);
  const std::string fid = add_file(*st, "ws", "t.jsonl", "{\"text\":\"a\"}\n");
  store::JobRecord job;
  job.workspace = "ws";
  job.model = "winnow-linear";
  job.training_files.push_back({fid, 1.0});
  auto created = st->create_job(job);
  ASSERT_TRUE(created.is_ok());
  const std::string staged = st->job_dir(created->id) + "/model.staged";
  testing::write_file(staged, "model-bytes");
  store::ModelRecord m;
  m.id = "ft:classifier:winnow-linear:" + store::workspace_tag("ws") +
         ":20260101:" + created->id.substr(0, 8);
  m.workspace = "ws";
  m.job_id = created->id;
  m.root = "winnow-linear";

  // Publishing under a failing commit: refused, the staged file given back, nothing recorded.
  io.arm(1, FaultInjectingFileIo::kCommit);
  auto refused = st->publish_model(m, staged, nullptr);
  ASSERT_FALSE(refused.is_ok());
  EXPECT_THAT(refused.status().message(), ::testing::HasSubstr("No space left on device"));
  EXPECT_FALSE(st->get_model("ws", m.id).is_ok());
  EXPECT_TRUE(fs::exists(staged)) << "the staged model must survive a failed publish";
  io.arm(0);
  ASSERT_TRUE(st->publish_model(m, staged, nullptr).is_ok());

  // A failing commit of a model update / job update leaves the old values.
  io.arm(1, FaultInjectingFileIo::kCommit);
  EXPECT_FALSE(
      st->update_model("ws", m.id, std::optional<std::string>("renamed"), std::nullopt).is_ok());
  io.arm(1, FaultInjectingFileIo::kCommit);
  EXPECT_FALSE(st->update_job(created->id, [](store::JobRecord& j) {
                   j.status = store::JobStatus::kFailed;
                   return Status::ok();
                 }).is_ok());
  io.arm(0);
  EXPECT_FALSE(st->get_model("ws", m.id)->name.has_value());
  EXPECT_EQ(st->get_job("ws", created->id)->status, store::JobStatus::kQueued);
  st.reset();
  auto reopened = open_store(tmp.file("data"));
  ASSERT_TRUE(reopened);
  auto model = reopened->get_model("ws", m.id);
  ASSERT_TRUE(model.is_ok());
  EXPECT_EQ(testing::read_file(reopened->model_path(*model)), "model-bytes");
  EXPECT_EQ(reopened->get_job("ws", created->id)->status, store::JobStatus::kQueued);
}

}  // namespace
}  // namespace winnow::reliability
