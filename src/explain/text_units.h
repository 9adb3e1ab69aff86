// The units an explanation speaks of: the words of a text (split_words on its normalized form,
// so "don't" is one word) and the runs of other visible characters between them ("!!!", ":)",
// "$#@!"). Units are disjoint, in text order, and together cover every byte of the text that
// is not a space (tabs and newlines normalize to spaces); offsets are bytes of the text as
// given, since normalization keeps them.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "text/feature_hasher.h"

namespace winnow {

struct TextUnit {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool word = false;  // a word (letters, digits, any non-ASCII); else punctuation or symbols
};

// Replaces *units with the units of `text`. Uses scratch->normalized and scratch->spans.
void text_units(std::string_view text, FeatureScratch* scratch, std::vector<TextUnit>* units);

}  // namespace winnow
