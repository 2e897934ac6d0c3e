"""Dev tool (not a test): render the main window for the demo meeting and save PNGs to look at.

    .venv/bin/python installers/screenshots.py                 # offscreen, QWidget.grab()
    Xvfb :99 -screen 0 1280x800x24 -nolisten tcp &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python installers/screenshots.py --x11

One PNG per language x window size x tab (plus the empty state and the About box), so
clipped or untranslated text shows up before a user sees it. With ``--x11`` the whole X
screen is also captured with ImageMagick's ``import -window root``. Settings go to a temp
folder; the real user configuration is never touched.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "installers"))

SIZES = ((1280, 800), (1024, 768))
TABS = ("agenda", "roster", "rubric")


def demo_data() -> tuple[object, object]:
    try:
        from app.demo.meeting import load_demo
    except ImportError:  # the demo module is not there yet: use the test sample instead
        from app.formats.rubric_file import load_default_rubric
        from tests.ui.sample import sample_meeting

        return sample_meeting(), load_default_rubric()
    return load_demo()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/shots"))
    parser.add_argument("--x11", action="store_true", help="also capture the X screen")
    parser.add_argument(
        "--system-fonts",
        action="store_true",
        help="let fontconfig see every installed font (default: only DejaVu, like a bare laptop)",
    )
    args = parser.parse_args()
    if not args.system_fonts:
        _bare_fontconfig()
    if not args.x11:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QSettings

    from ui import launch
    from ui.common.i18n import switch_language
    from ui.shell.about import about_text
    from ui.shell.main_window import MainWindow

    _use_merged_catalog()
    args.out.mkdir(parents=True, exist_ok=True)
    settings = tempfile.mkdtemp(prefix="review-desk-shots-")
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    app, zoom = launch.prepare_application("en")
    zoom.reset()
    meeting, rubric = demo_data()
    window = MainWindow(meeting, rubric, zoom=zoom, demo_loader=demo_data)  # type: ignore[arg-type]
    empty = MainWindow(None, None, zoom=zoom, demo_loader=demo_data)  # type: ignore[arg-type]
    window.show()
    saved: list[Path] = []

    def settle() -> None:
        for _round in range(5):
            app.processEvents()

    for language in ("en", "zh_CN"):
        switch_language(language)
        for width, height in SIZES:
            window.resize(width, height)
            window.move(0, 0)
            for index, tab in enumerate(TABS):
                window.tabs.setCurrentIndex(index)
                settle()
                path = args.out / f"main-{language}-{width}x{height}-{tab}.png"
                window.grab().save(str(path))
                saved.append(path)
                if args.x11 and (width, height) == SIZES[0]:
                    x_path = args.out / f"x11-{language}-{tab}.png"
                    subprocess.run(["import", "-window", "root", str(x_path)], check=True)
                    saved.append(x_path)
        empty.resize(*SIZES[1])
        empty.show()
        settle()
        path = args.out / f"empty-{language}.png"
        empty.grab().save(str(path))
        saved.append(path)
        empty.hide()
        about = _about_box(window, about_text())
        settle()
        path = args.out / f"about-{language}.png"
        about.grab().save(str(path))
        saved.append(path)
        about.close()
    for path in saved:
        print(path)
    return 0


def finished_demo(temp: Path) -> Path:
    """The demo meeting played to the end (``review-desk demo --no-gui --complete``) in
    ``temp/demo``, through the real command; returns that folder."""
    demo = temp / "demo"
    command = [sys.executable, "-m", "app", "demo", "--no-gui", "--dir", str(demo), "--complete"]
    subprocess.run(command, check=True, cwd=REPO, stdout=subprocess.DEVNULL)
    return demo


def _use_merged_catalog() -> None:
    """Read zh_CN as ``update_catalog.py`` will merge it, parts not yet merged included."""
    from babel.messages.pofile import write_po
    from update_catalog import build

    from app import i18n

    catalog, _missing = build()
    locale = Path(tempfile.mkdtemp(prefix="review-desk-locale-"))
    po = locale / "zh_CN" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as fh:
        write_po(fh, catalog)
    i18n.LOCALE = locale  # type: ignore[misc]
    i18n._catalogs.pop("zh_CN", None)


def _bare_fontconfig() -> None:
    """Hide system CJK fonts, so the shots prove the shipped font is what draws Chinese."""
    folder = Path(tempfile.mkdtemp(prefix="review-desk-fc-"))
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{folder / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    os.environ["FONTCONFIG_FILE"] = str(conf)


def _about_box(parent: object, text: str) -> object:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from app.i18n import _

    box = QMessageBox(QMessageBox.Icon.NoIcon, _("About Expert Review Desk"), text)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.show()
    return box


if __name__ == "__main__":
    sys.exit(main())
