"""Dev tool (not a test): render the secretary console and room view on the finished demo.

    .venv/bin/python installers/screenshots_console.py            # offscreen, QWidget.grab()

Plays the demo meeting to the end in a temp folder (``review-desk demo --complete``), opens
the secretary's workspace of that meeting with the demo secretary identity, and grabs every
console tab and the room view, in English and zh_CN, at 1280x800 and 1024x768. Settings and
files live in temp folders; nothing real is touched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "installers"))

SIZES = ((1280, 800), (1024, 768))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/shots/console"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from screenshots import _bare_fontconfig, _use_merged_catalog, finished_demo

    _bare_fontconfig()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.crypto.identity import load_identity
    from app.secretary import setup as sec_setup
    from storage.stores import SqliteStores
    from ui import launch
    from ui.common.i18n import switch_language
    from ui.secretary.window import SecretaryWindow

    _use_merged_catalog()
    args.out.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix="review-desk-console-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(temp / "s"))
    app, zoom = launch.prepare_application("en")
    zoom.reset()

    demo = finished_demo(temp)
    folder = demo / "complete-meeting" / "secretary"
    identity = load_identity(
        (demo / "identities" / "secretary.p12").read_bytes(), b"demo-secretary"
    )
    stores = SqliteStores()
    ws = sec_setup.open_workspace(stores, folder)
    window = SecretaryWindow(folder, ws, identity, stores=stores)
    window.show()

    def settle() -> None:
        from ui.common import tasks

        for _round in range(200):
            app.processEvents()
            if not tasks._running:
                break
        for _round in range(8):
            app.processEvents()

    saved: list[Path] = []

    def shoot(name: str, widget: object) -> None:
        settle()
        path = args.out / f"{name}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        saved.append(path)

    for language in ("en", "zh_CN"):
        switch_language(language)
        for width, height in SIZES:
            window.resize(width, height)
            for index in range(window.tabs.count()):
                window.tabs.setCurrentIndex(index)
                shoot(f"{index + 1}-{window.pages[index].objectName() or index}-"
                      f"{language}-{width}", window)  # fmt: skip
        window.tabs.setCurrentIndex(window.pages.index(window.room_page))
        window.room_page.show_room()
        room = window.room_page.room
        for width, height in SIZES:
            room.resize(width, height)
            shoot(f"room-view-{language}-{width}", room)
        window.room_page.close_room()
    for path in saved:
        print(path)
    window.close()
    QApplication.processEvents()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
