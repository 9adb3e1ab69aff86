#include "data/balancer.h"

#include <cstddef>

namespace winnow {

std::vector<uint32_t> balance_like_tutorial(std::span<const LabelMask> flags, int num_labels,
                                            const BalanceOptions& options) {
  std::vector<uint32_t> zero;
  std::vector<uint32_t> nonzero;
  for (uint32_t i = 0; i < flags.size(); ++i) (flags[i] == 0 ? zero : nonzero).push_back(i);

  // Same double arithmetic and truncation as the Python original (int() truncates toward zero).
  const double total = static_cast<double>(nonzero.size()) / (1 - options.zero_flags_fraction);
  const auto desired_zero = static_cast<uint64_t>(total * options.zero_flags_fraction);
  const auto desired_nonzero = static_cast<uint64_t>(total * (1 - options.zero_flags_fraction));
  if (zero.size() > desired_zero) zero.resize(desired_zero);
  if (nonzero.size() > desired_nonzero) nonzero.resize(desired_nonzero);

  std::vector<uint64_t> counts(static_cast<size_t>(num_labels), 0);
  std::vector<uint32_t> kept;
  kept.reserve(nonzero.size() + zero.size());
  for (uint32_t i : nonzero) {
    const LabelMask m = flags[i];
    bool add = true;
    for (int k = 0; k < num_labels; ++k) {
      if ((m >> k & 1) == 0) continue;
      if (static_cast<double>(counts[static_cast<size_t>(k)] + 1) /
              static_cast<double>(desired_nonzero) >
          options.max_label_fraction) {
        add = false;
        break;
      }
    }
    if (!add) continue;
    kept.push_back(i);
    for (int k = 0; k < num_labels; ++k) counts[static_cast<size_t>(k)] += m >> k & 1;
  }
  kept.insert(kept.end(), zero.begin(), zero.end());
  return kept;
}

}  // namespace winnow
