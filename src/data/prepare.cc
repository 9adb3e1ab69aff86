#include "data/prepare.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>

#include "core/atomic_file.h"
#include "core/random.h"
#include "data/balancer.h"
#include "data/classifier_writer.h"
#include "data/csv_reader.h"
#include "data/identity_metadata.h"
#include "data/mapped_file.h"
#include "data/row_scan.h"

namespace winnow {
namespace {

// Texts of the kept rows, in output order, packed in one buffer, and with --identity-columns
// their identity values (the re-streaming pass 2).
struct KeptTexts {
  struct Span {
    uint64_t start;
    uint64_t size;
  };
  BigString arena;
  std::vector<Span> spans;  // per output slot
  size_t identity_count = 0;
  std::vector<double> identities;  // slot-major: slot i's values at [i * identity_count, ...)
  std::string_view at(size_t i) const { return {arena.data() + spans[i].start, spans[i].size}; }
  void put(size_t slot, std::string_view text) {
    spans[slot] = {arena.size(), text.size()};
    arena.append(text);
  }
};

// Below this much work, a second thread costs more than it saves.
constexpr size_t kParallelWriteRows = 50000;

// Runs first() on this thread and second() on another; returns the first error.
Status run_two(const std::function<Status()>& first, const std::function<Status()>& second) {
  Status second_status;
  std::thread t([&] { second_status = second(); });
  Status first_status = first();
  t.join();
  return first_status.is_ok() ? second_status : first_status;
}

struct SplitWork {
  std::unique_ptr<ScoreReader> reader;
  RowIndex rows;                 // pass 1: usable rows in file order; freed once rows are chosen
  uint64_t usable_rows = 0;      // rows.size() before it was freed
  std::vector<uint32_t> output;  // indices into rows, in output order
  std::vector<RowRef> kept;      // the kept rows themselves, parallel to output
};

// Formats output lines: the kept labels a row is flagged for, or the safe label. One per thread.
class LineFormatter {
 public:
  LineFormatter(const PrepareOptions& options, const std::vector<int>& kept_labels,
                const std::vector<std::string>& labels)
      : options_(options), kept_labels_(kept_labels), labels_(labels) {}

  // Appends the line for a row with `flags`; returns true when it carries the safe label.
  template <typename String>
  bool append(String* out, std::string_view text, LabelMask flags,
              std::string_view extra_fields = {}, bool text_csv_quoted = false) {
    names_.clear();
    for (int k : kept_labels_) {
      if (flags >> k & 1) names_.push_back(labels_[static_cast<size_t>(k)]);
    }
    const bool safe = names_.empty();
    if (safe) names_.push_back(options_.safe_label);
    append_classifier_line(out, text, options_.head, names_, extra_fields, text_csv_quoted);
    return safe;
  }

 private:
  const PrepareOptions& options_;
  const std::vector<int>& kept_labels_;
  const std::vector<std::string>& labels_;
  std::vector<std::string_view> names_;
};

ScoreReaderOptions reader_options(const PrepareOptions& options, int split) {
  ScoreReaderOptions o = options.reader;
  o.row_limit = options.input_row_limits[split];
  return o;
}

Status check_same_labels(const ScoreReader& first, const ScoreReader& other) {
  if (first.labels() == other.labels()) return Status::ok();
  std::string a, b;
  for (const auto& l : first.labels()) a += (a.empty() ? "" : ",") + l;
  for (const auto& l : other.labels()) b += (b.empty() ? "" : ",") + l;
  return Status::invalid_argument(other.path() + ": has label columns " + b + " but " +
                                  first.path() + " has " + a +
                                  "; choose common labels with --labels");
}

// Pass 1: flags and text positions of every usable row.
Status scan_split(SplitKind kind, const PrepareOptions& options, SplitWork* work,
                  SplitSummary* summary) {
  ScanOptions scan;
  scan.threshold = options.threshold;
  scan.inclusive = options.inclusive;
  scan.reader = reader_options(options, static_cast<int>(kind));
  if (options.progress) {
    const std::string phase = std::string("reading ") + split_name(kind);
    scan.progress = [&options, phase](uint64_t done, uint64_t total) {
      options.progress(phase, done, total);
    };
  }
  ScanCounters counters;
  WINNOW_RETURN_IF_ERROR(scan_rows(*work->reader, scan, &work->rows, &counters));
  summary->rows_read = counters.rows_read;
  summary->rows_skipped_empty_text = counters.rows_skipped_empty_text;
  summary->rows_skipped_missing = counters.rows_skipped_missing;
  summary->first_skipped_line = counters.first_skipped_line;
  summary->scan_threads = counters.threads_used;
  return Status::ok();
}

// Sampling and balancing: fills work->output (indices into rows, in output order).
void select_rows(SplitKind kind, const PrepareOptions& options, Rng& rng, SplitWork* work,
                 SplitSummary* summary, size_t num_labels) {
  const auto n_rows = static_cast<uint32_t>(work->rows.size());
  std::vector<uint32_t, HugePageAllocator<uint32_t>> sampled(n_rows);
  for (uint32_t i = 0; i < n_rows; ++i) sampled[i] = i;
  if (options.shuffle) rng.shuffle(sampled);
  const uint64_t max_rows = options.max_rows[static_cast<int>(kind)];
  if (sampled.size() > max_rows) sampled.resize(max_rows);
  summary->rows_sampled = sampled.size();

  std::vector<LabelMask, HugePageAllocator<LabelMask>> flags(sampled.size());
  // A gather in random order from an index of tens of MB: ask for rows a few steps ahead so
  // that the cache misses overlap instead of following one another.
  constexpr size_t kAhead = 16;
  for (size_t i = 0; i < sampled.size(); ++i) {
    if (i + kAhead < sampled.size()) __builtin_prefetch(&work->rows[sampled[i + kAhead]]);
    flags[i] = work->rows[sampled[i]].flags;
  }
  summary->flagged_sampled.assign(num_labels, 0);
  for (LabelMask m : flags) {
    for (size_t k = 0; k < num_labels; ++k) summary->flagged_sampled[k] += m >> k & 1;
  }

  std::vector<uint32_t> kept;
  if (options.balance) {
    BalanceOptions b{options.zero_flags_fraction, options.max_label_fraction};
    for (uint32_t i : balance_like_tutorial(flags, static_cast<int>(num_labels), b)) {
      kept.push_back(sampled[i]);
    }
  } else {
    kept.assign(sampled.begin(), sampled.end());
  }
  // The tutorial shuffles the balanced rows; without shuffling, keep file order.
  if (options.shuffle) {
    rng.shuffle(kept);
  } else {
    std::sort(kept.begin(), kept.end());
  }
  work->output = std::move(kept);
  summary->rows_kept = work->output.size();
  summary->flagged_kept.assign(num_labels, 0);
  work->kept.reserve(work->output.size());
  for (size_t i = 0; i < work->output.size(); ++i) {
    if (i + kAhead < work->output.size()) __builtin_prefetch(&work->rows[work->output[i + kAhead]]);
    const uint32_t r = work->output[i];
    work->kept.push_back(work->rows[r]);
    for (size_t k = 0; k < num_labels; ++k)
      summary->flagged_kept[k] += work->rows[r].flags >> k & 1;
  }
  // Only the kept rows are needed from here on: give back the index of all rows (24 bytes per
  // row of the input) before pass 2 needs memory for texts.
  work->usable_rows = work->rows.size();
  RowIndex().swap(work->rows);
}

// Pass 2 and writing for plain CSV files, one chunk of output slots at a time: the chunk's kept
// texts are fetched from the mapped file in file order (a forward sweep, split between two
// threads for large chunks), each formatted at once into its output line, and the lines written
// in output order. Memory is one chunk of lines, not every kept text; each further chunk sweeps
// the mapping again, which costs page-table work only, because the file is in the page cache and
// no bytes are copied but the kept texts'. Pages behind each sweep are released as it goes.
constexpr uint64_t kReleaseBytes = 4 << 20;

Status write_split_mapped(const PrepareOptions& options, const SplitWork& work,
                          const LineFormatter& format_prototype, SplitSummary* summary) {
  const std::string& path = work.reader->path();
  WINNOW_ASSIGN_OR_RETURN(AtomicFileWriter out, AtomicFileWriter::open(summary->output_path));
  const size_t n = work.kept.size();
  if (n == 0) return out.commit();
  auto mapped = MappedFile::open(path);
  if (!mapped.is_ok() && mapped.status().code() != StatusCode::kInvalidArgument) {
    return mapped.status();
  }
  if (!mapped.is_ok() || mapped.value().size() != work.reader->size_bytes()) {
    return Status::io_error(path + ": file changed between passes (was it modified?)");
  }
  const MappedFile& file = mapped.value();

  struct Line {
    uint64_t start;
    uint64_t size : 63;
    uint64_t arena : 1;
  };
  std::vector<Line> lines;                           // per slot of the current chunk
  std::vector<std::pair<uint64_t, uint32_t>> order;  // (text offset, slot in chunk)
  BigString arenas[2];
  LineFormatter formatters[2] = {format_prototype, format_prototype};
  uint64_t safe[2] = {0, 0};
  BigString write_buffer;
  write_buffer.reserve(1 << 20);
  for (size_t begin = 0; begin < n;) {
    size_t end = begin;
    uint64_t bytes = 0;
    while (end < n &&
           (end == begin || bytes + work.kept[end].text_raw_size <= options.chunk_text_bytes)) {
      bytes += work.kept[end++].text_raw_size;
    }
    order.clear();
    for (size_t i = begin; i < end; ++i) {
      order.emplace_back(work.kept[i].text_offset, static_cast<uint32_t>(i - begin));
    }
    std::sort(order.begin(), order.end());
    lines.resize(end - begin);
    // Formats order[from, to) into arena `a`.
    auto format_range = [&](size_t from, size_t to, int a) -> Status {
      BigString& arena = arenas[a];
      arena.clear();
      uint64_t raw_bytes = 0;
      for (size_t i = from; i < to; ++i)
        raw_bytes += work.kept[begin + order[i].second].text_raw_size;
      // Escaping rarely grows a text by more than a few percent; ~64 bytes of labels per line.
      arena.reserve(raw_bytes + raw_bytes / 16 + 80 * (to - from));
      uint64_t released = from < to ? order[from].first : 0;
      for (size_t i = from; i < to; ++i) {
        const RowRef& r = work.kept[begin + order[i].second];
        if (r.text_offset - released >= kReleaseBytes) {
          file.release(released, r.text_offset);
          released = r.text_offset;
        }
        // A quoted field's bytes without its outer quotes; doubled quotes are undone while
        // escaping.
        const std::string_view text =
            r.text_quoted && r.text_raw_size >= 2
                ? std::string_view(file.data() + r.text_offset + 1, r.text_raw_size - 2)
                : std::string_view(file.data() + r.text_offset, r.text_raw_size);
        const uint64_t start = arena.size();
        safe[a] += formatters[a].append(&arena, text, r.flags, {}, r.text_quoted) ? 1 : 0;
        lines[order[i].second] = {start, arena.size() - start, static_cast<uint64_t>(a)};
      }
      return Status::ok();
    };
    const size_t m = order.size();
    if (bytes < options.parallel_text_bytes || m < 2) {
      WINNOW_RETURN_IF_ERROR(format_range(0, m, 0));
    } else {
      WINNOW_RETURN_IF_ERROR(run_two([&] { return format_range(0, m / 2, 0); },
                                     [&] { return format_range(m / 2, m, 1); }));
    }
    file.release(0, file.size());
    for (const Line& line : lines) {
      write_buffer.append(arenas[line.arena].data() + line.start, line.size);
      if (write_buffer.size() >= (1 << 20)) {
        WINNOW_RETURN_IF_ERROR(out.write({write_buffer.data(), write_buffer.size()}));
        write_buffer.clear();
      }
    }
    out.start_writeback();  // the disk works on this chunk while the next is formatted
    begin = end;
  }
  WINNOW_RETURN_IF_ERROR(out.write({write_buffer.data(), write_buffer.size()}));
  summary->rows_safe = safe[0] + safe[1];
  return out.commit();
}

// Pass 2 for inputs that cannot be mapped (gzip, JSONL) or when identity values are needed
// (pass 1 does not keep them): the texts of kept rows, in output order, from streaming the file
// again and picking the kept rows by their position among usable rows.
Result<KeptTexts> load_kept_texts(SplitKind kind, const PrepareOptions& options, SplitWork* work) {
  KeptTexts texts;
  texts.spans.resize(work->output.size());
  ScoreReader& reader = *work->reader;
  texts.identity_count = options.reader.identity_columns.size();
  texts.identities.assign(work->output.size() * texts.identity_count, 0.0);
  std::vector<int64_t> slot(work->usable_rows, -1);
  for (size_t i = 0; i < work->output.size(); ++i) slot[work->output[i]] = static_cast<int64_t>(i);
  WINNOW_ASSIGN_OR_RETURN(
      auto again,
      ScoreReader::open(reader.path(), reader_options(options, static_cast<int>(kind))));
  ScoreRow row;
  size_t usable = 0;
  const std::string phase = std::string("re-reading ") + split_name(kind);
  uint64_t since_progress = 0;
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool more, again->next(&row));
    if (!more) break;
    if (row.status != RowStatus::kOk) continue;
    if (usable >= slot.size())
      return Status::io_error(reader.path() + ": file grew between passes");
    if (slot[usable] >= 0) {
      const auto at = static_cast<size_t>(slot[usable]);
      texts.put(at, row.text);
      std::copy(row.identities.begin(), row.identities.end(),
                texts.identities.begin() + static_cast<std::ptrdiff_t>(at * texts.identity_count));
    }
    ++usable;
    if (options.progress && ++since_progress == 4096) {
      since_progress = 0;
      options.progress(phase, again->position_bytes(), again->size_bytes());
    }
  }
  if (usable != slot.size())
    return Status::io_error(reader.path() + ": file changed between passes");
  return texts;
}

Status write_split(const PrepareOptions& options, const KeptTexts& texts, const SplitWork& work,
                   const LineFormatter& format_prototype, SplitSummary* summary) {
  WINNOW_ASSIGN_OR_RETURN(AtomicFileWriter out, AtomicFileWriter::open(summary->output_path));
  // Formats output slots [begin, end) into *buffer; with `out`, writes every ~1 MB as it goes.
  auto format = [&](size_t begin, size_t end, BigString* buffer, AtomicFileWriter* sink,
                    uint64_t* safe) -> Status {
    LineFormatter formatter = format_prototype;
    const std::vector<std::string>& identity_names = options.reader.identity_columns;
    std::string metadata;
    std::vector<double> identity_values(identity_names.size());
    for (size_t i = begin; i < end; ++i) {
      const LabelMask m = work.kept[i].flags;
      if (!identity_names.empty()) {
        const double* v = texts.identities.data() + i * identity_names.size();
        identity_values.assign(v, v + identity_names.size());
        metadata.clear();
        append_identity_metadata(&metadata, identity_names, identity_values);
      }
      *safe += formatter.append(buffer, texts.at(i), m, metadata) ? 1 : 0;
      if (sink != nullptr && buffer->size() >= (1 << 20)) {
        WINNOW_RETURN_IF_ERROR(sink->write({buffer->data(), buffer->size()}));
        buffer->clear();
      }
    }
    return sink != nullptr ? sink->write({buffer->data(), buffer->size()}) : Status::ok();
  };
  const size_t n = texts.spans.size();
  BigString head_buffer, tail_buffer;
  head_buffer.reserve(2 << 20);
  if (n >= kParallelWriteRows) {
    // Escaping rarely grows a text by more than a few percent; one reservation, no regrowth.
    uint64_t bytes = 0;
    for (size_t i = n / 2; i < n; ++i) bytes += texts.spans[i].size + 64;
    tail_buffer.reserve(bytes + bytes / 8);
  }
  uint64_t safe_head = 0, safe_tail = 0;
  if (n < kParallelWriteRows) {
    WINNOW_RETURN_IF_ERROR(format(0, n, &head_buffer, &out, &safe_head));
  } else {
    // The second half is formatted in memory by another thread while this one writes the first.
    WINNOW_RETURN_IF_ERROR(
        run_two([&] { return format(0, n / 2, &head_buffer, &out, &safe_head); },
                [&] { return format(n / 2, n, &tail_buffer, nullptr, &safe_tail); }));
    WINNOW_RETURN_IF_ERROR(out.write({tail_buffer.data(), tail_buffer.size()}));
  }
  summary->rows_safe = safe_head + safe_tail;
  const size_t k = texts.identity_count;
  summary->identity_members.assign(k, 0);
  summary->identity_annotated.assign(k, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < k; ++j) {
      const double v = texts.identities[i * k + j];
      summary->identity_annotated[j] += std::isnan(v) ? 0 : 1;
      summary->identity_members[j] += v >= kIdentityMemberThreshold ? 1 : 0;
    }
  }
  return out.commit();
}

}  // namespace

const char* split_name(SplitKind kind) {
  static const char* kNames[] = {"train", "validation", "test"};
  return kNames[static_cast<int>(kind)];
}

const char* split_output_file(SplitKind kind) {
  static const char* kNames[] = {"training_file.jsonl", "validation_file.jsonl", "test_file.jsonl"};
  return kNames[static_cast<int>(kind)];
}

Status validate_prepare_options(const PrepareOptions& o) {
  if (o.input_paths[0].empty())
    return Status::invalid_argument("a training split is required (--train or --input)");
  if (!(o.threshold >= 0 && o.threshold <= 1))
    return Status::invalid_argument("--threshold must be in [0, 1]");
  if (!(o.zero_flags_fraction >= 0 && o.zero_flags_fraction < 1)) {
    return Status::invalid_argument("--zero-flags-fraction must be in [0, 1)");
  }
  if (!(o.max_label_fraction > 0 && o.max_label_fraction <= 1)) {
    return Status::invalid_argument("--max-label-fraction must be in (0, 1]");
  }
  if (!(o.min_label_fraction >= 0 && o.min_label_fraction <= 1)) {
    return Status::invalid_argument("--min-label-fraction must be in [0, 1]");
  }
  if (o.head.empty()) return Status::invalid_argument("--head must not be empty");
  if (o.safe_label.empty()) return Status::invalid_argument("--safe-label must not be empty");
  if (o.out_dir.empty()) return Status::invalid_argument("--out is required");
  for (int s = 0; s < kNumSplits; ++s) {
    if (o.input_paths[s] == "-")
      return Status::invalid_argument("reading a split from stdin is not supported; give a file");
  }
  return Status::ok();
}

Result<PrepareSummary> run_prepare(const PrepareOptions& options) {
  WINNOW_RETURN_IF_ERROR(validate_prepare_options(options));
  const auto start = std::chrono::steady_clock::now();
  PrepareSummary summary;
  SplitWork work[kNumSplits];

  for (int s = 0; s < kNumSplits; ++s) {
    if (options.input_paths[s].empty()) continue;
    WINNOW_ASSIGN_OR_RETURN(work[s].reader,
                            ScoreReader::open(options.input_paths[s], reader_options(options, s)));
    summary.splits[s].present = true;
    summary.splits[s].path = options.input_paths[s];
    if (s > 0) WINNOW_RETURN_IF_ERROR(check_same_labels(*work[0].reader, *work[s].reader));
  }
  const ScoreReader& first = *work[0].reader;
  summary.labels = first.labels();
  summary.label_columns = first.label_columns();
  summary.text_column = first.text_column();
  const size_t num_labels = summary.labels.size();
  for (const std::string& l : summary.labels) {
    if (l == options.safe_label) {
      return Status::invalid_argument(
          "label column '" + l +
          "' has the same name as the safe label; rename it with --safe-label");
    }
  }

  auto lap = [last = std::chrono::steady_clock::now()](double* into) mutable {
    const auto now = std::chrono::steady_clock::now();
    *into += std::chrono::duration<double>(now - last).count();
    last = now;
  };
  Rng rng(options.seed);
  for (int s = 0; s < kNumSplits; ++s) {
    if (!summary.splits[s].present) continue;
    const auto kind = static_cast<SplitKind>(s);
    WINNOW_RETURN_IF_ERROR(scan_split(kind, options, &work[s], &summary.splits[s]));
    lap(&summary.seconds_scan);
    select_rows(kind, options, rng, &work[s], &summary.splits[s], num_labels);
    lap(&summary.seconds_select);
  }

  // Rare labels: share over the kept rows of all splits combined (the tutorial's mean).
  uint64_t total_kept = 0;
  std::vector<uint64_t> flagged(num_labels, 0);
  for (const SplitSummary& sp : summary.splits) {
    if (!sp.present) continue;
    total_kept += sp.rows_kept;
    for (size_t k = 0; k < num_labels; ++k) flagged[k] += sp.flagged_kept[k];
  }
  std::vector<int> kept_labels;
  for (size_t k = 0; k < num_labels; ++k) {
    double rate =
        total_kept == 0 ? 0.0 : static_cast<double>(flagged[k]) / static_cast<double>(total_kept);
    summary.label_rates.push_back(rate);
    if (rate < options.min_label_fraction) {
      summary.labels_removed.push_back(summary.labels[k]);
    } else {
      summary.labels_kept.push_back(summary.labels[k]);
      kept_labels.push_back(static_cast<int>(k));
    }
  }

  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) return Status::io_error(options.out_dir + ": cannot create directory: " + ec.message());
  for (int s = 0; s < kNumSplits; ++s) {
    if (!summary.splits[s].present) continue;
    const auto kind = static_cast<SplitKind>(s);
    summary.splits[s].output_path =
        (std::filesystem::path(options.out_dir) / split_output_file(kind)).string();
    const LineFormatter formatter(options, kept_labels, summary.labels);
    if (work[s].reader->seekable() && options.reader.identity_columns.empty()) {
      // Reading the kept texts and writing are interleaved: one phase.
      WINNOW_RETURN_IF_ERROR(write_split_mapped(options, work[s], formatter, &summary.splits[s]));
      lap(&summary.seconds_write);
    } else {
      WINNOW_ASSIGN_OR_RETURN(auto texts, load_kept_texts(kind, options, &work[s]));
      lap(&summary.seconds_read_kept);
      WINNOW_RETURN_IF_ERROR(write_split(options, texts, work[s], formatter, &summary.splits[s]));
      lap(&summary.seconds_write);
    }
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string summary_path =
      (std::filesystem::path(options.out_dir) / "prepare-summary.json").string();
  WINNOW_RETURN_IF_ERROR(
      write_file_atomically(summary_path, summary.to_json(options).dump(2) + "\n"));
  return summary;
}

nlohmann::json PrepareSummary::to_json(const PrepareOptions& o) const {
  using nlohmann::json;
  json splits_json = json::object();
  for (int s = 0; s < kNumSplits; ++s) {
    const SplitSummary& sp = splits[s];
    if (!sp.present) continue;
    json before = json::object(), after = json::object();
    for (size_t k = 0; k < labels.size(); ++k) {
      before[labels[k]] = sp.flagged_sampled[k];
      after[labels[k]] = sp.flagged_kept[k];
    }
    json out_counts = json::object();
    for (size_t k = 0; k < labels.size(); ++k) {
      if (std::find(labels_kept.begin(), labels_kept.end(), labels[k]) != labels_kept.end()) {
        out_counts[labels[k]] = sp.flagged_kept[k];
      }
    }
    out_counts[o.safe_label] = sp.rows_safe;
    splits_json[split_name(static_cast<SplitKind>(s))] = {
        {"input", sp.path},
        {"output", sp.output_path},
        {"rows_read", sp.rows_read},
        {"rows_skipped_empty_text", sp.rows_skipped_empty_text},
        {"rows_skipped_missing_score", sp.rows_skipped_missing},
        {"first_skipped_line", sp.first_skipped_line},
        {"scan_threads", sp.scan_threads},
        {"rows_sampled", sp.rows_sampled},
        {"rows_kept", sp.rows_kept},
        {"flagged_before_balancing", before},
        {"flagged_after_balancing", after},
        {"output_label_counts", out_counts},
    };
  }
  json identities = json::object();
  for (int s = 0; s < kNumSplits; ++s) {
    const SplitSummary& sp = splits[s];
    if (!sp.present || o.reader.identity_columns.empty()) continue;
    json per = json::object();
    for (size_t j = 0; j < o.reader.identity_columns.size(); ++j) {
      per[o.reader.identity_columns[j]] = {{"members", sp.identity_members[j]},
                                           {"annotated", sp.identity_annotated[j]}};
    }
    splits_json[split_name(static_cast<SplitKind>(s))]["identities"] = std::move(per);
  }
  json rates = json::object();
  for (size_t k = 0; k < labels.size(); ++k) rates[labels[k]] = label_rates[k];
  json columns = json::object();
  for (size_t k = 0; k < labels.size(); ++k) columns[labels[k]] = label_columns[k];
  const char* missing = o.reader.missing == MissingScore::kError  ? "error"
                        : o.reader.missing == MissingScore::kZero ? "zero"
                                                                  : "skip";
  return {
      {"winnow_version", WINNOW_VERSION},
      {"settings",
       {{"n_train", o.max_rows[0]},
        {"n_validation", o.max_rows[1]},
        {"n_test", o.max_rows[2]},
        {"shuffle", o.shuffle},
        {"seed", o.seed},
        {"threshold", o.threshold},
        {"comparison", o.inclusive ? ">=" : ">"},
        {"balance", o.balance},
        {"zero_flags_fraction", o.zero_flags_fraction},
        {"max_label_fraction", o.max_label_fraction},
        {"min_label_fraction", o.min_label_fraction},
        {"head", o.head},
        {"safe_label", o.safe_label},
        {"missing", missing}}},
      {"text_column", text_column},
      {"label_columns", columns},
      {"identity_columns", o.reader.identity_columns},
      {"labels_kept", labels_kept},
      {"labels_removed", labels_removed},
      {"label_rates_after_balancing", rates},
      {"splits", splits_json},
      {"seconds", seconds},
      {"phase_seconds",
       {{"scan", seconds_scan},
        {"select", seconds_select},
        {"read_kept", seconds_read_kept},
        {"write", seconds_write}}},
  };
}

}  // namespace winnow
