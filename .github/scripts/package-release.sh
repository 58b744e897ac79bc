#!/usr/bin/env bash
# Packs a built gazette binary the way a release carries it, so that the Pages workflow that
# `gazette init` writes can download it: `gazette-<target>.tar.gz` (a `.zip` for Windows) holding
# `gazette-<target>/gazette[.exe]` and README.md, and `<archive>.sha256` in `sha256sum` format.
# Used by .github/workflows/release.yml and by tests/publish.rs (which installs what it packs).
#
# Usage: package-release.sh TARGET BINARY OUT_DIR
set -euo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 TARGET BINARY OUT_DIR" >&2
  exit 2
fi
target=$1 binary=$2 out=$3
repo=$(cd "$(dirname "$0")/../.." && pwd)
name="gazette-$target"

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/"
cp "$repo/README.md" "$stage/$name/"

case "$target" in
  *windows*)
    archive="$name.zip"
    (cd "$stage" && 7z a -tzip -bso0 -bsp0 "$out/$archive" "$name")
    ;;
  *)
    archive="$name.tar.gz"
    tar -C "$stage" -czf "$out/$archive" "$name"
    ;;
esac

# sha256sum on Linux and Windows (Git Bash), shasum on macOS: the same two-column format.
if command -v sha256sum >/dev/null 2>&1; then
  (cd "$out" && sha256sum "$archive" >"$archive.sha256")
else
  (cd "$out" && shasum -a 256 "$archive" >"$archive.sha256")
fi
echo "$out/$archive"
