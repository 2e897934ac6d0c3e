#!/usr/bin/env bash
# Build the one-folder program for Linux x86_64: dist/review-desk/, with the executable
# dist/review-desk/review-desk (no Python needed on the target; see "For air-gapped
# machines" in README.md). Needs the network the first time (the build venv), not after.
#
#   bash installers/build-onefolder.sh            # -> dist/review-desk/
#   bash installers/build-onefolder.sh --dist DIR # -> DIR/review-desk/
#   PYTHON=python3.12 bash installers/build-onefolder.sh
#
# The build venv (build/onefolder-venv) is made from requirements/build.txt (the runtime
# lock plus PyInstaller, every package pinned with its hashes; installers/lock.sh writes it)
# and kept while the lock is unchanged; PyInstaller's work folder (build/onefolder) is kept
# too, so a second build only redoes what changed. What goes into the folder is decided in
# installers/pyinstaller/onefolder.py; the build then adds licenses/ (the third-party licence
# texts: Qt's LGPL, each Python package's, each Debian library's copyright) and prints the
# folder's size, file count and the glibc it needs.
# The full build and an offline run of it: installers/test-onefolder.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
PY="${PYTHON:-python3}"
venv="$repo/build/onefolder-venv"
work="$repo/build/onefolder"
dist="$repo/dist"
case "${1:-}" in
  --dist) mkdir -p "$2"; dist="$(cd "$2" && pwd)" ;;
  "") ;;
  *) echo "usage: bash installers/build-onefolder.sh [--dist DIR]" >&2; exit 64 ;;
esac
out="$dist/review-desk"

# Linux x86_64 (tested here) and aarch64 (the same recipe on a native arm64 builder, glibc
# >= 2.39 for PySide6's wheels; not run here). Windows: installers/windows/README.md.
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64|Linux-aarch64) ;;
  *) echo "build-onefolder: this recipe builds on Linux x86_64 or aarch64; for" \
       "$(uname -s)-$(uname -m) see installers/windows/README.md." >&2
     exit 1 ;;
esac

# Only PyPI, whatever this machine's pip configuration adds (local indexes, find-links), and
# none of the caller's PYTHONPATH (an editable install of the project must not leak in).
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_NO_INDEX PYTHONPATH || true

start=$(date +%s)
lock_sum="$(sha256sum requirements/build.txt | cut -d' ' -f1) $("$PY" -c 'import sys; print(sys.version)' | head -1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.lock-sum" 2>/dev/null)" != "$lock_sum" ]; then
  echo "build-onefolder: build venv from requirements/build.txt (hashes checked)"
  rm -rf "$venv"
  "$PY" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --require-hashes --no-deps -r requirements/build.txt
  echo "$lock_sum" > "$venv/.lock-sum"
fi
shared="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_config_var("Py_ENABLE_SHARED") or 0)')"
[ "$shared" = 1 ] || {
  echo "build-onefolder: $PY has no shared libpython, which PyInstaller needs; use a Python" \
    "built with --enable-shared (Debian's python3, or pyenv with PYTHON_CONFIGURE_OPTS=--enable-shared)." >&2
  exit 1
}
venv_done=$(date +%s)

echo "build-onefolder: PyInstaller $("$venv/bin/python" -m PyInstaller --version)"
# --clean: a release is built from the sources as they are, never from PyInstaller's cache
# (a module compiled by an earlier build was once bundled after its source had changed).
"$venv/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$dist" --workpath "$work" installers/pyinstaller/review-desk.spec
"$venv/bin/python" installers/pyinstaller/licences.py "$out"
bash installers/clean-runpath.sh "$out"
built=$(date +%s)

glibc="$(find "$out" -type f \( -name '*.so*' -o -name review-desk \) -print0 \
  | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_2\.[0-9]*' | sort -t. -k2 -n -u | tail -1)"
{
  echo "Expert Review Desk $("$venv/bin/python" -c 'import sys; sys.path.insert(0, "."); import app; print(app.__version__)')," \
    "one-folder build for Linux $(uname -m)"
  echo "entry: review-desk"
  echo "python: $("$venv/bin/python" -c 'import platform; print(platform.python_version())')"
  echo "qt: $("$venv/bin/python" -c 'from PySide6.QtCore import qVersion; print(qVersion())')"
  echo "needs: ${glibc/GLIBC_/glibc >= } (objdump -T over every bundled binary)," \
    "libGL and libEGL from the system (libgl1, libegl1)"
} > "$out/BUILD-INFO.txt"

echo "build-onefolder: $out"
echo "  size $(du -sh "$out" | cut -f1), $(find "$out" -type f | wc -l) files;" \
  "needs ${glibc/GLIBC_/glibc >= }"
echo "  build venv $((venv_done - start)) s, PyInstaller and licences $((built - venv_done)) s"
echo "  left out: build/onefolder/left-out.txt"
