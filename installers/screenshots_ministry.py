"""Dev tool (not a test): render the ministry desk on two meetings' real bundles.

    Xvfb :99 -screen 0 1280x800x24 -nolisten tcp &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python installers/screenshots_ministry.py
    .venv/bin/python installers/screenshots_ministry.py            # offscreen, QWidget.grab()

Builds, in temp folders, a throw-away CA and two meetings' result bundles with their signed
reports and workbooks (the test scenario of ``tests/app/results/factory.py``), plus one of
them with its report changed after both signatures and re-signed by the secretary. Then, in
English and zh_CN at 1280x720, it imports them through the desk's import dialog and grabs
the dialog with its checklists (the refusal opened), the meetings, the register (all, and
filtered), and one application's detail with its signed report. Nothing real is touched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "installers"))

WIDTH, HEIGHT = 1280, 720


class _TempFolders:
    """What ``tests.app.crypto.pki_fixtures.shared_pki`` asks of pytest's factory."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def mktemp(self, name: str) -> Path:
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.base))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/shots/ministry"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from screenshots import _bare_fontconfig, _use_merged_catalog

    _bare_fontconfig()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QWidget

    from app.results import build_bundle
    from storage.ministry.database import MinistryDatabase
    from storage.ministry.refusals import RefusalJournalFile
    from tests.app.crypto.pki_fixtures import shared_pki
    from tests.app.results.craft import members_of, recraft
    from tests.app.results.documents import with_documents
    from tests.app.results.factory import SIGNED_AT, VERIFY_AT, make_scenario
    from ui import launch
    from ui.common import tasks
    from ui.common.dialogs import DialogService
    from ui.common.i18n import switch_language
    from ui.ministry.context import DeskContext
    from ui.ministry.window import MinistryWindow

    _use_merged_catalog()
    args.out.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix="review-desk-ministry-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(temp / "s"))
    app, zoom = launch.prepare_application("en")
    zoom.reset()

    pkiset = shared_pki(_TempFolders(temp))  # type: ignore[arg-type]
    inbox = temp / "inbox"
    inbox.mkdir()
    bundles = []
    for meeting_id, name in (("m-2026-ai-01", "ai-01"), ("m-2026-bio-02", "bio-02")):
        scenario = make_scenario(pkiset, meeting_id)
        path = inbox / f"{name}.oibundle"
        build_bundle(with_documents(scenario), scenario.secretary, path, SIGNED_AT)
        bundles.append((scenario, path))
    first_scenario, first = bundles[0]
    report = members_of(first.read_bytes())["report.pdf"]
    tampered = temp / "ai-01-altered.oibundle"
    tampered.write_bytes(
        recraft(
            first.read_bytes(),
            first_scenario.secretary,
            replace={"report.pdf": report.replace(b"/Producer", b"/Producex", 1)},
        )
    )

    class ShotDialogs(DialogService):
        """Answers the pickers with the shots' files; never blocks."""

        def open_file(
            self, parent: QWidget | None, title: str, name_filter: str = "", directory: str = ""
        ) -> Path | None:
            return pkiset.root_pem

        def open_files(
            self, parent: QWidget | None, title: str, name_filter: str = ""
        ) -> list[Path]:
            return [*(path for _s, path in bundles), tampered]

    def settle() -> None:
        for _round in range(20):
            app.processEvents()
        while tasks._running:  # a dev tool may poll; tests wait on events
            app.processEvents()
            time.sleep(0.02)
        for _round in range(20):
            app.processEvents()

    saved: list[Path] = []

    def shoot(name: str, widget: QWidget) -> None:
        settle()
        path = args.out / f"{name}.png"
        widget.grab().save(str(path))
        saved.append(path)

    for language in ("zh_CN", "en"):
        switch_language(language)
        database = temp / f"ministry-{language}.sqlite"
        ctx = DeskContext(
            store=MinistryDatabase(database),
            database=database,
            dialogs=ShotDialogs(),
            documents=launch.ministry_document_checks,
            journal=RefusalJournalFile.beside(database),
            now=lambda: VERIFY_AT,
        )
        window = MinistryWindow(ctx)
        window.resize(WIDTH, HEIGHT)
        window.show()
        shoot(f"ministry-1-empty-{language}", window)
        window.open_import()
        dialog = window.import_dialog
        assert dialog is not None
        dialog.pick_trust_roots()
        dialog.pick_files()
        shoot(f"ministry-2-import-chosen-{language}", dialog)
        dialog.start()
        settle()
        while dialog.busy:
            app.processEvents()
            time.sleep(0.02)
        shoot(f"ministry-3-import-checklist-{language}", dialog)
        dialog.close()
        settle()
        window.show_page(0)
        shoot(f"ministry-4-meetings-{language}", window)
        window.show_page(1)
        shoot(f"ministry-5-register-{language}", window)
        page = window.register_page
        page.meeting.setCurrentIndex(2)
        shoot(f"ministry-6-register-filtered-{language}", window)
        page.clear_filters()
        proxy = page.proxy
        row = next(
            proxy.row_at(proxy.index(r, 0))
            for r in range(proxy.rowCount())
            if proxy.row_at(proxy.index(r, 0)).application_id == "a1"  # type: ignore[union-attr]
        )
        assert row is not None
        window.open_detail(row)
        shoot(f"ministry-7-detail-{language}", window)
        window.close()
    QApplication.processEvents()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
