#include "train/training_data.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "data/byte_source.h"
#include "model/architecture.h"
#include "text/feature_hasher.h"
#include "train/compact_features.h"

namespace winnow {

// Features per storage block of a SampleSet (32 MB): large enough that the blocks' ends waste
// little, small enough that closing one (shrink_to_fit copies it) adds little to the peak.
constexpr size_t kBlockFeatures = size_t{1} << 22;
// Bytes per block of compact storage (32 MB, for the same reasons).
constexpr size_t kBlockBytes = size_t{1} << 25;

Result<TrainFileSpec> parse_train_file_arg(const std::string& arg) {
  TrainFileSpec spec{arg, 1.0};
  const size_t colon = arg.rfind(':');
  if (colon != std::string::npos && colon > 0) {
    const std::string tail = arg.substr(colon + 1);
    double w = 0;
    const auto [ptr, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), w);
    if (!tail.empty() && ec == std::errc() && ptr == tail.data() + tail.size()) {
      if (!std::isfinite(w) || w <= 0) {
        return Status::invalid_argument("training file weight must be > 0 in '" + arg + "'");
      }
      spec.path = arg.substr(0, colon);
      spec.weight = w;
    }
  }
  if (spec.path.empty()) return Status::invalid_argument("empty training file name");
  return spec;
}

Result<RawSplit> read_split(const std::vector<std::string>& paths, double max_invalid_fraction) {
  RawSplit split;
  uint64_t invalid = 0;
  std::string first_problem;
  for (size_t f = 0; f < paths.size(); ++f) {
    WINNOW_ASSIGN_OR_RETURN(auto source, open_byte_source(paths[f]));
    LineReader reader(std::move(source));
    split.files.push_back(paths[f]);
    split.samples_per_file.push_back(0);
    split.invalid_lines_per_file.push_back(0);
    std::string_view line;
    for (;;) {
      WINNOW_ASSIGN_OR_RETURN(bool more, reader.next(&line));
      if (!more) break;
      if (is_blank_line(line)) continue;
      ClassifierSample sample;
      const Status parsed = parse_classifier_line(line, &sample);
      if (!parsed.is_ok()) {
        const std::string where = paths[f] + ":" + std::to_string(reader.line_number());
        if (max_invalid_fraction <= 0) return parsed.with_context(where);
        if (first_problem.empty()) first_problem = where + ": " + parsed.message();
        ++invalid;
        ++split.invalid_lines_per_file.back();
        continue;
      }
      if (!sample.messages.empty()) {
        sample.text = sample_text(sample);
        sample.messages.clear();
      }
      split.samples.push_back(std::move(sample));
      split.file_of_sample.push_back(static_cast<uint32_t>(f));
      split.line_of_sample.push_back(reader.line_number());
      ++split.samples_per_file.back();
    }
    if (split.samples_per_file.back() == 0) {
      return Status::invalid_argument(paths[f] + ": no samples");
    }
  }
  const double total = static_cast<double>(invalid + split.samples.size());
  if (invalid > 0 && static_cast<double>(invalid) > max_invalid_fraction * total) {
    return Status::invalid_argument(
        std::to_string(invalid) + " of " + std::to_string(static_cast<uint64_t>(total)) +
        " lines are invalid (more than the allowed fraction " +
        std::to_string(max_invalid_fraction) + "); first: " + first_problem);
  }
  return split;
}

namespace {

// Checks that every sample of `train` fits `heads` (the given heads of HeadOptions::heads).
Status check_fixed_heads(const RawSplit& train, const std::vector<HeadSpec>& heads) {
  for (size_t i = 0; i < train.samples.size(); ++i) {
    for (const ClassifierSample::HeadValue& hv : train.samples[i].labels) {
      auto head = std::find_if(heads.begin(), heads.end(),
                               [&](const HeadSpec& h) { return h.name == hv.head; });
      std::string problem;
      if (head == heads.end()) {
        problem = "labels." + hv.head + ": head is not among the classifier targets";
      } else if (head->kind == HeadKind::kSingleLabel && hv.labels.size() != 1) {
        problem = "labels." + hv.head + ": a single-label head needs exactly one label";
      } else {
        for (const std::string& label : hv.labels) {
          if (std::find(head->labels.begin(), head->labels.end(), label) == head->labels.end()) {
            problem =
                "labels." + hv.head + ": label '" + label + "' is not among the target's labels";
            break;
          }
        }
      }
      if (!problem.empty()) {
        return Status::invalid_argument(train.files[train.file_of_sample[i]] + ":" +
                                        std::to_string(train.line_of_sample[i]) + ": " + problem);
      }
    }
  }
  return Status::ok();
}

// The label of a multi-label head that the training data gives exactly when it gives no other
// label of the head (the tutorial's `safe`), if there is exactly one such label and the head's
// other labels occur too. Two labels that always exclude each other (a binary head written as a
// list) both qualify: then the one named "safe" or "none" (any case) is chosen, if exactly one is.
std::optional<uint32_t> find_none_label(const RawSplit& train, const HeadSpec& head) {
  const size_t k = head.labels.size();
  std::vector<bool> candidate(k, true);
  std::vector<uint64_t> alone(k, 0);
  uint64_t with_others = 0;
  for (const ClassifierSample& s : train.samples) {
    for (const ClassifierSample::HeadValue& v : s.labels) {
      if (v.head != head.name) continue;
      if (v.labels.size() != 1) {
        // Every label here is given beside others (or none is given at all).
        for (const std::string& l : v.labels) {
          auto it = std::find(head.labels.begin(), head.labels.end(), l);
          if (it != head.labels.end())
            candidate[static_cast<size_t>(it - head.labels.begin())] = false;
        }
        if (v.labels.empty())
          candidate.assign(k, false);  // "no label" is not the none label
        else
          ++with_others;
        continue;
      }
      auto it = std::find(head.labels.begin(), head.labels.end(), v.labels.front());
      if (it != head.labels.end()) ++alone[static_cast<size_t>(it - head.labels.begin())];
    }
  }
  std::vector<uint32_t> found;
  for (size_t i = 0; i < k; ++i) {
    if (!candidate[i] || alone[i] == 0) continue;
    // The others must occur: alone or together.
    uint64_t others = with_others;
    for (size_t j = 0; j < k; ++j) others += j == i ? 0 : alone[j];
    if (others > 0) found.push_back(static_cast<uint32_t>(i));
  }
  if (found.size() == 1) return found.front();
  // Ambiguous (a binary head written as lists): the label named "safe" or "none", if one is.
  std::optional<uint32_t> named;
  for (uint32_t i : found) {
    std::string l = head.labels[i];
    std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return std::tolower(c); });
    if (l == "safe" || l == "none") {
      if (named) return std::nullopt;
      named = i;
    }
  }
  return named;
}

}  // namespace

Result<std::vector<HeadSpec>> derive_heads(const RawSplit& train, const HeadOptions& options) {
  ClassifierSchema schema;
  if (options.heads.empty()) {
    for (const ClassifierSample& s : train.samples) schema.add(s);
  } else {
    WINNOW_RETURN_IF_ERROR(check_fixed_heads(train, options.heads));
  }
  std::vector<HeadSchema> given;
  for (const HeadSpec& h : options.heads) {
    given.push_back({h.name, h.labels, h.kind != HeadKind::kSingleLabel, {}, 0});
  }
  std::vector<HeadSpec> heads;
  for (const HeadSchema& h : options.heads.empty() ? schema.heads() : given) {
    if (h.labels.size() < 2) {
      return Status::invalid_argument(
          "head '" + h.name + "' has only " +
          (h.labels.empty() ? std::string("no label") : "the label '" + h.labels.front() + "'") +
          (options.heads.empty() ? " in the training data" : "") + "; a head needs at least two");
    }
    HeadSpec spec;
    spec.name = h.name;
    spec.labels = h.labels;
    if (!h.multi_label) {
      spec.kind = HeadKind::kSingleLabel;
    } else {
      spec.kind =
          options.normalized_multi_label ? HeadKind::kMultiLabelNormalized : HeadKind::kMultiLabel;
    }
    const float t =
        spec.kind == HeadKind::kMultiLabel ? 0.5f : 1.0f / static_cast<float>(spec.labels.size());
    spec.thresholds.assign(spec.labels.size(), t);
    if (spec.kind == HeadKind::kMultiLabel) spec.none_label = find_none_label(train, spec);
    heads.push_back(std::move(spec));
  }
  for (const auto& entry : options.loss_weights) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture those in lambdas.
    const std::string& name = entry.first;
    const auto weight = entry.second;
    auto it =
        std::find_if(heads.begin(), heads.end(), [&](const HeadSpec& h) { return h.name == name; });
    if (it == heads.end()) {
      return Status::invalid_argument("loss weight given for head '" + name +
                                      "', which is not in the training data");
    }
    if (!std::isfinite(weight) || weight < 0) {
      return Status::invalid_argument("loss weight of head '" + name + "' must be >= 0");
    }
    it->loss_weight = weight;
  }
  return heads;
}

std::span<const Feature> SampleSet::features_of(size_t i) const {
  WINNOW_CHECK(!compact);
  return sample_features[i];
}

std::span<const Feature> SampleSet::features_of(size_t i, std::vector<Feature>* buffer) const {
  if (!compact) return sample_features[i];
  buffer->clear();
  const float* scale = compact_scales.data() + 2 * i;
  const bool use_idf = weighting.use_idf;
  for_each_count(compact_samples[i], [&](uint32_t key, uint32_t count) {
    // weigh_features' arithmetic exactly: tfidf_value's tf (from the table for common counts),
    // times idf[bucket], times the group's scale; weight 0 dropped.
    const uint32_t bucket = feature_bucket(key);
    float v = count < kTfTableSize ? tf_table[count] : compact_tf(count);
    if (use_idf) v *= idf[bucket];
    v *= scale[static_cast<uint32_t>(feature_group(key))];
    if (v != 0.0f) buffer->push_back({bucket, v});
  });
  return *buffer;
}

float SampleSet::compact_tf(uint32_t count) const {
  WeightingConfig tf_only = weighting;
  tf_only.use_idf = false;
  return tfidf_value(static_cast<float>(count), 0, {}, tf_only);
}

uint64_t SampleSet::feature_bytes() const {
  uint64_t n = 0;
  for (const auto& b : feature_chunks) n += b.capacity() * sizeof(Feature);
  for (const auto& b : compact_blocks) n += b.capacity();
  return n;
}

uint64_t SampleSet::total_tokens() const {
  uint64_t n = 0;
  for (uint32_t t : tokens) n += t;
  return n;
}

namespace {

// Fills targets and head flags of sample i from its labels.
Status set_targets(const ClassifierSample& sample, const ModelSpec& spec,
                   const std::vector<uint32_t>& offsets, uint8_t* targets, uint8_t* has_head) {
  for (const ClassifierSample::HeadValue& hv : sample.labels) {
    size_t h = 0;
    while (h < spec.heads.size() && spec.heads[h].name != hv.head) ++h;
    if (h == spec.heads.size()) {
      return Status::invalid_argument("labels." + hv.head +
                                      ": head does not occur in the training data");
    }
    const HeadSpec& head = spec.heads[h];
    if (head.kind == HeadKind::kSingleLabel && hv.labels.size() != 1) {
      return Status::invalid_argument("labels." + hv.head +
                                      ": a single-label head needs exactly one label");
    }
    has_head[h] = 1;
    for (const std::string& label : hv.labels) {
      auto it = std::find(head.labels.begin(), head.labels.end(), label);
      if (it == head.labels.end()) {
        return Status::invalid_argument("labels." + hv.head + ": label '" + label +
                                        "' does not occur in the training data");
      }
      targets[offsets[h] + static_cast<uint32_t>(it - head.labels.begin())] = 1;
    }
  }
  return Status::ok();
}

}  // namespace

Status sample_targets(const ClassifierSample& sample, const ModelSpec& spec,
                      std::span<uint8_t> targets, std::span<uint8_t> counted) {
  WINNOW_CHECK(targets.size() == spec.num_outputs() && counted.size() == spec.num_outputs());
  std::vector<uint32_t> offsets;
  for (size_t h = 0; h < spec.heads.size(); ++h) offsets.push_back(spec.output_offset(h));
  std::vector<uint8_t> has_head(spec.heads.size(), 0);
  std::fill(targets.begin(), targets.end(), uint8_t{0});
  WINNOW_RETURN_IF_ERROR(set_targets(sample, spec, offsets, targets.data(), has_head.data()));
  for (size_t h = 0; h < spec.heads.size(); ++h) {
    const uint32_t end = h + 1 < spec.heads.size() ? offsets[h + 1] : spec.num_outputs();
    std::fill(counted.begin() + offsets[h], counted.begin() + end, has_head[h]);
  }
  return Status::ok();
}

namespace {

// idf from document frequencies (smooth idf = ln((1+n)/(1+df)) + 1, 0 under min_df).
void idf_from_df(const std::vector<uint32_t>& df, size_t docs, uint32_t min_df,
                 std::vector<float>* idf) {
  idf->resize(df.size());
  const double n = static_cast<double>(docs);
  for (size_t b = 0; b < df.size(); ++b) {
    (*idf)[b] =
        df[b] < min_df ? 0.0f : static_cast<float>(std::log((1.0 + n) / (1.0 + df[b])) + 1.0);
  }
}

// FeatureStorage::kCompact for architectures without extra inputs. Pass 1 (parallel by
// contiguous ranges) hashes each text, encodes its sorted counts into the member's current
// byte block (fixed size, never reallocated: the spans stay valid), counts document
// frequencies per member and frees the text; then the idf; pass 2 computes each sample's group
// scales from its decoded counts. The peak is the encoded bytes, never 8 bytes per n-gram of
// the whole split.
void featurize_compact(RawSplit* raw, const ModelSpec& spec, bool compute_idf,
                       std::vector<float>* idf, WorkerTeam* team, SampleSet* set) {
  const size_t n = raw->samples.size();
  const size_t members = static_cast<size_t>(team->size());
  const uint32_t buckets = spec.features.buckets();
  const bool count_df = compute_idf && spec.weighting.use_idf;
  std::vector<std::vector<std::vector<uint8_t>>> member_blocks(members);
  std::vector<std::vector<uint32_t>> member_df(count_df ? members : 0);
  std::vector<uint64_t> begins(n, 0), ends(n, 0);
  std::vector<uint32_t> block_of(n, 0);
  const FeatureHasher hasher(spec.features);
  team->run_ranges(n, [&](size_t begin, size_t end, int member) {
    FeatureScratch scratch;
    std::vector<Feature> one;
    std::vector<Feature> sort_scratch;
    std::vector<uint8_t> bytes;
    std::vector<std::vector<uint8_t>>& blocks = member_blocks[static_cast<size_t>(member)];
    std::vector<uint32_t>* df = nullptr;
    if (count_df) {
      df = &member_df[static_cast<size_t>(member)];
      df->assign(buckets, 0);
    }
    for (size_t i = begin; i < end; ++i) {
      set->tokens[i] = hasher.extract(raw->samples[i].text, &scratch, &one);
      std::string().swap(raw->samples[i].text);
      if (df != nullptr) {
        for (const Feature& f : one) ++(*df)[feature_bucket(f.key)];
      }
      bytes.clear();
      encode_counts(&one, &sort_scratch, &bytes);
      if (blocks.empty() || blocks.back().capacity() - blocks.back().size() < bytes.size()) {
        blocks.emplace_back();
        blocks.back().reserve(std::max(kBlockBytes, bytes.size()));
      }
      std::vector<uint8_t>& block = blocks.back();
      begins[i] = block.size();
      block.insert(block.end(), bytes.begin(), bytes.end());
      ends[i] = block.size();
      block_of[i] = static_cast<uint32_t>(blocks.size() - 1);
    }
    // The last block's unused reservation (up to 32 MB a member) is given back.
    if (!blocks.empty()) blocks.back().shrink_to_fit();
  });
  std::vector<uint32_t> base(members, 0);
  for (size_t m = 0; m < members; ++m) {
    base[m] = static_cast<uint32_t>(set->compact_blocks.size());
    for (auto& block : member_blocks[m]) set->compact_blocks.push_back(std::move(block));
  }
  if (compute_idf) {
    idf->clear();
    if (spec.weighting.use_idf) {
      std::vector<uint32_t> df(buckets, 0);
      for (const auto& d : member_df) {
        for (uint32_t b = 0; b < buckets; ++b) df[b] += d[b];
      }
      member_df.clear();
      idf_from_df(df, n, spec.weighting.min_df, idf);
    }
  }
  set->compact = true;
  set->idf = *idf;
  set->weighting = spec.weighting;
  for (uint32_t c = 0; c < SampleSet::kTfTableSize; ++c) set->tf_table[c] = set->compact_tf(c);
  set->compact_samples.resize(n);
  set->compact_scales.assign(2 * n, 0.0f);
  team->run_ranges(n, [&](size_t begin, size_t end, int member) {
    std::vector<Feature> counts;
    for (size_t i = begin; i < end; ++i) {
      const std::vector<uint8_t>& block =
          set->compact_blocks[base[static_cast<size_t>(member)] + block_of[i]];
      set->compact_samples[i] =
          std::span<const uint8_t>(block.data() + begins[i], ends[i] - begins[i]);
      counts.clear();
      for_each_count(set->compact_samples[i], [&](uint32_t key, uint32_t count) {
        counts.push_back({key, static_cast<float>(count)});
      });
      group_scales(counts, *idf, spec.weighting, &set->compact_scales[2 * i]);
    }
  });
}

}  // namespace

Result<SampleSet> featurize_split(RawSplit* raw, const ModelSpec& spec, const void* runtime,
                                  bool compute_idf, std::vector<float>* idf, WorkerTeam* team,
                                  FeatureStorage storage, ExtraInputs extra_inputs) {
  const Architecture* arch = find_architecture(spec.architecture);
  WINNOW_CHECK(arch != nullptr);
  const bool extras = arch->append_extra_inputs != nullptr && extra_inputs == ExtraInputs::kAppend;
  const size_t n = raw->samples.size();
  SampleSet set;
  set.num_outputs = spec.num_outputs();
  set.num_heads = static_cast<uint32_t>(spec.heads.size());
  set.targets.assign(n * set.num_outputs, 0);
  set.has_head.assign(n * set.num_heads, 0);
  set.tokens.assign(n, 0);
  set.file_of_sample = raw->file_of_sample;

  std::vector<uint32_t> offsets;
  for (size_t h = 0; h < spec.heads.size(); ++h) offsets.push_back(spec.output_offset(h));
  for (size_t i = 0; i < n; ++i) {
    Status st = set_targets(raw->samples[i], spec, offsets, &set.targets[i * set.num_outputs],
                            &set.has_head[i * set.num_heads]);
    if (!st.is_ok()) {
      return st.with_context(raw->files[raw->file_of_sample[i]] + ":" +
                             std::to_string(raw->line_of_sample[i]));
    }
  }
  if (storage == FeatureStorage::kCompact && !extras) {
    featurize_compact(raw, spec, compute_idf, idf, team, &set);
    return set;
  }

  // Pass 1 (parallel by contiguous ranges): distinct n-gram counts per sample, appended to the
  // member's current block. Blocks are reserved at a fixed size (kBlockFeatures, or one large
  // sample) and never grow, so a sample's features never move and no reallocation ever holds
  // an old and a new buffer at once: the peak is the features themselves (a growing vector
  // peaked at up to three times that, measured in docs/training.md "Memory"). Reserved but
  // unwritten pages are not resident. Offsets are remembered until pass 2 makes them spans.
  const size_t members = static_cast<size_t>(team->size());
  std::vector<std::vector<std::vector<Feature>>> member_blocks(members);
  std::vector<uint64_t> ends(n, 0);      // end offset of sample i in its block
  std::vector<uint32_t> block_of(n, 0);  // its block: member-local, then global (below)
  const FeatureHasher hasher(spec.features);
  team->run_ranges(n, [&](size_t begin, size_t end, int member) {
    FeatureScratch scratch;
    std::vector<Feature> one;
    std::vector<std::vector<Feature>>& blocks = member_blocks[static_cast<size_t>(member)];
    for (size_t i = begin; i < end; ++i) {
      set.tokens[i] = hasher.extract(raw->samples[i].text, &scratch, &one);
      if (blocks.empty() || blocks.back().capacity() - blocks.back().size() < one.size()) {
        blocks.emplace_back();
        blocks.back().reserve(std::max(kBlockFeatures, one.size()));
      }
      std::vector<Feature>& block = blocks.back();
      block.insert(block.end(), one.begin(), one.end());
      ends[i] = block.size();
      block_of[i] = static_cast<uint32_t>(blocks.size() - 1);
      if (!extras) std::string().swap(raw->samples[i].text);
    }
  });
  {
    // Members' blocks in member order; a member's samples are a contiguous range, so the
    // global index of a sample's block is its member's base plus the local index.
    std::vector<uint32_t> base(members, 0);
    for (size_t m = 0; m < members; ++m) {
      base[m] = static_cast<uint32_t>(set.feature_chunks.size());
      for (auto& block : member_blocks[m]) set.feature_chunks.push_back(std::move(block));
    }
    team->run_ranges(n, [&](size_t begin, size_t end, int member) {
      for (size_t i = begin; i < end; ++i) block_of[i] += base[static_cast<size_t>(member)];
    });
  }

  const uint32_t buckets = spec.features.buckets();
  if (compute_idf) {
    idf->clear();
    if (spec.weighting.use_idf) {
      std::vector<uint32_t> df(buckets, 0);
      for (const auto& chunk : set.feature_chunks) {
        for (const Feature& f : chunk) ++df[feature_bucket(f.key)];
      }
      idf_from_df(df, n, spec.weighting.min_df, idf);
    }
  }

  // Pass 2, same ranges: weighting in place, compacting each block as dropped features vanish;
  // with extra inputs (which can outnumber the n-grams), into one new chunk per member, each
  // sample's weighted n-grams followed by its extra inputs, computed from the text it still
  // has (the member's blocks are then freed).
  set.sample_features.resize(n);
  std::vector<std::vector<Feature>> extra_chunks(extras ? members : 0);
  team->run_ranges(n, [&](size_t begin, size_t end, int member) {
    std::vector<Feature> out;
    PredictScratch scratch;
    uint64_t read = 0, write = 0;
    std::vector<uint64_t> kept(end - begin);
    // With extra inputs, samples go kBatch at a time so that an encoder embeds a batch at once.
    constexpr size_t kBatch = 32;
    std::vector<std::vector<Feature>> pending(extras ? kBatch : 0);
    std::vector<std::vector<Feature>*> pending_outs;
    std::vector<std::string_view> pending_texts;
    size_t pending_first = begin;
    auto flush = [&] {
      if (pending_texts.empty()) return;
      arch->append_extra_inputs(spec, runtime, pending_texts, &scratch, pending_outs);
      for (size_t j = 0; j < pending_texts.size(); ++j) {
        out.insert(out.end(), pending[j].begin(), pending[j].end());
        kept[pending_first + j - begin] = out.size();
        std::string().swap(raw->samples[pending_first + j].text);
      }
      pending_texts.clear();
      pending_outs.clear();
    };
    // Closes the block being compacted: drops its tail (only one block's worth is copied).
    auto close_block = [&](uint32_t b) {
      if (extras) return;
      set.feature_chunks[b].resize(write);
      set.feature_chunks[b].shrink_to_fit();
    };
    uint32_t current = end > begin ? block_of[begin] : 0;
    for (size_t i = begin; i < end; ++i) {
      if (block_of[i] != current) {
        close_block(current);
        current = block_of[i];
        read = 0;
        write = 0;
      }
      std::vector<Feature>& chunk = set.feature_chunks[current];
      const uint64_t count = ends[i] - read;
      const size_t k =
          weigh_features(std::span<Feature>(chunk.data() + read, count), *idf, spec.weighting);
      if (extras) {
        if (pending_texts.empty()) pending_first = i;
        std::vector<Feature>& p = pending[pending_texts.size()];
        p.assign(chunk.begin() + static_cast<std::ptrdiff_t>(read),
                 chunk.begin() + static_cast<std::ptrdiff_t>(read + k));
        pending_outs.push_back(&p);
        pending_texts.push_back(raw->samples[i].text);
        if (pending_texts.size() == kBatch) flush();
      } else {
        if (write != read) {
          std::copy(chunk.begin() + static_cast<std::ptrdiff_t>(read),
                    chunk.begin() + static_cast<std::ptrdiff_t>(read + k),
                    chunk.begin() + static_cast<std::ptrdiff_t>(write));
        }
        write += k;
        kept[i - begin] = write;
      }
      read = ends[i];
    }
    flush();
    if (end > begin) close_block(current);
    if (extras) {
      out.shrink_to_fit();
      std::vector<Feature>& mine = extra_chunks[static_cast<size_t>(member)];
      mine = std::move(out);
      uint64_t start = 0;
      for (size_t i = begin; i < end; ++i) {
        set.sample_features[i] =
            std::span<const Feature>(mine.data() + start, kept[i - begin] - start);
        start = kept[i - begin];
      }
      // The n-gram blocks of this member are copied into `mine`: free them.
      if (end > begin) {
        for (uint32_t b = block_of[begin]; b <= block_of[end - 1]; ++b) {
          std::vector<Feature>().swap(set.feature_chunks[b]);
        }
      }
    } else {
      uint64_t start = 0;
      for (size_t i = begin; i < end; ++i) {
        if (i > begin && block_of[i] != block_of[i - 1]) start = 0;
        set.sample_features[i] = std::span<const Feature>(
            set.feature_chunks[block_of[i]].data() + start, kept[i - begin] - start);
        start = kept[i - begin];
      }
    }
  });
  if (extras) set.feature_chunks = std::move(extra_chunks);
  return set;
}

}  // namespace winnow
