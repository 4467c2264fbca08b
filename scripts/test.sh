#!/usr/bin/env bash
# test.sh: the README's test command. Installs what is missing (Debian packages, the astronaut photo),
# builds Release and runs every test; then builds the suite with AddressSanitizer + UndefinedBehaviorSanitizer
# and runs it again; then the pipeline tests under ThreadSanitizer, and a short run of each fuzz target
# (docs/ROBUSTNESS.md). Exits non-zero if anything fails.
#   scripts/test.sh            everything
#   FACETWITCH_NO_SANITIZE=1   skip the ASan+UBSan, TSan and fuzz passes (quicker local runs)
#   FACETWITCH_NO_TSAN=1       skip the ThreadSanitizer pass
#   FACETWITCH_NO_FUZZ=1       skip the fuzz pass
#   FACETWITCH_FUZZ_SECONDS=N  seconds per fuzz target (default 30)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="$(nproc)"
# The same compiler cache as setup.sh (the TSan and fuzz builds are configured here).
LAUNCHER=()
if [ "${FACETWITCH_NO_CCACHE:-0}" != "1" ] && command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

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
if [ "${FACETWITCH_NO_SANITIZE:-0}" != "1" ] && [ "${FACETWITCH_NO_TSAN:-0}" != "1" ]; then
  echo "== pipeline tests (ThreadSanitizer) =="
  # Only what the pipeline tests need: dlib, OpenCV and the C++ runtime are not instrumented, so the
  # window and the other layers would add build time, not checks of our threads.
  if [ ! -f "$ROOT/build-tsan/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$ROOT/build-tsan" -G Ninja "${LAUNCHER[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFACETWITCH_SANITIZE=thread \
      -DFACETWITCH_BENCH=OFF -DFACETWITCH_GUI=OFF >/dev/null
  fi
  cmake --build "$ROOT/build-tsan" -j"$JOBS" --target pipeline_tests
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/scripts/tsan.supp" \
    ctest --test-dir "$ROOT/build-tsan" -L pipeline -j"$JOBS" --output-on-failure --timeout 1800
fi

if [ "${FACETWITCH_NO_SANITIZE:-0}" != "1" ] && [ "${FACETWITCH_NO_FUZZ:-0}" != "1" ]; then
  echo "== fuzz targets (libFuzzer, ${FACETWITCH_FUZZ_SECONDS:-30} s each) =="
  if [ ! -f "$ROOT/build-fuzz/CMakeCache.txt" ]; then
    CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$ROOT/build-fuzz" -G Ninja "${LAUNCHER[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DFACETWITCH_FUZZ=ON -DFACETWITCH_TESTS=OFF -DFACETWITCH_BENCH=OFF -DFACETWITCH_GUI=OFF >/dev/null
  fi
  cmake --build "$ROOT/build-fuzz" -j"$JOBS" --target fuzzers
  mkdir -p "$ROOT/build-fuzz/findings"
  for t in frames_csv episodes_csv summary_json settings video_file; do
    # New inputs go to build-fuzz/corpus/<t> (kept between runs); the checked-in seeds are read only.
    # A crash stops the script; its input is in build-fuzz/findings/: fix, then add it to
    # tests/fuzz/corpus/<t>/ so that fuzz_regression_tests keeps it fixed.
    mkdir -p "$ROOT/build-fuzz/corpus/$t"
    log="$ROOT/build-fuzz/fuzz_$t.log"
    # The video file source gets 30 s per input: FFmpeg's MP4 demuxer alone takes ~9 s (and 1.1 GB) to
    # index a mutated 9 KB file that declares 34 million frames (docs/ROBUSTNESS.md), not a hang.
    per_input=10
    [ "$t" = video_file ] && per_input=30
    if ! "$ROOT/build-fuzz/tests/fuzz/fuzz_$t" -max_total_time="${FACETWITCH_FUZZ_SECONDS:-30}" -timeout="$per_input" \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$ROOT/build-fuzz/findings/${t}-" \
        "$ROOT/build-fuzz/corpus/$t" "$ROOT/tests/fuzz/corpus/$t" >"$log" 2>&1; then
      tail -n 60 "$log"
      echo "fuzz_$t: a finding (input in build-fuzz/findings/)" >&2
      exit 1
    fi
    echo "fuzz_$t: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') inputs," \
      "corpus $(find "$ROOT/build-fuzz/corpus/$t" -type f | wc -l) files, no finding"
  done
fi
echo "== all tests passed =="
