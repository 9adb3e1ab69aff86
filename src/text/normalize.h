// Text normalization shared by training and inference. Both must see exactly the same bytes, so
// any change here changes models: bump kNormalizationVersion (stored in every model file).
#pragma once

#include <string>
#include <string_view>

namespace winnow {

// Version of the rules below; a model trained with another version is rejected at load.
constexpr int kNormalizationVersion = 1;

// Appends the normalized form of `text` to *out:
//  - ASCII letters are lowercased; so are the uppercase letters of Latin-1 (U+00C0-U+00DE),
//    Greek (U+0391-U+03AB) and Cyrillic (U+0400-U+042F) when written as valid 2-byte UTF-8;
//  - ASCII control characters (tab, newline, ...) become spaces;
//  - every other byte is copied unchanged (invalid UTF-8 included), so the function never fails.
// The output is never longer than the input.
void normalize_text(std::string_view text, std::string* out);

}  // namespace winnow
