#!/usr/bin/env bash
# Builds the talentpool .deb (cpack -G DEB) and shows what it holds and needs. With --chroot,
# also installs it with `apt install ./talentpool_*.deb` into a fresh Debian 12 made by
# debootstrap (as root; it downloads a minimal system and the package's dependencies, several
# hundred MB, and takes minutes), then checks the user, the folders and the installed binary.
# Usage: scripts/build-deb.sh [--chroot] [BUILD_DIR]   (default build: an existing build folder
# is reconfigured with the install prefix /usr, which recompiles one file)
set -euo pipefail
cd "$(dirname "$0")/.."
chroot_test=0
if [[ ${1:-} == --chroot ]]; then
  chroot_test=1
  shift
fi
build=${1:-build}
[[ -n ${CMAKE_CXX_COMPILER_LAUNCHER:-} ]] || { command -v ccache >/dev/null && export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache; } || true

if [[ -f $build/CMakeCache.txt ]]; then
  cmake -S . -B "$build" -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
else
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
    -DTALENTPOOL_TESTS=OFF -DTALENTPOOL_BENCH=OFF >/dev/null
fi
cmake --build "$build" -j "${JOBS:-2}" --target talentpool talentpool_man
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls -t "$build"/talentpool_*.deb | head -1)
echo "== $deb ($(du -h "$deb" | cut -f1))"
dpkg-deb --field "$deb"
echo "== files"
dpkg-deb --contents "$deb" | awk '{print $1, $6}' | grep -v '/$' | sed 's|\./|/|'
# The binary in the package holds no path of the machine it was built on.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/root"
if strings "$tmp/root/usr/bin/talentpool" | grep -F "$(pwd)"; then
  echo "FAIL: the packaged binary holds the source path" >&2
  exit 1
fi
echo "== no source path in /usr/bin/talentpool"

((chroot_test)) || exit 0
[[ $(id -u) -eq 0 ]] || { echo "--chroot needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap
target="$tmp/bookworm"
echo "== debootstrap bookworm into $target"
debootstrap --variant=minbase bookworm "$target" http://deb.debian.org/debian >"$tmp/debootstrap.log"
cp "$deb" "$target/tmp/"
mount -t proc proc "$target/proc"
trap 'umount "$target/proc" 2>/dev/null || true; rm -rf "$tmp"' EXIT
echo "== apt install ./$(basename "$deb")"
chroot "$target" /bin/sh -c "apt-get update -q >/dev/null && \
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/$(basename "$deb")" | tail -5
chroot "$target" /bin/sh -ec '
  getent passwd talentpool
  ls -ld /var/lib/talentpool /var/lib/talentpool/registry /var/backups/talentpool /etc/talentpool/talentpool.toml
  talentpool --version
  talentpool config check --config /etc/talentpool/talentpool.toml
  runuser -u talentpool -- talentpool stats --data /var/lib/talentpool/registry | head -3
  TALENTPOOL_BIN=talentpool TALENTPOOL_BACKUP_DIR=/var/backups/talentpool runuser -u talentpool \
    -- /usr/libexec/talentpool/talentpool-backup'
echo "== the package installs and runs on a fresh Debian 12"
