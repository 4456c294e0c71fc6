#!/usr/bin/env bash
# Installs the Debian 12 packages talentpool builds and tests with, when missing.
# Usage: scripts/install-deps.sh [build|test|fuzz]   (test adds the tools the tests drive,
#        fuzz clang and its libFuzzer runtime for scripts/fuzz.sh)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libxapian-dev libsqlitecpp-dev libsqlite3-dev libcpp-httplib-dev nlohmann-json3-dev
  catch2 libicu-dev libzip-dev libexpat1-dev libsodium-dev libxlsxwriter-dev
  libglpk-dev libfreexl-dev
  # The command line's parser (per-command help, unknown options refused) and the TOML
  # configuration file of `talentpool serve`.
  libcli11-dev libtomlplusplus-dev
  # `talentpool serve` tells systemd it is ready and alive (sd_notify, Type=notify).
  libsystemd-dev
  # The 学员情况表 as PDF (registry/forms/): pango and cairo, and the Chinese fonts it asks for.
  libpango1.0-dev libcairo2-dev fonts-noto-cjk
  # Attachments: a PDF scan must open in poppler (registry/attachments/content.h).
  libpoppler-cpp-dev
)
# The web pages' libraries (ECharts) are installed with npm.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
if [[ "${1:-build}" == "test" ]]; then
  packages+=(nginx sqlite3)
  # Office files the tests make themselves to read back: .xls with xlwt, .docx with python-docx;
  # photos (JPEG and PNG with their resolution) with Pillow.
  packages+=(python3 python3-xlwt python3-docx python3-pil)
  # The printed forms are read back with pdftotext and pdfinfo.
  packages+=(poppler-utils)
  # The install test reads the installed binary's strings and calls it with curl; the .deb is
  # built with dpkg-deb and its dependencies found by dpkg-shlibdeps.
  packages+=(binutils curl dpkg-dev)
  # The browser tests (tests/e2e/): Debian's chromium and a Chinese font for its screenshots;
  # node and npm from Debian unless a node of another origin, which brings its own npm, is there.
  packages+=(chromium fonts-wqy-zenhei)
  command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
fi

if [[ "${1:-build}" == "fuzz" ]]; then
  # libFuzzer and the sanitizers' runtimes for clang come in libclang-rt-14-dev (Debian 12).
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing packages: ${missing[*]} (run as root, or install them first)" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
