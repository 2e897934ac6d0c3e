"""What a one-folder build needs from the system: the Debian packages of the libraries its
programs and libraries link but do not carry, and the newest glibc symbol version they use.

    python3 installers/deb/depends.py FOLDER

prints one line per finding, sorted:

    package libgl1          (a library resolved outside FOLDER, and the package owning it)
    glibc 2.34              (the highest GLIBC_x.y any file of FOLDER requires)
    missing libfoo.so.1 <- _internal/PySide6/Qt/plugins/x/liby.so
                            (linked, but found neither in FOLDER nor on this system)

Every ELF file is run through ``ldd`` with ``LD_LIBRARY_PATH`` naming every folder of the
build that holds a shared library, as the frozen program's own loader does, so a library
the build carries is always found in the build first; whatever still resolves elsewhere is
the system's. Standard library, ldd, objdump and dpkg only (installers/build-deb.sh runs it
with the system's python3).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

GLIBC_LIBS = re.compile(r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|ld-linux.*)\.so")


def elf_files(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def owner(path: str) -> str | None:
    """The Debian package that installed ``path`` (trying the /usr-merged spellings)."""
    real = os.path.realpath(path)
    candidates = [path, real]
    for p in (path, real):
        if p.startswith("/usr/"):
            candidates.append(p[4:])
        else:
            candidates.append("/usr" + p)
    for candidate in dict.fromkeys(candidates):
        done = subprocess.run(
            ["dpkg", "-S", candidate], capture_output=True, text=True, check=False
        )
        if done.returncode == 0 and ":" in done.stdout:
            return done.stdout.split(":", 1)[0].strip()
    return None


def glibc_needed(files: list[Path]) -> str:
    best = (0, 0)
    for path in files:
        done = subprocess.run(
            ["objdump", "-p", str(path)], capture_output=True, text=True, check=False
        )
        for match in re.finditer(r"GLIBC_(\d+)\.(\d+)", done.stdout):
            best = max(best, (int(match[1]), int(match[2])))
    return f"{best[0]}.{best[1]}"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python3 installers/deb/depends.py FOLDER", file=sys.stderr)
        return 64
    folder = Path(argv[0]).resolve()
    files = elf_files(folder)
    lib_dirs = sorted({str(p.parent) for p in files if ".so" in p.name})
    env = dict(os.environ, LD_LIBRARY_PATH=":".join(lib_dirs))
    system: dict[str, set[str]] = {}
    missing: set[str] = set()
    for path in files:
        done = subprocess.run(
            ["ldd", str(path)], capture_output=True, text=True, env=env, check=False
        )
        for line in done.stdout.splitlines():
            name, arrow, rest = line.strip().partition(" => ")
            if not arrow:
                continue
            target = rest.split(" (", 1)[0].strip()
            if target == "not found":
                missing.add(f"missing {name} <- {path.relative_to(folder)}")
            elif target and not target.startswith(str(folder) + "/"):
                system.setdefault(target, set()).add(name)
    packages = set()
    for target in system:
        package = owner(target)
        if package is None:
            missing.add(f"missing {target} (no Debian package owns it)")
        else:
            packages.add(package.split(":")[0])
    for package in sorted(packages):
        print(f"package {package}")
    print(f"glibc {glibc_needed(files)}")
    for line in sorted(missing):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
