#!/usr/bin/env bash
# Build the offline release: a folder to copy onto a USB stick and install from on a machine
# that has never been online (see "For air-gapped machines" in README.md). Needs the network.
#
#   bash installers/build-release.sh                       # Linux x86_64, Python 3.11 and 3.12
#   bash installers/build-release.sh --all                 # + Linux aarch64 and Windows amd64
#   bash installers/build-release.sh --target linux-aarch64 --target win-amd64 --python 3.12
#   bash installers/build-release.sh --out DIR             # default: dist/review-desk-VERSION
#   bash installers/build-release.sh --sign CERT.pem KEY.pem   # also SHA256SUMS.p7s (CMS)
#
# It writes into the output folder:
#   wheelhouse/                every wheel of requirements/runtime.txt for each target and
#                              Python (pip download --only-binary=:all:, hashes checked), and
#                              the project's own wheel (built offline, reproducible)
#   requirements-offline.txt   the runtime lock plus the project's wheel, each with its hash
#   install-offline.sh         Linux: checks the sums and the glibc floor, creates a venv and
#   install-offline.ps1        Windows: installs with --no-index --require-hashes
#   glibc-check.sh, targets.txt  used by install-offline.sh
#   sbom.cdx.json              CycloneDX 1.5 SBOM of the runtime set (from the lock)
#   SHA256SUMS                 of every file above (and SHA256SUMS.p7s when --sign is given)
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

PY="${PYTHON:-python3}"
targets=()
pythons=()
out=""
sign_cert=""
sign_key=""
while [ $# -gt 0 ]; do
  case "$1" in
    --all) targets=(linux-x86_64 linux-aarch64 win-amd64) ;;
    --target) targets+=("$2"); shift ;;
    --python) pythons+=("$2"); shift ;;
    --out) out="$2"; shift ;;
    --sign) sign_cert="$2"; sign_key="$3"; shift 2 ;;
    *) echo "usage: bash installers/build-release.sh [--all] [--target T]... [--python 3.11]..." \
      "[--out DIR] [--sign CERT.pem KEY.pem]" >&2; exit 64 ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || targets=(linux-x86_64)
[ ${#pythons[@]} -gt 0 ] || pythons=(3.11 3.12)

version="$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
out="${out:-dist/review-desk-$version}"
rm -rf "$out"
mkdir -p "$out/wheelhouse"
out="$(cd "$out" && pwd)"

# Only PyPI, whatever this machine's pip configuration adds (local indexes, find-links).
export PIP_CONFIG_FILE=/dev/null PIP_DISABLE_PIP_VERSION_CHECK=1
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_NO_INDEX || true

# The glibc floor of the pinned Qt wheels (manylinux_2_34 x86_64, manylinux_2_39 aarch64).
# pip download does not widen a --platform to the older manylinux levels a machine at the
# floor also runs, so every level from the floor down is named.
platform_args() {
  local arch floor level
  case "$1" in
    linux-x86_64) arch=x86_64; floor=34 ;;
    linux-aarch64) arch=aarch64; floor=39 ;;
    win-amd64) echo --platform win_amd64; return ;;
    *) echo "build-release: unknown target $1 (linux-x86_64, linux-aarch64, win-amd64)" >&2
      exit 64 ;;
  esac
  for level in $(seq "$floor" -1 17); do echo --platform "manylinux_2_${level}_$arch"; done
  echo --platform "manylinux2014_$arch"
  [ "$arch" = x86_64 ] && echo --platform manylinux2010_x86_64 --platform manylinux1_x86_64
  return 0
}

for target in "${targets[@]}"; do
  case "$target" in
    linux-x86_64 | linux-aarch64 | win-amd64) ;;
    *) echo "build-release: unknown target $target (linux-x86_64, linux-aarch64, win-amd64)" >&2
      exit 64 ;;
  esac
done

# pip download evaluates a requirement's environment marker against this machine, not the
# target: the runtime lock has no platform markers today (checked below), keep it that way or
# download such a package for its target by hand.
if grep -E "sys_platform|platform_system|platform_machine" requirements/runtime.txt; then
  echo "build-release: requirements/runtime.txt has platform markers; see the note above." >&2
  exit 1
fi

start=$(date +%s)
for target in "${targets[@]}"; do
  read -r -a platforms <<< "$(platform_args "$target" | tr '\n' ' ')"
  for python in "${pythons[@]}"; do
    abi="cp${python/./}"
    echo "build-release: wheels for $target, Python $python"
    "$PY" -m pip download --quiet --require-hashes --only-binary=:all: --no-deps \
      "${platforms[@]}" --python-version "$python" --implementation cp \
      --abi "$abi" --abi abi3 --abi none \
      -d "$out/wheelhouse" -r requirements/runtime.txt
  done
done
echo "build-release: the project's wheel"
"$PY" -m pip wheel --quiet --no-deps -w "$out/wheelhouse" "$repo"
own="$(cd "$out/wheelhouse" && ls expert_review_desk-"$version"-*.whl)"
own_hash="$(sha256sum "$out/wheelhouse/$own" | cut -d' ' -f1)"

{
  echo "# Expert Review Desk $version: the runtime lock (requirements/runtime.txt) and the"
  echo "# project's own wheel. Install with --no-index --find-links wheelhouse --require-hashes."
  grep -v '^#' requirements/runtime.txt
  echo "expert-review-desk==$version \\"
  echo "    --hash=sha256:$own_hash"
} > "$out/requirements-offline.txt"

cp installers/offline/install-offline.sh installers/offline/install-offline.ps1 \
  installers/glibc-check.sh "$out/"
{
  echo "version $version"
  echo "python ${pythons[*]}"
  echo "targets ${targets[*]}"
} > "$out/targets.txt"
"$PY" installers/sbom.py requirements/runtime.txt "$out/wheelhouse" --version "$version" \
  > "$out/sbom.cdx.json"

(cd "$out" && find . -type f ! -name 'SHA256SUMS*' -printf '%P\n' | LC_ALL=C sort \
  | xargs sha256sum > SHA256SUMS)
if [ -n "$sign_cert" ]; then
  openssl cms -sign -binary -md sha256 -in "$out/SHA256SUMS" -signer "$sign_cert" \
    -inkey "$sign_key" -outform DER -out "$out/SHA256SUMS.p7s"
  echo "build-release: signed SHA256SUMS (verify: openssl cms -verify -binary -inform DER" \
    "-in SHA256SUMS.p7s -content SHA256SUMS -CAfile ROOT.pem -out /dev/null)"
fi

echo "build-release: $out ($(ls "$out/wheelhouse" | wc -l) wheels," \
  "$(du -sh "$out" | cut -f1), $(( $(date +%s) - start )) s)"
