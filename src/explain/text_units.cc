#include "explain/text_units.h"

#include "text/normalize.h"
#include "text/tokenize.h"

namespace winnow {

void text_units(std::string_view text, FeatureScratch* scratch, std::vector<TextUnit>* units) {
  units->clear();
  scratch->normalized.clear();
  normalize_text(text, &scratch->normalized);
  const std::string& s = scratch->normalized;
  split_words(s, &scratch->spans);
  // Visible bytes between words form symbol units, split at spaces.
  auto add_symbols = [&](uint32_t from, uint32_t to) {
    uint32_t i = from;
    while (i < to) {
      while (i < to && s[i] == ' ') ++i;
      if (i == to) break;
      const uint32_t begin = i;
      while (i < to && s[i] != ' ') ++i;
      units->push_back({begin, i, false});
    }
  };
  uint32_t at = 0;
  for (const TokenSpan& w : scratch->spans) {
    add_symbols(at, w.begin);
    units->push_back({w.begin, w.end, true});
    at = w.end;
  }
  add_symbols(at, static_cast<uint32_t>(s.size()));
}

}  // namespace winnow
