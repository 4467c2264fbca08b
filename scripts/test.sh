#!/usr/bin/env bash
# test.sh: the README's test command. Installs what is missing (Debian packages, the astronaut photo),
# builds Release and runs every test; then builds the suite with AddressSanitizer + UndefinedBehaviorSanitizer
# and runs it again. Exits non-zero if anything fails.
#   scripts/test.sh            everything
#   FACETWITCH_NO_SANITIZE=1   skip the sanitizer pass (quicker local runs)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="$(nproc)"

"$ROOT/scripts/setup.sh" "$ROOT/build"

echo "== tests (Release) =="
ctest --test-dir "$ROOT/build" -j"$JOBS" --output-on-failure --timeout 900

if [ "${FACETWITCH_NO_SANITIZE:-0}" != "1" ]; then
  echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer) =="
  FACETWITCH_SKIP_APT=1 "$ROOT/scripts/setup.sh" "$ROOT/build-asan" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFACETWITCH_SANITIZE=address,undefined -DFACETWITCH_BENCH=OFF
  # dlib and OpenCV are not instrumented; leaks inside them (one-time allocations) are not ours.
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1" \
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
  LSAN_OPTIONS="suppressions=$ROOT/scripts/lsan.supp" \
    ctest --test-dir "$ROOT/build-asan" -j"$JOBS" --output-on-failure --timeout 1800
fi
echo "== all tests passed =="
