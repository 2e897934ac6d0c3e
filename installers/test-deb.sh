#!/usr/bin/env bash
# The .deb, proven: build it from a one-folder build, install it with dpkg into a throwaway
# root (or, with --system, into this machine and remove it again), check its layout, its
# desktop entry and MIME types as the system tools read them, then inside a network
# namespace with no network (unshare -n) run /usr/bin/review-desk --version, the complete
# demo, and the window (offscreen) opening a result bundle the way a double-click does.
# Not part of the test suite (building the package compresses ~190 MB: minutes); run it
# before a release, as root:
#
#   sudo bash installers/test-deb.sh [FOLDER] [--system] [--keep DIR]
#   sudo bash installers/test-deb.sh --deb dist/review-desk_V-1_amd64.deb   # test a built one
#
# FOLDER defaults to dist/review-desk (installers/build-onefolder.sh). Without --system the
# machine is not changed: the package goes into DIR/root (dpkg --root, dependencies not
# checked there), and the program runs from it in a private mount namespace where
# DIR/root/opt/review-desk is mounted at /opt/review-desk (the symlink /usr/bin/review-desk
# points there). --system runs the real dpkg -i, which needs the Depends installed
# (apt-get install libgl1 libegl1), then dpkg --purge.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

folder="dist/review-desk"
system=0
work=""
prebuilt=""
while [ $# -gt 0 ]; do
  case "$1" in
    --system) system=1 ;;
    --keep) work="$2"; shift ;;
    --deb) prebuilt="$2"; shift ;;
    -*) echo "usage: sudo bash installers/test-deb.sh [FOLDER | --deb FILE] [--system] [--keep DIR]" >&2; exit 64 ;;
    *) folder="$1" ;;
  esac
  shift
done
if [ "$(id -u)" -ne 0 ]; then
  echo "test-deb: run as root (dpkg, unshare -n -m)" >&2
  exit 1
fi
if [ -z "$work" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/review-desk-deb-test.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
else
  rm -rf "$work"; mkdir -p "$work"
fi
work="$(cd "$work" && pwd)"
fail() { echo "test-deb: FAILED: $*" >&2; exit 1; }

t0=$(date +%s)
if [ -n "$prebuilt" ]; then
  deb="$(cd "$(dirname "$prebuilt")" && pwd)/$(basename "$prebuilt")"
else
  bash installers/build-deb.sh "$folder" --out "$work/out"
  deb="$(ls "$work"/out/review-desk_*.deb)"
fi
t1=$(date +%s)

# --- the package's metadata and layout ------------------------------------------------------
dpkg-deb -I "$deb" > "$work/info.txt"
dpkg-deb -c "$deb" > "$work/contents.txt"
for field in Package Version Architecture Depends Installed-Size Maintainer Description; do
  dpkg-deb -f "$deb" "$field" | grep -q . || fail "control field $field is empty"
done
dpkg-deb -f "$deb" Depends | grep -q "libgl1" || fail "Depends lacks libgl1"
for path in ./opt/review-desk/review-desk ./usr/bin/review-desk \
    ./usr/share/applications/review-desk.desktop ./usr/share/mime/packages/review-desk.xml \
    ./usr/share/icons/hicolor/scalable/apps/review-desk.svg ./usr/share/man/man1/review-desk.1.gz \
    ./usr/share/doc/review-desk/copyright ./usr/share/doc/review-desk/changelog.Debian.gz \
    ./usr/share/lintian/overrides/review-desk; do
  grep -q " $path\( \|$\)" "$work/contents.txt" || fail "$path is not in the package"
done
for size in 16 24 32 48 64 128 256; do
  grep -q " ./usr/share/icons/hicolor/${size}x${size}/apps/review-desk.png$" "$work/contents.txt" \
    || fail "the ${size}x${size} icon is not in the package"
done
grep -q "^lrwxrwxrwx root/root .* ./usr/bin/review-desk -> /opt/review-desk/review-desk$" \
  "$work/contents.txt" || fail "/usr/bin/review-desk is not a symlink to /opt/review-desk/review-desk"
modes='^(-rw-r--r--|-rwxr-xr-x|drwxr-xr-x|lrwxrwxrwx) root/root '
if grep -Ev "$modes" "$work/contents.txt" | grep -q .; then
  grep -Ev "$modes" "$work/contents.txt" | head >&2
  fail "files not owned by root, or with modes other than 644/755"
fi
echo "test-deb: layout, modes and control fields as expected"

# --- install with dpkg into a throwaway root, or into this system ------------------------------
root="$work/root"
if [ "$system" = 1 ]; then
  root=""
  dpkg -i "$deb"
  trap 'dpkg --purge review-desk >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
else
  mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
  touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
  dpkg --root="$root" --force-depends --force-script-chrootless -i "$deb" >"$work/dpkg.log" 2>&1 \
    || { cat "$work/dpkg.log" >&2; fail "dpkg -i into the throwaway root"; }
fi
dpkg-query ${root:+--admindir="$root/var/lib/dpkg"} -W -f='${Status} ${Version}\n' review-desk \
  | grep -q "^install ok installed" || fail "dpkg does not list review-desk as installed"
[ -L "$root/usr/bin/review-desk" ] || fail "no /usr/bin/review-desk after dpkg -i"
echo "test-deb: dpkg -i installed it ($( [ "$system" = 1 ] && echo "this system" || echo "root $root"))"

# The desktop entry and the MIME types, as the desktop's own tools read them.
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$root/usr/share/applications/review-desk.desktop" \
    || fail "desktop-file-validate"
  echo "test-deb: desktop-file-validate: no errors"
fi
if [ "$system" = 0 ] && command -v update-mime-database >/dev/null; then
  update-mime-database "$root/usr/share/mime" >/dev/null 2>&1  # (it notes that root/usr/share is not in XDG_DATA_DIRS)
  update-desktop-database "$root/usr/share/applications" 2>/dev/null || true
fi
for ext in oipkg oikit oisheet oibundle oiround oireport; do
  grep -q ":application/x-review-desk-[a-z-]*:\*\.$ext$" "$root/usr/share/mime/globs2" \
    || fail "*.$ext is not in the MIME database"
done
if [ -f "$root/usr/share/applications/mimeinfo.cache" ]; then
  for type in package kit sheet bundle round-notice report-to-sign; do
    grep -q "^application/x-review-desk-$type=.*review-desk.desktop" \
      "$root/usr/share/applications/mimeinfo.cache" \
      || fail "application/x-review-desk-$type does not open with review-desk.desktop"
  done
  echo "test-deb: the six file types are in the MIME database and open with review-desk.desktop"
fi
if command -v lintian >/dev/null; then
  echo "test-deb: lintian (errors and warnings; the overrides are explained in installers/deb/README.md):"
  lintian --pedantic "$deb" 2>&1 | grep -v "^running with root" | sed 's/^/  /' || true
fi

# --- run it with no network -------------------------------------------------------------------
if [ "$system" = 1 ]; then
  mount_program=""
else
  # A private /opt (tmpfs) in the namespace: the machine's own /opt is neither seen nor changed.
  mount_program="mount --make-rprivate / && mount -t tmpfs tmpfs /opt && mkdir /opt/review-desk && mount --bind '$root/opt/review-desk' /opt/review-desk"
fi
cat > "$work/offline.sh" <<INNER
set -euo pipefail
$mount_program
export HOME="$work/home" QT_QPA_PLATFORM=offscreen LANG=C.UTF-8
unset PYTHONPATH PYTHONHOME LD_LIBRARY_PATH QT_PLUGIN_PATH || true
mkdir -p "\$HOME"
if python3 -c 'import socket; socket.create_connection(("1.1.1.1", 443), timeout=5)' 2>/dev/null; then
  echo "test-deb: a connection succeeded inside the namespace: not offline" >&2; exit 1
fi
echo "test-deb: no network here (a TCP connection fails)"
bin="$root/usr/bin/review-desk"
s=\$(date +%s%N)
version=\$("\$bin" --version)
m=\$(date +%s%N)
echo "test-deb: \$version (\$(( (m - s) / 1000000 )) ms)"
[ "\$version" = "review-desk \$(dpkg-deb -f "$deb" Version | cut -d- -f1)" ]
"\$bin" demo --no-gui --complete --dir "$work/demo" > "$work/demo.log" 2>&1 || { cat "$work/demo.log"; exit 1; }
e=\$(date +%s%N)
grep "Results SHA-256" "$work/demo.log"
for f in demo-report.pdf demo-results.xlsx demo-results.oibundle; do test -s "$work/demo/\$f"; done
echo "test-deb: complete demo from /usr/bin/review-desk: \$(( (e - m) / 1000000000 )) s"
# The window, offscreen, as the menu entry (review-desk open) and a double-click on a result
# bundle (review-desk open FILE) start it: each must still be running, with nothing on its
# output a traceback or an error message, when the 20 s bound ends.
window() {
  set +e
  timeout 20 "\$bin" "\$@" > "$work/window.log" 2>&1
  code=\$?
  set -e
  if [ "\$code" != 124 ] || grep -Ei "traceback|error|could not" "$work/window.log"; then
    echo "test-deb: the window (\$*) ended with \$code:" >&2; cat "$work/window.log" >&2; exit 1
  fi
  echo "test-deb: the window ran 20 s (review-desk \$*) without an error"
}
if ! "\$bin" open --help > /dev/null 2>&1; then
  window
  echo "test-deb: FAILED: this build has no 'review-desk open', which the desktop entry runs" \
    "(Exec=review-desk open %f): rebuild the folder from a tree with app/cli/open.py" >&2
  exit 1
fi
window open
window open "$work/demo/demo-results.oibundle"
INNER
unshare -n -m bash "$work/offline.sh"
t2=$(date +%s)

if [ "$system" = 1 ]; then
  dpkg --purge review-desk >/dev/null
  [ ! -e /usr/bin/review-desk ] && [ ! -e /opt/review-desk ] || fail "dpkg --purge left files"
  echo "test-deb: dpkg --purge removed it"
fi
echo "test-deb: PASSED"
echo "  .deb: $(du -h "$deb" | cut -f1) ($(stat -c %s "$deb") bytes), installed size" \
  "$(dpkg-deb -f "$deb" Installed-Size) KiB; build $((t1 - t0)) s, checks and runs $((t2 - t1)) s"
