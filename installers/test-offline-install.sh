#!/usr/bin/env bash
# The offline release, proven: build it (needs the network), then inside a network namespace
# with no network (unshare -n, as root) show that pip cannot download, install from the
# release folder into a fresh venv and play the complete demo. Not part of the test suite
# (it downloads ~140 MB and takes a few minutes); run it before a release:
#
#   sudo bash installers/test-offline-install.sh [--keep DIR]
#
# It prints the timings and the sizes of the wheelhouse and of the installed venv.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
PY="${PYTHON:-python3}"

work="$(mktemp -d "${TMPDIR:-/tmp}/review-desk-offline.XXXXXX")"
if [ "${1:-}" = "--keep" ]; then work="$2"; mkdir -p "$work"; else trap 'rm -rf "$work"' EXIT; fi
release="$work/release"

t0=$(date +%s)
bash installers/build-release.sh --out "$release"
t1=$(date +%s)

cat > "$work/offline.sh" <<INNER
set -euo pipefail
export HOME="$work/home" QT_QPA_PLATFORM=offscreen PIP_CONFIG_FILE=/dev/null
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PYTHONPATH || true
mkdir -p "\$HOME"
if "$PY" -m pip download --no-cache-dir --no-deps --quiet -d "$work/probe" six==1.16.0 \
    >"$work/probe.log" 2>&1; then
  echo "offline test: pip could download inside the namespace: not offline" >&2
  exit 1
fi
echo "offline test: pip download fails here: \$(tail -1 "$work/probe.log")"
s=\$(date +%s)
bash "$release/install-offline.sh" "$work/venv"
m=\$(date +%s)
cd "$work"
"$work/venv/bin/review-desk" demo --no-gui --dir "$work/demo" --complete > "$work/demo.log"
e=\$(date +%s)
grep "Results SHA-256" "$work/demo.log"
for f in demo-report.pdf demo-results.xlsx demo-results.oibundle; do test -s "$work/demo/\$f"; done
echo "offline test: install \$((m - s)) s, complete demo \$((e - m)) s"

# A release with one byte changed in one wheel is refused: by SHA256SUMS, and by pip's
# --require-hashes even when the sums are skipped.
cp -rl "$release" "$work/tampered"
wheel=\$(ls "$work"/tampered/wheelhouse/babel-*.whl)
cp --remove-destination "$release/wheelhouse/\$(basename "\$wheel")" "\$wheel"
printf 'x' >> "\$wheel"
if bash "$work/tampered/install-offline.sh" "$work/venv-tampered" >"$work/tampered.log" 2>&1; then
  echo "offline test: a changed wheel was installed" >&2; exit 1
fi
grep -q "damaged or was changed" "$work/tampered.log"
"$PY" -m venv "$work/venv-tampered"
if "$work/venv-tampered/bin/python" -m pip install --quiet --no-index --require-hashes \
    --find-links "$work/tampered/wheelhouse" -r "$work/tampered/requirements-offline.txt" \
    >"$work/tampered-pip.log" 2>&1; then
  echo "offline test: pip installed a changed wheel" >&2; exit 1
fi
grep -q "DO NOT MATCH THE HASHES" "$work/tampered-pip.log"
echo "offline test: a wheel changed by one byte is refused (SHA256SUMS and pip --require-hashes)"
INNER
unshare -n bash "$work/offline.sh"
t2=$(date +%s)

echo "offline test: PASSED"
echo "  build the release: $((t1 - t0)) s; offline part: $((t2 - t1)) s"
echo "  release folder: $(du -sh "$release" | cut -f1)," \
  "wheelhouse $(du -sh "$release/wheelhouse" | cut -f1) in $(ls "$release/wheelhouse" | wc -l) wheels," \
  "own wheel $(du -h "$release"/wheelhouse/expert_review_desk-*.whl | cut -f1)"
echo "  installed venv: $(du -sh "$work/venv" | cut -f1)"
