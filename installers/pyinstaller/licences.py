"""Write ``licenses/`` into the one-folder build: the licence text of everything it carries.

    build/onefolder-venv/bin/python installers/pyinstaller/licences.py dist/review-desk

Run by installers/build-onefolder.sh with the build venv's Python, after PyInstaller:

- ``Qt-PySide6/``: Qt and Qt for Python (PySide6, shiboken6) are used under the LGPL 3 (which
  is the GPL 3 plus extra permissions, so both texts), with a note saying where the sources
  are and that the Qt libraries in ``_internal/PySide6/Qt/lib`` may be replaced.
- ``python/``: the Python Software Foundation licence of the interpreter inside.
- ``packages/<name>/``: each Python package of requirements/runtime.txt installed in the
  build venv, the licence files its wheel carries (or, when a wheel carries none, a line
  with the licence its metadata names).
- ``debian/<package>.copyright``: for each library the build took from this Debian system
  (``_internal/lib*.so*``), the copyright file of the Debian package that installed it.
- the fonts' licences stay beside the fonts (``_internal/resources/fonts``).
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
LICENCE_FILE = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE|AUTHORS|COPYRIGHT)[^/]*$", re.I)
QT_SOURCES = """Qt and Qt for Python (PySide6, shiboken6) {version}

This program uses Qt {qt} and Qt for Python {version}, The Qt Company Ltd. and other
contributors, under the GNU Lesser General Public License version 3 (LGPL-3, in this folder;
it adds permissions to the GNU General Public License version 3, GPL-3, also here).
The Qt libraries are the unmodified shared libraries of the PySide6 {version} wheels from
PyPI (pyside6-essentials, pyside6-pdf, shiboken6), in _internal/PySide6/Qt/lib and
_internal/PySide6, _internal/shiboken6; you may replace them with your own builds of the same
Qt version. Their sources: https://download.qt.io/official_releases/qt/ and
https://download.qt.io/official_releases/QtForPython/ (or https://code.qt.io/).
Qt's third-party components (e.g. PDFium in QtPdf, HarfBuzz, FreeType, libpng in QtGui)
are listed with their licences at https://doc.qt.io/qt-6/licenses-used-in-qt.html.

本程序使用 Qt {qt} 与 Qt for Python {version}，依 GNU 宽通用公共许可证第 3 版（LGPL-3，
见本目录；其在 GPL-3 基础上增加许可，GPL-3 亦附于此）使用。Qt 库为 PyPI 上 PySide6 {version}
wheel 中未经修改的共享库，位于 _internal/PySide6/Qt/lib，可替换为同版本的自行构建版本；
源代码见上述网址。
"""
README = """Licences of the third-party software in this folder · 本目录所含第三方软件的许可证

Qt-PySide6/   Qt and Qt for Python (LGPL-3)
python/       the Python interpreter (PSF License)
packages/     each Python package, the licence files of its wheel
debian/       libraries taken from Debian, the copyright file of their Debian package
The fonts' licences are beside the fonts, in _internal/resources/fonts.
字体的许可证与字体放在一起（_internal/resources/fonts）。
"""


def runtime_names() -> list[str]:
    names = []
    for line in (REPO / "requirements" / "runtime.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", line)
        if match:
            names.append(match[1])
    return names


def package_licences(target: Path) -> list[str]:
    missing = []
    for name in runtime_names():
        if name == "pip":  # in the lock (sqlite-utils wants it), never in the bundle
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(f"{name}: not installed")
            continue
        folder = target / "packages" / f"{dist.metadata['Name']}-{dist.version}"
        folder.mkdir(parents=True, exist_ok=True)
        copied = 0
        for file in dist.files or ():
            if ".dist-info/" in str(file) and LICENCE_FILE.search(str(file)):
                source = Path(str(file.locate()))
                if source.is_file():
                    shutil.copyfile(source, folder / source.name)
                    copied += 1
        if not copied:
            named = dist.metadata.get("License-Expression") or dist.metadata.get("License") or ""
            classifiers = [
                c for c in dist.metadata.get_all("Classifier") or [] if c.startswith("License")
            ]
            (folder / "LICENSE-NAMED.txt").write_text(
                f"{name} {dist.version}: the wheel carries no licence file; its metadata names:\n"
                f"{named}\n" + "".join(f"{c}\n" for c in classifiers),
                encoding="utf-8",
            )
    return missing


def qt_licences(target: Path) -> None:
    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    folder = target / "Qt-PySide6"
    folder.mkdir(parents=True, exist_ok=True)
    common = Path("/usr/share/common-licenses")  # Debian's; on Windows the texts come from
    for text in ("LGPL-3", "GPL-3"):  # PySide6's own wheel, copied under packages/ below
        if (common / text).is_file():
            shutil.copyfile(common / text, folder / f"{text}.txt")
    (folder / "README.txt").write_text(
        QT_SOURCES.format(version=pyside, qt=qVersion()), encoding="utf-8"
    )


def python_licence(target: Path) -> None:
    folder = target / "python"
    folder.mkdir(parents=True, exist_ok=True)
    stdlib = Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    shutil.copyfile(stdlib / "LICENSE.txt", folder / "LICENSE.txt")


def debian_licences(bundle: Path, target: Path) -> list[str]:
    """Copyright files of the Debian packages whose libraries sit at the bundle's top (none
    on a system without dpkg: Windows' bundle takes no library from the system but the MSVC
    runtime that comes, redistributable, with Python and PySide6)."""
    missing: list[str] = []
    if shutil.which("dpkg") is None:
        return missing
    folder = target / "debian"
    folder.mkdir(parents=True, exist_ok=True)
    packages: dict[str, list[str]] = {}
    for library in sorted(bundle.glob("lib*.so*")):
        if library.name.startswith("libpython") or library.is_symlink():
            continue  # links to libraries of a wheel (Qt, Pillow), covered by packages/
        found = subprocess.run(
            ["dpkg", "-S", f"*/{library.name}"], capture_output=True, text=True, check=False
        )
        owners = {line.split(":", 1)[0] for line in found.stdout.splitlines() if ":" in line}
        if not owners:
            missing.append(f"{library.name}: no Debian package owns it")
        for owner in owners:
            packages.setdefault(owner, []).append(library.name)
    for package in sorted(packages):
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        if copyright_file.is_file():
            shutil.copyfile(copyright_file, folder / f"{package}.copyright")
        else:
            missing.append(f"{package}: no /usr/share/doc/{package}/copyright")
    (folder / "LIBRARIES.txt").write_text(
        "".join(f"{p}: {' '.join(libs)}\n" for p, libs in sorted(packages.items())),
        encoding="utf-8",
    )
    return missing


def main() -> int:
    out = Path(sys.argv[1])
    bundle = out / "_internal"
    target = out / "licenses"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    (target / "README.txt").write_text(README, encoding="utf-8")
    qt_licences(target)
    python_licence(target)
    missing = package_licences(target) + debian_licences(bundle, target)
    for line in missing:
        print(f"licences: {line}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
