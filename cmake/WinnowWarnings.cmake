# One warnings policy for every Winnow target (never applied to third-party code).
function(winnow_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
    -Woverloaded-virtual -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
  if(WINNOW_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
