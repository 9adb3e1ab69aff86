#include "text/piece_tokenizer.h"

#include <unicode/bytestream.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "core/utf8.h"

namespace winnow {

namespace {

constexpr char32_t kPieceSeparator = 0x2581;  // ▁
constexpr char32_t kPieceReplacement = 0xFFFD;
constexpr int kPieceNodeBits = 21;
constexpr uint64_t kPieceNodeMask = (uint64_t{1} << kPieceNodeBits) - 1;
constexpr size_t kPieceMaxNodes = kPieceNodeMask;  // ids 0 .. 2^21 - 2
// Never a real edge: its code point field (all ones) is above U+10FFFF.
constexpr uint64_t kPieceEmptyEdge = ~uint64_t{0};

// WHATWG UTF-8 decoding: each maximal subpart of an ill-formed sequence becomes one U+FFFD.
// Calls emit(code point, begin byte, end byte) per character; returns false if any byte was
// replaced.
template <typename Emit>
bool decode_utf8_replacing(std::string_view s, Emit&& emit) {
  bool clean = true;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char b = p[i];
    if (b < 0x80) {
      emit(char32_t{b}, i, i + 1);
      ++i;
      continue;
    }
    size_t need = 0;
    char32_t cp = 0;
    unsigned char lower = 0x80;
    unsigned char upper = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
      cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      cp = b & 0x0F;
      if (b == 0xE0) lower = 0xA0;
      if (b == 0xED) upper = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      cp = b & 0x07;
      if (b == 0xF0) lower = 0x90;
      if (b == 0xF4) upper = 0x8F;
    } else {
      emit(kPieceReplacement, i, i + 1);
      clean = false;
      ++i;
      continue;
    }
    size_t j = i + 1;
    size_t seen = 0;
    while (seen < need && j < n && p[j] >= lower && p[j] <= upper) {
      cp = (cp << 6) | (p[j] & 0x3F);
      lower = 0x80;
      upper = 0xBF;
      ++j;
      ++seen;
    }
    if (seen == need) {
      emit(cp, i, j);
    } else {
      // The offending byte (if any) starts the next sequence.
      emit(kPieceReplacement, i, j);
      clean = false;
    }
    i = j;
  }
  return clean;
}

void append_utf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Parent and code point, 42 bits; an edge is (key << 21) | child.
uint64_t piece_edge_key(int32_t node, char32_t symbol) {
  return (static_cast<uint64_t>(node) << kPieceNodeBits) | symbol;
}

uint64_t piece_edge_slot(uint64_t key, int shift) { return (key * 0x9E3779B97F4A7C15ull) >> shift; }

const icu::Normalizer2* nfkc_instance() {
  UErrorCode ec = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(ec);
  return U_SUCCESS(ec) ? n : nullptr;
}

}  // namespace

// Symbols are the lattice's code points (after NFKC, with the U+2581 rewrite); sym_begin/end
// their byte range in the caller's text. Lattice arrays have symbols + 1 entries.
struct PieceScratch::Impl {
  std::string valid;                 // the text re-encoded with U+FFFD (only if ill-formed)
  std::vector<uint32_t> valid_orig;  // per byte of `valid` (+1): offset in the caller's text
  std::string normalized;
  icu::Edits edits;
  std::vector<char32_t> symbols;
  std::vector<uint32_t> sym_begin;
  std::vector<uint32_t> sym_end;
  std::vector<double> best;
  std::vector<int32_t> words;
  std::vector<int32_t> edge_lengths;  // code points of the edge that set words[p]
  std::vector<int32_t> trace;
  std::vector<TokenSpan> trace_spans;
};

PieceScratch::PieceScratch() : impl_(std::make_unique<Impl>()) {}
PieceScratch::~PieceScratch() = default;
PieceScratch::PieceScratch(PieceScratch&&) noexcept = default;
PieceScratch& PieceScratch::operator=(PieceScratch&&) noexcept = default;

Result<PieceTokenizer> PieceTokenizer::create(std::vector<std::pair<std::string, double>> vocab) {
  if (vocab.empty()) return Status::invalid_argument("piece vocabulary: no entries");
  if (vocab.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::invalid_argument("piece vocabulary: more than 2^31-1 entries");
  }
  if (vocab[0].first.empty()) {
    return Status::invalid_argument("piece vocabulary: entry 0 (the unknown piece) is empty");
  }
  if (nfkc_instance() == nullptr) {
    return Status::internal("piece vocabulary: ICU's NFKC data is not available");
  }
  PieceTokenizer t;
  t.pieces_.reserve(vocab.size());
  t.scores_.reserve(vocab.size());
  t.utf16_lengths_.reserve(vocab.size());
  for (size_t i = 0; i < vocab.size(); ++i) {
    auto& [piece, score] = vocab[i];
    if (find_invalid_utf8(piece) != std::string_view::npos) {
      return Status::invalid_argument("piece vocabulary: entry " + std::to_string(i) +
                                      ": piece is not valid UTF-8");
    }
    if (!std::isfinite(score)) {
      return Status::invalid_argument("piece vocabulary: entry " + std::to_string(i) +
                                      ": score is not a finite number");
    }
    int32_t units = 0;
    decode_utf8_replacing(piece,
                          [&](char32_t cp, size_t, size_t) { units += cp >= 0x10000 ? 2 : 1; });
    t.utf16_lengths_.push_back(units);
    t.pieces_.push_back(std::move(piece));
    t.scores_.push_back(score);
  }

  // Build the trie with a temporary map, then lay its edges into the flat table.
  std::vector<std::pair<uint64_t, int32_t>> edge_list;
  std::unordered_map<uint64_t, int32_t> edge_map;
  t.node_ids_.push_back(-1);
  t.node_scores_.push_back(0.0);
  for (size_t i = kPieceReservedCount; i < t.pieces_.size(); ++i) {
    int32_t node = 0;
    bool any = false;
    decode_utf8_replacing(t.pieces_[i], [&](char32_t cp, size_t, size_t) {
      any = true;
      const uint64_t key = piece_edge_key(node, cp);
      auto [it, inserted] = edge_map.try_emplace(key, static_cast<int32_t>(t.node_ids_.size()));
      if (inserted) {
        t.node_ids_.push_back(-1);
        t.node_scores_.push_back(0.0);
        edge_list.emplace_back(key, it->second);
      }
      node = it->second;
    });
    if (t.node_ids_.size() > kPieceMaxNodes) {
      return Status::invalid_argument("piece vocabulary: entry " + std::to_string(i) +
                                      ": more than 2^21 - 1 trie nodes");
    }
    if (!any) continue;  // an empty piece inserts nothing, as in the reference
    // A later duplicate overwrites the earlier entry, as Trie.insert does.
    t.node_ids_[node] = static_cast<int32_t>(i);
    t.node_scores_[node] = t.scores_[i];
  }
  size_t capacity = 16;
  while (capacity < edge_list.size() * 2) capacity *= 2;
  t.edges_.assign(capacity, kPieceEmptyEdge);
  t.edge_mask_ = capacity - 1;
  t.edge_shift_ = 64 - std::countr_zero(capacity);
  std::fill(std::begin(t.root_ascii_), std::end(t.root_ascii_), -1);
  for (const auto& [key, target] : edge_list) {
    uint64_t slot = piece_edge_slot(key, t.edge_shift_);
    while (t.edges_[slot] != kPieceEmptyEdge) slot = (slot + 1) & t.edge_mask_;
    t.edges_[slot] = (key << kPieceNodeBits) | static_cast<uint64_t>(target);
    if ((key >> kPieceNodeBits) == 0 && (key & kPieceNodeMask) < 128) {
      t.root_ascii_[key & kPieceNodeMask] = target;
    }
  }
  return t;
}

inline int32_t PieceTokenizer::child(int32_t node, char32_t symbol) const {
  if (node == 0 && symbol < 128) return root_ascii_[symbol];
  const uint64_t key = piece_edge_key(node, symbol);
  uint64_t slot = piece_edge_slot(key, edge_shift_);
  for (;;) {
    const uint64_t e = edges_[slot];
    if ((e >> kPieceNodeBits) == key) return static_cast<int32_t>(e & kPieceNodeMask);
    if (e == kPieceEmptyEdge) return -1;
    slot = (slot + 1) & edge_mask_;
  }
}

void PieceTokenizer::encode(std::string_view utf8_text, PieceScratch* scratch,
                            std::vector<int32_t>* ids, std::vector<TokenSpan>* spans) const {
  PieceScratch::Impl& s = *scratch->impl_;
  ids->clear();
  if (spans != nullptr) spans->clear();
  if (utf8_text.size() > kPieceTextMaxBytes) utf8_text = utf8_text.substr(0, kPieceTextMaxBytes);
  const bool want_spans = spans != nullptr;

  // Symbol 0 is the U+2581 prefix; it is dropped again below if the text normalizes to nothing.
  s.symbols.clear();
  s.sym_begin.clear();
  s.sym_end.clear();
  s.symbols.push_back(kPieceSeparator);
  s.sym_begin.push_back(0);
  s.sym_end.push_back(0);
  auto push_symbol = [&s](char32_t cp, uint32_t begin, uint32_t end) {
    s.symbols.push_back(cp == U' ' ? kPieceSeparator : cp);
    s.sym_begin.push_back(begin);
    s.sym_end.push_back(end);
  };

  const bool ascii = std::all_of(utf8_text.begin(), utf8_text.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  const icu::Normalizer2* nfkc = ascii ? nullptr : nfkc_instance();
  if (ascii || nfkc == nullptr) {
    // NFKC is the identity on ASCII. (Without ICU data, which create() rules out, the decoded
    // text is used as is.)
    decode_utf8_replacing(utf8_text, [&](char32_t cp, size_t b, size_t e) {
      push_symbol(cp, static_cast<uint32_t>(b), static_cast<uint32_t>(e));
    });
  } else {
    // ICU needs well-formed input: re-encode with U+FFFD if needed, remembering where each
    // byte came from.
    std::string_view valid = utf8_text;
    s.valid_orig.clear();
    s.valid.clear();
    bool clean = decode_utf8_replacing(utf8_text, [](char32_t, size_t, size_t) {});
    if (!clean) {
      decode_utf8_replacing(utf8_text, [&](char32_t cp, size_t b, size_t) {
        const size_t before = s.valid.size();
        append_utf8(cp, &s.valid);
        s.valid_orig.insert(s.valid_orig.end(), s.valid.size() - before, static_cast<uint32_t>(b));
      });
      s.valid_orig.push_back(static_cast<uint32_t>(utf8_text.size()));
      valid = s.valid;
    }
    auto to_orig = [&](size_t valid_offset) -> uint32_t {
      return clean ? static_cast<uint32_t>(valid_offset) : s.valid_orig[valid_offset];
    };

    s.normalized.clear();
    UErrorCode ec = U_ZERO_ERROR;
    {
      icu::StringByteSink<std::string> sink(&s.normalized);
      nfkc->normalizeUTF8(0, icu::StringPiece(valid.data(), static_cast<int32_t>(valid.size())),
                          sink, want_spans ? &s.edits : nullptr, ec);
    }
    std::string_view norm = s.normalized;
    bool have_edits = want_spans;
    if (U_FAILURE(ec)) {  // out of memory: keep the text unnormalized rather than fail
      norm = valid;
      have_edits = false;
    }

    if (!want_spans) {
      decode_utf8_replacing(norm, [&](char32_t cp, size_t, size_t) { push_symbol(cp, 0, 0); });
    } else if (!have_edits) {
      decode_utf8_replacing(
          norm, [&](char32_t cp, size_t b, size_t e) { push_symbol(cp, to_orig(b), to_orig(e)); });
    } else {
      // Walk ICU's fine-grained edits alongside the output: unchanged stretches map byte for
      // byte, each changed stretch maps as a whole to the source it replaced.
      icu::Edits::Iterator it = s.edits.getFineIterator();
      UErrorCode iec = U_ZERO_ERROR;
      bool have = it.next(iec) && U_SUCCESS(iec);
      decode_utf8_replacing(norm, [&](char32_t cp, size_t b, size_t e) {
        while (have && static_cast<size_t>(it.destinationIndex() + it.newLength()) <= b) {
          have = it.next(iec) && U_SUCCESS(iec);
        }
        size_t src_begin = valid.size();
        size_t src_end = valid.size();
        if (have) {
          const size_t dest = static_cast<size_t>(it.destinationIndex());
          const size_t src = static_cast<size_t>(it.sourceIndex());
          if (it.hasChange()) {
            src_begin = src;
            src_end = src + static_cast<size_t>(it.oldLength());
          } else {
            src_begin = src + (b - dest);
            src_end = std::min(src + (e - dest), valid.size());
          }
        }
        push_symbol(cp, to_orig(src_begin), to_orig(src_end));
      });
    }
  }
  if (s.symbols.size() == 1) return;  // the text normalizes to nothing: no ids
  s.sym_begin[0] = s.sym_end[0] = s.sym_begin[1];

  // Forward relaxation in increasing start position visits, for each end position, the same
  // candidates in the same order as the reference's loop over end positions (startPos ascending,
  // i.e. longest piece first), with each start's best already final.
  const size_t n = s.symbols.size();
  s.best.assign(n + 1, 0.0);
  s.words.assign(n + 1, kPieceUnknownId);
  s.edge_lengths.assign(n + 1, 1);
  auto relax = [&s](size_t from, size_t to, double score, int32_t id) {
    const double total = score + s.best[from];
    if (s.best[to] == 0.0 || total >= s.best[to]) {
      s.best[to] = total;
      s.words[to] = id;
      s.edge_lengths[to] = static_cast<int32_t>(to - from);
    }
  };
  const char32_t* sym = s.symbols.data();
  for (size_t i = 0; i < n; ++i) {
    int32_t node = 0;
    bool matched = false;
    for (size_t j = i; j < n; ++j) {
      node = child(node, sym[j]);
      if (node < 0) break;
      const int32_t id = node_ids_[node];
      if (id >= 0) {
        relax(i, j + 1, node_scores_[node], id);
        matched = true;
      }
    }
    if (!matched) relax(i, i + 1, 0.0, kPieceUnknownId);
  }

  // Back-trace with JavaScript's UTF-16 lengths (the quirk in the file comment).
  s.trace.clear();
  s.trace_spans.clear();
  int64_t iter = static_cast<int64_t>(n);
  while (iter > 0) {
    const auto p = static_cast<size_t>(iter);
    const int32_t id = s.words[p];
    s.trace.push_back(id);
    if (want_spans) {
      const size_t first = p - std::min(p, static_cast<size_t>(s.edge_lengths[p]));
      s.trace_spans.push_back(TokenSpan{s.sym_begin[first], s.sym_end[p - 1]});
    }
    iter -= utf16_lengths_[static_cast<size_t>(id)];
  }

  // Collapse runs of unknowns; the trace runs backwards, so a collapsed unknown's span grows
  // towards the start of the text.
  bool previous_unknown = false;
  for (size_t k = 0; k < s.trace.size(); ++k) {
    const int32_t id = s.trace[k];
    const bool unknown = id == kPieceUnknownId;
    if (previous_unknown && unknown) {
      if (want_spans) spans->back().begin = s.trace_spans[k].begin;
    } else {
      ids->push_back(id);
      if (want_spans) spans->push_back(s.trace_spans[k]);
    }
    previous_unknown = unknown;
  }
  std::reverse(ids->begin(), ids->end());
  if (want_spans) std::reverse(spans->begin(), spans->end());
}

Result<PieceTokenizer> load_piece_vocab_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    return std::filesystem::exists(path, ec) ? Status::io_error(path + ": cannot open for reading")
                                             : Status::not_found(path + ": no such file");
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Status::io_error(path + ": read failed");
  const nlohmann::json doc =
      nlohmann::json::parse(bytes.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::invalid_argument(path + ": not valid JSON");
  if (!doc.is_array())
    return Status::invalid_argument(path + ": expected an array of [piece, score]");
  std::vector<std::pair<std::string, double>> vocab;
  vocab.reserve(doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    const nlohmann::json& entry = doc[i];
    if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() ||
        !(entry[1].is_number() || entry[1].is_null())) {
      return Status::invalid_argument(path + ": entry " + std::to_string(i) +
                                      ": expected [piece, score]");
    }
    vocab.emplace_back(entry[0].get<std::string>(),
                       entry[1].is_null() ? 0.0 : entry[1].get<double>());
  }
  auto tokenizer = PieceTokenizer::create(std::move(vocab));
  if (!tokenizer.is_ok()) return tokenizer.status().with_context(path);
  return tokenizer;
}

}  // namespace winnow
