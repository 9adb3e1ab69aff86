#include "jobs/job_service.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

#include "jobs/job_validation.h"
#include "model/architecture.h"
#include "model/model_io.h"
#include "store/file_io.h"
#include "store/record_json.h"
#include "train/trainer.h"

namespace winnow::jobs {

using store::JobRecord;
using store::JobStatus;

namespace {

// Checkpoints a job writes at most (API: "at most ~20"); the trainer evaluates as often.
constexpr int kMaxCheckpoints = 20;

// The "reason" of the CANCELLED event of a job whose cancellation a restart completed.
constexpr const char* kCancelledAtRestart = "cancelled at server restart";

int64_t now_seconds() { return static_cast<int64_t>(std::time(nullptr)); }

void add_status_event(JobRecord& job, JobStatus status,
                      const std::optional<std::string>& error = std::nullopt) {
  job.status = status;
  nlohmann::json data = {{"status", store::job_status_name(status)}};
  if (error) data["error"] = *error;
  job.events.push_back({"status-updated", std::move(data), now_seconds()});
}

bool has_event(const JobRecord& job, JobStatus status) {
  const std::string_view name = store::job_status_name(status);
  return std::any_of(job.events.begin(), job.events.end(), [&](const store::JobEvent& e) {
    return e.data.is_object() && e.data.value("status", std::string()) == name;
  });
}

std::string utc_date(int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y%m%d", &tm);
  return buf;
}

// What makes two job requests "the same" for the duplicate check.
nlohmann::json job_identity(const JobRecord& j, bool with_epochs) {
  std::vector<std::pair<std::string, double>> files;
  for (const store::JobTrainingFile& f : j.training_files) files.emplace_back(f.file_id, f.weight);
  std::sort(files.begin(), files.end());
  std::vector<std::string> valid = j.validation_files;
  std::sort(valid.begin(), valid.end());
  nlohmann::json hp = store::to_json(j.hyperparameters);
  if (!with_epochs) hp.erase("epochs");
  return {{"model", j.model},
          {"training_files", files},
          {"validation_files", valid},
          {"hyperparameters", hp},
          {"suffix", j.suffix ? nlohmann::json(*j.suffix) : nlohmann::json(nullptr)},
          {"targets", store::to_json(j.requested_targets)}};
}

// One base model per row of the architecture table ("winnow-<name>"), then Mistral's names
// as aliases of the deployment's default architecture.
std::vector<BaseModel> default_base_models(const std::string& default_architecture) {
  std::vector<BaseModel> out;
  for (const Architecture& a : architectures()) {
    out.push_back(
        {"winnow-" + std::string(a.name), std::string(a.name), std::string(a.description)});
  }
  for (const std::string& alias : mistral_model_aliases()) {
    out.push_back({alias, default_architecture,
                   "Alias of winnow-" + default_architecture + " (Mistral's base model name)"});
  }
  return out;
}

}  // namespace

struct JobService::Impl {
  store::Store& store;
  JobServiceOptions options;

  std::mutex mu;  // guards everything below
  std::condition_variable wake;
  std::deque<std::string> queue;
  std::set<std::string> queued;                                            // ids in `queue`
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> cancel_flags;  // jobs training
  // Holds on jobs: a worker running one, or a release of its directory. A job's directory is
  // only removed by its last holder (see release_files).
  std::map<std::string, int> busy;
  std::set<std::string> release_wanted;  // jobs that may have finished since their last release
  std::vector<std::thread> workers;
  std::thread sweeper;                 // expired files
  std::condition_variable sweep_wake;  // stop() ends the sweeper's wait
  bool running = false;
  bool stopping = false;
  std::mutex create_mu;  // duplicate check and insert happen as one step

  Impl(store::Store& s, JobServiceOptions o) : store(s), options(std::move(o)) {
    if (options.base_models.empty()) {
      options.base_models = default_base_models(options.default_architecture);
    }
    if (options.workers < 1) options.workers = 1;
  }

  void enqueue(const std::string& id) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!queued.insert(id).second) return;
      queue.push_back(id);
    }
    wake.notify_one();
  }

  Result<std::string> architecture_of(const std::string& model) const {
    for (const BaseModel& b : options.base_models) {
      if (b.id == model) return b.architecture;
    }
    if (find_architecture(model)) return model;
    std::string known;
    for (const BaseModel& b : options.base_models) known += (known.empty() ? "" : ", ") + b.id;
    return Status::invalid_argument(
        "Model not available for this type of fine-tuning "
        "(classifier): " +
        model + " (available: " + known + ", or an architecture: " + architecture_names() + ")");
  }

  void worker_loop() {
    for (;;) {
      std::string id;
      {
        std::unique_lock<std::mutex> lock(mu);
        wake.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) return;
        id = queue.front();
        queue.pop_front();
        queued.erase(id);
        ++busy[id];
      }
      run_job(id);
      release_files(id, /*held=*/true);
    }
  }

  // To call whenever job `id` may have finished (terminal, its model published if it has one):
  // its working copy goes (Store::release_job_files: the linked input files, the cleaned copies,
  // a staged model), except a SUCCESS job's copies of its validation files, which
  // GET /v1/winnow/models/{id}/metrics evaluates on. `held`: the caller holds the job (a
  // worker that ran it) and lets go of it here. While anyone else holds the job nothing is
  // removed; the last holder to let go does it, so no directory goes while a worker uses it.
  // A failure leaves the files for the next start() to retry.
  void release_files(const std::string& id, bool held = false) {
    {
      std::lock_guard<std::mutex> lock(mu);
      release_wanted.insert(id);
      if (!held) ++busy[id];
    }
    while (let_go(id)) {
      auto job = store.load_job(id);
      if (job.is_ok() && store::is_terminal(job->status)) {
        std::vector<std::string> keep;
        if (job->status == JobStatus::kSuccess) keep = job->validation_files;
        (void)store.release_job_files(id, keep);
      }
    }
  }

  // Drops one hold on `id`. True if that was the last one and a release is wanted: the caller
  // then holds the job again, to do the release, and calls let_go() once more after it.
  bool let_go(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu);
    if (--busy[id] > 0) return false;
    if (release_wanted.erase(id)) {
      busy[id] = 1;
      return true;
    }
    busy.erase(id);
    return false;
  }

  void sweep_loop() {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      const auto interval =
          std::chrono::milliseconds(std::max<int64_t>(1, options.file_sweep_interval_ms));
      if (sweep_wake.wait_for(lock, interval, [&] { return stopping; })) return;
      lock.unlock();
      (void)store.remove_expired_files();  // a failure is retried at the next interval
      lock.lock();
    }
  }

  void run_job(const std::string& id) {
    auto job = store.load_job(id);
    if (!job.is_ok()) return;
    if (job->status == JobStatus::kValidating ||
        (job->status == JobStatus::kQueued && !has_event(*job, JobStatus::kValidated))) {
      validate(id);
    } else if (job->status == JobStatus::kQueued) {
      train(id);
    }
  }

  // Records a failure, unless the job has meanwhile left `expected` (e.g. it was cancelled).
  void fail(const std::string& id, JobStatus expected, JobStatus failed, const std::string& error) {
    (void)store.update_job(id, [&](JobRecord& j) -> Status {
      if (j.status != expected) return Status::failed_precondition("job moved on");
      j.error = error;
      add_status_event(j, failed, error);
      return Status::ok();
    });
  }

  void validate(const std::string& id) {
    auto started = store.update_job(id, [](JobRecord& j) -> Status {
      if (j.status == JobStatus::kValidating) return Status::ok();  // resumed after a restart
      if (j.status != JobStatus::kQueued) return Status::failed_precondition("not queued");
      add_status_event(j, JobStatus::kValidating);
      return Status::ok();
    });
    if (!started.is_ok()) return;
    auto outcome = validate_job_data(store, *started);
    if (!outcome.is_ok()) {
      fail(id, JobStatus::kValidating, JobStatus::kFailedValidation, outcome.status().message());
      return;
    }
    bool queue_training = false;
    auto validated = store.update_job(id, [&](JobRecord& j) -> Status {
      if (j.status != JobStatus::kValidating) return Status::failed_precondition("cancelled");
      j.classifier_targets = outcome->targets;
      j.hyperparameters.epochs = outcome->epochs;
      j.metadata.train_tokens_per_step = static_cast<int64_t>(kDefaultTokensPerStep);
      j.metadata.train_tokens = outcome->train_tokens;
      j.metadata.data_tokens = outcome->data_tokens;
      j.metadata.expected_duration_seconds = expected_duration_seconds(outcome->train_tokens);
      j.metadata.cost = 0.0;
      j.metadata.cost_currency = "EUR";
      add_status_event(j, JobStatus::kValidated);
      if (j.auto_start) {
        // As after POST /start: QUEUED without an event of its own.
        j.status = JobStatus::kQueued;
        j.metadata.estimated_start_time = now_seconds();
        queue_training = true;
      }
      return Status::ok();
    });
    if (validated.is_ok() && queue_training) enqueue(id);
  }

  void train(const std::string& id) {
    auto flag = std::make_shared<std::atomic<bool>>(false);
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stopping) return;
      cancel_flags[id] = flag;
    }
    auto unregister = [&] {
      std::lock_guard<std::mutex> lock(mu);
      cancel_flags.erase(id);
    };
    auto running_job = store.update_job(id, [](JobRecord& j) -> Status {
      if (j.status != JobStatus::kQueued) return Status::failed_precondition("not queued");
      add_status_event(j, JobStatus::kRunning);
      return Status::ok();
    });
    if (!running_job.is_ok()) {
      unregister();
      return;
    }
    const JobRecord& job = *running_job;
    int64_t total_steps = 0;
    Result<std::shared_ptr<const Model>> model = train_job(job, flag.get(), &total_steps);
    bool service_stopping = false;
    {
      std::lock_guard<std::mutex> lock(mu);
      service_stopping = stopping;
    }
    unregister();
    if (!model.is_ok()) {
      if (model.status().code() == StatusCode::kCancelled) {
        // stop(): the job stays RUNNING (or CANCELLATION_REQUESTED) and the next start()
        // marks it FAILED (or CANCELLED).
        if (!service_stopping) finish_cancelled(id);
        return;
      }
      fail(id, JobStatus::kRunning, JobStatus::kFailed, model.status().message());
      return;
    }
    publish(job, **model, total_steps);
  }

  void finish_cancelled(const std::string& id) {
    (void)store.update_job(id, [](JobRecord& j) -> Status {
      if (j.status != JobStatus::kCancellationRequested && j.status != JobStatus::kRunning) {
        return Status::failed_precondition("job moved on");
      }
      add_status_event(j, JobStatus::kCancelled);
      return Status::ok();
    });
  }

  Result<std::shared_ptr<const Model>> train_job(const JobRecord& job,
                                                 const std::atomic<bool>* cancel,
                                                 int64_t* total_steps) {
    TrainOptions o;
    for (const store::JobTrainingFile& f : job.training_files) {
      o.train_files.push_back({training_input_path(store, job.id, f.file_id), f.weight});
    }
    for (const std::string& v : job.validation_files) {
      o.validation_files.push_back(training_input_path(store, job.id, v));
    }
    WINNOW_ASSIGN_OR_RETURN(o.architecture, architecture_of(job.model));
    o.model_name = job.model;
    o.training_steps = job.hyperparameters.training_steps;
    if (!o.training_steps) o.epochs = job.hyperparameters.epochs;
    o.learning_rate = job.hyperparameters.learning_rate;
    o.weight_decay = job.hyperparameters.weight_decay.value_or(hyper::kDefaultWeightDecay);
    o.warmup_fraction = job.hyperparameters.warmup_fraction.value_or(hyper::kDefaultWarmupFraction);
    o.threads = options.train_threads;
    o.evaluations = kMaxCheckpoints;
    o.heads.heads = heads_for_targets(job.classifier_targets);
    o.cancel = cancel;
    const bool has_valid = !job.validation_files.empty();
    int64_t every = 1;
    const std::string job_id = job.id;
    o.on_event = [&, has_valid, job_id](const TrainEvent& e) {
      store::JobCheckpoint cp;
      cp.step_number = e.step;
      cp.train_loss = e.train_loss;
      switch (e.kind) {
        case TrainEvent::Kind::kFineTuning:  // before the steps the job's checkpoints count
          return;
        case TrainEvent::Kind::kStarted:
          *total_steps = e.total_steps;
          every = std::max<int64_t>(1, (e.total_steps + kMaxCheckpoints - 1) / kMaxCheckpoints);
          return;
        case TrainEvent::Kind::kStep:
          if (has_valid || (e.step % every != 0 && e.step != e.total_steps)) return;
          break;
        case TrainEvent::Kind::kEvaluated:
          cp.valid_loss = e.valid_loss;
          cp.valid_accuracy = e.valid_accuracy;
          cp.valid_macro_roc_auc = e.valid_macro_auc;
          break;
        case TrainEvent::Kind::kFinished:
          *total_steps = e.total_steps;
          return;
      }
      // NaN/inf never reach the API (it must print null).
      for (std::optional<double>* v :
           {&cp.train_loss, &cp.valid_loss, &cp.valid_accuracy, &cp.valid_macro_roc_auc}) {
        if (*v && !std::isfinite(**v)) v->reset();
      }
      (void)store.add_checkpoint(job_id, cp);  // progress only: a lost checkpoint is harmless
    };
    return train_model(o);
  }

  void publish(const JobRecord& job, const Model& model, int64_t total_steps) {
    const std::string staged = store.job_dir(job.id) + "/model.winnow";
    Status saved = save_model(model, staged);
    if (!saved.is_ok()) {
      fail(job.id, JobStatus::kRunning, JobStatus::kFailed, "saving the model: " + saved.message());
      return;
    }
    store::ModelRecord record;
    record.id = "ft:classifier:" + job.model + ":" + store::workspace_tag(job.workspace) + ":" +
                utc_date(now_seconds()) + (job.suffix ? ":" + *job.suffix : std::string()) + ":" +
                job.id.substr(0, 8);
    record.workspace = job.workspace;
    record.job_id = job.id;
    record.root = job.model;
    record.classifier_targets = job.classifier_targets;
    const int64_t trained = total_steps * static_cast<int64_t>(kDefaultTokensPerStep);
    auto published = store.publish_model(record, staged, [&](JobRecord& j) -> Status {
      if (j.status != JobStatus::kRunning) return Status::cancelled("cancellation requested");
      j.fine_tuned_model = record.id;
      j.trained_tokens = trained;
      j.metadata.train_tokens = trained;
      add_status_event(j, JobStatus::kSuccess);
      return Status::ok();
    });
    if (published.is_ok()) return;
    (void)store.io().remove(staged);
    if (published.status().code() == StatusCode::kCancelled) {
      finish_cancelled(job.id);
    } else {
      fail(job.id, JobStatus::kRunning, JobStatus::kFailed,
           "publishing the model: " + published.status().message());
    }
  }

  Status recover() {
    WINNOW_ASSIGN_OR_RETURN(
        std::vector<std::string> interrupted,
        store.job_ids_with_status({JobStatus::kRunning, JobStatus::kCancellationRequested}));
    for (const std::string& id : interrupted) {
      auto updated = store.update_job(id, [](JobRecord& j) -> Status {
        if (j.status == JobStatus::kCancellationRequested) {
          // The user asked for the stop that the restart made: the cancel is honoured.
          add_status_event(j, JobStatus::kCancelled);
          j.events.back().data["reason"] = kCancelledAtRestart;
          return Status::ok();
        }
        if (j.status != JobStatus::kRunning) return Status::failed_precondition("job moved on");
        j.error = "server restarted";
        add_status_event(j, JobStatus::kFailed, *j.error);
        return Status::ok();
      });
      if (!updated.is_ok() && updated.status().code() != StatusCode::kFailedPrecondition) {
        return updated.status();
      }
    }
    // Jobs finished before a crash (or before job directories were released) and those
    // finished just above.
    WINNOW_ASSIGN_OR_RETURN(
        std::vector<std::string> finished,
        store.job_ids_with_status({JobStatus::kFailedValidation, JobStatus::kFailed,
                                   JobStatus::kSuccess, JobStatus::kCancelled}));
    for (const std::string& id : finished) {
      std::error_code ec;
      if (std::filesystem::exists(store.job_dir(id), ec)) release_files(id);
    }
    WINNOW_ASSIGN_OR_RETURN(
        std::vector<std::string> waiting,
        store.job_ids_with_status({JobStatus::kQueued, JobStatus::kValidating}));
    for (const std::string& id : waiting) enqueue(id);
    return Status::ok();
  }

  // Active jobs of a workspace (QUEUED..RUNNING), all pages.
  Result<std::vector<JobRecord>> active_jobs(const std::string& workspace) {
    std::vector<JobRecord> out;
    for (JobStatus s :
         {JobStatus::kQueued, JobStatus::kValidating, JobStatus::kValidated, JobStatus::kRunning}) {
      store::JobQuery q;
      q.status = s;
      q.page_size = 500;
      for (q.page = 0;; ++q.page) {
        WINNOW_ASSIGN_OR_RETURN(store::Page<JobRecord> page, store.list_jobs(workspace, q));
        for (JobRecord& j : page.data) out.push_back(std::move(j));
        if (static_cast<int64_t>(page.data.size()) < q.page_size) break;
      }
    }
    return out;
  }
};

JobService::JobService(store::Store& store, JobServiceOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}

JobService::~JobService() { stop(); }

Status JobService::start() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->running) return Status::failed_precondition("job service already started");
    impl_->stopping = false;
  }
  WINNOW_RETURN_IF_ERROR(impl_->recover());
  WINNOW_RETURN_IF_ERROR(impl_->store.remove_expired_files().status());
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->running = true;
  for (int i = 0; i < impl_->options.workers; ++i) {
    impl_->workers.emplace_back([this] { impl_->worker_loop(); });
  }
  impl_->sweeper = std::thread([this] { impl_->sweep_loop(); });
  return Status::ok();
}

void JobService::stop() {
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
    for (auto& [id, flag] : impl_->cancel_flags) flag->store(true);
    workers.swap(impl_->workers);
    if (impl_->sweeper.joinable()) workers.push_back(std::move(impl_->sweeper));
    impl_->running = false;
  }
  impl_->wake.notify_all();
  impl_->sweep_wake.notify_all();
  for (std::thread& t : workers) t.join();
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->queue.clear();
  impl_->queued.clear();
}

const std::vector<BaseModel>& JobService::base_models() const { return impl_->options.base_models; }

Result<JobRecord> JobService::create(JobRecord draft) {
  Impl& s = *impl_;
  WINNOW_RETURN_IF_ERROR(s.architecture_of(draft.model).status());
  if (draft.training_files.empty()) {
    return Status::invalid_argument("At least one training file is required.");
  }
  for (const store::JobTrainingFile& f : draft.training_files) {
    WINNOW_RETURN_IF_ERROR(s.store.get_file(draft.workspace, f.file_id).status());
  }
  for (const std::string& id : draft.validation_files) {
    WINNOW_RETURN_IF_ERROR(s.store.get_file(draft.workspace, id).status());
  }
  draft.classifier_targets.clear();
  draft.metadata = store::JobMetadata{};
  draft.fine_tuned_model.reset();
  draft.trained_tokens.reset();
  draft.error.reset();
  std::lock_guard<std::mutex> lock(s.create_mu);
  WINNOW_ASSIGN_OR_RETURN(std::vector<JobRecord> active, s.active_jobs(draft.workspace));
  if (static_cast<int64_t>(active.size()) >= s.options.max_active_jobs_per_workspace) {
    return Status::failed_precondition("too many active jobs in this workspace (" +
                                       std::to_string(active.size()) +
                                       "); wait for some to finish or cancel them");
  }
  const bool with_epochs = draft.hyperparameters.epochs.has_value();
  const nlohmann::json identity = job_identity(draft, with_epochs);
  for (const JobRecord& j : active) {
    if (job_identity(j, with_epochs) == identity) {
      return Status::already_exists("A similar job is already " +
                                    std::string(store::job_status_name(j.status)) + ": " + j.id);
    }
  }
  WINNOW_ASSIGN_OR_RETURN(JobRecord job, s.store.create_job(std::move(draft)));
  s.enqueue(job.id);
  return job;
}

Result<JobRecord> JobService::start_job(std::string_view workspace, std::string_view id) {
  WINNOW_RETURN_IF_ERROR(impl_->store.get_job(workspace, id).status());
  WINNOW_ASSIGN_OR_RETURN(JobRecord job, impl_->store.update_job(id, [](JobRecord& j) -> Status {
    if (j.status != JobStatus::kValidated) {
      return Status::failed_precondition("Job is not in VALIDATED state");
    }
    j.status = JobStatus::kQueued;  // no event: the next one is RUNNING (API J4)
    j.metadata.estimated_start_time = now_seconds();
    return Status::ok();
  }));
  impl_->enqueue(job.id);
  return job;
}

Result<JobRecord> JobService::cancel(std::string_view workspace, std::string_view id) {
  WINNOW_RETURN_IF_ERROR(impl_->store.get_job(workspace, id).status());
  WINNOW_ASSIGN_OR_RETURN(JobRecord job, impl_->store.update_job(id, [](JobRecord& j) -> Status {
    switch (j.status) {
      case JobStatus::kQueued:
      case JobStatus::kValidating:
      case JobStatus::kValidated:
        add_status_event(j, JobStatus::kCancelled);
        return Status::ok();
      case JobStatus::kRunning:
        add_status_event(j, JobStatus::kCancellationRequested);
        return Status::ok();
      case JobStatus::kCancellationRequested:
        return Status::ok();
      default:
        return Status::failed_precondition("Job is already " +
                                           std::string(store::job_status_name(j.status)));
    }
  }));
  if (job.status == JobStatus::kCancellationRequested) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->cancel_flags.find(job.id);
    if (it != impl_->cancel_flags.end()) it->second->store(true);
  } else {
    impl_->release_files(job.id);  // CANCELLED (a worker validating it releases it itself)
  }
  return job;
}

std::map<std::string, int64_t> JobService::jobs_by_status() {
  std::map<std::string, int64_t> counts;
  for (JobStatus s :
       {JobStatus::kQueued, JobStatus::kValidating, JobStatus::kValidated, JobStatus::kRunning,
        JobStatus::kFailedValidation, JobStatus::kFailed, JobStatus::kSuccess,
        JobStatus::kCancelled, JobStatus::kCancellationRequested}) {
    counts[std::string(store::job_status_name(s))] = 0;
  }
  auto stored = impl_->store.count_jobs_by_status();
  if (stored.is_ok()) {
    for (const auto& [name, n] : *stored) counts[name] = n;
  }
  return counts;
}

}  // namespace winnow::jobs
