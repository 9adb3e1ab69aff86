// Splitting normalized text into words (for word n-grams and token counts) and into
// whitespace-separated chunks (for character n-grams). Works on bytes; never fails.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace winnow {

// Byte range [begin, end) inside the text that was split.
struct TokenSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// Words: maximal runs of ASCII letters and digits and of non-ASCII bytes (so UTF-8 letters of
// any script stay inside words); an apostrophe between two word characters stays inside the
// word ("don't"). Everything else separates words. Replaces the contents of *words.
// Texts longer than 4 GiB are cut at 4 GiB.
void split_words(std::string_view text, std::vector<TokenSpan>* words);

// Chunks: maximal runs of bytes other than ASCII space (punctuation included, as in
// scikit-learn's "char_wb" analyzer). Replaces the contents of *chunks.
void split_chunks(std::string_view text, std::vector<TokenSpan>* chunks);

}  // namespace winnow
