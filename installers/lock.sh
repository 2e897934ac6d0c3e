#!/usr/bin/env bash
# Regenerate the hashed locks requirements/runtime.txt and requirements/test.txt from
# pyproject.toml (needs the network). Run it after changing a pin in pyproject.toml;
# tests/test_lock.py fails until the locks agree with pyproject.toml again.
#
#   bash installers/lock.sh
#
# The locks are universal (one set of pins for Linux, Windows and macOS, x86_64 and arm64,
# Python 3.11+) and carry the hash of every published file of each pinned release, so the
# offline wheelhouse for any target installs from them with --require-hashes.
# test.txt (test and dev tools) and build.txt (the runtime set plus PyInstaller, for
# installers/build-onefolder.sh) are constrained by runtime.txt: the shared pins are the same.
# Note: sqlite-utils depends on pip, so pip is part of the runtime set.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
if command -v uv >/dev/null && [ "$(uv --version | cut -d' ' -f2)" = "$UV_VERSION" ]; then
  uv=(uv)
else
  tools="${TMPDIR:-/tmp}/review-desk-uv-$UV_VERSION"
  if [ ! -x "$tools/bin/uv" ]; then
    python3 -m pip install --quiet --disable-pip-version-check --target "$tools" "uv==$UV_VERSION"
  fi
  uv=(env "PYTHONPATH=$tools" "$tools/bin/uv")
fi

common=(pip compile pyproject.toml --universal --generate-hashes --python-version 3.11
  --custom-compile-command "bash installers/lock.sh" --quiet)
mkdir -p requirements
"${uv[@]}" "${common[@]}" -o requirements/runtime.txt
"${uv[@]}" "${common[@]}" --extra test --extra dev -c requirements/runtime.txt \
  -o requirements/test.txt
"${uv[@]}" "${common[@]}" --extra build -c requirements/runtime.txt -o requirements/build.txt
echo "lock: wrote requirements/runtime.txt ($(grep -c '^[a-z]' requirements/runtime.txt) pins)" \
  "requirements/test.txt ($(grep -c '^[a-z]' requirements/test.txt) pins)" \
  "and requirements/build.txt ($(grep -c '^[a-z]' requirements/build.txt) pins)"
