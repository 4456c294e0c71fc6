#!/usr/bin/env bash
# Runs the search benchmark: talentpool's index against SQLite FTS5 (trigram) and Groonga
# (TokenBigram) on the same generated pool, then build throughput and search latency at 100k.
# Installs Debian's groonga-bin when it is missing (needs root), builds the benchmark in
# build-bench/ unless BUILD_DIR says otherwise, and passes its arguments on, e.g.
#   scripts/run_search_bench.sh --persons 20000 --speed-persons 100000
# The figures at 100k and 1M people, through the command line and over HTTP, with the targets:
# scripts/scale_bench.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build-bench}"

if ! command -v groonga >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq groonga-bin >/dev/null
  else
    echo "groonga is missing: sudo apt-get install groonga-bin (or pass --groonga none)" >&2
  fi
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"${JOBS:-$(nproc)}" --target search_relevance_bench
groonga_bin="$(command -v groonga || echo none)"
TALENTPOOL_ROOT="$root" "$build/tests/bench/search_relevance_bench" --groonga "$groonga_bin" "$@"
