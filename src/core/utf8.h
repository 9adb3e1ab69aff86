// UTF-8 checks for reporting where text is broken (the fast yes/no check is simdjson's).
#pragma once

#include <cstddef>
#include <string_view>

namespace winnow {

// Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF, no truncated sequence), or npos if
// `bytes` is valid UTF-8. Scalar: meant for error paths, not hot loops.
size_t find_invalid_utf8(std::string_view bytes);

}  // namespace winnow
