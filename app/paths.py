"""Where the program's shipped data lives.

In a repository checkout (and an editable install) that is the repository root:
``resources/`` and ``docs/user-guide.md`` beside ``app/``. An installed wheel carries the same
layout as package data of ``app`` under ``app/_shipped/`` (see installers/wheel_backend.py),
found through :mod:`importlib.resources`. Fonts are handed to Qt and reportlab by file name, so
the data must be real files: a wheel is always unpacked.
"""

from importlib.resources import files
from pathlib import Path


def _root() -> Path:
    shipped = files("app") / "_shipped"
    if isinstance(shipped, Path) and (shipped / "resources").is_dir():
        return shipped
    return Path(__file__).resolve().parent.parent


ROOT = _root()
RESOURCES = ROOT / "resources"
RUBRICS = RESOURCES / "rubrics"
FONTS = RESOURCES / "fonts"
LOCALE = RESOURCES / "locale"
DEMO = RESOURCES / "demo"
CJK_FONT = FONTS / "WenQuanYiMicroHei.ttf"
USER_GUIDE = ROOT / "docs" / "user-guide.md"
