// Long texts: a text longer than the model's window (in words, the engine's unit of tokens) is
// read as overlapping windows ("chunks") and each label's score is an aggregate over them, so
// the tail of a long post is read as carefully as its start and memory stays bounded by the
// window, not the text. Texts that fit one window are read whole, exactly as in training.
//
// The default window (256 words) is longer than any Civil Comments post (they stop at ~210
// words), so on data like the training data chunking never applies and served scores equal the
// training-time validation scores.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "text/feature_hasher.h"

namespace winnow {

enum class ChunkAggregate {
  kMax,   // a label scores as its highest chunk: one bad paragraph flags the post
  kMean,  // a label scores as its mean over chunks
};
std::string_view chunk_aggregate_name(ChunkAggregate a);  // "max", "mean"
Result<ChunkAggregate> parse_chunk_aggregate(std::string_view name);

struct ChunkingConfig {
  uint32_t window_words = 256;  // words per chunk; 0 = never split
  uint32_t overlap_words = 64;  // words shared by consecutive chunks (< window_words)
  ChunkAggregate aggregate = ChunkAggregate::kMax;
  // kInvalidArgument naming the field: window above 1,000,000 words, overlap >= window.
  Status validate() const;
};

// The byte ranges of the chunks of `text` into *out, in text order; empty when the text fits
// one window (decided without scanning when it is shorter than 2 * window bytes: a word takes
// at least one byte and one separator). Chunk k starts at word k * (window - overlap); the
// last chunk ends at the text's end and holds a full window. The first chunk starts at byte 0;
// each chunk ends where the word after its last one starts (so trailing punctuation is kept).
void chunk_ranges(std::string_view text, const ChunkingConfig& config, FeatureScratch* scratch,
                  std::vector<TokenSpan>* out);

}  // namespace winnow
