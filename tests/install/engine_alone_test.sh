#!/usr/bin/env bash
# A program built against the installed engine library and winnow/classifier.h alone
# (tests/install/CMakeLists.txt). Fails when:
#  - the `engine` install component lacks the header, the library or the CMake package, or
#    carries the service library;
#  - the consumer project does not configure, compile or link with find_package(winnow);
#  - its link line or `ldd` names httplib, SQLite, libpq or Cairo;
#  - it does not print what `winnow classify` prints on a model trained here, or that model
#    does not score texts with a toxic word above neutral ones.
# Usage: engine_alone_test.sh BUILD_DIR WINNOW_BINARY CONSUMER_SOURCE_DIR CXX CMAKE GENERATOR
set -euo pipefail
build=$1 winnow=$2 consumer=$3 cxx=$4 cmake=$5 generator=$6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
forbidden='httplib|sqlite|libpq|-lpq([^a-z]|$)|cairo'

prefix=$work/prefix
"$cmake" --install "$build" --prefix "$prefix" --component engine >"$work/install.log" ||
  { cat "$work/install.log"; fail "cmake --install --component engine"; }
[ -f "$prefix/include/winnow/classifier.h" ] || fail "include/winnow/classifier.h not installed"
find "$prefix" -name 'winnowConfig.cmake' | grep -q . || fail "no winnowConfig.cmake installed"
find "$prefix" -name 'libwinnow_engine.a' | grep -q . || fail "no libwinnow_engine.a installed"
if find "$prefix" -name '*winnow_service*' -o -name '*winnow_charts*' | grep -q .; then
  fail "the engine component installs a service or chart library"
fi

"$cmake" -S "$consumer" -B "$work/consumer" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; fail "configure the consumer with find_package(winnow)"; }
"$cmake" --build "$work/consumer" --verbose >"$work/build.log" 2>&1 ||
  { cat "$work/build.log"; fail "build the consumer"; }
link=$(grep -E -- '-o score_text( |$)' "$work/build.log") || fail "no link command in the build log"
echo "link: $link"
grep -q 'libwinnow_engine\.a' <<<"$link" || fail "the link line does not name libwinnow_engine.a"
if grep -Eo "$forbidden" <<<"$link"; then fail "the link line names a service library"; fi
needed=$(ldd "$work/consumer/score_text")
echo "ldd:"
echo "$needed"
grep -q 'libc\.so' <<<"$needed" || fail "ldd lists no libc: not a dynamic executable?"
if grep -Eo "$forbidden" <<<"$needed"; then fail "ldd names a service library"; fi

# A small separable moderation set (the shape of tests/cli/train_classify_test.cc's).
filler=(the news today about city council vote was)
toxic=(idiot moron stupid loser)
data() {  # data N OFFSET
  for ((i = $2; i < $2 + $1; ++i)); do
    text="${filler[i * 7 % 8]} ${filler[i * 3 % 8]} ${filler[i * 5 % 8]} ${filler[i % 8]}"
    if ((i % 2)); then
      echo "{\"text\": \"$text ${toxic[i / 2 % 4]}\", \"labels\": {\"moderation\": [\"toxicity\"]}}"
    else
      echo "{\"text\": \"$text\", \"labels\": {\"moderation\": [\"safe\"]}}"
    fi
  done
}
data 200 0 >"$work/train.jsonl"
data 40 1000 >"$work/valid.jsonl"
"$winnow" train --train "$work/train.jsonl" --validation "$work/valid.jsonl" \
  --out "$work/m.winnow" --hash-bits 12 --epochs 4 --threads 1 --quiet >/dev/null ||
  fail "winnow train"

# Two texts with a word the toxic samples carry, two without: every first scores more toxicity
# than every second (the tuned threshold is near 0.25 on this set, so 0.5 would be arbitrary).
texts=("you idiot" "what a loser" "the council vote" "news about the city")
ours=$("$work/consumer/score_text" "$work/m.winnow" "${texts[@]}") || fail "score_text exited $?"
theirs=$("$winnow" classify "$work/m.winnow" "${texts[@]}") || fail "winnow classify"
echo "score_text:"
echo "$ours"
[ "$ours" = "$theirs" ] || fail "score_text and winnow classify differ: '$theirs'"
jq -se '[.[].moderation.scores.toxicity] | length == 4 and ([.[0], .[1]] | min) > ([.[2], .[3]] | max)' \
  <<<"$ours" >/dev/null || fail "the toxic texts do not score above the neutral ones"
echo "PASS"
