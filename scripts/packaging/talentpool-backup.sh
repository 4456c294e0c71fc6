#!/bin/sh
# One online backup of the registry, named by Beijing date and time, then only the newest
# $TALENTPOOL_BACKUP_KEEP backups are kept. Run by talentpool-backup.service; by hand:
#   sudo -u talentpool TALENTPOOL_BACKUP_KEEP=14 /usr/libexec/talentpool/talentpool-backup
# The key file (talentpool.key in the registry's folder) is never in a backup: escrow it apart.
set -eu
data=${TALENTPOOL_DATA:-/var/lib/talentpool/registry}
dir=${TALENTPOOL_BACKUP_DIR:-/var/backups/talentpool}
keep=${TALENTPOOL_BACKUP_KEEP:-14}
bin=${TALENTPOOL_BIN:-talentpool}
case $keep in '' | *[!0-9]* | 0)
  echo "TALENTPOOL_BACKUP_KEEP 应为正整数：$keep" >&2
  exit 2
  ;;
esac
mkdir -p "$dir"
stamp=$(TZ=Asia/Shanghai date +%Y%m%d-%H%M%S)
out="$dir/talentpool-$stamp.tpbak"
# talentpool backup writes aside and renames: a backup that failed leaves no file.
"$bin" backup --data "$data" --out "$out"
# Newest first by the name's stamp; what is past the first $keep goes.
ls -1 "$dir" | grep -E '^talentpool-[0-9]{8}-[0-9]{6}\.tpbak$' | sort -r | tail -n +"$((keep + 1))" |
  while read -r old; do rm -f -- "$dir/$old"; done
echo "backup $out; $(ls -1 "$dir" | grep -cE '^talentpool-[0-9]{8}-[0-9]{6}\.tpbak$') kept in $dir"
