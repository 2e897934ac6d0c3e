"""Dev tool (not a test): render the console's Outputs page through a whole publication.

    Xvfb :99 & DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python installers/screenshots_outputs.py
    .venv/bin/python installers/screenshots_outputs.py            # offscreen, QWidget.grab()

Plays the demo meeting to the end in a temp folder (``review-desk demo --complete``), opens
its secretary workspace with the demo secretary identity and, in zh_CN and en at 1280
wide, grabs the Outputs page ready to publish, prepared, with the chair's dialog, signed by
the chair, with the secretary's dialog, and written and verified (each language publishes
the next bundle version), plus the chair's "Sign the meeting report" dialog. Settings and
files live in temp folders; nothing real is touched.
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

WIDTH, HEIGHT = 1280, 800


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/shots/outputs"))
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from screenshots import _bare_fontconfig, _use_merged_catalog, finished_demo

    _bare_fontconfig()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QWidget

    from app.crypto.identity import load_identity
    from app.secretary import setup as sec_setup
    from app.secretary.report_to_sign import read_report_to_sign
    from storage.stores import SqliteStores
    from ui import launch
    from ui.common import tasks
    from ui.common.i18n import switch_language
    from ui.expert.report_sign import ReportSignDialog
    from ui.secretary.window import SecretaryWindow

    _use_merged_catalog()
    args.out.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix="review-desk-outputs-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(temp / "s"))
    app, zoom = launch.prepare_application("en")
    zoom.reset()

    demo = finished_demo(temp)
    folder = demo / "complete-meeting" / "secretary"
    identities = demo / "identities"
    identity = load_identity((identities / "secretary.p12").read_bytes(), b"demo-secretary")
    stores = SqliteStores()
    ws = sec_setup.open_workspace(stores, folder)
    window = SecretaryWindow(
        folder, ws, identity, stores=stores, exporters=launch.publish_exporters
    )
    window.resize(WIDTH, HEIGHT)
    window.show()
    page = window.outputs_page

    def settle() -> None:
        for _round in range(20):
            app.processEvents()
        while tasks._running or page.busy:  # a dev tool may poll; tests wait on events
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

    # An unfinished copy: one panel opinion edited after the chair approved it.
    import datetime as dt
    import shutil

    from app.domain.ids import ApplicationId
    from app.secretary import opinions

    unfinished = temp / "unfinished" / "secretary"
    shutil.copytree(folder, unfinished)
    second = sec_setup.open_workspace(stores, unfinished)
    meeting_id = second.setup().header.meeting_id
    first = second.opinion_keys()[0][0]
    held = second.panel_opinion(meeting_id, ApplicationId(first), 1)
    assert held is not None
    opinions.save_panel_opinion(
        second,
        first,
        held.opinion + " (edited)",
        held.recommendation,
        actor="secretary",
        now=dt.datetime.now(dt.UTC),
    )
    other = SecretaryWindow(unfinished, second, identity, stores=stores)
    other.resize(WIDTH, HEIGHT)
    other.show()
    for language in ("zh_CN", "en"):
        switch_language(language)
        other.tabs.setCurrentWidget(other.outputs_page)
        other.outputs_page.reload()
        shoot(f"outputs-0-gates-{language}-{WIDTH}", other)
    other.close()

    for language in ("zh_CN", "en"):
        switch_language(language)
        window.tabs.setCurrentWidget(page)
        page.reload()
        shoot(f"outputs-1-ready-{language}-{WIDTH}", window)
        page.prepare()
        shoot(f"outputs-2-prepared-{language}-{WIDTH}", window)
        page.chair_signs_here()
        chair = page.chair_dialog
        assert chair is not None
        chair.file_edit.setText(str(identities / "expert-e01.p12"))
        chair.passphrase_edit.setText("demo-expert-e01")
        shoot(f"outputs-3-chair-dialog-{language}", chair)
        chair.sign_button.click()
        shoot(f"outputs-4-chair-signed-{language}-{WIDTH}", window)
        page.secretary_signs()
        write = page.write_dialog
        assert write is not None
        out = temp / f"outputs-{language}"
        out.mkdir()
        write.folder_edit.setText(str(out))
        shoot(f"outputs-5-secretary-dialog-{language}", write)
        write.write_button.click()
        shoot(f"outputs-6-written-{language}-{WIDTH}", window)

        page.prepare()
        settle()
        report_file = temp / f"report-{language}.oireport"
        page.ctx.dialogs.save_file = lambda *_a, _p=report_file, **_k: _p  # type: ignore[method-assign]
        page.ctx.dialogs.information = lambda *_a, **_k: None  # type: ignore[method-assign]
        page.write_report()
        settle()
        chair_identity = load_identity(
            (identities / "expert-e01.p12").read_bytes(), b"demo-expert-e01"
        )
        roots = [c for c in chair_identity.chain if c.issuer == c.subject]

        report = read_report_to_sign(report_file, chair_identity, roots, dt.datetime.now(dt.UTC))
        dialog = ReportSignDialog(report)
        dialog.resize(WIDTH, 760)
        dialog.show()
        shown_at = time.monotonic()
        while time.monotonic() - shown_at < 1.5:  # QPdfView renders pages asynchronously
            app.processEvents()
            time.sleep(0.02)
        shoot(f"chair-sign-report-dialog-{language}-{WIDTH}", dialog)
        dialog.reject()
        page._forget_prepared()
    for path in saved:
        print(path)
    window.close()
    QApplication.processEvents()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
