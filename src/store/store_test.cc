#include "store/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "fixtures/store_engine.h"
#include "store/file_io.h"
#include "test_support.h"

namespace winnow::store {
namespace {

namespace fs = std::filesystem;
using winnow::testing::TempDir;

FileRecord file_meta(const std::string& workspace, const std::string& filename) {
  FileRecord meta;
  meta.workspace = workspace;
  meta.filename = filename;
  return meta;
}

size_t count_entries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

// Every test runs against both engines: SQLite in the data directory, and PostgreSQL (the
// test fixture's real server) for the records with the blobs in the data directory.
class StoreTest : public ::testing::TestWithParam<SqlEngine> {
 protected:
  void SetUp() override { WINNOW_ENGINE_DATABASE_OR_SKIP(db_, GetParam(), tmp.file("data")); }

  const std::string& store_url() const { return db_->store_url(); }

  std::unique_ptr<Store> open_store(const std::string& dir, FileIo* io = nullptr) {
    StoreOptions options;
    options.data_dir = dir;
    options.store_url = store_url();
    options.io = io;
    auto store = Store::open(options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    return store.is_ok() ? std::move(store).value() : nullptr;
  }

  TempDir tmp;
  std::unique_ptr<winnow::testing::EngineDatabase> db_;
};

const char kData[] =
    "{\"text\":\"a\",\"labels\":{\"h\":\"x\"}}\n\n{\"text\":\"b\",\"labels\":{\"h\":\"y\"}}\n";

TEST_P(StoreTest, AddsAndReadsFilesWithDerivedFields) {
  auto store = open_store(tmp.file("data"));
  auto f = store->add_file(file_meta("ws", "train.jsonl"), kData);
  ASSERT_TRUE(f.is_ok()) << f.status().to_string();
  EXPECT_TRUE(std::regex_match(
      f->id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << f->id;
  EXPECT_EQ(f->bytes, static_cast<int64_t>(sizeof kData - 1));
  EXPECT_EQ(f->num_lines, 2);
  EXPECT_EQ(f->signature.size(), 16u);
  EXPECT_GT(f->created_at, 0);
  EXPECT_EQ(winnow::testing::read_file(store->file_path(*f)), kData);

  auto got = store->get_file("ws", f->id);
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(got->filename, "train.jsonl");
  EXPECT_EQ(got->signature, f->signature);
}

TEST_P(StoreTest, OtherWorkspaceSeesNothing) {
  auto store = open_store(tmp.file("data"));
  auto f = store->add_file(file_meta("alice", "a.jsonl"), kData);
  ASSERT_TRUE(f.is_ok());
  EXPECT_EQ(store->get_file("bob", f->id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->delete_file("bob", f->id).code(), StatusCode::kNotFound);
  EXPECT_EQ(store->list_files("bob", {})->total, 0);
  JobRecord job;
  job.workspace = "bob";
  job.model = "winnow-linear";
  job.training_files = {{f->id, 1.0}};
  EXPECT_EQ(store->create_job(job).status().code(), StatusCode::kNotFound);
  job.workspace = "alice";
  auto created = store->create_job(job);
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_EQ(store->get_job("bob", created->id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store->get_job("alice", created->id).is_ok());
}

TEST_P(StoreTest, DeduplicatesSameNameAndContentPerWorkspace) {
  auto store = open_store(tmp.file("data"));
  auto a = store->add_file(file_meta("ws", "t.jsonl"), kData);
  auto b = store->add_file(file_meta("ws", "t.jsonl"), kData);
  auto c = store->add_file(file_meta("ws", "other.jsonl"), kData);
  auto d = store->add_file(file_meta("ws2", "t.jsonl"), kData);
  ASSERT_TRUE(a.is_ok() && b.is_ok() && c.is_ok() && d.is_ok());
  EXPECT_EQ(a->id, b->id);
  EXPECT_NE(a->id, c->id);
  EXPECT_NE(a->id, d->id);
  EXPECT_EQ(store->list_files("ws", {})->total, 2);
  EXPECT_EQ(count_entries(tmp.file("data/files")), 3u);
}

TEST_P(StoreTest, ListsFilesNewestFirstWithFiltersAndPaging) {
  auto store = open_store(tmp.file("data"));
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    FileRecord meta = file_meta("ws", "file" + std::to_string(i) + (i % 2 ? ".jsonl" : ".txt"));
    if (i == 4) meta.purpose = "batch";
    auto f = store->add_file(meta, "line " + std::to_string(i) + "\n");
    ASSERT_TRUE(f.is_ok());
    ids.push_back(f->id);
  }
  FileQuery q;
  q.page_size = 2;
  auto page0 = store->list_files("ws", q);
  ASSERT_TRUE(page0.is_ok());
  EXPECT_EQ(page0->total, 5);
  ASSERT_EQ(page0->data.size(), 2u);
  EXPECT_EQ(page0->data[0].id, ids[4]);
  EXPECT_EQ(page0->data[1].id, ids[3]);
  q.page = 2;
  auto page2 = store->list_files("ws", q);
  ASSERT_EQ(page2->data.size(), 1u);
  EXPECT_EQ(page2->data[0].id, ids[0]);

  FileQuery search;
  search.search = ".jsonl";
  EXPECT_EQ(store->list_files("ws", search)->total, 2);
  FileQuery purpose;
  purpose.purpose = "batch";
  auto batch = store->list_files("ws", purpose);
  ASSERT_EQ(batch->data.size(), 1u);
  EXPECT_EQ(batch->data[0].id, ids[4]);
  FileQuery sources;
  sources.sources = {"repository"};
  EXPECT_EQ(store->list_files("ws", sources)->total, 0);
  FileQuery bad;
  bad.page = -1;
  EXPECT_EQ(store->list_files("ws", bad).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreTest, DeletedFileStaysReadableByItsJob) {
  auto store = open_store(tmp.file("data"));
  auto f = store->add_file(file_meta("ws", "t.jsonl"), kData);
  ASSERT_TRUE(f.is_ok());
  JobRecord draft;
  draft.workspace = "ws";
  draft.model = "winnow-linear";
  draft.training_files = {{f->id, 2.0}};
  auto job = store->create_job(draft);
  ASSERT_TRUE(job.is_ok()) << job.status().to_string();
  ASSERT_TRUE(store->delete_file("ws", f->id).is_ok());
  EXPECT_EQ(store->get_file("ws", f->id).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(store->file_path(*f)));
  EXPECT_EQ(winnow::testing::read_file(store->job_file_path(job->id, f->id)), kData);
}

TEST_P(StoreTest, ExpiredFileIsGoneThenSweptWhileItsJobKeepsItsCopy) {
  auto now = std::make_shared<int64_t>(1'000'000);
  StoreOptions options;
  options.data_dir = tmp.file("data");
  options.store_url = store_url();
  options.clock = [now] { return *now; };
  auto opened = Store::open(options);
  ASSERT_TRUE(opened.is_ok()) << opened.status().to_string();
  Store& store = **opened;

  FileRecord meta = file_meta("ws", "t.jsonl");
  meta.expires_at = *now + 3600;
  auto expiring = store.add_file(meta, kData);
  auto lasting = store.add_file(file_meta("ws", "keep.jsonl"), kData);
  ASSERT_TRUE(expiring.is_ok() && lasting.is_ok());
  EXPECT_EQ(expiring->created_at, 1'000'000);
  JobRecord draft;
  draft.workspace = "ws";
  draft.model = "winnow-linear";
  draft.training_files = {{expiring->id, 1.0}};
  auto job = store.create_job(draft);
  ASSERT_TRUE(job.is_ok()) << job.status().to_string();

  *now += 3599;  // one second before expires_at: still there, and nothing to sweep
  EXPECT_TRUE(store.get_file("ws", expiring->id).is_ok());
  EXPECT_EQ(store.list_files("ws", {})->total, 2);
  EXPECT_EQ(store.remove_expired_files().value(), 0);

  *now += 1;  // expires_at: gone for every reader, though not swept yet
  EXPECT_EQ(store.get_file("ws", expiring->id).status().code(), StatusCode::kNotFound);
  auto listed = store.list_files("ws", {});
  ASSERT_TRUE(listed.is_ok());
  EXPECT_EQ(listed->total, 1);
  ASSERT_EQ(listed->data.size(), 1u);
  EXPECT_EQ(listed->data[0].id, lasting->id);
  EXPECT_EQ(store.delete_file("ws", expiring->id).code(), StatusCode::kNotFound);
  EXPECT_EQ(store.create_job(draft).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(fs::exists(store.file_path(*expiring)));
  // The same name and content uploaded again is a new file, not the expired one.
  auto again = store.add_file(file_meta("ws", "t.jsonl"), kData);
  ASSERT_TRUE(again.is_ok());
  EXPECT_NE(again->id, expiring->id);

  EXPECT_EQ(store.remove_expired_files().value(), 1);
  EXPECT_FALSE(fs::exists(store.file_path(*expiring)));
  EXPECT_TRUE(fs::exists(store.file_path(*lasting)));
  EXPECT_EQ(store.list_files("ws", {})->total, 2);  // lasting + the new upload
  EXPECT_EQ(winnow::testing::read_file(store.job_file_path(job->id, expiring->id)), kData);
  EXPECT_EQ(store.remove_expired_files().value(), 0);
}

TEST_P(StoreTest, JobsPersistAcrossReopenWithEventsAndCheckpoints) {
  std::string job_id;
  {
    auto store = open_store(tmp.file("data"));
    auto f = store->add_file(file_meta("ws", "t.jsonl"), kData);
    JobRecord draft;
    draft.workspace = "ws";
    draft.model = "ministral-3b-latest";
    draft.training_files = {{f->id, 1.5}};
    draft.validation_files = {f->id};
    draft.hyperparameters.training_steps = 10;
    draft.suffix = "mine";
    draft.requested_targets = {{"h", {"x", "y"}, 2.0, "multi_class"}};
    auto job = store->create_job(draft);
    ASSERT_TRUE(job.is_ok()) << job.status().to_string();
    job_id = job->id;
    EXPECT_EQ(job->status, JobStatus::kQueued);
    ASSERT_EQ(job->events.size(), 1u);
    auto updated = store->update_job(job_id, [](JobRecord& j) {
      j.status = JobStatus::kValidating;
      j.events.push_back({"status-updated", {{"status", "VALIDATING"}}, 0});
      j.metadata.data_tokens = 42;
      return Status::ok();
    });
    ASSERT_TRUE(updated.is_ok()) << updated.status().to_string();
    EXPECT_EQ(updated->events.size(), 2u);
    // A refusing callback writes nothing.
    auto refused = store->update_job(job_id, [](JobRecord& j) {
      j.status = JobStatus::kFailed;
      return Status::failed_precondition("no");
    });
    EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
    JobCheckpoint cp;
    cp.step_number = 5;
    cp.train_loss = 0.5;
    ASSERT_TRUE(store->add_checkpoint(job_id, cp).is_ok());
    EXPECT_EQ(store->add_checkpoint("nope", cp).code(), StatusCode::kNotFound);
  }
  auto store = open_store(tmp.file("data"));
  auto job = store->get_job("ws", job_id);
  ASSERT_TRUE(job.is_ok()) << job.status().to_string();
  EXPECT_EQ(job->status, JobStatus::kValidating);
  EXPECT_EQ(job->model, "ministral-3b-latest");
  ASSERT_EQ(job->events.size(), 2u);
  EXPECT_EQ(job->events[1].data["status"], "VALIDATING");
  EXPECT_EQ(job->metadata.data_tokens, 42);
  ASSERT_EQ(job->training_files.size(), 1u);
  EXPECT_EQ(job->training_files[0].weight, 1.5);
  EXPECT_EQ(job->hyperparameters.training_steps, 10);
  EXPECT_EQ(job->suffix, "mine");
  ASSERT_EQ(job->requested_targets.size(), 1u);
  EXPECT_EQ(job->requested_targets[0].loss_function, "multi_class");
  ASSERT_EQ(job->checkpoints.size(), 1u);
  EXPECT_EQ(job->checkpoints[0].step_number, 5);
  EXPECT_EQ(job->checkpoints[0].train_loss, 0.5);
  EXPECT_FALSE(job->checkpoints[0].valid_loss.has_value());
  auto ids = store->job_ids_with_status({JobStatus::kValidating});
  ASSERT_TRUE(ids.is_ok());
  EXPECT_EQ(*ids, std::vector<std::string>{job_id});
  EXPECT_EQ(store->count_jobs_by_status().value()["VALIDATING"], 1);
}

TEST_P(StoreTest, ListsJobsWithFilters) {
  auto store = open_store(tmp.file("data"));
  auto f = store->add_file(file_meta("ws", "t.jsonl"), kData);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    JobRecord draft;
    draft.workspace = "ws";
    draft.model = i == 2 ? "winnow-linear" : "ministral-3b-latest";
    draft.training_files = {{f->id, 1.0}};
    if (i == 1) {
      draft.suffix = "s1";
      draft.integrations = nlohmann::json::array({{{"type", "wandb"}, {"project", "p"}}});
    }
    ids.push_back(store->create_job(draft)->id);
  }
  JobQuery all;
  auto page = store->list_jobs("ws", all);
  ASSERT_TRUE(page.is_ok());
  EXPECT_EQ(page->total, 3);
  EXPECT_EQ(page->data[0].id, ids[2]);
  EXPECT_TRUE(page->data[0].events.empty());
  JobQuery by_model;
  by_model.model = "ministral-3b-latest";
  EXPECT_EQ(store->list_jobs("ws", by_model)->total, 2);
  JobQuery by_suffix;
  by_suffix.suffix = "s1";
  EXPECT_EQ(store->list_jobs("ws", by_suffix)->data.at(0).id, ids[1]);
  JobQuery by_project;
  by_project.wandb_project = "p";
  EXPECT_EQ(store->list_jobs("ws", by_project)->total, 1);
  JobQuery by_status;
  by_status.status = JobStatus::kRunning;
  EXPECT_EQ(store->list_jobs("ws", by_status)->total, 0);
  JobQuery future;
  future.created_after = page->data[0].created_at + 1000;
  EXPECT_EQ(store->list_jobs("ws", future)->total, 0);
  JobQuery paged;
  paged.page = 1;
  paged.page_size = 2;
  auto p1 = store->list_jobs("ws", paged);
  EXPECT_EQ(p1->total, 3);
  ASSERT_EQ(p1->data.size(), 1u);
  EXPECT_EQ(p1->data[0].id, ids[0]);
}

TEST_P(StoreTest, PublishesModelAndUpdatesJobTogether) {
  auto store = open_store(tmp.file("data"));
  auto f = store->add_file(file_meta("ws", "t.jsonl"), kData);
  JobRecord draft;
  draft.workspace = "ws";
  draft.model = "winnow-linear";
  draft.training_files = {{f->id, 1.0}};
  auto job = store->create_job(draft);
  ASSERT_TRUE(job.is_ok());
  const std::string staged = store->job_dir(job->id) + "/model.winnow";
  winnow::testing::write_file(staged, "model bytes");
  ModelRecord model;
  model.id =
      "ft:classifier:winnow-linear:" + workspace_tag("ws") + ":20260101:" + job->id.substr(0, 8);
  model.workspace = "ws";
  model.job_id = job->id;
  model.root = "winnow-linear";
  auto published = store->publish_model(model, staged, [](JobRecord& j) {
    j.status = JobStatus::kSuccess;
    j.fine_tuned_model = "x";
    return Status::ok();
  });
  ASSERT_TRUE(published.is_ok()) << published.status().to_string();
  EXPECT_EQ(winnow::testing::read_file(store->model_path(*published)), "model bytes");
  EXPECT_EQ(store->get_job("ws", job->id)->status, JobStatus::kSuccess);
  EXPECT_EQ(store->list_models("ws")->size(), 1u);
  EXPECT_EQ(store->get_model("other", model.id).status().code(), StatusCode::kNotFound);
  auto renamed =
      store->update_model("ws", model.id, std::optional<std::string>("nice"), std::nullopt);
  ASSERT_TRUE(renamed.is_ok());
  EXPECT_EQ(renamed->name, "nice");
  EXPECT_TRUE(store->set_model_archived("ws", model.id, true)->archived);
  EXPECT_TRUE(store->get_model("ws", model.id)->archived);
  ASSERT_TRUE(store->delete_model("ws", model.id).is_ok());
  EXPECT_FALSE(fs::exists(store->model_path(*published)));
  EXPECT_EQ(store->get_model("ws", model.id).status().code(), StatusCode::kNotFound);
}

TEST_P(StoreTest, OpenRemovesTemporaryAndOrphanBlobs) {
  std::string kept, job_id;
  {
    auto store = open_store(tmp.file("data"));
    kept = store->add_file(file_meta("ws", "t.jsonl"), kData)->id;
    JobRecord draft;
    draft.workspace = "ws";
    draft.model = "winnow-linear";
    draft.training_files = {{kept, 1.0}};
    job_id = store->create_job(draft)->id;
  }
  winnow::testing::write_file(tmp.file("data/files/abc.tmp-123"), "torn");
  winnow::testing::write_file(tmp.file("data/files/11111111-orphan"), "never recorded");
  winnow::testing::write_file(tmp.file("data/models/x.winnow.tmp-9"), "torn");
  fs::create_directories(tmp.file("data/jobs/uncommitted/files"));
  fs::create_directories(tmp.file("data/jobs/" + job_id + "/clean"));
  winnow::testing::write_file(tmp.file("data/jobs/" + job_id + "/clean/x.jsonl.tmp-clean"), "torn");
  winnow::testing::write_file(tmp.file("data/jobs/" + job_id + "/model.winnow.tmp-1"), "torn");
  auto store = open_store(tmp.file("data"));
  EXPECT_EQ(count_entries(tmp.file("data/files")), 1u);
  EXPECT_TRUE(fs::exists(tmp.file("data/files/" + kept)));
  EXPECT_EQ(count_entries(tmp.file("data/models")), 0u);
  EXPECT_FALSE(fs::exists(tmp.file("data/jobs/uncommitted")));
  EXPECT_EQ(count_entries(tmp.file("data/jobs/" + job_id + "/clean")), 0u);
  EXPECT_FALSE(fs::exists(tmp.file("data/jobs/" + job_id + "/model.winnow.tmp-1")));
  EXPECT_TRUE(fs::exists(store->job_file_path(job_id, kept)));
}

TEST_P(StoreTest, FailedUploadLeavesNoRecordAndNoBlob) {
  FaultInjectingFileIo io;
  auto store = open_store(tmp.file("data"), &io);
  // Each step of the write path in turn: the blob write (torn), rename, directory fsync, commit.
  const unsigned kinds[] = {FaultInjectingFileIo::kWrite, FaultInjectingFileIo::kRename,
                            FaultInjectingFileIo::kFsyncDir, FaultInjectingFileIo::kCommit};
  for (unsigned kind : kinds) {
    io.arm(1, kind);
    auto f = store->add_file(file_meta("ws", "t.jsonl"), kData);
    EXPECT_EQ(f.status().code(), StatusCode::kIoError) << kind;
    EXPECT_EQ(io.failures(), 1) << kind;
    EXPECT_EQ(store->list_files("ws", {})->total, 0) << kind;
    EXPECT_EQ(count_entries(tmp.file("data/files")), 0u) << kind;
  }
  io.arm(0);
  auto f = store->add_file(file_meta("ws", "t.jsonl"), kData);
  ASSERT_TRUE(f.is_ok()) << f.status().to_string();
  EXPECT_EQ(winnow::testing::read_file(store->file_path(*f)), kData);
}

TEST_P(StoreTest, FailedJobCreationOrPublicationLeavesNothingHalfDone) {
  FaultInjectingFileIo io;
  auto store = open_store(tmp.file("data"), &io);
  auto f = store->add_file(file_meta("ws", "t.jsonl"), kData);
  ASSERT_TRUE(f.is_ok());
  JobRecord draft;
  draft.workspace = "ws";
  draft.model = "winnow-linear";
  draft.training_files = {{f->id, 1.0}};
  for (unsigned kind : {FaultInjectingFileIo::kLink, FaultInjectingFileIo::kCommit}) {
    io.arm(1, kind);
    EXPECT_EQ(store->create_job(draft).status().code(), StatusCode::kIoError) << kind;
    EXPECT_EQ(store->list_jobs("ws", {})->total, 0) << kind;
    EXPECT_EQ(count_entries(tmp.file("data/jobs")), 0u) << kind;
  }
  io.arm(0);
  auto job = store->create_job(draft);
  ASSERT_TRUE(job.is_ok());
  const std::string staged = store->job_dir(job->id) + "/model.winnow";
  winnow::testing::write_file(staged, "model bytes");
  ModelRecord model;
  model.id =
      "ft:classifier:winnow-linear:" + workspace_tag("ws") + ":20260101:" + job->id.substr(0, 8);
  model.workspace = "ws";
  model.job_id = job->id;
  model.root = "winnow-linear";
  auto to_success = [](JobRecord& j) {
    j.status = JobStatus::kSuccess;
    return Status::ok();
  };
  io.arm(1, FaultInjectingFileIo::kCommit);
  EXPECT_EQ(store->publish_model(model, staged, to_success).status().code(), StatusCode::kIoError);
  EXPECT_TRUE(store->list_models("ws")->empty());
  EXPECT_EQ(store->get_job("ws", job->id)->status, JobStatus::kQueued);
  EXPECT_EQ(count_entries(tmp.file("data/models")), 0u);
  EXPECT_EQ(winnow::testing::read_file(staged), "model bytes");  // given back for a retry
  io.arm(0);
  ASSERT_TRUE(store->publish_model(model, staged, to_success).is_ok());
  EXPECT_EQ(store->get_job("ws", job->id)->status, JobStatus::kSuccess);
}

TEST(StoreIds, WorkspaceTagIsEightHexDigits) {
  EXPECT_TRUE(std::regex_match(workspace_tag("default"), std::regex("[0-9a-f]{8}")));
  EXPECT_EQ(workspace_tag("a"), workspace_tag("a"));
  EXPECT_NE(workspace_tag("a"), workspace_tag("b"));
}

INSTANTIATE_TEST_SUITE_P(, StoreTest, ::testing::ValuesIn(winnow::testing::kStoreEngines),
                         winnow::testing::EngineTestName());

}  // namespace
}  // namespace winnow::store
