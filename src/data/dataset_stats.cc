#include "data/dataset_stats.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "data/byte_source.h"

namespace winnow {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSplitFileNames[] = {"training_file.jsonl", "validation_file.jsonl",
                                                "test_file.jsonl"};
constexpr std::string_view kSplitDisplayNames[] = {"Train", "Validation", "Test"};

}  // namespace

std::string split_name_for_path(std::string_view path) {
  std::string file = fs::path(path).filename().string();
  if (file.size() > 3 && file.ends_with(".gz")) file.resize(file.size() - 3);
  for (size_t i = 0; i < std::size(kSplitFileNames); ++i) {
    if (file == kSplitFileNames[i]) return std::string(kSplitDisplayNames[i]);
  }
  // The stem before the first dot, unless the name starts with one (".hidden.jsonl").
  size_t dot = file.find('.', 1);
  return dot == std::string::npos ? file : file.substr(0, dot);
}

Result<std::vector<SplitFile>> resolve_split_files(const std::vector<std::string>& inputs) {
  if (inputs.empty()) return Status::invalid_argument("no input files");
  std::vector<SplitFile> files;
  std::error_code ec;
  if (inputs.size() == 1 && fs::is_directory(inputs[0], ec)) {
    for (std::string_view name : kSplitFileNames) {
      fs::path candidate = fs::path(inputs[0]) / name;
      if (fs::exists(candidate, ec)) {
        files.push_back({split_name_for_path(name), candidate.string()});
      }
    }
    if (files.empty()) {
      return Status::not_found(
          inputs[0] + ": no training_file.jsonl, validation_file.jsonl or test_file.jsonl");
    }
    return files;
  }
  for (const std::string& input : inputs) {
    if (fs::is_directory(input, ec)) {
      return Status::invalid_argument(input + ": a directory must be the only input");
    }
    if (input != "-" && !fs::exists(input, ec)) {
      return Status::not_found(input + ": no such file");
    }
    files.push_back({split_name_for_path(input), input});
  }
  return files;
}

DatasetStats::DatasetStats(std::string safe_label) : safe_label_(std::move(safe_label)) {}

void DatasetStats::begin_split(std::string name, std::string path) {
  splits_.push_back({std::move(name), std::move(path), 0});
  for (HeadCounts& head : heads_) {
    head.flagged.push_back(0);
    head.label_flagged.emplace_back();
  }
}

DatasetStats::HeadCounts& DatasetStats::head_counts(const std::string& name) {
  for (HeadCounts& head : heads_) {
    if (head.name == name) return head;
  }
  HeadCounts& head = heads_.emplace_back();
  head.name = name;
  head.flagged.assign(splits_.size(), 0);
  head.label_flagged.resize(splits_.size());
  return head;
}

size_t DatasetStats::label_index(HeadCounts& head, const std::string& label) {
  auto it = std::find(head.labels.begin(), head.labels.end(), label);
  if (it != head.labels.end()) return static_cast<size_t>(it - head.labels.begin());
  head.labels.push_back(label);
  return head.labels.size() - 1;
}

void DatasetStats::add(const ClassifierSample& sample) {
  WINNOW_CHECK(!splits_.empty());
  const size_t split = splits_.size() - 1;
  ++splits_[split].samples;
  // Samples without a value for a head need no work: no_flags is derived as samples - flagged.
  for (const ClassifierSample::HeadValue& value : sample.labels) {
    HeadCounts& head = head_counts(value.head);
    std::vector<uint64_t>& counts = head.label_flagged[split];
    // Labels of one sample are few; a linear scan for duplicates beats a set.
    std::vector<size_t> seen;
    for (const std::string& label : value.labels) {
      if (label == safe_label_) continue;
      size_t index = label_index(head, label);
      if (std::find(seen.begin(), seen.end(), index) != seen.end()) continue;
      seen.push_back(index);
      if (counts.size() <= index) counts.resize(index + 1, 0);
      ++counts[index];
    }
    if (!seen.empty()) ++head.flagged[split];
  }
}

std::vector<std::string> DatasetStats::head_names() const {
  std::vector<std::string> names;
  names.reserve(heads_.size());
  for (const HeadCounts& head : heads_) names.push_back(head.name);
  return names;
}

Result<HeadDistribution> DatasetStats::distribution(std::string_view head_name) const {
  auto it = std::find_if(heads_.begin(), heads_.end(),
                         [&](const HeadCounts& h) { return h.name == head_name; });
  if (it == heads_.end()) {
    std::string available;
    for (const HeadCounts& head : heads_) {
      available += available.empty() ? "" : ", ";
      available += head.name;
    }
    return Status::not_found("head '" + std::string(head_name) + "' not found; heads available: " +
                             (available.empty() ? "(none)" : available));
  }
  const HeadCounts& head = *it;
  HeadDistribution out;
  out.head = head.name;
  out.safe_label = safe_label_;
  for (size_t s = 0; s < splits_.size(); ++s) {
    SplitDistribution& split = out.splits.emplace_back();
    split.split = splits_[s].name;
    split.path = splits_[s].path;
    split.samples = splits_[s].samples;
    split.flagged = head.flagged[s];
    split.no_flags = split.samples - split.flagged;
    const std::vector<uint64_t>& counts = head.label_flagged[s];
    for (size_t l = 0; l < head.labels.size(); ++l) {
      uint64_t flagged = l < counts.size() ? counts[l] : 0;
      split.labels.push_back({head.labels[l], flagged, split.samples - flagged});
    }
  }
  return out;
}

Result<DatasetStats> compute_dataset_stats(const std::vector<SplitFile>& files,
                                           std::string safe_label) {
  DatasetStats stats(std::move(safe_label));
  for (const SplitFile& file : files) {
    WINNOW_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, open_byte_source(file.path));
    LineReader reader(std::move(source));
    stats.begin_split(file.name, file.path);
    uint64_t samples = 0;
    std::string_view line;
    ClassifierSample sample;  // reused: parse_classifier_line keeps its allocations
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(bool more, reader.next(&line));
      if (!more) break;
      if (is_blank_line(line)) continue;
      Status parsed = parse_classifier_line(line, &sample);
      if (!parsed.is_ok()) {
        return Status::invalid_argument(file.path + ":" + std::to_string(reader.line_number()) +
                                        ": " + parsed.message());
      }
      stats.add(sample);
      ++samples;
    }
    if (samples == 0) return Status::invalid_argument(file.path + ": no samples");
  }
  return stats;
}

}  // namespace winnow
