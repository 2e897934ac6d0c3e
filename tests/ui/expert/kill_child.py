"""Child process of the kill-and-reopen test: an expert at work, until SIGKILL.

Run as ``python -m tests.ui.expert.kill_child DEMO_DIR EXPERT_ID SETTINGS_DIR`` with
``QT_QPA_PLATFORM=offscreen``. It signs in to the demo workspace through the real unlock
dialog, then drives the real widgets: the second application of the agenda, "no conflict",
an attachment opened at its second page and zoomed in, the hearing clock started, four
scores and a comment typed, and the Scoring page left on screen. When the window says
"Saved" for the last edit and the view state is committed, it prints one JSON line
(``{"ready": ...}``) describing what is on screen and waits in the event loop to be killed.
Anything unexpected prints ``{"error": ...}`` and leaves with status 2.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtPdf import QPdfDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QTableView, QWidget

from storage.stores import SqliteStores

SCORES = ("21", "18.5", "20", "19")
COMMENT = "Clear concept; typed just before the kill"
PDF_PAGE = 2
"""The page typed into the viewer's page box (1-based, as the expert sees it)."""
WAIT_MS = 90_000
GIVE_UP_MS = 300_000
"""The child ends itself this long after saying ready, should the parent never kill it."""


def wait_until(condition: Callable[[], object], what: str, timeout_ms: int = WAIT_MS) -> None:
    """Run the event loop until ``condition`` holds (never a bare sleep as synchronisation)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        QTest.qWait(20)


def click(button: QAbstractButton) -> None:
    pos = QPoint(8, button.height() // 2) if button.isCheckable() else button.rect().center()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def click_row(view: QTableView, row: int) -> None:
    index = view.model().index(row, 0)
    view.scrollTo(index)
    center = view.visualRect(index).center()
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, center
    )


def replace_text(field: QWidget, text: str) -> None:
    field.setFocus()
    QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(field, text)
    QTest.keyClick(field, Qt.Key.Key_Return)


def page_key(window: QWidget, number: int) -> None:
    QTest.keyClick(window, getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)


def drive(demo: Path, expert_id: str) -> dict[str, object]:
    from app.demo.build import demo_summary, expert_passphrase
    from app.expert.flow import Page
    from tests.ui.conftest import RecordingDialogs
    from ui.expert.sign_in import sign_in
    from ui.expert.window import ExpertWindow

    summary = demo_summary(demo)
    dialogs = RecordingDialogs()
    opened: list[ExpertWindow] = []
    dialog = sign_in(None, summary.workspace, dialogs, stores=SqliteStores(), opened=opened.append)
    assert dialog is not None
    dialog.file_edit.clear()
    QTest.keyClicks(dialog.file_edit, str(summary.identities[expert_id]))
    QTest.keyClicks(dialog.passphrase_edit, expert_passphrase(expert_id))
    click(dialog.unlock_button)
    wait_until(lambda: opened or dialogs.errors, "the window to open")
    assert not dialogs.errors, dialogs.errors
    window = opened[0]

    # The second application of the agenda; no conflict; the materials open.
    click_row(window.agenda.view, 1)
    app = window.application
    assert app is not None
    click(window.conflict_page.no_conflict)
    click(window.conflict_page.confirm)
    assert window.current_page() is Page.MATERIALS

    # The first attachment, at its second page, one step larger.
    materials = window.materials_page
    bar = materials.tabs.tabBar()
    QTest.mouseClick(
        bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(1).center()
    )
    viewer = materials.viewer
    click_row(materials.attachments, 0)
    wait_until(lambda: viewer.document.status() is QPdfDocument.Status.Ready, "the attachment")
    assert viewer.document.pageCount() >= PDF_PAGE
    replace_text(viewer.page_spin, str(PDF_PAGE))
    wait_until(lambda: viewer.current_page() == PDF_PAGE - 1, "the page jump")
    click(viewer.zoom_in)

    # The hearing: the clock runs.
    page_key(window, 3)
    timer = window.hearing_page.timer
    click(timer.start_button)
    assert timer.running
    wait_until(lambda: timer.elapsed_ms() >= 1200, "the clock to run a little")

    # Scores and a comment, typed; the Scoring page stays on screen.
    page_key(window, 5)
    cards = window.scoring_page.cards
    for card, score in zip(cards, SCORES, strict=True):
        replace_text(card.score, score)
    cards[0].comment.setFocus()
    QTest.keyClicks(cards[0].comment, COMMENT)
    assert window.current_page() is Page.SCORING

    # "Saved" for the last edit (the debounced comment), and the view state committed.
    def settled() -> bool:
        sheet = window.desk.sheet(app.id)
        entry = sheet.score_for(cards[0].factor.key) if sheet is not None else None
        saved = window.keeper.last_saved
        return (
            entry is not None
            and entry.comment == COMMENT
            and window.save_label.text().startswith("Saved")
            and not window.keeper.pending
            and saved is not None
            and saved.page is Page.SCORING
        )

    wait_until(settled, "the last edit to be saved")
    saved = window.keeper.last_saved
    assert saved is not None and saved.attachment is not None and saved.clock is not None
    return {
        "ready": True,
        "pid": os.getpid(),
        "application": app.id,
        "page": saved.page.name if saved.page is not None else None,
        "attachment": saved.attachment.name,
        "pdf_page": saved.attachment.page,
        "zoom": saved.attachment.zoom,
        "clock_phase": saved.clock.phase.value,
        "clock_elapsed_ms": saved.clock.elapsed_ms,
        "clock_running": saved.clock.running,
        "clock_at": saved.clock.at.isoformat(),
        "scores": list(SCORES),
        "comment": COMMENT,
        "save_label": window.save_label.text(),
    }


def main(argv: list[str]) -> None:
    from app.i18n import set_language

    demo, expert_id, settings = Path(argv[0]), argv[1], argv[2]
    set_language("en")  # whatever the machine's locale: the parent reads English labels
    app = QApplication([])
    app.setOrganizationName("ExpertReviewDeskTests")
    app.setApplicationName("ExpertReviewDeskTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings)
    try:
        report = drive(demo, expert_id)
    except BaseException as exc:  # report anything to the parent, then leave
        line = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()}
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        os._exit(2)
    sys.stdout.write(json.dumps(report) + "\n")
    sys.stdout.flush()
    give_up = QTimer()  # a QTimer object: PySide6 6.12's singleShot(callable) miscounts refs
    give_up.setSingleShot(True)
    give_up.timeout.connect(lambda: os._exit(3))
    give_up.start(GIVE_UP_MS)
    app.exec()
    os._exit(4)  # never reached while the parent does its job; PySide6 aborts at finalisation


if __name__ == "__main__":
    main(sys.argv[1:])
