// Fine-tuning jobs: the state machine of API §4 on top of the store, a bounded pool of worker
// threads that validate and train, cancellation and restart recovery.
//
//   create ─► QUEUED ─► VALIDATING ─┬─► FAILED_VALIDATION
//                                   └─► VALIDATED ─(auto_start, or start())─► QUEUED ─► RUNNING
//                                   ─┬─► SUCCESS
//                                                                                                 └─► FAILED
//   cancel: QUEUED|VALIDATING|VALIDATED ─► CANCELLED;  RUNNING ─► CANCELLATION_REQUESTED ─►
//   CANCELLED
//
// Validation reads the job's files with the training engine's reader (file:line: field errors),
// derives or checks the classifier targets (§5.2), applies invalid_sample_skip_percentage and
// fills in metadata and hyperparameters.epochs. Training runs train_model() with the job's
// hyperparameters, writes a checkpoint at each evaluation, saves the model and publishes it.
// On start(), recovery runs first: RUNNING jobs become FAILED ("server restarted"),
// CANCELLATION_REQUESTED jobs CANCELLED (the event's data carries "reason": "cancelled at server
// restart"), QUEUED and VALIDATING jobs run again.
// When a job finishes (FAILED_VALIDATION, FAILED, SUCCESS with its model published, CANCELLED),
// its directory in the store goes (Store::release_job_files), except a SUCCESS job's copies of
// its validation files (the model metrics route evaluates on them); start() releases what a
// crash left.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/records.h"
#include "store/store.h"

namespace winnow::jobs {

// A base model a job may name (/v1/models lists these as type "base").
struct BaseModel {
  std::string id;            // e.g. "ministral-3b-latest" or "winnow-linear"
  std::string architecture;  // the engine architecture it stands for (train/trainer.h)
  std::string description;
};

struct JobServiceOptions {
  int workers = 1;        // jobs validated/trained at the same time
  int train_threads = 0;  // threads per training run (0 = all)
  // Defaults: one "winnow-<name>" per architecture (model/architecture.h) plus
  // ministral-3b-latest / ministral-8b-latest as aliases of default_architecture.
  std::vector<BaseModel> base_models;
  std::string default_architecture = "linear";
  int64_t max_active_jobs_per_workspace = 64;  // QUEUED..RUNNING; more → kFailedPrecondition
  // How often expired files are deleted (Store::remove_expired_files); start() sweeps once too.
  int64_t file_sweep_interval_ms = 60'000;
};

class JobService {
 public:
  JobService(store::Store& store, JobServiceOptions options);
  ~JobService();  // stop()
  JobService(const JobService&) = delete;
  JobService& operator=(const JobService&) = delete;

  // Recovery, a sweep of expired files, then the worker threads and the sweeper thread (which
  // deletes expired files every file_sweep_interval_ms; a failed sweep is retried next time).
  Status start();
  // Asks running trainings to stop, waits for the workers and the sweeper. Jobs left RUNNING or
  // CANCELLATION_REQUESTED stay so in the store (the next start() recovers them).
  void stop();

  const std::vector<BaseModel>& base_models() const;

  // Checks the request (known base model: kInvalidArgument "Model not available ..."; files in
  // the workspace: kNotFound "File <id> not found"; an active job with identical parameters:
  // kAlreadyExists), stores it QUEUED and schedules validation. `draft` carries workspace,
  // model, files, hyperparameters, suffix, integrations, requested targets, auto_start and
  // invalid_sample_skip_percentage; the rest is filled in.
  Result<store::JobRecord> create(store::JobRecord draft);
  // VALIDATED → QUEUED (kFailedPrecondition "Job is not in VALIDATED state" otherwise).
  Result<store::JobRecord> start_job(std::string_view workspace, std::string_view id);
  // See the diagram; a RUNNING job stops within about a second. Terminal → kFailedPrecondition.
  Result<store::JobRecord> cancel(std::string_view workspace, std::string_view id);

  // Counts for /metrics: jobs by status over all workspaces.
  std::map<std::string, int64_t> jobs_by_status();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace winnow::jobs
