#!/usr/bin/env bash
# package_test.sh: the Debian package, built and used as a user would, without touching this machine's root.
#   package_test.sh BUILD_DIR GUI_BUILT(ON|OFF)       (ctest -L package; docs/PACKAGING.md)
# 1. cpack -G DEB from BUILD_DIR; checks the control fields (every library the binary links comes from a
#    package in Depends; libdlib-data, ffmpeg, fonts-dejavu-core are there) and the file list;
# 2. dpkg-deb -x into a fresh folder, then moves that folder (the install must be relocatable);
# 3. runs the installed bin/facetwitch with FACETWITCH_NO_SOURCE_TREE=1 (the compiled-in source tree is
#    never looked at), an empty cache, HOME and config: --version, `demo --no-window` (the demo photo
#    comes from the package), `synth` + `analyse` of a generated video, and the window's screenshot
#    under xvfb-run (`gui FILE`, as the desktop entry runs it);
# 4. removes share/facetwitch/protocols from a copy: the protocol lookup must then fail naming the
#    installed path, which shows the binary does not fall back to the source tree.
# Everything stays in BUILD_DIR/package-test/ to be looked at (window.png).
set -euo pipefail
BUILD="$(cd "$1" && pwd)"
GUI="${2:-ON}"
WORK="$BUILD/package-test"
T0=$SECONDS

step() { printf '[package %3ds] %s\n' $((SECONDS - T0)) "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK"

# ---- 1. the package ----
step "cpack -G DEB"
if ! cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$WORK/cpack" >"$WORK/cpack.log" 2>&1; then
  tail -n 40 "$WORK/cpack.log" >&2
  fail "cpack failed (log: $WORK/cpack.log)"
fi
deb="$(ls "$WORK"/cpack/facetwitch_*.deb)"
[ -f "$deb" ] || fail "no facetwitch_*.deb in $WORK/cpack"
step "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
dpkg-deb -I "$deb" >"$WORK/control.txt"
dpkg-deb -c "$deb" >"$WORK/contents.txt"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
# Package names in Depends (alternatives included), one a line.
dep_names="$(printf '%s\n' "$depends" | tr ',|' '\n\n' | sed -e 's/(.*//' -e 's/[[:space:]]//g' | grep -v '^$' | sort -u)"
for p in libdlib-data ffmpeg fonts-dejavu-core libc6 libstdc++6; do
  grep -qx "$p" <<<"$dep_names" || fail "Depends lacks $p"
done
# Every shared library the binary asks for (NEEDED) is owned by a package in Depends.
needed="$(objdump -p "$BUILD/facetwitch" | awk '/NEEDED/ {print $2}')"
[ -n "$needed" ] || fail "objdump found no NEEDED entries in $BUILD/facetwitch"
ldd_out="$(ldd "$BUILD/facetwitch")"
declare -A lib_paths=()
queries=()
for lib in $needed; do
  path="$(awk -v l="$lib" '$1 == l && $3 ~ /^\// {print $3; exit}' <<<"$ldd_out")"
  [ -n "$path" ] || fail "ldd does not resolve $lib"
  lib_paths[$lib]="$path $(readlink -f "$path")"
  queries+=("$path" "$(readlink -f "$path")")
done
# One dpkg -S for all (it reads the whole file database each time): lines "package[:arch]: path".
owners="$(dpkg -S "${queries[@]}" 2>/dev/null || true)"
for lib in $needed; do
  owner=""
  for q in ${lib_paths[$lib]}; do
    owner="$(awk -v q="$q" '{p = $0; sub(/^[^ ]+ /, "", p)} p == q {sub(/:.*/, "", $1); print $1; exit}' <<<"$owners")"
    [ -n "$owner" ] && break
  done
  [ -n "$owner" ] || fail "$lib (${lib_paths[$lib]}) belongs to no Debian package"
  grep -qx "$owner" <<<"$dep_names" || fail "$lib comes from $owner, which is not in Depends"
done
step "Depends covers the $(wc -w <<<"$needed") libraries the binary links"
for f in ./usr/bin/facetwitch ./usr/share/facetwitch/protocols/standard.json ./usr/share/facetwitch/astronaut.png \
         ./usr/share/facetwitch/shaders/video.vert ./usr/share/applications/facetwitch.desktop \
         ./usr/share/icons/hicolor/scalable/apps/facetwitch.svg ./usr/share/man/man1/facetwitch.1.gz \
         ./usr/share/bash-completion/completions/facetwitch; do
  grep -q " $f\$" "$WORK/contents.txt" || fail "the package lacks $f"
done
if grep -qE '/(tests?|build|\.git)/' "$WORK/contents.txt"; then fail "the package holds build or test files"; fi
if command -v desktop-file-validate >/dev/null; then
  dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/applications/facetwitch.desktop >"$WORK/facetwitch.desktop"
  desktop-file-validate "$WORK/facetwitch.desktop" || fail "desktop entry is not valid"
fi

# ---- 2. a fresh root, moved after extraction ----
dpkg-deb -x "$deb" "$WORK/extracted"
mv "$WORK/extracted" "$WORK/root"
BIN="$WORK/root/usr/bin/facetwitch"
[ -x "$BIN" ] || fail "no executable $BIN"
if command -v groff >/dev/null; then
  zcat "$WORK/root/usr/share/man/man1/facetwitch.1.gz" | groff -man -Tutf8 -ww -z 2>"$WORK/man.warnings" || true
  [ ! -s "$WORK/man.warnings" ] || { cat "$WORK/man.warnings" >&2; fail "groff warns about the man page"; }
fi
bash -n "$WORK/root/usr/share/bash-completion/completions/facetwitch" || fail "bash completion has a syntax error"

# A user with nothing: empty cache, home and config; no source tree.
U="$WORK/user"
mkdir -p "$U/home" "$U/cache"
run() {
  env -i PATH=/usr/bin:/bin HOME="$U/home" FACETWITCH_CACHE="$U/cache" XDG_CONFIG_HOME="$U/home/.config" \
    XDG_DATA_HOME="$U/home/.local/share" FACETWITCH_NO_SOURCE_TREE=1 LANG=C.UTF-8 "$@"
}

# ---- 3. the installed binary ----
ver="$(run "$BIN" --version)" || fail "--version failed"
step "installed binary: $ver"
step "facetwitch demo --no-window"
run "$BIN" demo --no-window >"$WORK/demo.out" 2>"$WORK/demo.err" || { cat "$WORK/demo.err" >&2; fail "demo failed"; }
grep -q "Compared with what the demo video contains" "$WORK/demo.out" || { cat "$WORK/demo.out"; fail "demo printed no comparison"; }
[ -f "$U/cache/demo/analysis/summary.json" ] || fail "demo wrote no summary.json"
grep -E "^  (episodes|blinks)|injected" "$WORK/demo.out" | head -n 5 || true

step "facetwitch synth + analyse"
run "$BIN" synth --duration 8 --out "$U/synth" >"$WORK/synth.out" 2>&1 || { cat "$WORK/synth.out" >&2; fail "synth failed"; }
run "$BIN" analyse "$U/synth/video.mp4" --out "$U/analysis" --quiet >"$WORK/analyse.out" 2>&1 ||
  { cat "$WORK/analyse.out" >&2; fail "analyse failed"; }
for f in frames.csv episodes.csv summary.json; do
  [ -s "$U/analysis/$f" ] || fail "analyse wrote no $f"
done

if [ "$GUI" = "ON" ]; then
  step "the window's screenshot under xvfb-run (gui FILE)"
  png="$WORK/window.png"
  run xvfb-run -a -s "-screen 0 1600x1000x24" "$BIN" gui "$U/synth/video.mp4" --size 1600x1000 \
    --replay-speed max --run-for 3 --screenshot "$png" --counters-json "$WORK/counters.json" \
    >"$WORK/gui.out" 2>&1 || { cat "$WORK/gui.out" >&2; fail "gui failed"; }
  [ -s "$png" ] || fail "no screenshot"
  # PNG header: width and height, big-endian, at bytes 16-23.
  size="$(od -An -tu1 -j16 -N8 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')"
  [ "$size" = "1600x1000" ] || fail "screenshot is $size, not 1600x1000"
  [ "$(stat -c %s "$png")" -gt 100000 ] || fail "screenshot is suspiciously small (blank window?)"
  grep -q '"analysis_done": *true' "$WORK/counters.json" || fail "the window did not finish the analysis"
  grep -q '"error": *""' "$WORK/counters.json" || fail "the window reports an error: $(grep '"error"' "$WORK/counters.json")"
  step "screenshot $png ($size)"
fi

# ---- 4. no fallback to the source tree ----
step "without share/facetwitch/protocols the lookup fails, naming the installed path"
cp -a "$WORK/root" "$WORK/root-noproto"
rm -rf "$WORK/root-noproto/usr/share/facetwitch/protocols"
if run "$WORK/root-noproto/usr/bin/facetwitch" synth --preset protocol --out "$U/noproto" >"$WORK/noproto.out" 2>&1; then
  fail "synth --preset protocol succeeded without a protocol file: it found one outside the install"
fi
grep -qF "$WORK/root-noproto/usr/share/facetwitch/protocols/standard.json" "$WORK/noproto.out" ||
  { cat "$WORK/noproto.out" >&2; fail "the error does not name the installed protocol path"; }
rm -rf "$WORK/root-noproto"

step "package test passed in $((SECONDS - T0)) s"
