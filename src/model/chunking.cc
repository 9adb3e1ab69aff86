#include "model/chunking.h"

#include <algorithm>
#include <string>

#include "text/normalize.h"
#include "text/tokenize.h"

namespace winnow {

std::string_view chunk_aggregate_name(ChunkAggregate a) {
  return a == ChunkAggregate::kMean ? "mean" : "max";
}

Result<ChunkAggregate> parse_chunk_aggregate(std::string_view name) {
  if (name == "max") return ChunkAggregate::kMax;
  if (name == "mean") return ChunkAggregate::kMean;
  return Status::invalid_argument("unknown chunk aggregate '" + std::string(name) +
                                  "' (known: max, mean)");
}

Status ChunkingConfig::validate() const {
  if (window_words > 1'000'000) {
    return Status::invalid_argument("chunking.window_words must be at most 1000000, got " +
                                    std::to_string(window_words));
  }
  if (window_words > 0 && overlap_words >= window_words) {
    return Status::invalid_argument("chunking.overlap_words must be below window_words (" +
                                    std::to_string(window_words) + "), got " +
                                    std::to_string(overlap_words));
  }
  return Status::ok();
}

void chunk_ranges(std::string_view text, const ChunkingConfig& config, FeatureScratch* scratch,
                  std::vector<TokenSpan>* out) {
  out->clear();
  const uint64_t window = config.window_words;
  if (window == 0 || text.size() < 2 * window) return;
  // Normalization keeps byte offsets, so the words of the normalized text are the text's.
  scratch->normalized.clear();
  normalize_text(text, &scratch->normalized);
  split_words(scratch->normalized, &scratch->spans);
  const std::vector<TokenSpan>& words = scratch->spans;
  const size_t n = words.size();
  if (n <= window) return;
  const size_t stride = window - config.overlap_words;
  const auto text_end = static_cast<uint32_t>(std::min<size_t>(text.size(), UINT32_MAX));
  auto end_after = [&](size_t last_word) {  // exclusive
    return last_word + 1 < n ? words[last_word + 1].begin : text_end;
  };
  for (size_t first = 0;; first += stride) {
    if (first + window >= n) {
      // The last chunk: a full window ending with the text.
      const size_t start = n - window;
      out->push_back({start == 0 ? 0u : words[start].begin, text_end});
      break;
    }
    out->push_back({first == 0 ? 0u : words[first].begin, end_after(first + window - 1)});
  }
}

}  // namespace winnow
