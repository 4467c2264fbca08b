#!/usr/bin/env bash
# setup.sh: installs what facetwitch needs from Debian 12 (only what is missing), fetches the public-domain
# astronaut portrait from Debian's python3-skimage package into the cache, and configures + builds.
#   scripts/setup.sh [BUILD_DIR] [extra cmake args...]     (default BUILD_DIR: build)
# Environment: FACETWITCH_SKIP_APT=1 skips the apt step; FACETWITCH_CACHE overrides the cache folder.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-$ROOT/build}"; shift || true

PACKAGES=(cmake ninja-build g++ pkg-config git ca-certificates
  libopencv-dev libavformat-dev libavcodec-dev libavutil-dev libdlib-dev libdlib-data libblas-dev liblapack-dev
  libimgui-dev libglfw3-dev libgl-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libsqlite3-dev nettle-dev
  ffmpeg xvfb xauth fonts-dejavu-core libgl1-mesa-dri chromium
  clang-14 libclang-rt-14-dev  # clang + libFuzzer: the fuzz targets (tests/fuzz, scripts/test.sh)
  dpkg-dev desktop-file-utils groff-base  # the package test: dpkg-shlibdeps (cpack), desktop entry and man page checks
  ccache)  # compiler cache: a rebuild of unchanged sources (CI's four builds) takes seconds, not minutes

log() { printf '[setup] %s\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ "${FACETWITCH_SKIP_APT:-0}" != "1" ]; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing from Debian: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "all Debian packages present"
  fi
fi

# The demo and test photo: skimage/data/astronaut.png from Debian's python3-skimage (public domain, NASA).
CACHE="${FACETWITCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/facetwitch}"
mkdir -p "$CACHE"
if [ ! -s "$CACHE/astronaut.png" ]; then
  log "fetching the astronaut portrait from Debian's python3-skimage into $CACHE"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  chmod 777 "$tmp"
  ( cd "$tmp" && apt-get download python3-skimage >/dev/null 2>&1 ) || {
    $SUDO apt-get update -qq && ( cd "$tmp" && apt-get download python3-skimage >/dev/null 2>&1 ); }
  dpkg -x "$tmp"/python3-skimage_*.deb "$tmp/x"
  cp "$(find "$tmp/x" -path '*skimage/data/astronaut.png' | head -n1)" "$CACHE/astronaut.png"
fi

GEN=()
command -v ninja >/dev/null && GEN=(-G Ninja)
# ccache, when present: paths are hashed relative to the source root, so a fresh clone elsewhere reuses the
# cache. FACETWITCH_NO_CCACHE=1 builds without it.
LAUNCHER=()
if [ "${FACETWITCH_NO_CCACHE:-0}" != "1" ] && command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" "${GEN[@]}" "${LAUNCHER[@]}" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
fi
log "building in $BUILD_DIR"
cmake --build "$BUILD_DIR" -j"$(nproc)"
