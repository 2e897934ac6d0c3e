"""The background-task helper: results on the GUI thread, progress, cancel, failures."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from app.errors import UserFacingError
from app.i18n import Msg
from tests.ui.conftest import RecordingDialogs
from ui.common.tasks import BackgroundTask, Progress, run_step

GUI_THREAD = threading.main_thread()


def test_result_arrives_on_the_gui_thread_with_progress(qtbot: QtBot) -> None:
    worker_threads: list[threading.Thread] = []
    results: list[tuple[int, threading.Thread]] = []
    reports: list[tuple[int, int, str]] = []

    def work(progress: Progress) -> int:
        worker_threads.append(threading.current_thread())
        for done in range(1, 4):
            progress.report(done, 3, f"step {done}")
        return 42

    task = (
        BackgroundTask(None, work)
        .on_progress(lambda d, t, text: reports.append((d, t, text)))
        .success(lambda value: results.append((value, threading.current_thread())))
    )
    with qtbot.waitSignal(task.signals.finished):
        task.run()
    assert worker_threads[0] is not GUI_THREAD
    assert results == [(42, GUI_THREAD)]
    assert reports[-1] == (3, 3, "step 3")  # intermediate reports may be coalesced


def test_cancel_from_the_progress_dialog_skips_success(qtbot: QtBot) -> None:
    started, release = threading.Event(), threading.Event()
    succeeded: list[object] = []
    failed: list[BaseException] = []

    def work(progress: Progress) -> str:
        started.set()
        while not release.wait(0.01):
            progress.check_cancelled()
        return "too late"

    task = (
        BackgroundTask(None, work)
        .with_progress("Working…", delay_ms=0)
        .success(succeeded.append)
        .failure(failed.append)
    )
    try:
        with qtbot.waitSignal(task.signals.cancelled):
            task.run()
            assert started.wait(5)
            assert task.dialog is not None
            qtbot.waitUntil(task.dialog.isVisible)
            cancel = task.dialog.findChild(QPushButton)
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    finally:
        release.set()
    qtbot.waitUntil(lambda: task.dialog is None)
    assert succeeded == [] and failed == []


def test_a_result_after_cancel_is_dropped(qtbot: QtBot) -> None:
    succeeded: list[object] = []

    def work(progress: Progress) -> str:
        progress.cancel()  # as if Cancel was pressed just before the work returned
        return "ignored"

    task = BackgroundTask(None, work).success(succeeded.append)
    with qtbot.waitSignal(task.signals.cancelled):
        task.run()
    assert succeeded == []


def test_failure_goes_to_the_failure_callback_on_the_gui_thread(qtbot: QtBot) -> None:
    failures: list[tuple[BaseException, threading.Thread]] = []

    def work(_progress: Progress) -> None:
        raise RuntimeError("disk gone")

    task = BackgroundTask(None, work).failure(
        lambda exc: failures.append((exc, threading.current_thread()))
    )
    with qtbot.waitSignal(task.signals.finished):
        task.run()
    ((exc, thread),) = failures
    assert isinstance(exc, RuntimeError) and thread is GUI_THREAD


def test_failure_defaults_to_the_error_presenter(qtbot: QtBot, dialogs: RecordingDialogs) -> None:
    def work(_progress: Progress) -> None:
        raise UserFacingError(Msg.of("Draft"), Msg.of("Submitted"))

    task = BackgroundTask(None, work, dialogs=dialogs)
    with qtbot.waitSignal(task.signals.finished):
        task.run()
    qtbot.waitUntil(lambda: bool(dialogs.errors))
    assert dialogs.errors[0]["message"] == "Draft"
    assert dialogs.errors[0]["recommendation"] == "Submitted"


def test_a_task_outliving_its_window_finishes_quietly(qtbot: QtBot) -> None:
    """The window that started the work was closed (and deleted) while it ran: its progress
    dialog went with it, and neither callback runs against the dead window."""
    from PySide6.QtWidgets import QWidget

    started, release = threading.Event(), threading.Event()
    called: list[object] = []

    def work(progress: Progress) -> int:
        started.set()
        release.wait(10)
        progress.report(1, 1, "done")
        return 1

    window = QWidget()
    window.show()
    task = (
        BackgroundTask(window, work)
        .with_progress("Working…", delay_ms=0)
        .on_progress(lambda *a: called.append(a))
        .success(called.append)
        .failure(called.append)
        .run()
    )
    assert started.wait(10)
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible())
    window.deleteLater()
    qtbot.waitUntil(lambda: task.dialog is None)  # the dialog died with its window
    with qtbot.waitSignal(task.signals.finished):
        release.set()
    assert called == []


def test_many_quick_tasks_with_a_progress_dialog(qtbot: QtBot) -> None:
    """Two hundred quick tasks, each with its progress dialog (timer and connections owned
    by the dialog), all deliver their result and leave nothing running."""
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    results: list[int] = []
    for number in range(200):
        task = (
            BackgroundTask(window, lambda _p, n=number: n)
            .with_progress("Working…", delay_ms=0)
            .success(results.append)
        )
        with qtbot.waitSignal(task.signals.finished):
            task.run()
    qtbot.waitUntil(lambda: len(results) == 200)
    assert sorted(results) == list(range(200))
    from ui.common.tasks import _running

    qtbot.waitUntil(lambda: not _running)


def test_a_step_keeps_the_page_busy_until_it_ends_either_way(qtbot: QtBot) -> None:
    """run_step: busy(task) before the work, busy(None) before done or the error presenter."""
    page = QPushButton()
    qtbot.addWidget(page)
    dialogs = RecordingDialogs()
    seen: list[str] = []

    def busy(task: BackgroundTask[int] | None) -> None:
        page.setEnabled(task is None)
        seen.append("idle" if task is None else "busy")

    run_step(page, lambda _p: 7, lambda v: seen.append(f"done {v}"), busy=busy)
    assert not page.isEnabled()
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert page.isEnabled() and seen == ["busy", "idle", "done 7"]

    def refuse(_progress: Progress) -> int:
        raise UserFacingError(Msg.of("The bundle is damaged."))

    seen.clear()
    run_step(page, refuse, lambda v: seen.append(f"done {v}"), busy=busy, dialogs=dialogs)
    qtbot.waitUntil(lambda: bool(dialogs.errors))
    assert page.isEnabled() and seen == ["busy", "idle"]
    assert "The bundle is damaged." in str(dialogs.errors)
