#!/usr/bin/env bash
# Remove the build machine's library search paths from every shared library in FOLDER.
#
#   bash installers/clean-runpath.sh FOLDER
#
# A Python from pyenv leaves RUNPATH /home/USER/.pyenv/.../lib in libpython and its extension
# modules: meaningless on the target, and a folder another user might own there (lintian:
# custom-library-search-path). Only $ORIGIN-relative entries stay. Needs patchelf; without it,
# says so and changes nothing. Used by build-onefolder.sh and (for folders built before it
# did this) build-deb.sh.
set -euo pipefail
folder="${1:?usage: bash installers/clean-runpath.sh FOLDER}"
if ! command -v patchelf >/dev/null; then
  echo "clean-runpath: warning: patchelf is not installed; the libraries keep the build" \
    "machine's RUNPATH (apt-get install patchelf)" >&2
  exit 0
fi
cleaned=0
while IFS= read -r -d '' lib; do
  runpath="$(patchelf --print-rpath "$lib" 2>/dev/null)" || continue
  [ -n "$runpath" ] || continue
  keep="$(tr ':' '\n' <<< "$runpath" | grep '^\$ORIGIN' | paste -sd: || true)"
  [ "$keep" = "$runpath" ] && continue
  if [ -n "$keep" ]; then patchelf --set-rpath "$keep" "$lib"; else patchelf --remove-rpath "$lib"; fi
  cleaned=$((cleaned + 1))
done < <(find "$folder" -type f \( -name '*.so' -o -name '*.so.*' \) -print0)
[ "$cleaned" = 0 ] || echo "clean-runpath: removed the build machine's RUNPATH from $cleaned libraries"
