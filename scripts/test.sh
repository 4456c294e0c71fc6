#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every test
# (ctest over the Catch2 suites), then the same suites under ASan + UBSan.
# TALENTPOOL_SKIP_SANITIZE=1 skips the sanitizer pass when iterating locally. Last, the fuzz
# targets run TALENTPOOL_FUZZ_SECONDS (60) each (scripts/fuzz.sh) unless TALENTPOOL_SKIP_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/install-deps.sh test

jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTALENTPOOL_WERROR=ON -DTALENTPOOL_TESTS=ON
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs")

if [[ "${TALENTPOOL_SKIP_SANITIZE:-0}" != "1" ]]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTALENTPOOL_SANITIZE=ON \
        -DTALENTPOOL_WERROR=ON -DTALENTPOOL_BENCH=OFF
  cmake --build build-asan -j "$jobs"
  # The 20,000-row acceptance runs and the browser tests are left out here:
  # the first pass checks them, and under the sanitizers they cost ten times as much for nothing new.
  # fontconfig's and cairo's process-long caches are no leaks of ours (tests/lsan.supp says why).
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
     LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0" \
     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest --output-on-failure -j "$jobs" -E '20,000|^e2e:')
fi

# libFuzzer targets (tests/fuzz/) for a bounded time each; TALENTPOOL_SKIP_FUZZ=1 skips them.
if [[ "${TALENTPOOL_SKIP_FUZZ:-0}" != "1" ]]; then
  scripts/fuzz.sh "${TALENTPOOL_FUZZ_SECONDS:-60}"
fi
