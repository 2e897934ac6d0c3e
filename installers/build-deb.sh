#!/usr/bin/env bash
# Build the .deb around a one-folder build (installers/build-onefolder.sh's dist/review-desk):
#
#   bash installers/build-deb.sh dist/review-desk [--out DIR] [--arch ARCH]
#
# writes DIR/review-desk_VERSION-1_ARCH.deb (default DIR: dist; ARCH: this machine's, from
# dpkg --print-architecture; build on the architecture you package, e.g. arm64 on an arm64
# builder). No network, no root (dpkg-deb --root-owner-group). The package installs:
#
#   /opt/review-desk/                  the folder as built (its own Python, Qt and libraries)
#   /usr/bin/review-desk               a symlink to /opt/review-desk/review-desk
#   /usr/share/applications/review-desk.desktop     menu entry (English, 中文), file types
#   /usr/share/mime/packages/review-desk.xml        *.oipkg *.oikit *.oisheet *.oibundle
#                                                   *.oiround *.oireport (double-click opens)
#   /usr/share/icons/hicolor/{16..256}/apps/review-desk.png, scalable/apps/review-desk.svg
#   /usr/share/man/man1/review-desk.1.gz
#   /usr/share/doc/review-desk/copyright           DEP-5, every licence (installers/deb/copyright.py)
#   /usr/share/doc/review-desk/changelog.Debian.gz
#   /usr/share/lintian/overrides/review-desk       what lintian flags by design (installers/deb/README.md)
#
# Depends: installers/deb/depends.txt, Recommends: recommends.txt, checked against the
# folder: every system library a file of the folder links (ldd) must belong to a package
# named there (or one they depend on), or the build stops;
# libc6 gets the newest GLIBC_x.y the folder's files need. The desktop database, MIME
# database and icon cache are refreshed by dpkg's triggers (no maintainer scripts).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
deb="$repo/installers/deb"

folder=""
out="dist"
arch=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift ;;
    --arch) arch="$2"; shift ;;
    -*) echo "usage: bash installers/build-deb.sh FOLDER [--out DIR] [--arch ARCH]" >&2; exit 64 ;;
    *) folder="$1" ;;
  esac
  shift
done
if [ -z "$folder" ] || [ ! -x "$folder/review-desk" ] || [ -L "$folder/review-desk" ]; then
  echo "build-deb: FOLDER must be a one-folder build holding the executable review-desk" \
    "(installers/build-onefolder.sh writes dist/review-desk)" >&2
  exit 64
fi
for tool in dpkg-deb gzip python3 ldd objdump; do
  command -v "$tool" >/dev/null || { echo "build-deb: $tool is needed" >&2; exit 1; }
done
folder="$(cd "$folder" && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

version="$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
revision="${REVIEW_DESK_DEB_REVISION:-1}"
arch="${arch:-$(dpkg --print-architecture)}"
maintainer="${REVIEW_DESK_MAINTAINER:-Expert Review Desk release team <release@review-desk.example.org>}"
# Reproducible: every file's time is the last commit's (or SOURCE_DATE_EPOCH).
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"

stage="$(mktemp -d "${TMPDIR:-/tmp}/review-desk-deb.XXXXXX")"
trap 'rm -rf "$stage"' EXIT
root="$stage/root"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
  "$root/usr/share/mime/packages" "$root/usr/share/man/man1" "$root/usr/share/doc/review-desk" \
  "$root/usr/share/lintian/overrides" "$root/usr/share/icons/hicolor/scalable/apps"

# --- what the folder needs from the system -------------------------------------------------
echo "build-deb: checking what $folder links from the system (ldd)"
python3 "$deb/depends.py" "$folder" > "$stage/depends.found"
glibc="$(sed -n 's/^glibc //p' "$stage/depends.found")"
named="$(cat "$deb/depends.txt" "$deb/recommends.txt" | grep -v '^#' | tr '|' '\n' | tr -d ' ' | sed '/^$/d')"
# A library may come from a package that a named one depends on (libgl1 brings libglx0 and
# libglvnd0): dpkg installs those too, so the whole Depends closure on this system counts.
first="$(cat "$deb/depends.txt" "$deb/recommends.txt" | grep -v '^#' | sed '/^ *$/d' | cut -d'|' -f1 | tr -d ' ')"
# shellcheck disable=SC2086
named="$named
$(apt-cache depends --recurse --important $first 2>/dev/null | grep -v '^ ' | tr -d '<>')"
unnamed=()
while read -r package; do
  grep -qx "$package" <<< "$named" || unnamed+=("$package")
done < <(sed -n 's/^package //p' "$stage/depends.found")
if [ ${#unnamed[@]} -gt 0 ]; then
  echo "build-deb: the folder links libraries of these packages, which" \
    "installers/deb/depends.txt does not name: ${unnamed[*]}" >&2
  echo "  (bundle them in the one-folder build, or add them to depends.txt or recommends.txt)" >&2
  exit 1
fi
if grep -q '^missing ' "$stage/depends.found"; then
  echo "build-deb: warning: libraries linked but found nowhere (the part that links them" \
    "will not load unless the target system has them):" >&2
  grep '^missing ' "$stage/depends.found" | sed 's/^missing /  /' >&2
fi
libc6="libc6"
[ "$glibc" = "0.0" ] || libc6="libc6 (>= $glibc)"
depends="$(grep -v '^#' "$deb/depends.txt" | sed '/^ *$/d' \
  | sed "s/^libc6\$/$libc6/" | paste -sd, | sed 's/,/, /g')"
recommends="$(grep -v '^#' "$deb/recommends.txt" | sed '/^ *$/d' | paste -sd, | sed 's/,/, /g')"

# --- the files ---------------------------------------------------------------------------
cp -a "$folder" "$root/opt/review-desk"
# Modes as Debian wants them: folders 755, files 644; executables (the launcher and any other
# program of the folder, never a shared library) 755.
find "$root" -type d -exec chmod 0755 {} +
find "$root/opt/review-desk" -type f -exec chmod 0644 {} +
(cd "$folder" && find . -type f -perm /111 ! -name '*.so' ! -name '*.so.*' -print0) \
  | (cd "$root/opt/review-desk" && xargs -0 -r chmod 0755)
ln -s /opt/review-desk/review-desk "$root/usr/bin/review-desk"
# The build machine's library search paths (build-onefolder.sh removes them; a folder built
# before it did still has them).
bash installers/clean-runpath.sh "$root/opt/review-desk"

install -m 0644 "$deb/review-desk.desktop" "$root/usr/share/applications/review-desk.desktop"
install -m 0644 "$deb/review-desk-mime.xml" "$root/usr/share/mime/packages/review-desk.xml"
for png in resources/icons/hicolor/*/apps/review-desk.png; do
  size="$(basename "$(dirname "$(dirname "$png")")")"
  install -D -m 0644 "$png" "$root/usr/share/icons/hicolor/$size/apps/review-desk.png"
done
install -m 0644 resources/icons/review-desk.svg "$root/usr/share/icons/hicolor/scalable/apps/review-desk.svg"
sed "s/@VERSION@/$version/" "$deb/review-desk.1" | gzip -9n > "$root/usr/share/man/man1/review-desk.1.gz"
sed "s/@MAINTAINER@/$maintainer/" "$deb/changelog" \
  | sed "1s/([^)]*)/($version-$revision)/" | gzip -9n > "$root/usr/share/doc/review-desk/changelog.Debian.gz"
python3 "$deb/copyright.py" "$folder" > "$root/usr/share/doc/review-desk/copyright"
install -m 0644 "$deb/lintian-overrides" "$root/usr/share/lintian/overrides/review-desk"
find "$root/usr" -type f -exec chmod 0644 {} +

installed="$(du -sk --apparent-size "$root" | cut -f1)"
sed -e "s/@VERSION@/$version-$revision/" -e "s/@ARCH@/$arch/" -e "s/@MAINTAINER@/$maintainer/" \
  -e "s/@INSTALLED_SIZE@/$installed/" -e "s/@DEPENDS@/$depends/" \
  -e "s/@RECOMMENDS@/$recommends/" "$deb/control.in" \
  > "$root/DEBIAN/control"
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z \
  | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

package="$out/review-desk_${version}-${revision}_${arch}.deb"
start=$(date +%s)
dpkg-deb --root-owner-group -Zxz --build "$root" "$package" >/dev/null
echo "build-deb: $package ($(du -h "$package" | cut -f1), installed $((installed / 1024)) MiB," \
  "Depends: $depends; $(( $(date +%s) - start )) s to compress)"
