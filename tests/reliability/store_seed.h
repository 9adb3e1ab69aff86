// Puts a real fine-tuned model into a data directory before a server starts: trains a tiny
// classifier with the real `winnow train`, then records it through the real Store (a job with
// the model published onto it), as a finished fine-tuning job would have left it.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "store/store.h"
#include "test_support.h"

namespace winnow::reliability {

// Twelve lines of two-label moderation data.
inline std::string tiny_training_jsonl() {
  std::string out;
  for (int i = 0; i < 6; ++i) {
    out += "{\"text\":\"you are an idiot number " + std::to_string(i) +
           "\",\"labels\":{\"moderation\":[\"toxic\"]}}\n";
    out += "{\"text\":\"have a lovely day friend " + std::to_string(i) +
           "\",\"labels\":{\"moderation\":[\"safe\"]}}\n";
  }
  return out;
}

struct SeededModel {
  std::string file_id;
  std::string job_id;
  std::string model_id;
};

// Trains into `scratch`, then (store closed again on return) adds to `data_dir`, in
// `workspace`: the training file, a SUCCESS job and its published model.
inline SeededModel seed_model(const std::string& data_dir, const std::string& workspace,
                              const testing::TempDir& scratch, const std::string& tag) {
  SeededModel out;
  const std::string train = scratch.file(tag + "-train.jsonl");
  const std::string staged = scratch.file(tag + "-model.winnow");
  testing::write_file(train, tiny_training_jsonl());
  const testing::CommandResult trained =
      testing::run_command(std::string(WINNOW_BINARY) + " train --train " + train + " --out " +
                           staged + " --training-steps 20 --threads 1 --quiet");
  EXPECT_EQ(trained.exit_code, 0) << trained.err;

  store::StoreOptions options;
  options.data_dir = data_dir;
  auto opened = store::Store::open(options);
  EXPECT_TRUE(opened.is_ok()) << opened.status().to_string();
  if (!opened.is_ok()) return out;
  store::Store& st = **opened;
  store::FileRecord meta;
  meta.workspace = workspace;
  meta.filename = tag + "-train.jsonl";
  auto file = st.add_file(meta, tiny_training_jsonl());
  EXPECT_TRUE(file.is_ok()) << file.status().to_string();
  if (!file.is_ok()) return out;
  out.file_id = file->id;
  store::JobRecord job;
  job.workspace = workspace;
  job.model = "winnow-linear";
  job.training_files.push_back({file->id, 1.0});
  job.hyperparameters.training_steps = 20;
  auto created = st.create_job(job);
  EXPECT_TRUE(created.is_ok()) << created.status().to_string();
  if (!created.is_ok()) return out;
  out.job_id = created->id;
  out.model_id = "ft:classifier:winnow-linear:" + store::workspace_tag(workspace) +
                 ":20260101:" + created->id.substr(0, 8);
  // The staged file must sit in the job's directory (publish renames it into the store).
  const std::string in_job = st.job_dir(created->id) + "/model.winnow.staged";
  testing::write_file(in_job, testing::read_file(staged));
  store::ModelRecord model;
  model.id = out.model_id;
  model.workspace = workspace;
  model.job_id = created->id;
  model.root = "winnow-linear";
  store::ClassifierTarget target;
  target.name = "moderation";
  target.labels = {"safe", "toxic"};
  model.classifier_targets.push_back(target);
  const std::string model_id = out.model_id;
  auto published = st.publish_model(model, in_job, [model_id](store::JobRecord& j) {
    j.status = store::JobStatus::kSuccess;
    j.fine_tuned_model = model_id;
    return Status::ok();
  });
  EXPECT_TRUE(published.is_ok()) << published.status().to_string();
  return out;
}

}  // namespace winnow::reliability
