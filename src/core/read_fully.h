// Reading a whole known-size region of a file: the loop every "read the file in one piece"
// caller needs (short reads, EINTR), written once.
#pragma once

#include <cstddef>
#include <string>

#include "core/status.h"

namespace winnow {

// Reads from `fd` into out[0, size) until `size` bytes are read or the file ends, retrying
// reads interrupted by a signal. Returns the number of bytes read (less than `size` only at
// end of file); kIoError "<path>: read failed: <reason>" on a read error. Does not close `fd`.
Result<size_t> read_fully(int fd, char* out, size_t size, const std::string& path);

}  // namespace winnow
