// Status / Result and the error macros (the public include/winnow/status.h), plus WINNOW_CHECK
// for Winnow's own code. Include this one inside the project.
#pragma once

#include "winnow/status.h"

namespace winnow {

[[noreturn]] void check_failed(const char* file, int line, const char* condition);

}  // namespace winnow

// For bugs only (broken invariants), never for bad input: aborts with file:line.
#define WINNOW_CHECK(cond) ((cond) ? (void)0 : ::winnow::check_failed(__FILE__, __LINE__, #cond))
