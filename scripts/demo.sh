#!/usr/bin/env bash
# demo.sh: the README's main-job command. Installs what is missing, builds Release, then runs
# `facetwitch demo`: generates the ground-truth demo video from the public-domain astronaut portrait
# (once), analyses it and prints the result table (with a display: opens the analyser window on it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh" "$ROOT/build"
exec "$ROOT/build/facetwitch" demo "$@"
