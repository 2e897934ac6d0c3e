"""The error presenter, the exception hook, fonts and the Qt translator."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.errors import UserCancelled, UserFacingError
from app.i18n import Msg, set_language
from tests.ui.conftest import RecordingDialogs
from ui.common.error_dialog import ErrorDialog
from ui.common.errors import ExceptionHook, show_error
from ui.common.fonts import FontZoom, load_cjk_font
from ui.common.i18n import install_qt_translator, switch_language


def _raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


def test_cancelled_shows_nothing(dialogs: RecordingDialogs) -> None:
    show_error(None, UserCancelled(), dialogs)
    assert dialogs.errors == []


def test_user_facing_error_shows_message_and_what_to_do_next(dialogs: RecordingDialogs) -> None:
    exc = UserFacingError(Msg.of("Draft"), Msg.of("Submitted"))
    show_error(None, exc, dialogs)
    assert dialogs.errors == [
        {
            "title": "Expert Review Desk",
            "message": "Draft",
            "recommendation": "Submitted",
            "details": "",
        }
    ]


def test_user_facing_error_follows_the_language(dialogs: RecordingDialogs) -> None:
    set_language("zh_CN")
    show_error(None, UserFacingError(Msg.of("Copy details")), dialogs)
    assert dialogs.errors[0]["message"] == "复制详细信息"


def test_unexpected_error_is_generic_with_copyable_details(dialogs: RecordingDialogs) -> None:
    show_error(None, _raised(RuntimeError("database cursor exploded")), dialogs)
    (shown,) = dialogs.errors
    on_screen = shown["message"] + shown["recommendation"]
    assert shown["message"] == "Something went wrong inside the program."
    assert "Traceback" not in on_screen and "exploded" not in on_screen
    assert "Traceback" in shown["details"] and "database cursor exploded" in shown["details"]


def test_error_dialog_keeps_the_traceback_off_screen_and_copies_it(qtbot: QtBot) -> None:
    dialog = ErrorDialog(None, "T", "Message", "Next", details="Traceback: secret")
    qtbot.addWidget(dialog)
    texts = [dialog.message_label.text(), dialog.recommendation_label.text()]
    assert not any("Traceback" in t for t in texts)
    assert dialog.copy_button is not None
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == "Traceback: secret"
    assert dialog.copy_button.text() == "Copied"


def _fail_in_a_thread() -> None:
    raise ValueError("boom")


def test_uncaught_exceptions_reach_the_presenter_on_the_gui_thread(
    qtbot: QtBot, dialogs: RecordingDialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    logged: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _kind, exc, _tb: logged.append(exc))
    hook = ExceptionHook(dialogs).install()
    try:
        assert sys.excepthook == hook.handle
        worker = threading.Thread(target=_fail_in_a_thread)
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(dialogs.errors) == 1)
    finally:
        hook.uninstall()
    assert dialogs.errors[0]["message"] == "Something went wrong inside the program."
    assert [str(e) for e in logged] == ["boom"]  # the previous hook still logs it
    assert sys.excepthook != hook.handle


def test_font_zoom_changes_the_application_font(qapp: QApplication) -> None:
    zoom = FontZoom(default=11)
    zoom.reset()
    assert QApplication.font().pointSize() == 11
    assert zoom.larger() == 12 and QApplication.font().pointSize() == 12
    zoom.smaller()
    zoom.smaller()
    assert QApplication.font().pointSize() == 10
    zoom.reset()
    assert QApplication.font().pointSize() == 11


def test_font_zoom_is_remembered(qapp: QApplication) -> None:
    FontZoom(default=11).larger()
    size = QApplication.font().pointSize()
    QApplication.setFont(QApplication.font())
    assert FontZoom(default=11).restore() == size


def test_shipped_cjk_font_loads() -> None:
    family = load_cjk_font()
    assert family is not None
    assert family in QFontDatabase.families()
    assert QFontDatabase.writingSystems(family).count(QFontDatabase.WritingSystem.SimplifiedChinese)


def test_qt_chinese_translator_loads_and_translates_standard_buttons() -> None:
    translator = install_qt_translator("zh_CN")
    assert translator is not None and not translator.isEmpty()
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert install_qt_translator("en") is None
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_switch_language_swaps_the_qt_translator() -> None:
    switch_language("zh_CN")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    switch_language("en")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_choose_offers_a_list_and_returns_the_index_chosen(qtbot: QtBot) -> None:
    """The real dialog: the current option is preselected; Down then Enter takes the next;
    Escape cancels."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QComboBox, QInputDialog

    from ui.common.dialogs import DialogService

    def answer(*keys: Qt.Key) -> None:
        def press() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, QInputDialog)
            combo = dialog.findChild(QComboBox)
            assert combo is not None and combo.currentText() == "Round 2"
            for key in keys:
                qtbot.keyClick(QApplication.focusWidget() or combo, key)

        QTimer.singleShot(0, press)

    service = DialogService()
    options = ["Round 1", "Round 2", "Round 3"]
    answer(Qt.Key.Key_Down, Qt.Key.Key_Return)
    assert service.choose(None, "Export", "Round:", options, current=1) == 2
    answer(Qt.Key.Key_Escape)
    assert service.choose(None, "Export", "Round:", options, current=1) is None


def test_the_collector_runs_on_the_gui_thread_only(qtbot: QtBot) -> None:
    """Python's automatic collector is off (a worker would run it over Qt wrappers); the GUI
    thread's timer collects a generation once its threshold is crossed."""
    import gc

    from ui.common.collector import GuiThreadCollector

    collector = GuiThreadCollector(interval_ms=10)
    assert not gc.isenabled()

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    threshold = gc.get_threshold()[0]
    for _ in range(threshold + 10):
        Cycle()
    assert gc.get_count()[0] > threshold  # nothing collected them yet
    qtbot.waitUntil(lambda: gc.get_count()[0] <= threshold)
    collector.timer.stop()
    collector.deleteLater()


def test_the_collector_sets_aside_what_start_up_built(qtbot: QtBot) -> None:
    """Its first tick freezes what exists then (the program, the window): later full
    collections do not walk it again, so they stall the window only for the session's own
    objects."""
    import gc

    from ui.common.collector import GuiThreadCollector

    before = gc.get_freeze_count()
    built = [[i] for i in range(5000)]  # tracked objects alive when the first tick comes
    collector = GuiThreadCollector(interval_ms=10)
    qtbot.waitUntil(lambda: collector.frozen)
    assert gc.get_freeze_count() >= before + len(built)
    collector.timer.stop()
    collector.deleteLater()


def test_cycles_that_grew_old_are_collected_by_the_next_full_collection(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Objects that survive the young collections reach the old generation; once enough
    have, a full collection walks them (and only them: the survivors are frozen after it),
    so a cycle among them that became garbage is freed."""
    import gc
    import weakref

    from ui.common import collector as module
    from ui.common.collector import GuiThreadCollector

    session = module._installed  # tests/ui/conftest.py's, paused while this one works
    assert session is not None
    session.timer.stop()
    collector = GuiThreadCollector(interval_ms=10, full_budget=10**9)

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    def churn() -> bool:  # allocations keep the young collections coming
        for _ in range(gc.get_threshold()[0] + 1):
            Cycle()
        return False

    try:
        qtbot.waitUntil(lambda: collector.frozen)
        alive = [Cycle() for _ in range(3000)]
        freed: list[int] = []
        watched = [weakref.ref(c, lambda _r: freed.append(1)) for c in alive[:100]]
        count = len(alive)
        qtbot.waitUntil(lambda: churn() or collector.promoted >= count)  # old, unwalked
        frozen = gc.get_freeze_count()
        del alive  # garbage now, each in a cycle: only a full collection can free them
        young = gc.get_stats()[1]["collections"]  # young collections cannot free them:
        qtbot.waitUntil(lambda: churn() or gc.get_stats()[1]["collections"] >= young + 3)
        assert not freed
        collector.full_budget = 1
        qtbot.waitUntil(lambda: churn() or len(freed) == len(watched))
        assert gc.get_freeze_count() > frozen  # the full collection froze its survivors
    finally:
        collector.timer.stop()
        collector.deleteLater()
        session.timer.start()


def test_the_collector_never_breaks_a_tuple_a_worker_is_building(qtbot: QtBot) -> None:
    """The collector estimates the young generations from ``gc.get_count()``: listing them
    (``gc.get_objects``) would hold a reference to a tuple a worker's ``tuple(generator)``
    is still filling, which then fails with ``SystemError`` (seen in a consolidation)."""
    import gc
    import sys
    import threading
    from itertools import repeat

    from ui.common import collector as module
    from ui.common.collector import GuiThreadCollector

    session = module._installed
    assert session is not None
    session.timer.stop()
    collector = GuiThreadCollector(interval_ms=1000)  # ticked by hand below
    collector.frozen = True
    failures: list[BaseException] = []
    built = [0]

    def build() -> None:
        try:
            for _ in range(3000):
                tuple([i] for i in range(50))  # a tuple filled by a generator, in pieces
                built[0] += 1
        except BaseException as exc:  # what the worker hit is the finding
            failures.append(exc)

    saved = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # hand the GIL over as often as Python will
    worker = threading.Thread(target=build)
    try:
        collections = gc.get_stats()[1]["collections"]
        worker.start()
        while worker.is_alive():
            alive = [*map(list, repeat((), 50_000))]  # a tick collects, walking a while
            collector.collect_due()
            del alive
        worker.join()
        young = gc.get_stats()[1]["collections"] - collections
    finally:
        sys.setswitchinterval(saved)
        collector.timer.stop()
        collector.deleteLater()
        session.timer.start()
    assert not failures, failures
    assert built[0] == 3000 and young > 0


def test_none_is_given_a_count_the_leak_cannot_use_up() -> None:
    """On Python 3.11 (the one that runs it) ``keep_none_alive`` writes None's reference
    count through a ``Py_ssize_t`` of ``_ctypes``, the same C type as ``ctypes.c_ssize_t``,
    up to a margin no session uses up; a second call adds nothing."""
    import ctypes

    from ui.common import pyside_fixes

    pyside_fixes.keep_none_alive()
    pyside_fixes.keep_none_alive()
    count = sys.getrefcount(None)
    if sys.version_info >= (3, 12):
        assert count > 1 << 30  # immortal: left alone
    else:
        assert 1 << 40 <= count < 2 << 40
        ssize_t = pyside_fixes._ssize_t()
        assert ctypes.sizeof(ssize_t) == ctypes.sizeof(ctypes.c_ssize_t)
        ours = ssize_t.from_address(id(None)).value
        theirs = ctypes.c_ssize_t.from_address(id(None)).value
        assert abs(ours - theirs) < 100  # the same field (give or take passing references)


def test_invalid_variants_returned_to_python_never_use_up_none() -> None:
    """PySide6 6.12 drops a reference to None each time C++ returns an invalid QVariant to
    Python; on Python 3.11 the interpreter aborts once None's count reaches zero. Half a
    million such calls (None starts a test process with some tens of thousands) are harmless."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    class Empty(QAbstractTableModel):
        def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 1

        def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
            return 1

        def data(self, index: QModelIndex, role: int = 0) -> object:
            return None

    model = Empty()
    index = model.index(0, 0)
    for _ in range(500_000):
        assert index.data(Qt.ItemDataRole.ToolTipRole) is None
