#!/usr/bin/env bash
# Fuzzes the readers of outside input with libFuzzer under ASan + UBSan (tests/fuzz/): CSV and
# XLSX import, ID numbers, dates, search queries, the API's request bodies. Each target runs for
# SECONDS (default 60) on a scratch copy of its seed corpus, tests/fuzz/corpus/<name>/, which is
# never written to. Exits non-zero naming every target that crashed, with the input that did it.
#
# Usage: scripts/fuzz.sh [SECONDS]       e.g. scripts/fuzz.sh 3600 for the long run
#   TALENTPOOL_FUZZ_TARGETS="csv date"   only these targets
#   TALENTPOOL_FUZZ_JOBS=N               targets run N at a time (default: the number of cores)
# Crash inputs and logs stay in build-fuzz/fuzz-out/; replay one with build-fuzz/fuzz/<name>_fuzz FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -gt 0 ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }

scripts/install-deps.sh fuzz

jobs=$(nproc)
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DTALENTPOOL_FUZZ=ON -DTALENTPOOL_WERROR=ON \
  -DTALENTPOOL_TESTS=OFF -DTALENTPOOL_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only"
# -O1 with line tables and without NDEBUG: quick to build, readable traces, assert() on.
cmake --build build-fuzz -j "$jobs" --target fuzz_targets

out=build-fuzz/fuzz-out
rm -rf "$out"
mkdir -p "$out"
targets=${TALENTPOOL_FUZZ_TARGETS:-$(cd build-fuzz/fuzz && ls -- *_fuzz | sed 's/_fuzz$//' | tr '\n' ' ')}

run_one() {
  local name=$1
  local binary=build-fuzz/fuzz/${name}_fuzz
  local corpus=$out/$name/corpus
  mkdir -p "$corpus" "$out/$name/crashes"
  cp tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
  # One allocation over 2.5 GB is a finding; the whole process may grow to 8 GB, since json_body's
  # registry keeps every write of an hour-long run (two targets run at once on 24 GB).
  local options=(-max_total_time="$seconds" -timeout=30 -malloc_limit_mb=2560 -rss_limit_mb=8192 -max_len=8192
                 -print_final_stats=1 -artifact_prefix="$out/$name/crashes/")
  [[ -f tests/fuzz/$name.dict ]] && options+=(-dict="tests/fuzz/$name.dict")
  local status=0
  ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1 \
  LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0" \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$binary" "${options[@]}" "$corpus" >"$out/$name/log" 2>&1 || status=$?
  echo "$status" >"$out/$name/status"
}

running=0
for name in $targets; do
  [[ -x build-fuzz/fuzz/${name}_fuzz ]] || { echo "no fuzz target named $name" >&2; exit 2; }
  echo "fuzzing $name for ${seconds}s"
  run_one "$name" &
  running=$((running + 1))
  if ((running >= ${TALENTPOOL_FUZZ_JOBS:-$jobs})); then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=()
for name in $targets; do
  status=$(cat "$out/$name/status")
  log=$out/$name/log
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  inputs=$(ls "$out/$name/corpus" | wc -l)
  if ((status != 0)); then
    failed+=("$name")
    echo "FAILED $name (exit $status): last lines of $log"
    grep -aE '^(==[0-9]+==ERROR|SUMMARY|invariant failed|  detail|.*runtime error)' "$log" | head -10 || true
    tail -n 5 "$log"
    for crash in "$out/$name"/crashes/*; do
      [[ -e "$crash" ]] && echo "  crash input: $crash"
    done
  else
    echo "ok $name: ${runs:-?} runs in ${seconds}s ($(( ${runs:-0} / seconds ))/s), corpus grew to $inputs inputs"
  fi
done

if ((${#failed[@]})); then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing: every target ran ${seconds}s without a finding"
