#!/usr/bin/env bash
# Set up Expert Review Desk on a fresh Debian/Ubuntu machine, then start it or test it.
#
#   bash installers/setup.sh demo   # set up, then open the window on the built-in demo meeting
#   bash installers/setup.sh test   # set up (with test tools), then run the whole test suite
#
# It creates .venv/ beside this repository, installs the locked Python packages
# (requirements/runtime.txt, or requirements/test.txt for tests: every package pinned with its
# hashes, checked by pip with --require-hashes), then the project itself (editable, no
# dependencies), and the Debian packages Qt needs (and, for tests, the outside tools the tests
# use as oracles). Without root or sudo it names the missing Debian packages and stops.
# It stops on a system whose glibc is older than the Qt wheels need (installers/glibc-check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-demo}"
shift || true

# Libraries the Qt offscreen/xcb/wayland platforms, Widgets, the print plugin and QtPdf link
# against (measured on a bare Debian 12: libcups2 for printing, libwayland-cursor0 for Wayland;
# nothing links libnss3).
APT_RUNTIME=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libglib2.0-0 libdbus-1-3
  libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-xkb1 libxcb-shape0 libxcb-randr0 libxcb-xfixes0 libcups2
  libwayland-cursor0 python3-venv)
# Outside tools the tests use as judges of our files (age, openssl, pdfsig/pdftoppm, Xvfb,
# LibreOffice recomputing the workbook, desktop-file-validate on the .deb's menu entry).
APT_TEST=(age openssl poppler-utils xvfb libreoffice-calc-nogui desktop-file-utils)

need_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    echo "setup: not a Debian/Ubuntu system; install the equivalents of: ${missing[*]}" >&2
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      echo "setup: please install these Debian packages first:" >&2
      echo "  sudo apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

PY="${PYTHON:-python3}"
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "setup: Python 3.11 or newer is required (found $("$PY" --version 2>&1))" >&2
  exit 1
}
# shellcheck source=installers/glibc-check.sh
. installers/glibc-check.sh
check_glibc "$PY"

case "$mode" in
  demo) need_apt "${APT_RUNTIME[@]}"; lock=requirements/runtime.txt ;;
  test) need_apt "${APT_RUNTIME[@]}" "${APT_TEST[@]}"; lock=requirements/test.txt ;;
  *) echo "usage: bash installers/setup.sh demo|test" >&2; exit 64 ;;
esac

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# Every package from the lock, each checked against its hashes (the lock pins pip itself:
# sqlite-utils depends on it), then the project alone, editable.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .

case "$mode" in
  demo) exec .venv/bin/review-desk demo "$@" ;;
  test) export QT_QPA_PLATFORM=offscreen; exec .venv/bin/python -m pytest "$@" ;;
esac
