#!/usr/bin/env bash
# Install Expert Review Desk from this folder on a Linux machine with no network.
#
#   bash install-offline.sh [DIR]    # default DIR: ~/.local/opt/review-desk
#
# It checks every file against SHA256SUMS, checks that the system's glibc is new enough for
# the Qt wheels (glibc-check.sh), creates a Python venv in DIR and installs the program and
# every package it needs from wheelhouse/ only (pip --no-index --require-hashes: a file that
# differs by one byte from the one the release was built with is refused).
# Then run:  DIR/bin/review-desk demo
# Needs: Python 3.11 or 3.12 with venv (Debian/Kylin/UOS: python3-venv) and Qt's system
# libraries (libegl1 libgl1 libxkbcommon0 libfontconfig1 libxcb-cursor0 ...; see README.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:-$HOME/.local/opt/review-desk}"
PY="${PYTHON:-python3}"

echo "install: checking the release files against SHA256SUMS"
(cd "$here" && sha256sum --check --quiet --strict SHA256SUMS) || {
  echo "install: the release folder is damaged or was changed (see above); copy it again." >&2
  exit 1
}

pythons="$(sed -n 's/^python //p' "$here/targets.txt")"
found="$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none)"
case " $pythons " in
  *" $found "*) ;;
  *) echo "install: this release is built for Python $pythons; $PY is $found." \
    "Set PYTHON=/path/to/python3.X to pick another." >&2; exit 1 ;;
esac
# shellcheck source=glibc-check.sh
. "$here/glibc-check.sh"
check_glibc "$PY"

missing=()
for lib in libEGL.so.1 libGL.so.1 libxkbcommon.so.0 libfontconfig.so.1 libxcb-cursor.so.0; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("$lib")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install: warning: Qt's window needs system libraries not found here: ${missing[*]}" >&2
  echo "  (Debian/Kylin/UOS: libegl1 libgl1 libxkbcommon0 libfontconfig1 libxcb-cursor0);" \
    "the command line works without them." >&2
fi

if [ ! -x "$target/bin/python" ]; then
  "$PY" -m venv "$target" || {
    echo "install: $PY cannot create a venv; install python3-venv from the system's media." >&2
    exit 1
  }
fi
echo "install: installing into $target (no network)"
PIP_CONFIG_FILE=/dev/null "$target/bin/python" -m pip install --quiet --disable-pip-version-check \
  --no-index --find-links "$here/wheelhouse" --require-hashes -r "$here/requirements-offline.txt"
"$target/bin/review-desk" --version
echo "install: done. Start it with: $target/bin/review-desk demo"
