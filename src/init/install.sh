set -euo pipefail
: "${GAZETTE_RELEASE_URL:=@RELEASE_URL@}"
case "$(uname -m)" in
  x86_64) target=x86_64-unknown-linux-gnu ;;
  aarch64 | arm64) target=aarch64-unknown-linux-gnu ;;
  *) echo "::error::no gazette release for $(uname -m)"; exit 1 ;;
esac
archive="gazette-$target.tar.gz"
dir="${RUNNER_TEMP:?}/gazette"
mkdir -p "$dir"
cd "$dir"
curl --fail --silent --show-error --location --retry 3 \
  -O "$GAZETTE_RELEASE_URL/$archive" -O "$GAZETTE_RELEASE_URL/$archive.sha256"
# The sum is checked against the file chosen here, whatever name the .sha256 file gives.
echo "$(cut -d' ' -f1 "$archive.sha256")  $archive" | sha256sum --check --strict
tar -xzf "$archive"
"$dir/gazette-$target/gazette" --version
echo "$dir/gazette-$target" >>"$GITHUB_PATH"
