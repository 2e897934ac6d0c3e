"""The ministry desk driven like a person, on real bundles: two meetings imported through
the dialog with their checklists, the register filtered and sorted, an application's
detail with the signed report; a tampered bundle refused with its reason and nothing
changed; a sealed bundle opened with the ministry identity unlocked once; Cancel."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication, QTreeWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from app.ministry.importing import import_bundle
from app.results import BundleDocumentChecks, Stage
from storage.ministry.database import MinistryDatabase
from storage.ministry.refusals import RefusalJournalFile
from tests.app.ministry.bundles import database_snapshot
from tests.app.results.factory import VERIFY_AT
from tests.ui.ministry.conftest import MINISTRY_PASSPHRASE, SECOND_MEETING, DeskDialogs, DeskWorld
from ui.launch import ministry_document_checks
from ui.ministry.context import DeskContext, DocumentChecksFactory
from ui.ministry.import_dialog import ImportDialog
from ui.ministry.models import Outcome, RegisterColumn
from ui.ministry.window import MinistryWindow

STAGES = len(Stage)


def _click(qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _desk(
    qtbot: QtBot,
    db: Path,
    dialogs: DeskDialogs,
    documents: DocumentChecksFactory | None = ministry_document_checks,
) -> MinistryWindow:
    ctx = DeskContext(
        store=MinistryDatabase(db),
        database=db,
        dialogs=dialogs,
        documents=documents,
        journal=RefusalJournalFile.beside(db),
        now=lambda: VERIFY_AT,
    )
    window = MinistryWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.loading is None)
    return window


def _import_dialog(qtbot: QtBot, window: MinistryWindow) -> ImportDialog:
    _click(qtbot, window.meetings_page.import_button)
    dialog = window.import_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _run(qtbot: QtBot, dialog: ImportDialog) -> None:
    with qtbot.waitSignal(dialog.finished_batch):
        _click(qtbot, dialog.import_button)


def _lines(item: QTreeWidgetItem) -> list[tuple[str, str]]:
    return [(item.child(i).text(0), item.child(i).text(1)) for i in range(item.childCount())]


def test_two_meetings_imported_through_the_dialog_then_filtered_and_opened(
    tmp_path: Path, qtbot: QtBot, desk_world: DeskWorld, desk_dialogs: DeskDialogs
) -> None:
    window = _desk(qtbot, tmp_path / "ministry.sqlite", desk_dialogs)
    assert window.register_page.model.rowCount() == 0
    dialog = _import_dialog(qtbot, window)
    assert not dialog.import_button.isEnabled()  # no trust roots, no bundles yet
    desk_dialogs.chosen_paths = [desk_world.roots_pem, desk_world.folder]
    _click(qtbot, dialog.choose_roots)
    _click(qtbot, dialog.add_folder)
    assert dialog.files == [desk_world.first, desk_world.second]
    _run(qtbot, dialog)

    assert dialog.checklist.topLevelItemCount() == 2
    for i in range(2):
        lines = _lines(dialog.checklist.topLevelItem(i))
        assert [state for _stage, state in lines[:STAGES]] == ["OK"] * STAGES
        assert lines[-1][0] == "Ministry database"
        assert lines[-1][1].startswith("Imported bundle version 1 of meeting")
    assert "2 imported, 0 already imported, 0 refused." in dialog.summary.text()
    dialog.close()

    qtbot.waitUntil(lambda: window.register_page.model.rowCount() == 6)
    assert window.meetings_page.model.rowCount() == 2
    assert "2 meetings, 6 applications" in window.header.text()

    # The import reached the pages after the register too: Ctrl+5 shows the six
    # applications to decide on, none decided yet.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    decisions = window.decisions_page
    assert window.tabs.currentWidget() is decisions
    qtbot.waitUntil(lambda: not decisions.busy and decisions.model.rowCount() == 6)
    assert all(state.current is None for state in decisions.model.rows())

    # The register: Ctrl+2, then filter by text, meeting, outcome and sub-domain.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    page = window.register_page
    assert window.tabs.currentWidget() is page
    assert QApplication.focusWidget() is page.search
    proxy = page.proxy
    assert proxy.rowCount() == 6
    qtbot.keyClicks(page.search, SECOND_MEETING)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # filters at once (else when typing pauses)
    assert proxy.rowCount() == 3
    assert {proxy.row_at(proxy.index(r, 0)).meeting_id for r in range(3)} == {SECOND_MEETING}
    assert page.count.text() == "3 of 6 applications shown."
    _click(qtbot, page.clear_button)
    assert proxy.rowCount() == 6
    page.meeting.setCurrentIndex(page.meeting.findData(SECOND_MEETING))
    assert proxy.rowCount() == 3
    page.meeting.setCurrentIndex(0)
    recommended = sum(1 for r in page.model.rows() if r.passed)
    page.outcome.setCurrentIndex(page.outcome.findData(Outcome.RECOMMENDED))
    assert proxy.rowCount() == recommended
    page.outcome.setCurrentIndex(0)
    some = page.model.rows()[0].sub_domain
    page.sub_domain.setCurrentIndex(page.sub_domain.findData(some.en))
    assert proxy.rowCount() == sum(1 for r in page.model.rows() if r.sub_domain == some)
    page.sub_domain.setCurrentIndex(0)

    # Sort by the total, highest first (two clicks on its title).
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(RegisterColumn.TOTAL) + 5
    for _twice in range(2):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    totals = [proxy.row_at(proxy.index(r, 0)).total_presented for r in range(6)]
    numbers = [float(t) for t in totals if t is not None]
    assert numbers == sorted(numbers, reverse=True)

    # Open the first meeting's a1 with Enter: figures with the rule, opinions, the report.
    qtbot.keyClicks(page.search, "m-2026-ai-01")
    qtbot.waitUntil(lambda: proxy.rowCount() == 3)  # filtered once typing paused
    target = next(
        r for r in range(proxy.rowCount()) if proxy.row_at(proxy.index(r, 0)).application_id == "a1"
    )
    page.table.setFocus()
    page.table.setCurrentIndex(proxy.index(target, 0))
    detail = window.detail_page
    with qtbot.waitSignal(detail.viewer.loaded):
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is detail
    assert detail.viewer.document.status() is QPdfDocument.Status.Ready
    assert not detail.note.isVisible()
    figures = detail.figures_model.rows()
    assert figures and all(f.method is not None for f in figures)
    assert "Total" in [f.subject for f in figures]
    assert "Trimmed mean" in detail.figures_model.index(0, 2).data() or "Mean" in (
        detail.figures_model.index(0, 2).data()
    )
    assert "专家组同意推荐" in detail.opinion.toPlainText()
    assert "Approved by the chair (e01)" in detail.approval.text()
    assert "recused: 1" in detail.vote.text()
    _click(qtbot, detail.back_button)
    assert window.tabs.currentWidget() is page


def test_a_tampered_bundle_is_refused_with_its_reason_and_nothing_changes(
    tmp_path: Path, qtbot: QtBot, desk_world: DeskWorld, desk_dialogs: DeskDialogs
) -> None:
    db = tmp_path / "ministry.sqlite"
    import_bundle(
        MinistryDatabase(db),
        desk_world.first,
        desk_world.first_scenario.roots,
        VERIFY_AT,
        documents=None,
    )
    before = database_snapshot(db)
    window = _desk(qtbot, db, desk_dialogs)
    rows = window.register_page.model.rows()
    assert len(rows) == 3
    dialog = _import_dialog(qtbot, window)
    desk_dialogs.chosen_paths = [desk_world.roots_pem]
    desk_dialogs.chosen_files = [[desk_world.tampered]]
    _click(qtbot, dialog.choose_roots)
    _click(qtbot, dialog.add_files)
    _run(qtbot, dialog)

    top = dialog.checklist.topLevelItem(0)
    assert top.isExpanded()
    assert top.text(1).startswith("Refused: The signatures on the report are not accepted")
    states = dict(_lines(top))
    labels = [str(stage.label) for stage in Stage]
    report = labels.index(str(Stage.REPORT_SIGNATURES.label))
    assert [states[label] for label in labels[:report]] == ["OK"] * report
    assert states[labels[report]].startswith("Refused: ")
    assert all(states[label] == "Not reached" for label in labels[report + 1 :])
    assert "Do not import this bundle" in states["Ministry database"]
    assert "0 imported, 0 already imported, 1 refused." in dialog.summary.text()
    assert database_snapshot(db) == before
    assert window.register_page.model.rows() == rows
    (refusal,) = RefusalJournalFile.beside(db).read().refusals  # kept beside, not inside
    assert refusal.file_name == desk_world.tampered.name
    assert refusal.stage == Stage.REPORT_SIGNATURES.value


def test_a_sealed_bundle_unlocks_the_ministry_identity_once_per_session(
    tmp_path: Path, qtbot: QtBot, desk_world: DeskWorld, desk_dialogs: DeskDialogs
) -> None:
    window = _desk(qtbot, tmp_path / "ministry.sqlite", desk_dialogs, documents=None)
    dialog = _import_dialog(qtbot, window)
    desk_dialogs.chosen_paths = [desk_world.roots_pem, desk_world.ministry_p12]
    desk_dialogs.chosen_files = [[desk_world.sealed]]
    desk_dialogs.passphrases = [b"not the passphrase", MINISTRY_PASSPHRASE]
    _click(qtbot, dialog.choose_roots)
    _click(qtbot, dialog.choose_identity)
    _click(qtbot, dialog.add_files)
    _run(qtbot, dialog)  # a wrong passphrase: said so, nothing checked, nothing remembered
    (error,) = desk_dialogs.errors
    assert error["message"] == "The passphrase is wrong, or the identity file is damaged."
    assert dialog.checks == [] and window.ctx.identity is None
    assert dialog.status.text() == "The import stopped."
    _run(qtbot, dialog)
    lines = _lines(dialog.checklist.topLevelItem(0))
    assert lines[-1][1].startswith(f"Imported bundle version 1 of meeting {SECOND_MEETING}")
    documents = [
        state for label, state in lines if label in {str(s.label) for s in Stage if s.is_document}
    ]
    assert documents == ["Not checked"] * 3
    assert "(unlocked)" in dialog.identity_path.text()
    asked = [m for m in desk_dialogs.messages if m[0] == "Unlock the ministry's identity"]
    assert len(asked) == 2

    _run(qtbot, dialog)  # the same bundle again: no second passphrase, nothing changed
    assert len([m for m in desk_dialogs.messages if m[0] == "Unlock the ministry's identity"]) == 2
    assert "already imported" in _lines(dialog.checklist.topLevelItem(0))[-1][1]
    assert "0 imported, 1 already imported, 0 refused." in dialog.summary.text()


def test_cancel_leaves_the_bundles_not_yet_checked_untouched(
    tmp_path: Path, qtbot: QtBot, desk_world: DeskWorld, desk_dialogs: DeskDialogs
) -> None:
    gate = threading.Event()

    def documents() -> BundleDocumentChecks | None:
        gate.wait()  # holds the worker until Cancel was pressed
        return None

    db = tmp_path / "ministry.sqlite"
    window = _desk(qtbot, db, desk_dialogs, documents=documents)
    dialog = _import_dialog(qtbot, window)
    desk_dialogs.chosen_paths = [desk_world.roots_pem, desk_world.folder]
    _click(qtbot, dialog.choose_roots)
    _click(qtbot, dialog.add_folder)
    with qtbot.waitSignal(dialog.finished_batch):
        _click(qtbot, dialog.import_button)
        assert dialog.busy and not dialog.import_button.isEnabled()
        _click(qtbot, dialog.cancel_button)
        gate.set()
    assert dialog.checks == []
    assert dialog.status.text() == (
        "Cancelled: 2 bundles were not checked; nothing was changed for them."
    )
    assert dialog.import_button.isEnabled()
    assert not db.exists()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_page_has_unique_alt_letters_and_fits_a_small_screen(
    tmp_path: Path, qtbot: QtBot, desk_dialogs: DeskDialogs, language: str
) -> None:
    from tests.ui.expert.test_fit import assert_inside_screen, too_big
    from tests.ui.mnemonics import clashes, menu_clashes
    from ui.common.i18n import switch_language

    switch_language(language)
    window = _desk(qtbot, tmp_path / "ministry.sqlite", desk_dialogs)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    problems: list[str] = []
    for i in range(window.tabs.count()):
        window.show_page(i)
        QApplication.processEvents()
        where = f"{language} {window.tabs.tabText(i)}"
        problems += clashes(window, where, window.tabs)
        problems += menu_clashes(window, where)
        problems += [f"{where}: {p}" for p in too_big(window)]
        first = window.pages[i].first_control()
        assert QApplication.focusWidget() is first, where
    if language == "zh_CN":
        assert window.tabs.tabText(0) == "&1 会议"
        assert window.register_page.search_label.text() == "搜索(&S)："
    window.open_import()
    dialog = window.import_dialog
    assert dialog is not None
    problems += clashes(dialog, f"{language} import dialog")
    problems += [f"{language} import dialog: {p}" for p in too_big(dialog)]
    assert problems == [], "\n".join(problems)
    assert_inside_screen(qtbot, window)
