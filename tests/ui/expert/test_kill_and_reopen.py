"""Killing the program and reopening it restores exactly where the expert was (issue 4).

A real crash: :mod:`tests.ui.expert.kill_child` runs the expert window in its own process on
the demo workspace, drives the real widgets (an application, an attachment at its second
page zoomed in, the hearing clock started, scores and a comment typed) and prints one line
once the window says "Saved" for the last edit. This test then kills it with SIGKILL, signs
in again here and checks, through the widgets, that everything is as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot

from app.demo.build import demo_summary, expert_passphrase
from app.expert.flow import Page
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert import kill_child
from tests.ui.expert.conftest import demo_copy
from tests.ui.expert.helpers import type_unlock, unlock_dialog
from ui.expert.timer_widget import Phase, clock_text
from ui.expert.window import ExpertWindow

REPO = Path(__file__).resolve().parents[3]
READY_TIMEOUT_S = 240
"""Signing in, opening a package and typing take seconds; a loaded CI machine gets minutes."""
AWAY = dt.timedelta(seconds=42)
"""How long after its last save the killed window is reopened (the reopening's clock)."""

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def demo(demo_material: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_copy(demo_material, tmp_path_factory.mktemp("demo"))


def _pump(stream: IO[bytes], into: queue.Queue[bytes | None]) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


def _drained(lines: queue.Queue[bytes | None]) -> bytes:
    found = []
    while True:
        try:
            line = lines.get_nowait()
        except queue.Empty:
            return b"".join(found)
        if line is not None:
            found.append(line)


def run_until_ready(demo: Path, expert_id: str, settings: Path) -> tuple[int, dict[str, Any]]:
    """Start the child, wait for its report, SIGKILL it; its pid and its report."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    child = subprocess.Popen(
        [
            sys.executable,
            "-X",
            "faulthandler",
            "-m",
            kill_child.__name__,
            str(demo),
            expert_id,
            str(settings),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": path, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert child.stdout is not None and child.stderr is not None
    lines: queue.Queue[bytes | None] = queue.Queue()
    errors: queue.Queue[bytes | None] = queue.Queue()
    readers = [
        threading.Thread(target=_pump, args=(child.stdout, lines), daemon=True),
        threading.Thread(target=_pump, args=(child.stderr, errors), daemon=True),
    ]
    for reader in readers:
        reader.start()
    report: dict[str, Any] = {}
    try:
        while not report:
            line = lines.get(timeout=READY_TIMEOUT_S)
            if line is None:
                break  # the child ended without a report
            if line.startswith(b"{"):
                report = json.loads(line)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        for reader in readers:
            reader.join(timeout=10)
    stderr = _drained(errors).decode(errors="replace")
    assert report.get("ready"), f"the child did not get ready: {report} {stderr[-4000:]}"
    assert child.returncode == -signal.SIGKILL, f"the child was not killed: {child.returncode}"
    return child.pid, report


def sign_in_again(
    qtbot: QtBot, demo: Path, expert_id: str, dialogs: RecordingDialogs, at: dt.datetime
) -> ExpertWindow:
    summary = demo_summary(demo)
    opened: list[ExpertWindow] = []
    dialog = unlock_dialog(summary.workspace, dialogs, None, lambda: at, opened)
    type_unlock(qtbot, dialog, summary.identities[expert_id], expert_passphrase(expert_id))
    qtbot.waitUntil(lambda: bool(opened) or bool(dialogs.errors))
    assert not dialogs.errors
    window = opened[0]
    qtbot.waitExposed(window)
    return window


def test_killing_the_program_and_reopening_restores_exactly_where_the_expert_was(
    qtbot: QtBot, demo: Path, dialogs: RecordingDialogs, tmp_path: Path
) -> None:
    _pid, report = run_until_ready(demo, "e01", tmp_path / "child-settings")
    assert report["save_label"].startswith("Saved")
    saved_at = dt.datetime.fromisoformat(report["clock_at"])

    started = time.monotonic()
    window = sign_in_again(qtbot, demo, "e01", dialogs, saved_at + AWAY)

    # The same application, on the same page.
    assert window.application is not None
    assert window.application.id == report["application"]
    assert window.current_page() is Page.SCORING
    assert window.tabs.currentWidget() is window.scoring_page
    assert window.agenda.view.currentIndex().row() == 1

    # What was typed is in the widgets.
    cards = window.scoring_page.cards
    assert [card.score.score() for card in cards] == [Decimal(s) for s in report["scores"]]
    assert cards[0].comment.toPlainText() == report["comment"]

    # The attachment is open again at the same page and zoom ...
    materials = window.materials_page
    viewer = materials.viewer
    assert materials.attachment_name == report["attachment"]
    qtbot.waitUntil(lambda: viewer.document.status() is QPdfDocument.Status.Ready)
    qtbot.waitUntil(lambda: materials.attachment_place() is not None)
    assert viewer.current_page() == report["pdf_page"] == kill_child.PDF_PAGE - 1
    assert viewer.page_spin.value() == kill_child.PDF_PAGE
    assert viewer.zoom_factor() == pytest.approx(report["zoom"])
    assert materials.tabs.currentIndex() == 1
    # ... and still there once the Materials page is shown (QPdfView lays out anew).
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() is Page.MATERIALS
    scroll = viewer.view.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 0)  # the document is laid out in the view
    qtbot.waitUntil(lambda: scroll.value() > 0)  # scrolled down to the second page
    assert viewer.view.pageNavigator().currentPage() == report["pdf_page"]
    assert viewer.current_page() == report["pdf_page"]
    assert viewer.page_spin.value() == kill_child.PDF_PAGE

    # The clock ran on while the program was dead: the saved elapsed time plus the time away.
    timer = window.hearing_page.timer
    assert timer.phase is Phase.REPORT and report["clock_phase"] == "report"
    assert report["clock_running"] and timer.running
    expected_ms = report["clock_elapsed_ms"] + int(AWAY.total_seconds() * 1000)
    shown_ms = timer.elapsed_ms()
    since_sign_in_ms = int((time.monotonic() - started) * 1000)
    assert expected_ms <= shown_ms <= expected_ms + since_sign_in_ms + 1000
    timer.update_display()
    assert timer.clock.text() == clock_text(timer.remaining_seconds())
    assert timer.remaining_seconds() <= timer.durations[Phase.REPORT] - expected_ms // 1000
    assert "kept counting" in timer.note.text() and not timer.note.isHidden()
    window.close()

    # Another expert on the same machine starts from the beginning, not from e01's place.
    other = sign_in_again(qtbot, demo, "e02", dialogs, saved_at + AWAY)
    first = other.desk.applications()[0]
    assert other.application == first
    assert other.current_page() is Page.CONFLICT
    assert other.materials_page.attachment_name is None
    assert not other.hearing_page.timer.running
    assert other.scoring_page.cards[0].score.score() is None
    other.close()
