"""Dev tool (not a test): render the ministry desk's Decisions and Flags pages and the
announcement and add-platform dialogs, in zh_CN and en at 1280x720.

    Xvfb :99 & DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python installers/screenshots_desk_pages.py
    .venv/bin/python installers/screenshots_desk_pages.py          # offscreen, QWidget.grab()

Builds the test scenario's PKI and two meetings (``tests/app/results/factory.py``) in a temp
folder, imports both, adds an approved platform covering a recommended sub-domain, decides on
two applications and closes a batch through the use cases, then grabs each widget. Settings
and files live in temp folders; nothing real is touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "installers"))

WIDTH, HEIGHT = 1280, 720


class _Folders:
    """The one method of pytest's temp-path factory that the PKI fixture calls."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def mktemp(self, name: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=name, dir=self.base))
        return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/shots/desk-pages"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from screenshots import _bare_fontconfig, _use_merged_catalog

    _bare_fontconfig()

    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QWidget

    from app.i18n import LocalizedText
    from app.ministry.deciding import close_batch, decide, decision_states
    from app.ministry.decisions import Decision
    from app.ministry.importing import import_bundle
    from app.ministry.platforms import add_platform, platform_draft
    from app.results import build_bundle
    from storage.ministry.database import MinistryDatabase
    from tests.app.crypto.pki_fixtures import shared_pki
    from tests.app.results.factory import SIGNED_AT, VERIFY_AT, make_scenario
    from ui import launch
    from ui.common.dialogs import DialogService
    from ui.common.i18n import switch_language
    from ui.ministry.announce_dialog import AnnounceDialog
    from ui.ministry.decisions_page import DecisionsPage
    from ui.ministry.flags_page import FlagsPage
    from ui.ministry.officer import given_identity
    from ui.ministry.platform_dialogs import AddPlatformDialog

    _use_merged_catalog()
    args.out.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix="review-desk-desk-pages-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(temp / "s"))
    app, zoom = launch.prepare_application("en")
    zoom.reset()

    at = VERIFY_AT + dt.timedelta(hours=1)
    pki = shared_pki(_Folders(temp))  # type: ignore[arg-type]
    db = temp / "ministry.db"
    store = MinistryDatabase(db)
    officer = None
    for meeting in ("m-2026-ai-01", "m-2026-med-02"):
        scenario = make_scenario(pki, meeting)
        officer = scenario.ministry
        out = temp / meeting
        build_bundle(scenario.bundle_input(bundle_version=1), scenario.secretary, out, SIGNED_AT)
        import_bundle(store, out.read_bytes(), scenario.roots, VERIFY_AT, documents=None)
    assert officer is not None
    rows = store.application_rows()
    tags = next(r.sub_domain_tags for r in rows if r.passed and r.sub_domain_tags)
    add_platform(
        store,
        platform_draft(
            LocalizedText("National imaging platform", "国家医学影像平台"),
            LocalizedText("Institute of Imaging", "影像研究院"),
            LocalizedText("Medical imaging", "医学影像"),
            tags[:1],
            2024,
            "国科发〔2024〕17号",
        ),
        "2024 年批准",
        "desk-officer",
        at,
    )
    states = decision_states(store)
    for state, decision in zip(states[:2], (Decision.CONFIRM, Decision.DEFER), strict=True):
        s = state.subject
        decide(store, officer, s.meeting_id, s.application_id, decision, "符合总体布局。", 0, at)
    close_batch(store, officer, at)

    def settle(widget: QWidget) -> None:
        for _i in range(200):
            QCoreApplication.processEvents()
            if not getattr(widget, "busy", False):
                break
            import time

            time.sleep(0.02)
        QCoreApplication.processEvents()

    dialogs = DialogService()
    for language in ("zh_CN", "en"):
        switch_language(language)
        decisions = DecisionsPage(store, given_identity(officer), dialogs, lambda: at)
        decisions.resize(WIDTH, HEIGHT)
        decisions.show()
        decisions.reload()
        settle(decisions)
        decisions.table.selectRow(0)
        decisions.confirm.setChecked(True)
        decisions.reason.setPlainText("符合总体布局。" if language == "zh_CN" else "Fits.")
        settle(decisions)
        flags = FlagsPage(store, dialogs, "desk-officer", lambda: at)
        flags.resize(WIDTH, HEIGHT)
        flags.show()
        flags.reload()
        settle(flags)
        flags.flags.selectRow(0)
        announce = AnnounceDialog(store, given_identity(officer), dialogs, lambda: at)
        announce.pdf.setText(str(temp / "notice.pdf"))
        announce.show()
        add = AddPlatformDialog(2026)
        add.show()
        for name, widget in (
            ("decisions", decisions),
            ("flags", flags),
            ("announce", announce),
            ("add-platform", add),
        ):
            settle(widget)
            path = args.out / f"{name}-{language}.png"
            widget.grab().save(str(path))
            print(path)
            widget.close()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
