#!/usr/bin/env bash
# The scale benchmark in one command. For each pool size (default 100000 and 1000000):
#   1. `talentpool demo` writes the pool (fictitious people, the same rows on every machine);
#   2. `talentpool init` + `talentpool import` load it into a fresh registry and index it, timed,
#      with the peak memory and CPU time (GNU time); then `talentpool reindex` builds the index
#      alone;
#   3. http_load_bench runs wrk on loopback against the server of `talentpool serve` (search and
#      the enrolment check, LOAD_SECONDS each);
#   4. search_relevance_bench sends labelled queries per class in process, over HTTP, and to SQLite
#      FTS5 (trigram) and Groonga (TokenBigram) built from the same people, and prints the tables:
#      hit rates, latency per class with the ratios ours/peer, build times and sizes, and the
#      issue's targets with PASS or MISS beside each figure.
# Everything runs on two CPU cores (taskset -c 0,1), server and load generator together.
#
#   scripts/scale_bench.sh [SIZES...]
#
# Environment: BUILD_DIR (default build-bench/), WORK_DIR (scratch space, default /tmp; a million
# people take about 10 GB while it runs), SEED (demo seed, default 2024), QUERIES (labelled
# queries per class, default 200), LOAD_SECONDS (each wrk run, default 15), PEER_SECONDS (a peer's
# build is given up after this, default 900), JOBS (build jobs, default all cores), REINDEX=0
# skips timing `talentpool reindex`, KEEP=1 keeps the registries. Installs groonga-bin, wrk and GNU time when they are missing (needs root).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build-bench}"
work="${WORK_DIR:-/tmp}/talentpool-scale-$$"
seed="${SEED:-2024}"
queries="${QUERIES:-200}"
load_seconds="${LOAD_SECONDS:-15}"
peer_seconds="${PEER_SECONDS:-900}"
jobs="${JOBS:-$(nproc)}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)

missing=()
command -v groonga >/dev/null 2>&1 || missing+=(groonga-bin)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing ${missing[*]}"
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing ${missing[*]}: run as root or apt-get install them" >&2
    exit 2
  fi
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$jobs" --target talentpool search_relevance_bench http_load_bench

# Two cores, as on the machine the targets are set for.
pin=()
if [ "$(nproc)" -ge 2 ]; then pin=(taskset -c 0,1); fi
tp="$build/talentpool"
export TALENTPOOL_ROOT="$root"
mkdir -p "$work"
trap '[ "${KEEP:-0}" = 1 ] || rm -rf "$work"' EXIT

# Runs a command under GNU time: wall seconds, peak RSS and CPU seconds to $1_seconds,
# $1_rss_kb and $1_cpu_seconds in $figures.
timed() {
  local name="$1"
  shift
  local started ended
  started=$(date +%s.%N)
  "${pin[@]}" /usr/bin/time -f "%M %U %S" -o "$work/$name.time" "$@" >"$work/$name.log" 2>&1 || {
    echo "$name failed:" >&2
    tail -20 "$work/$name.log" >&2
    return 1
  }
  ended=$(date +%s.%N)
  awk -v a="$started" -v b="$ended" -v n="$name" 'BEGIN { printf "%s_seconds=%.2f\n", n, b - a }' >>"$figures"
  tail -1 "$work/$name.time" | awk -v n="$name" '{ printf "%s_rss_kb=%s\n%s_cpu_seconds=%.2f\n", n, $1, n, $2 + $3 }' >>"$figures"
}

summaries=()
for size in "${sizes[@]}"; do
  dir="$work/pool-$size"
  data="$dir/registry"
  figures="$dir/figures.txt"
  mkdir -p "$dir"
  : >"$figures"
  echo
  echo "=== $size people (load average $(cut -d' ' -f1 /proc/loadavg), $(nproc) cores, pinned to ${pin[*]:-all})"
  "$tp" demo --persons "$size" --seed "$seed" --out "$dir/pool.csv" >/dev/null
  echo "pool file: $(du -h "$dir/pool.csv" | cut -f1)"
  "$tp" init --data "$data" >/dev/null
  timed import "$tp" import --data "$data" "$dir/pool.csv"
  tail -1 "$work/import.log"
  # The index built alone, for the build-time ratio to the peers (REINDEX=0 skips it at sizes
  # where time is short; the ratio then uses import + index).
  if [ "${REINDEX:-1}" = 1 ]; then timed reindex "$tp" reindex --data "$data"; fi
  echo "registry_bytes=$(du -sb --exclude=index "$data" | cut -f1)" >>"$figures"
  rm -f "$dir/pool.csv"
  cat "$figures"

  echo "--- wrk on loopback (${load_seconds} s per route)"
  "${pin[@]}" "$build/tests/bench/http_load_bench" --data "$data" --persons "$size" --seed "$seed" \
    --seconds "$load_seconds" --threads 2 --connections 8 --workers 8 --figures "$figures"

  echo "--- labelled queries: in process, over HTTP, FTS5 and Groonga"
  "${pin[@]}" "$build/tests/bench/search_relevance_bench" --data "$data" --persons "$size" --seed "$seed" \
    --queries "$queries" --peer-seconds "$peer_seconds" --groonga "$(command -v groonga)" \
    --figures "$figures" | tee "$dir/report.txt"
  summaries+=("$dir/report.txt")
  [ "${KEEP:-0}" = 1 ] || rm -rf "$data"
done

echo
echo "=== Summary (load average $(cut -d' ' -f1 /proc/loadavg) at the end)"
for report in "${summaries[@]}"; do
  echo
  sed -n '/^## Targets/,$p' "$report"
done
