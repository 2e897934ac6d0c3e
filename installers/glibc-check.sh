# Sourced by installers/setup.sh and the release's install-offline.sh (bash).
#
# The glibc floor: the PySide6 6.12 wheels the program is pinned to are built for
# glibc >= 2.34 on x86_64 (manylinux_2_34) and >= 2.39 on aarch64 (manylinux_2_39). On an
# older system (Kylin V10 SP1 ships 2.31, UOS 20 ships 2.28) Qt cannot load, so the installer
# stops before installing anything, with a message that says why.
#
#   check_glibc PYTHON    exits 1 with a message when the C library is too old or not glibc

review_desk_glibc_floor() {
  case "$(uname -m)" in
    x86_64 | amd64) echo 2.34 ;;
    aarch64 | arm64) echo 2.39 ;;
    *) echo "" ;;
  esac
}

check_glibc() {
  local py="$1" floor found
  [ "$(uname -s)" = "Linux" ] || return 0
  floor="$(review_desk_glibc_floor)"
  if [ -z "$floor" ]; then
    echo "install: this machine's architecture ($(uname -m)) is not supported;" \
      "Expert Review Desk runs on x86_64 and aarch64 (arm64)." >&2
    exit 1
  fi
  # "glibc 2.36" on a glibc system, empty on musl.
  found="$("$py" -c 'import os; print((os.confstr("CS_GNU_LIBC_VERSION") or "").split(" ")[-1])' 2>/dev/null || true)"
  if [ -z "$found" ]; then
    echo "install: this system's C library is not glibc; Expert Review Desk needs glibc $floor" \
      "or newer on $(uname -m) (Qt's wheels are built for it)." >&2
    exit 1
  fi
  if ! "$py" -c 'import sys
def v(s): return tuple(int(p) for p in s.split("."))
sys.exit(0 if v(sys.argv[1]) >= v(sys.argv[2]) else 1)' "$found" "$floor"; then
    echo "install: this system has glibc $found; Expert Review Desk needs glibc $floor or newer" \
      "on $(uname -m) (its Qt 6.12 is built for it; check with: ldd --version)." >&2
    echo "  Kylin V10 SP1 (glibc 2.31) and UOS 20 (glibc 2.28) are too old for this release;" \
      "see \"For air-gapped machines\" in README.md." >&2
    exit 1
  fi
}
