# Helpers shared by the bench/ scripts (sourced, not run). Every failure message names the script
# and what to do; dependency failures exit 1, usage errors exit 2.
bench_name="bench/$(basename "$0")"

die() { echo "$bench_name: error: $*" >&2; exit 1; }
die_usage() { echo "$bench_name: usage error: $* (see --help)" >&2; exit 2; }
progress() { echo "$bench_name: $*" >&2; }

# need_command NAME INSTALL_HINT
need_command() {
  command -v "$1" >/dev/null 2>&1 || die "missing dependency: '$1' not on PATH ($2)"
}

# need_python_modules MODULE... (imported by /usr/bin/python3, the interpreter with Debian's
# python3-sklearn / python3-pandas)
need_python_modules() {
  [[ -x /usr/bin/python3 ]] || die "missing dependency: /usr/bin/python3 (apt-get install python3)"
  local m
  for m in "$@"; do
    /usr/bin/python3 -c "import $m" >/dev/null 2>&1 ||
      die "missing dependency: python module '$m' for /usr/bin/python3 (apt-get install python3-$m)"
  done
}

# need_file PATH... (shared data and tools live outside the repository)
need_file() {
  local f
  for f in "$@"; do
    [[ -f "$f" ]] || die "missing input: $f (set WINNOW_SHARED to the folder holding data/ and tools/)"
  done
}

# run_logged LOG COMMAND... : appends the command's output to LOG; on failure prints the log's
# tail and exits 1.
run_logged() {
  local log="$1"
  shift
  echo "+ $*" >>"$log"
  if ! "$@" >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "step failed: $* (full log: $log)"
  fi
}

# write_placeholder RESULT_JSON SYSTEM STATUS : a result with no numbers, shown as STATUS.
write_placeholder() {
  /usr/bin/python3 -c 'import json, sys; json.dump({"system": sys.argv[2], "status": sys.argv[3]}, open(sys.argv[1], "w"))' \
    "$1" "$2" "$3"
}

# winnow_has_command BINARY NAME : true when BINARY exists and `BINARY NAME --help` is that
# subcommand's own help (CLI11 answers an unknown subcommand's --help with the root help, exit 0,
# so the exit status alone proves nothing) and not a "(not yet available)" placeholder.
winnow_has_command() {
  [[ -x "$1" ]] || return 1
  local help
  help="$("$1" "$2" --help 2>&1)" || return 1
  [[ "$help" == *"Usage: winnow $2"* && "$help" != *"not yet available"* ]]
}
