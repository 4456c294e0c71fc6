#!/usr/bin/env bash
# Installs the build to a temporary prefix and runs the installed binary from there, far from
# the source tree: it must find its reference tables and pages through its prefix, start from a
# configuration file, answer /healthz and /metrics, refuse a faulty configuration naming the file
# and key, and hold no path of the source or build tree.
# Usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
source=$(realpath "$2")
work=$(mktemp -d /tmp/talentpool-install.XXXXXX)
server=0
cleanup() {
  if ((server > 0)); then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

cmake --install "$build" --prefix "$work/prefix" >"$work/install.log"
bin="$work/prefix/bin/talentpool"
[[ -x $bin ]] || fail "no bin/talentpool under the prefix"
[[ -f $work/prefix/share/talentpool/data/regions.tsv ]] || fail "no share/talentpool/data"
[[ -f $work/prefix/share/talentpool/web/index.html ]] || fail "no share/talentpool/web"
[[ -f $work/prefix/lib/systemd/system/talentpool.service ]] || fail "no systemd unit"
[[ -f $work/prefix/lib/systemd/system/talentpool-backup.timer ]] || fail "no backup timer"
[[ -f $work/prefix/share/man/man1/talentpool.1 ]] || fail "no man page"
example=$(find "$work/prefix/share/doc" -name talentpool.toml.example | head -1)
[[ -n $example ]] || fail "no example configuration"

# No path of this machine's source or build tree in the binary.
if strings "$bin" | grep -F -e "$source" -e "$build" >"$work/paths"; then
  fail "the installed binary holds source paths: $(head -3 "$work/paths")"
fi

# Everything from here runs in an unrelated folder, without TALENTPOOL_ROOT.
cd "$work"
run() { env -u TALENTPOOL_ROOT "$bin" "$@"; }
run --version | grep -q "^talentpool " || fail "--version"
run init --data "$work/var/registry" >/dev/null
run demo --persons 50 --out "$work/pool.csv" >/dev/null
run import --data "$work/var/registry" "$work/pool.csv" | tail -1 | grep -qx "imported 50, rejected 0" ||
  fail "import from the installed binary"

# The example configuration passes its check once it names this registry.
sed -e "s|^data = .*|data = \"$work/var/registry\"|" -e 's|^port = .*|port = 0|' "$example" \
  >"$work/talentpool.toml"
run config check --config "$work/talentpool.toml" >/dev/null || fail "config check of the example"
# A faulty value is named by file and key, exit 2.
sed 's|^threads = .*|threads = "eight"|' "$work/talentpool.toml" >"$work/bad.toml"
set +e
out=$(run config check --config "$work/bad.toml" 2>&1)
code=$?
set -e
[[ $code -eq 2 ]] || fail "a faulty configuration exits $code, not 2"
[[ $out == *"bad.toml"*"[server] threads"* ]] || fail "the error does not name file and key: $out"

env -u TALENTPOOL_ROOT "$bin" serve --config "$work/talentpool.toml" >"$work/serve.out" 2>"$work/serve.err" &
server=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|^talentpool: serving on http://127.0.0.1:\([0-9]*\)$|\1|p' "$work/serve.out")
  [[ -n $port ]] && break
  kill -0 "$server" 2>/dev/null || fail "serve exited: $(cat "$work/serve.err")"
  sleep 0.1
done
[[ -n $port ]] || fail "serve did not say where it listens"
base="http://127.0.0.1:$port"

health=$(curl -sS "$base/healthz")
python3 - "$health" <<'PY' || fail "healthz: $health"
import json, sys
h = json.loads(sys.argv[1])
assert h["status"] == "ok" and h["database"] == "ok" and h["index"] == "ok", h
assert h["index_lag"] == 0 and h["index_documents"] == 50, h
PY
curl -sS -o /dev/null -w '%{http_code}' "$base/index.html" | grep -qx 200 || fail "web pages from the prefix"
curl -sS "$base/api/v1/search?q=x" >/dev/null
metrics=$(curl -sS "$base/metrics")
for name in 'talentpool_http_requests_total{route="/healthz",method="GET",status="200"} 1' \
  'talentpool_http_request_duration_seconds_count{route="/api/v1/search"}' \
  'talentpool_index_lag_changes 0' 'talentpool_index_documents 50' \
  'talentpool_http_requests_total{route="static",method="GET",status="200"} 1'; do
  grep -qF "$name" <<<"$metrics" || fail "metrics lack $name"
done
# The log: one JSON object a line, Beijing time and UTC; the server's start, then each request
# with its route's pattern.
python3 - "$work/serve.err" <<'PY' || fail "the request log: $(head -3 "$work/serve.err")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.startswith("{")]
events = [l for l in lines if "event" in l]
assert events and events[0]["event"] == "started" and "serving on" in events[0]["message"], lines
requests = [l for l in lines if "event" not in l]
health = [l for l in requests if l["route"] == "/healthz"]
assert health and health[0]["status"] == 200 and health[0]["level"] == "info", lines
assert health[0]["time"].endswith("+08:00") and health[0]["time_utc"].endswith("Z"), health[0]
assert all(l["request_id"] for l in requests), lines
PY

kill -TERM "$server"
wait "$server" || fail "serve did not stop cleanly on SIGTERM"
server=0
echo "install test passed: prefix $work/prefix, port $port"
