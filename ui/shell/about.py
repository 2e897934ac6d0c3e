"""The About text: version, the versions underneath, and the licences we owe a mention."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import qVersion

from app import __version__
from app.i18n import _

# Names and SPDX licence identifiers are not translated.
COMPONENTS = (
    ("Qt / Qt for Python (PySide6)", "LGPL-3.0-only"),
    ("WenQuanYi Micro Hei", "Apache-2.0"),
    ("cryptography", "Apache-2.0 OR BSD-3-Clause"),
    ("pyHanko", "MIT"),
    ("reportlab", "BSD-3-Clause"),
    ("openpyxl", "MIT"),
    ("sqlite-utils", "Apache-2.0"),
    ("Babel", "BSD-3-Clause"),
)


def about_text() -> str:
    lines = [
        _("Expert Review Desk {version}", version=__version__),
        _("Offline expert-review meetings with signed, encrypted files."),
        "",
        _(
            "Qt {qt} · PySide6 {pyside} · Python {python}",
            qt=qVersion(),
            pyside=PySide6.__version__,
            python=platform.python_version(),
        ),
        "",
        _("Components and their licences:"),
        *(f"  •  {name}: {licence}" for name, licence in COMPONENTS),
        "",
        _(
            "Chinese text is drawn with the WenQuanYi Micro Hei font, used under the Apache "
            "License 2.0; the licence text ships with the program in resources/fonts."
        ),
    ]
    return "\n".join(lines)
