#!/usr/bin/env bash
# Lighthouse accessibility scores of every page kind, light and dark, desktop and phone: builds
# gazette and the sample site (plus the search test site, for an author's page), serves them
# under a sub-path and runs Lighthouse in the Debian Chromium (or $CHROMIUM). Exits 1 when a
# score is under 100. Not part of `cargo test` nor of .ci/run: it takes minutes and Lighthouse
# is 200 MB of npm packages; axe-core in the browser suite guards the same pages on every run.
#
#   bench/lighthouse.sh [PORT]        (default 8411; the second site is served on PORT+1)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PORT="${1:-8411}"
OUT=/dev/shm/gazette-lighthouse
cargo build --release --bins --quiet
npm ci --prefix bench/lighthouse --no-audit --no-fund --loglevel=error
rm -rf "$OUT"
build() { # build SITE_ROOT NAME PORT
    target/release/gazette build --root "$1" --output "$OUT/$2" --no-cache --quiet \
        --base-url "http://127.0.0.1:$3/sub/path/"
}
build . sample "$PORT"
build tests/fixtures/search-site fixture "$((PORT + 1))"
# The first page of each kind, found in the built trees.
first() { # first DIST FOLDER: the first sub-folder of FOLDER that is a page, not a page number
    find "$1/$2" -mindepth 2 -maxdepth 2 -name index.html -printf '%h\n' | sort \
        | grep -v '/[0-9]*$' | grep -v '/page$' | head -1 | sed "s|^$1/||"
}
S="$OUT/sample"; F="$OUT/fixture"
kinds="home=,article=$(first "$S" articles)/,tags=tags/,tag=$(first "$S" tags)/"
kinds+=",source=$(first "$S" sources)/,archive=archive/,year=archive/$(ls "$S/archive" | grep -m1 '^[0-9]')/"
kinds+=",undated=archive/undated/,search=search/?q=spyware,about=about/,404=404.html"
node bench/lighthouse/run.mjs "$PORT" "$S:$kinds" "$F:authors=authors/,author=$(first "$F" authors)/"
