#include "jobs/job_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <optional>
#include <regex>
#include <system_error>
#include <thread>

#include "store/store.h"
#include "test_support.h"
#include "winnow/classifier.h"

namespace winnow::jobs {
namespace {

using store::JobRecord;
using store::JobStatus;
using winnow::testing::TempDir;

// A separable sentiment set: positive words vs negative words, a few variants each.
std::string dataset(int n, int offset = 0) {
  const char* good[] = {"good", "great", "happy", "lovely", "nice"};
  const char* bad[] = {"bad", "awful", "sad", "horrible", "nasty"};
  std::string out;
  for (int i = offset; i < offset + n; ++i) {
    const bool pos = i % 2 == 0;
    const char* w = pos ? good[i % 5] : bad[i % 5];
    out += "{\"text\":\"a " + std::string(w) + " thing number " + std::to_string(i) +
           "\",\"labels\":{\"sentiment\":\"" + (pos ? "positive" : "negative") + "\"}}\n";
  }
  return out;
}

class JobServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open() {
    store::StoreOptions options;
    options.data_dir = tmp_.file("data");
    // The wall clock moved by clock_offset_s_ (tests of expiry move time forward).
    options.clock = [this] { return static_cast<int64_t>(std::time(nullptr)) + clock_offset_s_; };
    auto s = store::Store::open(options);
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    store_ = std::move(s).value();
  }

  void start_service(int workers = 1, int64_t file_sweep_interval_ms = 60'000) {
    JobServiceOptions options;
    options.workers = workers;
    options.train_threads = 1;
    options.file_sweep_interval_ms = file_sweep_interval_ms;
    service_ = std::make_unique<JobService>(*store_, options);
    ASSERT_TRUE(service_->start().is_ok());
  }

  std::string upload(const std::string& name, const std::string& content,
                     const std::string& workspace = "ws",
                     std::optional<int64_t> expires_at = std::nullopt) {
    store::FileRecord meta;
    meta.workspace = workspace;
    meta.filename = name;
    meta.expires_at = expires_at;
    auto f = store_->add_file(meta, content);
    EXPECT_TRUE(f.is_ok()) << f.status().to_string();
    return f.is_ok() ? f->id : "";
  }

  JobRecord draft(const std::string& train, const std::vector<std::string>& valid = {}) {
    JobRecord j;
    j.workspace = "ws";
    j.model = "ministral-3b-latest";
    j.training_files = {{train, 1.0}};
    j.validation_files = valid;
    j.hyperparameters.training_steps = 20;
    return j;
  }

  // Polls until the job leaves `passing` (a generous bound only guards against hangs).
  JobRecord wait_while(const std::string& id, std::vector<JobStatus> passing) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      auto job = store_->get_job("ws", id);
      EXPECT_TRUE(job.is_ok());
      if (!job.is_ok()) return {};
      const bool waiting = std::find(passing.begin(), passing.end(), job->status) != passing.end();
      if (!waiting || std::chrono::steady_clock::now() > deadline) return std::move(job).value();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  JobRecord wait_validation(const std::string& id) {
    return wait_while(id, {JobStatus::kQueued, JobStatus::kValidating});
  }
  JobRecord wait_training(const std::string& id) {
    return wait_while(id,
                      {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kCancellationRequested});
  }

  // Polls until `done()` holds (a generous bound only guards against hangs); returns done().
  static bool eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
  }

  // Moves a stored job along `path` (an event per status) as a service that then stopped
  // abruptly would have left it.
  void advance(const std::string& id, const std::vector<JobStatus>& path) {
    auto moved = store_->update_job(id, [&](JobRecord& j) {
      for (JobStatus st : path) {
        j.events.push_back({"status-updated", {{"status", store::job_status_name(st)}}, 0});
        j.status = st;
      }
      return Status::ok();
    });
    ASSERT_TRUE(moved.is_ok()) << moved.status().to_string();
  }

  bool dir_gone(const std::string& job_id) const {
    return !std::filesystem::exists(store_->job_dir(job_id));
  }

  static std::vector<std::string> event_statuses(const JobRecord& job) {
    std::vector<std::string> out;
    for (const store::JobEvent& e : job.events) out.push_back(e.data.value("status", ""));
    return out;
  }

  TempDir tmp_;
  std::atomic<int64_t> clock_offset_s_{0};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<JobService> service_;
};

TEST_F(JobServiceTest, ValidatesStopsAtValidatedThenTrainsAndPublishes) {
  start_service();
  const std::string train = upload("training_file.jsonl", dataset(40));
  const std::string valid = upload("validation_file.jsonl", dataset(10, 40));
  auto created = service_->create(draft(train, {valid}));
  ASSERT_TRUE(created.is_ok()) << created.status().to_string();
  EXPECT_EQ(created->status, JobStatus::kQueued);

  JobRecord job = wait_validation(created->id);
  ASSERT_EQ(job.status, JobStatus::kValidated) << job.error.value_or("");
  EXPECT_EQ(event_statuses(job), (std::vector<std::string>{"QUEUED", "VALIDATING", "VALIDATED"}));
  ASSERT_EQ(job.classifier_targets.size(), 1u);
  EXPECT_EQ(job.classifier_targets[0].name, "sentiment");
  EXPECT_EQ(job.classifier_targets[0].labels, (std::vector<std::string>{"positive", "negative"}));
  EXPECT_EQ(job.classifier_targets[0].loss_function, "single_class");
  EXPECT_EQ(job.metadata.train_tokens_per_step, 32768);
  EXPECT_EQ(job.metadata.train_tokens, 20 * 32768);
  EXPECT_EQ(job.metadata.data_tokens, 40 * 5);  // "a <word> thing number <i>"
  EXPECT_EQ(job.metadata.cost_currency, "EUR");
  EXPECT_TRUE(job.metadata.expected_duration_seconds.has_value());
  ASSERT_TRUE(job.hyperparameters.epochs.has_value());
  EXPECT_NEAR(*job.hyperparameters.epochs, 20.0 * 32768 / 200, 1e-6);
  EXPECT_TRUE(job.checkpoints.empty());

  auto started = service_->start_job("ws", job.id);
  ASSERT_TRUE(started.is_ok()) << started.status().to_string();
  EXPECT_TRUE(started->metadata.estimated_start_time.has_value());
  job = wait_training(job.id);
  ASSERT_EQ(job.status, JobStatus::kSuccess) << job.error.value_or("");
  EXPECT_EQ(event_statuses(job),
            (std::vector<std::string>{"QUEUED", "VALIDATING", "VALIDATED", "RUNNING", "SUCCESS"}));
  ASSERT_TRUE(job.fine_tuned_model.has_value());
  EXPECT_TRUE(std::regex_match(
      *job.fine_tuned_model,
      std::regex("ft:classifier:ministral-3b-latest:" + store::workspace_tag("ws") +
                 ":20[0-9]{6}:" + job.id.substr(0, 8))))
      << *job.fine_tuned_model;
  EXPECT_EQ(job.trained_tokens, 20 * 32768);
  ASSERT_FALSE(job.checkpoints.empty());
  EXPECT_LE(job.checkpoints.size(), 20u);
  EXPECT_EQ(job.checkpoints.back().step_number, 20);
  EXPECT_TRUE(job.checkpoints.back().valid_loss.has_value());
  EXPECT_TRUE(job.checkpoints.back().valid_accuracy.has_value());
  EXPECT_TRUE(job.checkpoints.back().valid_macro_roc_auc.has_value());

  auto model = store_->get_model("ws", *job.fine_tuned_model);
  ASSERT_TRUE(model.is_ok()) << model.status().to_string();
  EXPECT_EQ(model->job_id, job.id);
  EXPECT_EQ(model->root, "ministral-3b-latest");
  auto clf = Classifier::load(store_->model_path(*model));
  ASSERT_TRUE(clf.is_ok()) << clf.status().to_string();
  ASSERT_EQ(clf->heads().size(), 1u);
  const Classification c = clf->classify("a lovely happy thing");
  EXPECT_GT(c.scores[0][static_cast<size_t>(clf->heads()[0].label_index("positive"))], 0.5f);
  EXPECT_EQ(service_->jobs_by_status()["SUCCESS"], 1);
}

TEST_F(JobServiceTest, AutoStartWithoutValidationFilesWritesStepCheckpoints) {
  start_service();
  const std::string train = upload("t.jsonl", dataset(30));
  JobRecord d = draft(train);
  d.auto_start = true;
  d.hyperparameters.training_steps = 45;
  auto created = service_->create(d);
  ASSERT_TRUE(created.is_ok());
  JobRecord job = wait_while(created->id, {JobStatus::kQueued, JobStatus::kValidating,
                                           JobStatus::kValidated, JobStatus::kRunning});
  ASSERT_EQ(job.status, JobStatus::kSuccess) << job.error.value_or("");
  EXPECT_EQ(event_statuses(job),
            (std::vector<std::string>{"QUEUED", "VALIDATING", "VALIDATED", "RUNNING", "SUCCESS"}));
  ASSERT_FALSE(job.checkpoints.empty());
  EXPECT_LE(job.checkpoints.size(), 20u);
  EXPECT_EQ(job.checkpoints.back().step_number, 45);
  for (const store::JobCheckpoint& cp : job.checkpoints) {
    EXPECT_TRUE(cp.train_loss.has_value());
    EXPECT_FALSE(cp.valid_loss.has_value());
    EXPECT_FALSE(cp.valid_accuracy.has_value());
  }
}

TEST_F(JobServiceTest, FinishedJobsLeaveNoWorkingCopyButTheirModelsWork) {
  start_service();
  const std::string train = upload("t.jsonl", dataset(30));
  const std::string valid = upload("v.jsonl", dataset(10, 30));

  // SUCCESS without validation files: the whole directory goes; the model still classifies.
  JobRecord plain = draft(train);
  plain.auto_start = true;
  auto created = service_->create(plain);
  ASSERT_TRUE(created.is_ok());
  const std::vector<JobStatus> unfinished = {JobStatus::kQueued, JobStatus::kValidating,
                                             JobStatus::kValidated, JobStatus::kRunning};
  JobRecord job = wait_while(created->id, unfinished);
  ASSERT_EQ(job.status, JobStatus::kSuccess) << job.error.value_or("");
  EXPECT_TRUE(eventually([&] { return dir_gone(job.id); }));
  auto model = store_->get_model("ws", *job.fine_tuned_model);
  ASSERT_TRUE(model.is_ok());
  auto clf = Classifier::load(store_->model_path(*model));
  ASSERT_TRUE(clf.is_ok()) << clf.status().to_string();
  const Classification c = clf->classify("a lovely happy thing");
  EXPECT_GT(c.scores[0][static_cast<size_t>(clf->heads()[0].label_index("positive"))], 0.5f);

  // SUCCESS with a validation file and a skipped bad line (a cleaned copy): only the validation
  // file's copy stays, for the model's metrics.
  std::string noisy = dataset(29);
  noisy += "not json\n";
  const std::string noisy_train = upload("noisy.jsonl", noisy);
  JobRecord with_valid = draft(noisy_train, {valid});
  with_valid.auto_start = true;
  with_valid.invalid_sample_skip_percentage = 0.1;
  created = service_->create(with_valid);
  ASSERT_TRUE(created.is_ok());
  job = wait_while(created->id, unfinished);
  ASSERT_EQ(job.status, JobStatus::kSuccess) << job.error.value_or("");
  const std::string dir = store_->job_dir(job.id);
  // release_job_files empties the directory first and files/ last: wait for both.
  EXPECT_TRUE(eventually([&] {
    return winnow::testing::dir_entries(dir).size() == 1 &&
           winnow::testing::dir_entries(dir + "/files").size() == 1;
  })) << dir;
  EXPECT_EQ(winnow::testing::dir_entries(dir), std::vector<std::string>{"files"});
  EXPECT_EQ(winnow::testing::dir_entries(dir + "/files"), std::vector<std::string>{valid});
  EXPECT_EQ(winnow::testing::read_file(store_->job_file_path(job.id, valid)), dataset(10, 30));
  model = store_->get_model("ws", *job.fine_tuned_model);
  ASSERT_TRUE(model.is_ok());
  EXPECT_TRUE(Classifier::load(store_->model_path(*model)).is_ok());

  // FAILED_VALIDATION and a cancel before training: the directory goes.
  const std::string bad = upload("bad.jsonl", "not json\n");
  created = service_->create(draft(bad));
  ASSERT_TRUE(created.is_ok());
  ASSERT_EQ(wait_validation(created->id).status, JobStatus::kFailedValidation);
  EXPECT_TRUE(eventually([&] { return dir_gone(created->id); }));
  JobRecord waiting = draft(train);
  waiting.hyperparameters.training_steps = 7;
  created = service_->create(waiting);
  ASSERT_TRUE(created.is_ok());
  ASSERT_EQ(wait_validation(created->id).status, JobStatus::kValidated);
  EXPECT_FALSE(dir_gone(created->id));
  ASSERT_TRUE(service_->cancel("ws", created->id).is_ok());
  EXPECT_TRUE(eventually([&] { return dir_gone(created->id); }));
}

TEST_F(JobServiceTest, BadLineFailsValidationNamingFileLineAndField) {
  start_service();
  std::string data = dataset(4);
  data += "{\"text\":\"x\",\"labels\":{\"sentiment\":3}}\n";
  const std::string train = upload("training_file.jsonl", data);
  auto created = service_->create(draft(train));
  ASSERT_TRUE(created.is_ok());
  JobRecord job = wait_validation(created->id);
  ASSERT_EQ(job.status, JobStatus::kFailedValidation);
  ASSERT_TRUE(job.error.has_value());
  EXPECT_NE(job.error->find("training_file.jsonl (file " + train + ") line 5: labels.sentiment"),
            std::string::npos)
      << *job.error;
  ASSERT_EQ(job.events.size(), 3u);
  EXPECT_EQ(job.events[2].data["status"], "FAILED_VALIDATION");
  EXPECT_EQ(job.events[2].data["error"], *job.error);
  EXPECT_EQ(service_->start_job("ws", job.id).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->cancel("ws", job.id).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(JobServiceTest, SkipsInvalidLinesWithinThePercentageAndTrainsOnTheRest) {
  start_service();
  std::string data = dataset(39);
  data += "not json\n";
  const std::string train = upload("t.jsonl", data);
  JobRecord strict = draft(train);
  strict.invalid_sample_skip_percentage = 0.01;  // 1 of 40 is 2.5%: too many
  auto failed = service_->create(strict);
  ASSERT_TRUE(failed.is_ok());
  JobRecord job = wait_validation(failed->id);
  ASSERT_EQ(job.status, JobStatus::kFailedValidation);
  EXPECT_NE(job.error->find("1 of 40 training lines are invalid"), std::string::npos) << *job.error;
  EXPECT_NE(job.error->find("line 40: line is not valid JSON"), std::string::npos) << *job.error;

  JobRecord lenient = draft(train);
  lenient.invalid_sample_skip_percentage = 0.05;
  lenient.auto_start = true;
  auto ok = service_->create(lenient);
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  job = wait_while(ok->id, {JobStatus::kQueued, JobStatus::kValidating, JobStatus::kValidated,
                            JobStatus::kRunning});
  ASSERT_EQ(job.status, JobStatus::kSuccess) << job.error.value_or("");
  EXPECT_EQ(job.metadata.data_tokens, 39 * 5);
}

TEST_F(JobServiceTest, RequestedTargetsAreTheUniverse) {
  start_service();
  const std::string train = upload("t.jsonl", dataset(20));
  JobRecord d = draft(train);
  d.requested_targets = {{"sentiment", {"negative", "neutral", "positive"}, 2.0, "multi_class"}};
  d.auto_start = true;
  auto created = service_->create(d);
  ASSERT_TRUE(created.is_ok());
  JobRecord job = wait_while(created->id, {JobStatus::kQueued, JobStatus::kValidating,
                                           JobStatus::kValidated, JobStatus::kRunning});
  ASSERT_EQ(job.status, JobStatus::kSuccess) << job.error.value_or("");
  ASSERT_EQ(job.classifier_targets.size(), 1u);
  EXPECT_EQ(job.classifier_targets[0].labels,
            (std::vector<std::string>{"negative", "neutral", "positive"}));
  EXPECT_EQ(job.classifier_targets[0].loss_function, "multi_class");
  EXPECT_EQ(job.classifier_targets[0].weight, 2.0);
  auto published = store_->get_model("ws", *job.fine_tuned_model);
  ASSERT_TRUE(published.is_ok());
  auto clf = Classifier::load(store_->model_path(*published));
  ASSERT_TRUE(clf.is_ok());
  EXPECT_TRUE(clf->heads()[0].multi_label);
  EXPECT_EQ(clf->heads()[0].labels, job.classifier_targets[0].labels);

  // A label outside the targets is an invalid sample.
  JobRecord narrow = draft(train);
  narrow.requested_targets = {{"sentiment", {"positive", "neutral"}, 1.0, ""}};
  auto bad = service_->create(narrow);
  ASSERT_TRUE(bad.is_ok());
  job = wait_validation(bad->id);
  ASSERT_EQ(job.status, JobStatus::kFailedValidation);
  EXPECT_NE(job.error->find("line 2: labels.sentiment: label 'negative'"), std::string::npos)
      << *job.error;
}

TEST_F(JobServiceTest, CancelStopsARunningJobWithoutAModel) {
  start_service();
  const std::string train = upload("t.jsonl", dataset(40));
  JobRecord d = draft(train);
  d.auto_start = true;
  d.hyperparameters.training_steps = 10000000;
  auto created = service_->create(d);
  ASSERT_TRUE(created.is_ok());
  JobRecord job =
      wait_while(created->id, {JobStatus::kQueued, JobStatus::kValidating, JobStatus::kValidated});
  ASSERT_EQ(job.status, JobStatus::kRunning);
  auto cancelled = service_->cancel("ws", job.id);
  ASSERT_TRUE(cancelled.is_ok()) << cancelled.status().to_string();
  EXPECT_EQ(cancelled->status, JobStatus::kCancellationRequested);
  job = wait_training(job.id);
  ASSERT_EQ(job.status, JobStatus::kCancelled);
  EXPECT_EQ(event_statuses(job),
            (std::vector<std::string>{"QUEUED", "VALIDATING", "VALIDATED", "RUNNING",
                                      "CANCELLATION_REQUESTED", "CANCELLED"}));
  EXPECT_FALSE(job.fine_tuned_model.has_value());
  EXPECT_TRUE(store_->list_models("ws")->empty());
  EXPECT_TRUE(eventually([&] { return dir_gone(job.id); }));
}

TEST_F(JobServiceTest, CancelBeforeTrainingAndStateErrors) {
  start_service();
  const std::string train = upload("t.jsonl", dataset(10));
  auto created = service_->create(draft(train));
  ASSERT_TRUE(created.is_ok());
  JobRecord job = wait_validation(created->id);
  ASSERT_EQ(job.status, JobStatus::kValidated);
  auto cancelled = service_->cancel("ws", job.id);
  ASSERT_TRUE(cancelled.is_ok());
  EXPECT_EQ(cancelled->status, JobStatus::kCancelled);
  EXPECT_EQ(service_->start_job("ws", job.id).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(service_->cancel("other", job.id).status().code(), StatusCode::kNotFound);
}

TEST_F(JobServiceTest, RefusesUnknownModelMissingFileAndDuplicates) {
  // Not started: jobs stay QUEUED, so the duplicate check sees an active job.
  service_ = std::make_unique<JobService>(*store_, JobServiceOptions{});
  const std::string train = upload("t.jsonl", dataset(10));
  JobRecord d = draft(train);
  d.model = "gpt-5";
  EXPECT_EQ(service_->create(d).status().code(), StatusCode::kInvalidArgument);
  d = draft("00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(service_->create(d).status().code(), StatusCode::kNotFound);
  const std::string other = upload("t.jsonl", dataset(10), "someone-else");
  EXPECT_EQ(service_->create(draft(other)).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(service_->create(draft(train)).is_ok());
  EXPECT_EQ(service_->create(draft(train)).status().code(), StatusCode::kAlreadyExists);
  JobRecord different = draft(train);
  different.hyperparameters.training_steps = 21;
  EXPECT_TRUE(service_->create(different).is_ok());
  for (const BaseModel& b : service_->base_models()) {
    JobRecord any = draft(train);
    any.model = b.id;
    any.suffix = "s";
    EXPECT_TRUE(service_->create(any).is_ok()) << b.id;
  }
}

TEST_F(JobServiceTest, ExpiredFilesAreSweptAtStartAndPeriodically) {
  const int64_t now = store_->now();
  const std::string expired = upload("old.jsonl", dataset(10), "ws", now - 1);
  const std::string expiring = upload("soon.jsonl", dataset(10), "ws", now + 3600);
  const std::string lasting = upload("t.jsonl", dataset(10));
  const std::string blobs = tmp_.file("data/files/");
  ASSERT_TRUE(std::filesystem::exists(blobs + expired));
  // A job made before expiry keeps its copy of the file.
  auto job = store_->create_job(draft(expiring));
  ASSERT_TRUE(job.is_ok()) << job.status().to_string();

  start_service(1, /*file_sweep_interval_ms=*/20);
  EXPECT_FALSE(std::filesystem::exists(blobs + expired));  // swept by start()
  EXPECT_TRUE(std::filesystem::exists(blobs + expiring));
  EXPECT_EQ(service_->create(draft(expired)).status().code(), StatusCode::kNotFound);

  clock_offset_s_ = 3600;  // `expiring` expires; the sweeper thread deletes it
  EXPECT_TRUE(eventually([&] { return !std::filesystem::exists(blobs + expiring); }));
  EXPECT_EQ(store_->get_file("ws", expiring).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(std::filesystem::exists(blobs + lasting));
  EXPECT_EQ(store_->list_files("ws", {})->total, 1);
  EXPECT_TRUE(std::filesystem::exists(store_->job_file_path(job->id, expiring)));
}

TEST_F(JobServiceTest, RestartCompletesARequestedCancellation) {
  const std::string train = upload("t.jsonl", dataset(10));
  auto job = store_->create_job(draft(train));
  ASSERT_TRUE(job.is_ok());
  advance(job->id, {JobStatus::kRunning, JobStatus::kCancellationRequested});
  store_.reset();
  open();
  start_service();
  auto recovered = store_->get_job("ws", job->id);
  ASSERT_TRUE(recovered.is_ok());
  EXPECT_EQ(recovered->status, JobStatus::kCancelled);
  EXPECT_FALSE(recovered->error.has_value());
  EXPECT_EQ(event_statuses(*recovered),
            (std::vector<std::string>{"QUEUED", "RUNNING", "CANCELLATION_REQUESTED", "CANCELLED"}));
  EXPECT_EQ(recovered->events.back().data["reason"], "cancelled at server restart");
  EXPECT_FALSE(recovered->fine_tuned_model.has_value());
  EXPECT_TRUE(dir_gone(job->id));  // released by start()
  EXPECT_EQ(service_->cancel("ws", job->id).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(JobServiceTest, RestartFailsRunningJobsAndRunsQueuedOnes) {
  const std::string train = upload("t.jsonl", dataset(10));
  auto running = store_->create_job(draft(train));
  ASSERT_TRUE(running.is_ok());
  advance(running->id, {JobStatus::kRunning});
  JobRecord queued_draft = draft(train);
  queued_draft.hyperparameters.training_steps = 5;
  auto queued = store_->create_job(queued_draft);
  ASSERT_TRUE(queued.is_ok());
  // As after a crash: a fresh store object on the same directory.
  store_.reset();
  open();
  start_service();
  JobRecord failed = wait_while(running->id, {JobStatus::kRunning});
  EXPECT_EQ(failed.status, JobStatus::kFailed);
  EXPECT_EQ(failed.error, "server restarted");
  EXPECT_EQ(failed.events.back().data["error"], "server restarted");
  EXPECT_TRUE(dir_gone(running->id));  // released by start()
  JobRecord validated = wait_validation(queued->id);
  EXPECT_EQ(validated.status, JobStatus::kValidated) << validated.error.value_or("");
  // A job that is not finished keeps its copy (it trains from it after /start).
  EXPECT_EQ(winnow::testing::dir_entries(store_->job_dir(queued->id) + "/files"),
            std::vector<std::string>{train});
  ASSERT_TRUE(service_->start_job("ws", queued->id).is_ok());
  JobRecord trained = wait_training(queued->id);
  EXPECT_EQ(trained.status, JobStatus::kSuccess) << trained.error.value_or("");
  EXPECT_TRUE(eventually([&] { return dir_gone(queued->id); }));
}

}  // namespace
}  // namespace winnow::jobs
