#!/usr/bin/env bash
# The restore drill: the recovery time objective, measured. Builds a registry of N demo people,
# takes an online backup and the escrowed key file, then on a clean data folder (as on a new
# machine) restores the backup, rebuilds the index, and checks the counts and a search against
# the original. Prints the time of each step.
# Usage: scripts/restore_drill.sh [--persons N] [--binary PATH] [--dir DIR]
#   N defaults to 100000; DIR (default a temporary folder, removed after) needs about 4 KB a person.
set -euo pipefail
cd "$(dirname "$0")/.."
persons=100000
bin=build/talentpool
dir=""
while (($#)); do
  case $1 in
    --persons) persons=$2; shift 2 ;;
    --binary) bin=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ -z $dir ]]; then
  dir=$(mktemp -d /tmp/talentpool-drill.XXXXXX)
  trap 'rm -rf "$dir"' EXIT
fi
mkdir -p "$dir"
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
persons_of() { "$bin" stats --data "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["persons"])'; }
total_of() { "$bin" search --data "$1" "$2" --facets false | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }

echo "restore drill: $persons people in $dir ($(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB)"
"$bin" demo --persons "$persons" --out "$dir/pool.csv" >/dev/null
"$bin" init --data "$dir/live" >/dev/null
t0=$(now)
"$bin" import --data "$dir/live" "$dir/pool.csv" | tail -1
t1=$(now)
echo "  import into the live registry: $(took "$t0" "$t1") s (not part of the recovery)"

# The nightly backup, and the key file kept apart (escrow).
t0=$(now)
mkdir -p "$dir/shipped"
"$bin" backup --data "$dir/live" --out "$dir/shipped/registry.tpbak" >/dev/null
t1=$(now)
cp "$dir/live/talentpool.key" "$dir/escrowed.key"
backup_s=$(took "$t0" "$t1")
echo "  backup: $backup_s s, $(du -h "$dir/shipped/registry.tpbak" | cut -f1)"
want_persons=$(persons_of "$dir/live")
name=$(sed -n '2p' "$dir/pool.csv" | cut -d, -f2)
want_hits=$(total_of "$dir/live" "$name")

# The new machine: a clean folder, the escrowed key, the shipped backup.
t_start=$(now)
"$bin" init --data "$dir/standby" >/dev/null
cp "$dir/escrowed.key" "$dir/standby/talentpool.key"
t0=$(now)
"$bin" restore --data "$dir/standby" "$dir/shipped/registry.tpbak" >/dev/null
t1=$(now)
restore_s=$(took "$t0" "$t1")
"$bin" reindex --data "$dir/standby" >/dev/null
t2=$(now)
reindex_s=$(took "$t1" "$t2")
got_persons=$(persons_of "$dir/standby")
got_hits=$(total_of "$dir/standby" "$name")
t_end=$(now)
echo "  restore (with the index's own rebuild): $restore_s s"
echo "  reindex: $reindex_s s"
echo "  persons: $got_persons of $want_persons; search「$name」: $got_hits hits of $want_hits"
[[ $got_persons == "$want_persons" && $got_hits == "$want_hits" ]] ||
  { echo "FAIL: the restored registry differs" >&2; exit 1; }
echo "recovery (clean folder to searchable, checks included): $(took "$t_start" "$t_end") s for $persons people"
