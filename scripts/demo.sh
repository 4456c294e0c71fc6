#!/usr/bin/env bash
# The README's run command: installs what is missing, builds, creates a demo
# registry (generated, deterministic) on first run, and serves it.
#   PORT (default 8080), BIND (default 127.0.0.1), DEMO_DIR (default demo-data),
#   DEMO_PERSONS (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh build
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$(nproc)" --target talentpool
# The dashboard's chart library and map come from npm and are served locally.
[[ -f web/vendor/echarts.esm.min.mjs ]] || (cd web && npm ci --no-audit --no-fund --loglevel=error)

dir=${DEMO_DIR:-demo-data}
if [[ ! -f "$dir/registry.sqlite" ]]; then
  build/talentpool init --data "$dir"
  build/talentpool demo --persons "${DEMO_PERSONS:-2000}" --out "$dir/demo-pool.csv"
  build/talentpool import --data "$dir" "$dir/demo-pool.csv" | tail -n 1
  # The first staff account; its last line is the initial password, changed at first sign-in.
  build/talentpool user add --data "$dir" --username demo-staff --role staff --name 演示工作人员 \
    | tail -n 1 > "$dir/staff.password"
  chmod 600 "$dir/staff.password"
fi
echo "staff sign-in: username demo-staff, password $(cat "$dir/staff.password")"
echo "  (also in $dir/staff.password; the first sign-in asks for a new password of your own)"
echo "open http://${BIND:-127.0.0.1}:${PORT:-8080}/"
exec build/talentpool serve --data "$dir" --port "${PORT:-8080}" --bind "${BIND:-127.0.0.1}"
