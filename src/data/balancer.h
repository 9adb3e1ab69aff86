// The Mistral moderation tutorial's balancing step ("filter_dataset"), reproduced exactly,
// including its greedy order semantics and its floating-point arithmetic:
//   - samples with no flag ("zero-flag") and with at least one flag are split, keeping order;
//   - total = nonzero / (1 - zero_flags_fraction); keep the first int(total * zero_flags_fraction)
//     zero-flag samples and consider the first int(total * (1 - zero_flags_fraction)) flagged ones;
//   - a flagged sample is kept unless, for the first of its labels (in label order) whose count
//     would then exceed max_label_fraction of that considered count, it would overflow; kept
//     samples increment every label they carry.
// The result lists kept flagged samples in order, then kept zero-flag samples in order (the
// tutorial then shuffles; callers decide the final order).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace winnow {

using LabelMask = uint64_t;  // bit i set = label i flagged; at most 64 labels

struct BalanceOptions {
  double zero_flags_fraction = 0.1;  // in [0, 1)
  double max_label_fraction = 0.2;   // in (0, 1]
};

// Returns indices into `flags` of the kept samples, in the order described above.
std::vector<uint32_t> balance_like_tutorial(std::span<const LabelMask> flags, int num_labels,
                                            const BalanceOptions& options);

}  // namespace winnow
