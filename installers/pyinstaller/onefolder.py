"""What the one-folder build (installers/pyinstaller/review-desk.spec) carries, derived from the
source tree so the lists cannot drift from it. Standard library only: the spec, the build
script and tests/test_onefolder_spec.py all import it, the test without PyInstaller.

- The program's own modules: the CLI loads its subcommands, the window and the exporters with
  ``importlib.import_module`` (app/cli/__init__.py, app/cli/ministry.py, app/cli/results.py,
  ...), which PyInstaller's import analysis cannot see, so every module of the project's
  packages is a hidden import, found by walking the packages (the same ones the wheel ships,
  installers/wheel_backend.py).
- The shipped data: the files the wheel carries under ``app/_shipped/`` (fonts and their
  licences, the catalog, rubrics, demo material, the approved-platform list, the user guide),
  laid out as in the repository at the bundle's root (``sys._MEIPASS``), where app/paths.py
  looks in a frozen program.
- What is left out: Qt modules and plugins the program never loads (QML/Quick, WebEngine, the
  GTK3 and xdg-portal themes, platforms other than xcb, wayland, offscreen and minimal, ...),
  Babel's locales other than root, en and zh, reportlab's Type-1 fonts (the PDFs embed the
  shipped TrueType fonts only), Qt's translations other than Chinese, and setuptools /
  pkg_resources (their start-up hooks cost time and nothing imports them).
"""

from __future__ import annotations

import ast
import fnmatch
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "installers"))
import wheel_backend  # noqa: E402

NAME = "review-desk"
ENTRY = HERE / "review_desk_main.py"
PACKAGES = wheel_backend.PACKAGES

# Python modules never bundled. Nothing in the program imports them (the quick test checks
# that against the sources); some are pulled in only by optional code paths of libraries.
EXCLUDED_MODULES = (
    "setuptools",
    "pkg_resources",
    "_distutils_hack",
    "distutils",
    "pip",
    "tkinter",
    "_tkinter",
    "PIL.ImageTk",
    "PIL._imagingtk",
    "IPython",
    "pytest",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuickWidgets",
    "PySide6.QtQuickTest",
    "PySide6.QtQmlFeatures",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel",
    "PySide6.QtWebSockets",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
    "PySide6.QtHelp",
    "PySide6.QtTest",
    "PySide6.QtSql",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtLabsStyleKit",
    "PySide6.QtConcurrent",
    "PySide6.QtXml",
    "PySide6.scripts",
)

# Qt plugins kept, by folder (shell patterns on the file name). A folder not named here is
# left out whole: designer, egldeviceintegrations, generic (evdev input for eglfs/linuxfb),
# networkinformation, platformthemes (gtk3 pulls ~20 MB of GTK; xdgdesktopportal),
# qmltooling, sqldrivers, tls, vectorimageformats, wayland-graphics-integration-server
# (compositors only).
QT_PLUGINS: dict[str, tuple[str, ...]] = {
    # xcb for X11 (Kylin, UOS), wayland where a session runs one, offscreen for tests and
    # minimal for headless use; eglfs, linuxfb, vnc, vkkhrdisplay and minimalegl are for
    # embedded devices.
    # On Windows (PySide6's win_amd64 wheel): qwindows, offscreen and minimal.
    "platforms": (
        "libqxcb.so",
        "libqwayland*.so",
        "libqoffscreen.so",
        "libqminimal.so",
        "qwindows.dll",
        "qoffscreen.dll",
        "qminimal.dll",
    ),
    "xcbglintegrations": ("*.so",),
    # Windows only: the native look (Qt 6.7+ modernwindows; vista where a Qt still has it).
    "styles": ("qmodernwindowsstyle.dll", "qwindowsvistastyle.dll"),
    # Qt's compose (dead keys) and ibus input methods; fcitx5 serves the ibus protocol too
    # (see ui/common/input_method.py and docs/user-guide.md, "Typing Chinese").
    "platforminputcontexts": (
        "libcomposeplatforminputcontextplugin.so",
        "libibusplatforminputcontextplugin.so",
    ),
    "imageformats": (
        "libqsvg.so",
        "libqjpeg.so",
        "libqgif.so",
        "libqico.so",
        "qsvg.dll",
        "qjpeg.dll",
        "qgif.dll",
        "qico.dll",
    ),
    "iconengines": ("libqsvgicon.so", "qsvgicon.dll"),
    "printsupport": ("libcupsprintersupport.so",),
    "wayland-shell-integration": ("libxdg-shell.so",),
    "wayland-decoration-client": ("libbradient.so",),
    "wayland-graphics-integration-client": ("libqt-plugin-wayland-egl.so",),
}

# Qt's own translations: the Chinese ones only (ui/common/i18n.py loads qt_zh_CN, then
# qtbase_zh_CN); English needs none.
QT_TRANSLATIONS = ("qt_zh_CN.qm", "qtbase_zh_CN.qm")

# Babel's CLDR data kept (the program reads its catalog without Babel; a library that
# formats with Babel needs these at most).
BABEL_LOCALES = ("root.dat", "en.dat", "en_*.dat", "zh.dat", "zh_*.dat")

# PySide6 parts never used in the bundle: Qt's QML modules and tools.
QT_DROPPED_TREES = ("PySide6/Qt/qml", "PySide6/Qt/libexec", "PySide6/Qt/metatypes")

_QT = PurePosixPath("PySide6/Qt")


def project_modules(root: Path = REPO) -> list[str]:
    """Every module of the project's packages, dotted, sorted: the hidden imports."""
    modules: set[str] = set()
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            relative = path.relative_to(root)
            if "__pycache__" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules.add(".".join(parts))
    return sorted(modules)


def datas(root: Path = REPO) -> list[tuple[str, str]]:
    """(source file, destination folder in the bundle) for every shipped data file."""
    prefix = wheel_backend.SHIPPED_PREFIX + "/"
    found: list[tuple[str, str]] = []
    for name, path in wheel_backend.wheel_files():
        if not name.startswith(prefix):
            continue
        destination = PurePosixPath(name.removeprefix(prefix)).parent
        found.append((str(root / path.relative_to(wheel_backend.ROOT)), str(destination)))
    return found


def _matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def keep(destination: str) -> bool:
    """Whether a file PyInstaller collected (by its path inside the bundle) is kept."""
    path = PurePosixPath(destination.replace("\\", "/"))
    parts = path.parts
    if parts[:2] == ("PySide6", "Qt") and len(parts) > 2:
        if any(str(path).startswith(tree + "/") for tree in QT_DROPPED_TREES):
            return False
        parts = ("PySide6", *parts[2:])  # the Linux wheel's Qt/ level; Windows has none
    if parts[:1] == ("PySide6",) and len(parts) > 1:
        if parts[1] == "plugins" and len(parts) > 3:
            allowed = QT_PLUGINS.get(parts[2])
            return allowed is not None and _matches(path.name, allowed)
        if parts[1] == "translations":
            return path.name in QT_TRANSLATIONS
        if parts[1] == "qml":
            return False
    if parts[:2] == ("babel", "locale-data"):
        return _matches(path.name, BABEL_LOCALES)
    if parts[:2] == ("reportlab", "fonts"):
        return False
    top = parts[0].split(".")[0] if parts else ""
    return top not in {"setuptools", "pkg_resources", "_distutils_hack"}


_SHARED_LIBRARY = re.compile(r"^lib.+\.so(\.\d+)*$")


def prunable(destination: str) -> bool:
    """A shared library that stays only if something kept links it (see :func:`reachable`):
    not a Python extension module and not a Qt plugin (those are chosen above)."""
    path = PurePosixPath(destination)
    if "plugins" in path.parts or ".abi3." in path.name or ".cpython-" in path.name:
        return False
    return bool(_SHARED_LIBRARY.match(path.name)) and not path.name.startswith("libpython")


def reachable(
    binaries: Iterable[tuple[str, str]], imports: dict[str, set[str]]
) -> tuple[set[str], set[str]]:
    """(kept, dropped) destinations: the libraries the roots link, directly or not.

    ``binaries`` is (destination, source); ``imports`` maps a source to the file names it
    links (DT_NEEDED). Roots are everything not :func:`prunable`.
    """
    entries = list(binaries)
    by_name: dict[str, list[tuple[str, str]]] = {}
    for destination, source in entries:
        by_name.setdefault(PurePosixPath(destination).name, []).append((destination, source))
    kept: set[str] = set()
    todo = [(d, s) for d, s in entries if not prunable(d)]
    while todo:
        destination, source = todo.pop()
        if destination in kept:
            continue
        kept.add(destination)
        for needed in imports.get(source, set()):
            todo.extend(by_name.get(needed, []))
    return kept, {d for d, _ in entries} - kept


def imported_names(root: Path = REPO) -> Iterator[tuple[str, str]]:
    """(module imported, file) for every import statement and every
    ``importlib.import_module("literal")`` in the project's packages."""
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            relative = str(path.relative_to(root))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        yield alias.name, relative
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    yield node.module, relative
                elif (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "import_module"
                    and node.args
                    and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
                ):
                    yield _literal(node.args[0]), relative


def _literal(node: ast.expr) -> str:
    """A string constant, or an f-string's fixed prefix followed by ``*``."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    assert isinstance(node, ast.JoinedStr)
    prefix = ""
    for value in node.values:
        if isinstance(value, ast.Constant):
            prefix += str(value.value)
        else:
            return prefix + "*"
    return prefix
