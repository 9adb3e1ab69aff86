// Numbers for people: thousands separators for counts (tables, charts, summaries).
#pragma once

#include <cstdint>
#include <string>

namespace winnow {

// 20607 -> "20,607".
std::string format_count(uint64_t value);

}  // namespace winnow
