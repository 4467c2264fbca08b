#!/usr/bin/env bash
# realfaces_cache.sh: rebuild or verify facetwitch's real-face video cache from a manifest.
#
# The manifest is a Markdown table (see MANIFEST.md) whose rows read
#   | kind | file | frame | fps | s | repository | commit | path | licence | sha256 | content |
# For every row the file is taken from a fetched snapshot of `repository` (a git directory) at `commit`
# and `path`, its sha256 is checked, and it is laid out as <cache>/videos/<file>; the manifest itself is
# copied to <cache>/MANIFEST.md. Files already in the cache with the right sha256 are kept as they are.
#
# Usage:
#   realfaces_cache.sh --mirror-root DIR [--manifest FILE] [--cache DIR]   rebuild / complete the cache
#   realfaces_cache.sh --check [--manifest FILE] [--cache DIR]             only verify, change nothing
#
#   --mirror-root DIR  folder holding one snapshot per repository, named <owner>+<name> (as the fetch
#                      tool lays them out: DIR/<owner>+<name>/repo or DIR/<owner>+<name>/repo/.git); a
#                      plain <owner>+<name> git directory or clone is accepted too.
#   --manifest FILE    manifest to follow (default: MANIFEST.md next to this script).
#   --cache DIR        cache root (default: ${FACETWITCH_REAL_CACHE:-$HOME/.cache/facetwitch/real}).
#   --check            verify the cache only: list missing and wrong files, write nothing.
#
# Exit status: 0 when every file is present with the right sha256; 1 when something is missing or wrong
# (every problem is listed); 2 on a usage error or an unreadable manifest.

set -u -o pipefail

prog=$(basename "$0")
script_dir=$(cd "$(dirname "$0")" && pwd)
manifest="$script_dir/MANIFEST.md"
cache="${FACETWITCH_REAL_CACHE:-$HOME/.cache/facetwitch/real}"
mirror_root=""
check=0

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; }
die() { echo "$prog: $*" >&2; exit 2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --mirror-root) [[ $# -ge 2 ]] || die "--mirror-root needs a folder"; mirror_root=$2; shift 2 ;;
    --mirror-root=*) mirror_root=${1#*=}; shift ;;
    --manifest) [[ $# -ge 2 ]] || die "--manifest needs a file"; manifest=$2; shift 2 ;;
    --manifest=*) manifest=${1#*=}; shift ;;
    --cache) [[ $# -ge 2 ]] || die "--cache needs a folder"; cache=$2; shift 2 ;;
    --cache=*) cache=${1#*=}; shift ;;
    --check) check=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[[ -r "$manifest" ]] || die "cannot read the manifest '$manifest'"
if [[ $check -eq 0 ]]; then
  [[ -n "$mirror_root" ]] || die "give --mirror-root DIR (the fetched snapshots), or --check to verify only"
  [[ -d "$mirror_root" ]] || die "mirror root '$mirror_root' is not a folder"
fi
for tool in git sha256sum; do command -v "$tool" >/dev/null || die "'$tool' is not installed"; done

videos="$cache/videos"
trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }

# Find the git directory of a repository ("owner/name") under the mirror root.
find_gitdir() {
  local base="$mirror_root/${1/\//+}" c
  for c in "$base/repo/.git" "$base/repo" "$base/.git" "$base"; do
    if [[ -d "$c" ]] && git --git-dir="$c" rev-parse --git-dir >/dev/null 2>&1; then
      printf '%s' "$c"; return 0
    fi
  done
  return 1
}

# Write the blob <commit>:<path> of git dir $1 to file $4. Falls back to any commit of the history whose
# version of <path> has the expected sha256 ($5) when <commit> itself is not in the snapshot.
extract() {
  local gd=$1 commit=$2 path=$3 out=$4 want=$5 full c
  got_commit=$commit
  if full=$(git --git-dir="$gd" rev-parse -q --verify "${commit}^{commit}" 2>/dev/null); then
    got_commit=$full
    git --git-dir="$gd" cat-file blob "$full:$path" >"$out" 2>/dev/null && return 0
    echo "   $full:$path cannot be read in the snapshot (file absent, too large for it, or only an LFS pointer)" >&2
  else
    echo "   commit $commit is not in the snapshot $gd; searching the history of '$path'" >&2
  fi
  for c in $(git --git-dir="$gd" rev-list --all -- "$path" 2>/dev/null); do
    if git --git-dir="$gd" cat-file blob "$c:$path" >"$out" 2>/dev/null &&
       [[ "$(sha256sum "$out" | cut -d' ' -f1)" == "$want" ]]; then
      echo "   found the same content at commit ${c:0:12}" >&2; got_commit=$c; return 0
    fi
  done
  return 1
}

total=0 ok=0 fetched=0
problems=()
declare -A seen=()

[[ $check -eq 1 ]] || mkdir -p "$videos" || die "cannot create '$videos'"

while IFS= read -r line || [[ -n "$line" ]]; do
  [[ "$line" == \|* ]] || continue
  # Split on " | " so that paths with spaces survive; the content column keeps any remaining text.
  body=${line#|}; body=${body%|}
  IFS=$'\x1f' read -r -a cells <<<"${body// | /$'\x1f'}"
  [[ ${#cells[@]} -ge 10 ]] || continue
  kind=$(trim "${cells[0]}"); file=$(trim "${cells[1]}"); repo=$(trim "${cells[5]}")
  commit=$(trim "${cells[6]}"); path=$(trim "${cells[7]}"); sha=$(trim "${cells[9]}")
  [[ "$kind" == "kind" || "$kind" == -* || "$kind" == :* ]] && continue   # header / separator
  if [[ ! "$sha" =~ ^[0-9a-f]{64}$ || -z "$file" || "$file" == */* || -z "$repo" || -z "$path" ]]; then
    problems+=("malformed manifest row for '$file' (sha256 '$sha')"); continue
  fi
  if [[ -n "${seen[$file]:-}" ]]; then problems+=("'$file' is listed twice in the manifest"); continue; fi
  seen[$file]=1
  total=$((total + 1))
  target="$videos/$file"

  if [[ -f "$target" ]]; then
    have=$(sha256sum "$target" | cut -d' ' -f1)
    if [[ "$have" == "$sha" ]]; then ok=$((ok + 1)); continue; fi
    if [[ $check -eq 1 ]]; then
      problems+=("WRONG   $file: sha256 $have, manifest says $sha"); continue
    fi
    echo "$file: sha256 mismatch in the cache, taking it again from the snapshot" >&2
  elif [[ $check -eq 1 ]]; then
    problems+=("MISSING $file ($repo @ $commit : $path)"); continue
  fi

  if ! gd=$(find_gitdir "$repo"); then
    problems+=("MISSING $file: no snapshot of $repo under $mirror_root (expected $mirror_root/${repo/\//+}/repo)")
    continue
  fi
  tmp="$target.part.$$"
  if ! extract "$gd" "$commit" "$path" "$tmp" "$sha"; then
    rm -f "$tmp"; problems+=("MISSING $file: '$path' at $commit cannot be taken from $gd"); continue
  fi
  have=$(sha256sum "$tmp" | cut -d' ' -f1)
  if [[ "$have" != "$sha" ]]; then
    rm -f "$tmp"; problems+=("WRONG   $file: $repo@$commit:$path has sha256 $have, manifest says $sha"); continue
  fi
  mv -f "$tmp" "$target" && chmod 0644 "$target"
  fetched=$((fetched + 1)); ok=$((ok + 1))
  echo "took $file from $repo@${got_commit:0:12}:$path"
done <"$manifest"

[[ $total -gt 0 ]] || die "no file rows found in '$manifest' (is it a manifest table?)"

if [[ $check -eq 0 ]]; then
  cp -f "$manifest" "$cache/MANIFEST.md" || problems+=("cannot copy the manifest to $cache/MANIFEST.md")
elif [[ ! -f "$cache/MANIFEST.md" ]]; then
  problems+=("MISSING $cache/MANIFEST.md (the copy of the manifest)")
elif ! cmp -s "$manifest" "$cache/MANIFEST.md"; then
  problems+=("WRONG   $cache/MANIFEST.md differs from $manifest")
fi

# Files in the cache that the manifest does not list are reported, never deleted.
if [[ -d "$videos" ]]; then
  for f in "$videos"/*; do
    [[ -f "$f" ]] || continue
    n=$(basename "$f")
    [[ -n "${seen[$n]:-}" ]] || echo "note: $n is in $videos but not in the manifest (left alone)"
  done
fi

if [[ $check -eq 1 ]]; then
  echo "checked $total files in $videos: $ok good, $((total - ok)) missing or wrong"
else
  echo "$total files in $videos: $ok good ($fetched taken from snapshots), $((total - ok)) missing or wrong"
fi
if [[ ${#problems[@]} -gt 0 ]]; then
  printf '%s\n' "${problems[@]}" >&2
  exit 1
fi
exit 0
