#!/usr/bin/env bash
# The one-folder build, proven: build it (installers/build-onefolder.sh; the network is needed
# only for a first build venv), then inside a network namespace with no network (unshare -n,
# as root) show that pip cannot download, and run from dist/review-desk/:
#   review-desk --version                          (timed, three runs)
#   review-desk demo --no-gui --complete --dir X   (timed; the report, workbook and bundle)
#   the window, offscreen, in Chinese: it saves its first picture and quits
#     (REVIEW_DESK_SMOKE_SHOT, ui/launch.py), with no Qt plugin error on stderr
#   and, when Xvfb is installed, the same window on a real X server (xcb), with
#     QT_IM_MODULE=fcitx: the start-up must switch Qt to its ibus plugin (fcitx5's ibus
#     frontend), and Qt must load it.
# Not part of the test suite (a build takes minutes here); run it before a release:
#
#   sudo bash installers/test-onefolder.sh [--keep DIR] [--dist DIR]
#
# --dist builds into DIR/review-desk instead of dist/review-desk (leaves that one alone).
# It prints the build time, the start-up and demo times, and the folder's size and files.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
PY="${PYTHON:-python3}"
dist="$repo/dist"
work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) work="$2"; mkdir -p "$work"; shift ;;
    --dist) mkdir -p "$2"; dist="$(cd "$2" && pwd)"; shift ;;
    *) echo "usage: sudo bash installers/test-onefolder.sh [--keep DIR] [--dist DIR]" >&2; exit 64 ;;
  esac
  shift
done
app="$dist/review-desk"
keep=1
if [ -z "$work" ]; then
  keep=""
  work="$(mktemp -d "${TMPDIR:-/tmp}/review-desk-onefolder.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
fi

t0=$(date +%s)
bash installers/build-onefolder.sh --dist "$dist"
t1=$(date +%s)

cat > "$work/offline.sh" <<INNER
set -euo pipefail
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" PIP_CONFIG_FILE=/dev/null
export QT_QPA_PLATFORM=offscreen LANG=C.UTF-8
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PYTHONPATH QT_IM_MODULE QT_IM_MODULES \
  XMODIFIERS DISPLAY WAYLAND_DISPLAY || true
mkdir -p "\$HOME"
if "$PY" -m pip download --no-cache-dir --no-deps --quiet -d "$work/probe" six==1.16.0 \
    >"$work/probe.log" 2>&1; then
  echo "onefolder test: pip could download inside the namespace: not offline" >&2
  exit 1
fi
echo "onefolder test: pip download fails here: \$(tail -1 "$work/probe.log")"
cd "$work"

# Qt's complaints about plugins (a missing library, a platform that cannot load).
plugin_errors() {
  grep -E "qt\\.qpa\\.plugin|Could not (load|find)|Cannot load library|undefined symbol|cannot open shared object|Failed to (load|create)" "\$1" || true
}
ms() { echo \$(( (\$(date +%s%N) - \$1) / 1000000 )); }

for run in 1 2 3; do
  s=\$(date +%s%N)
  "$app/review-desk" --version > "$work/version.txt"
  echo "onefolder test: --version run \$run: \$(ms \$s) ms (\$(cat "$work/version.txt"))"
done
grep -q "^review-desk " "$work/version.txt"

s=\$(date +%s%N)
"$app/review-desk" demo --no-gui --complete --dir "$work/demo" > "$work/demo.log" 2>&1
echo "onefolder test: complete demo \$(ms \$s) ms"
grep "Results SHA-256" "$work/demo.log"
for f in demo-report.pdf demo-results.xlsx demo-results.oibundle; do
  test -s "$work/demo/\$f" || { echo "onefolder test: no \$f" >&2; exit 1; }
done
"$app/review-desk" results verify "$work/demo/demo-results.oibundle" \
  --trust "$work/demo/trust-roots.pem" > "$work/verify.log"
echo "onefolder test: the result bundle verifies"

s=\$(date +%s%N)
REVIEW_DESK_SMOKE_SHOT="$work/window-offscreen.png" "$app/review-desk" --lang zh_CN \
  > "$work/window.log" 2>&1
echo "onefolder test: window (offscreen, zh_CN) shown and closed in \$(ms \$s) ms"
test -s "$work/window-offscreen.png"
if [ -n "\$(plugin_errors "$work/window.log")" ]; then
  echo "onefolder test: Qt plugin errors:" >&2; plugin_errors "$work/window.log" >&2; exit 1
fi

if command -v Xvfb >/dev/null; then
  mkfifo "$work/display.fifo"
  Xvfb -displayfd 3 -nolisten tcp -screen 0 1280x800x24 3>"$work/display.fifo" \
    >"$work/xvfb.log" 2>&1 &
  xvfb=\$!
  read -r display < "$work/display.fifo"  # written by Xvfb once it accepts clients
  s=\$(date +%s%N)
  DISPLAY=":\$display" QT_QPA_PLATFORM=xcb QT_IM_MODULE=fcitx QT_DEBUG_PLUGINS=1 \
    REVIEW_DESK_SMOKE_SHOT="$work/window-xcb.png" "$app/review-desk" --lang zh_CN \
    > "$work/window-xcb.log" 2>&1 || { kill \$xvfb; cat "$work/window-xcb.log" >&2; exit 1; }
  echo "onefolder test: window (X11, zh_CN) shown and closed in \$(ms \$s) ms"
  kill \$xvfb
  test -s "$work/window-xcb.png"
  # QT_DEBUG_PLUGINS lists every plugin tried; only real failures count.
  errors="\$(plugin_errors "$work/window-xcb.log" | grep -v "QFactoryLoader::QFactoryLoader() checking\\|looking at" || true)"
  if [ -n "\$errors" ]; then
    echo "onefolder test: Qt plugin errors on X11:" >&2; echo "\$errors" >&2; exit 1
  fi
  grep -q 'libqxcb.so" loaded library' "$work/window-xcb.log"
  grep -q 'libibusplatforminputcontextplugin.so" loaded library' "$work/window-xcb.log" || {
    echo "onefolder test: QT_IM_MODULE=fcitx did not lead Qt to its ibus plugin" >&2; exit 1
  }
  echo "onefolder test: on X11 with QT_IM_MODULE=fcitx Qt loaded its ibus plugin"
else
  echo "onefolder test: no Xvfb here, the X11 window was not tried (apt-get install xvfb)"
fi
INNER
t2=$(date +%s)
unshare -n bash "$work/offline.sh"
t3=$(date +%s)

echo "onefolder test: PASSED"
echo "  build: $((t1 - t0)) s (bash installers/build-onefolder.sh); offline part: $((t3 - t2)) s"
echo "  folder: $(du -sh "$app" | cut -f1), $(find "$app" -type f | wc -l) files," \
  "$(find "$app" -type l | wc -l) links; $(grep '^needs' "$app/BUILD-INFO.txt")"
echo "  pictures of the window: $work/window-offscreen.png, $work/window-xcb.png" \
  "$([ -n "$keep" ] || echo '(removed; keep them with --keep DIR)')"
