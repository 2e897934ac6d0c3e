"""Dev tool (not a test): render every page of the expert window, en and zh_CN, at 100 % or
150 % scaling, in a window of 1280x720 logical pixels (the smallest laptop screen the issue
names: 1280x720 at 100 %, 1920x1080 at 150 %), or the screen's available area if smaller.

    .venv/bin/python installers/screenshots_expert.py            # offscreen, QWidget.grab()
    .venv/bin/python installers/screenshots_expert.py --scale 1.5 --out /tmp/shots/expert-150
    Xvfb :99 -screen 0 1920x1080x24 -nolisten tcp &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python installers/screenshots_expert.py --x11

``--scale`` sets ``QT_SCALE_FACTOR`` before Qt starts (as a user's desktop setting would);
``--x11`` also grabs the whole X screen after each page (``x11-*.png``), window frame
included, to see what falls off it.

Builds a throw-away CA, an expert identity and a demo workspace in a temp folder (the third
demo expert holds the identity), unlocks it, records a little of everything, and grabs each
page. Settings, keys and workspace live in temp folders; nothing real is touched.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "installers"))

PASSPHRASE = b"screenshot-passphrase"


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for page in range(3):
        pdf.setFont("Helvetica-Bold", 20)
        pdf.drawString(72, 760, f"Annex {page + 1}: committed funding")
        pdf.setFont("Helvetica", 12)
        for line in range(20):
            pdf.drawString(72, 720 - 18 * line, f"Item {line + 1}  ........  {1000 + 37 * line} k")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/shots/expert"))
    parser.add_argument("--x11", action="store_true")
    parser.add_argument(
        "--scale", type=float, default=None, help="QT_SCALE_FACTOR, e.g. 1.5 for 150 %%"
    )
    args = parser.parse_args()
    if args.scale is not None:
        os.environ["QT_SCALE_FACTOR"] = f"{args.scale:g}"
    if not args.x11:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from screenshots import _bare_fontconfig, _use_merged_catalog

    _bare_fontconfig()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from app.crypto import pki
    from app.crypto.identity import load_identity
    from app.crypto.profile import Role
    from app.demo.meeting import load_demo
    from app.domain.sheet import CriterionVerdict, NoteKind, Recommendation
    from app.expert.flow import Page
    from app.expert.materials import AttachmentInfo, IssuerSignature
    from app.expert.session import session_for
    from app.i18n import LocalizedText
    from storage.stores import SqliteStores
    from storage.workspace.core import Workspace
    from ui import launch
    from ui.common.geometry import keep_on_screen
    from ui.common.i18n import switch_language
    from ui.expert.sign_in import open_expert_window
    from ui.expert.unlock_dialog import UnlockDialog

    _use_merged_catalog()
    args.out.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix="review-desk-expert-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(temp / "s"))
    app, zoom = launch.prepare_application("en")
    zoom.reset()

    now = dt.datetime.now(dt.UTC)
    pki.init_ca(temp / "ca", "Screenshot CA", b"ca-pass", now - dt.timedelta(days=1))
    p12 = temp / "expert.p12"
    pki.issue(temp / "ca", b"ca-pass", Role.EXPERT, "韩雪", "测试单位", p12, PASSPHRASE, now)
    identity = load_identity(p12.read_bytes(), PASSPHRASE)
    meeting, rubric = load_demo()
    experts = list(meeting.experts)
    experts[3] = dataclasses.replace(experts[3], fingerprint=identity.fingerprint)
    meeting = dataclasses.replace(meeting, experts=tuple(experts))
    (temp / "ws").mkdir()
    workspace = temp / "ws" / "workspace.sqlite"
    Workspace.create(workspace, meeting, rubric, "shots").close()
    session = session_for(meeting, identity, now)

    pdf = _pdf()

    forms = {application.id: application.form for application in meeting.applications}

    class Materials:
        def form(self, application_id: str) -> object:
            return forms[application_id]  # what the demo's packages carry

        def attachments(self, application_id: str) -> tuple[AttachmentInfo, ...]:
            return (
                AttachmentInfo(
                    "funding.pdf", LocalizedText("Funding commitment", "经费承诺函"), len(pdf), ""
                ),
                AttachmentInfo("staff.pdf", LocalizedText("Staff list", "人员名单"), 88_000, ""),
            )

        def read_attachment(self, application_id: str, name: str) -> bytes:
            return pdf

        def issuer_signature(self, application_id: str) -> IssuerSignature:
            return IssuerSignature(
                "申报受理处", "科技部", "K3QF-9ZPA-77D4-0B1E", "2026-04-15T08:00:00Z", "pkg-a02"
            )

    window = open_expert_window(
        session, p12, workspace, stores=SqliteStores(), dialogs=launch.default_dialogs(), zoom=zoom,
        materials=Materials(),
    )  # fmt: skip
    desk = window.desk
    apps = desk.applications()
    desk.declare(apps[0].id, True, "曾在申报单位任职 / former employee of the applicant")
    a = apps[1].id
    desk.declare(a, False)
    desk.add_note(a, NoteKind.NOTE, "汇报清楚，经费表见第 12 页 / budget on slide 12")
    desk.add_note(
        a, NoteKind.QUESTION, "承诺经费是否到位？Is the funding secured?", rubric.factors[1].key
    )
    desk.add_note(a, NoteKind.ANSWER, "已到位 60%，其余分两年 / 60% now", rubric.factors[1].key)
    for c in rubric.criteria[:3]:
        desk.record_criterion(a, c.key, CriterionVerdict.MET, "")
    desk.record_criterion(a, rubric.criteria[3].key, CriterionVerdict.UNCLEAR, "运营机制待补充")
    for f, s in zip(rubric.factors, ("24", "20", "18.5"), strict=False):
        desk.set_score(a, f.key, Decimal(s))
    desk.set_comment(a, rubric.factors[1].key, "团队强，经费承诺部分到位。")
    desk.set_opinion(a, "平台定位清晰，建设方案基本可行。")
    desk.set_recommendation(a, Recommendation.RECOMMEND_WITH_CONDITIONS, "")
    available = window.screen().availableGeometry()
    window.resize(min(1280, available.width()), min(720, available.height()))
    window.move(available.topLeft())
    keep_on_screen(window)  # at 150 % on 1920×1080 the screen is 1280×720 logical
    window.agenda.view.setFocus()
    window.open_application(a)
    window.hearing_page.timer.set_elapsed(14 * 60)

    def settle() -> None:
        for _round in range(8):
            app.processEvents()

    saved: list[Path] = []

    def shoot(name: str, widget: object) -> None:
        settle()
        path = args.out / f"{name}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        saved.append(path)
        if args.x11:
            x_path = args.out / f"x11-{name}.png"
            screen = QApplication.primaryScreen()
            screen.grabWindow(0).save(str(x_path))  # the whole X screen
            saved.append(x_path)

    for language in ("en", "zh_CN"):
        switch_language(language)
        dialog = UnlockDialog(meeting, launch.default_dialogs())
        dialog.file_edit.setText(str(p12))
        dialog.passphrase_edit.setText("secret")
        dialog.show()
        shoot(f"unlock-{language}", dialog)
        dialog.close()
        window.open_application(apps[0].id)
        shoot(f"recused-{language}", window)
        window.open_application(a)
        for page in Page:
            window.go_to_page(page)
            if page is Page.MATERIALS:
                window.materials_page.tabs.setCurrentIndex(0)
                shoot(f"{page.value + 1}-materials-form-{language}", window)
                window.materials_page.tabs.setCurrentIndex(1)
                window.materials_page.viewer.load_bytes(pdf)
                shoot(f"{page.value + 1}-materials-pdf-{language}", window)
                continue
            if page is Page.REVIEW:
                window.review_page.sign()
            shoot(f"{page.value + 1}-{page.name.lower()}-{language}", window)
        window.open_application(apps[2].id)
        window.go_to_page(Page.CONFLICT)
        shoot(f"2-conflict-undeclared-{language}", window)
        window.open_application(a)
        window.go_to_page(Page.HEARING)
        window.hearing_page.timer.set_elapsed(40 * 60)
        shoot(f"3-hearing-overtime-{language}", window)
        window.hearing_page.timer.set_elapsed(14 * 60)
        window.go_to_page(Page.SCORING)
        window.scoring_page.scroll_area.verticalScrollBar().setValue(10_000)
        shoot(f"5-scoring-bottom-{language}", window)
    for path in saved:
        print(path)
    window.close()
    QApplication.processEvents()
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
