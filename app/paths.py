"""Where the program's shipped data lives.

In a repository checkout (and an editable install) that is the repository root:
``resources/`` and ``docs/user-guide.md`` beside ``app/``. An installed wheel carries the same
layout as package data of ``app`` under ``app/_shipped/`` (see installers/wheel_backend.py),
found beside this module (where :mod:`importlib.resources` would find it). Fonts are handed
to Qt and reportlab by file name, so the data must be real files: a wheel is always unpacked.
The one-folder build (installers/pyinstaller/) lays the same files out at the root of its
bundle, ``sys._MEIPASS`` (``_internal/`` beside the executable).
"""

import sys
from pathlib import Path


def _root() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and frozen is not None:
        return Path(str(frozen))
    # What importlib.resources.files("app") gives for a package on disk, without importing
    # importlib.resources (tempfile, shutil, zipfile...) at every start; a package that is
    # not on disk has no such folder either, and falls back the same way.
    here = Path(__file__).resolve().parent
    shipped = here / "_shipped"
    if (shipped / "resources").is_dir():
        return shipped
    return here.parent


ROOT = _root()
RESOURCES = ROOT / "resources"
RUBRICS = RESOURCES / "rubrics"
FONTS = RESOURCES / "fonts"
LOCALE = RESOURCES / "locale"
DEMO = RESOURCES / "demo"
CJK_FONT = FONTS / "WenQuanYiMicroHei.ttf"
USER_GUIDE = ROOT / "docs" / "user-guide.md"
