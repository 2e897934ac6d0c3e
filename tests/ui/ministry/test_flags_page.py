"""The Flags page on a real ministry database: an approved platform added through the
dialog with its reason (refused without one) makes the meeting's recommended application an
overlap flag with its explanation; removing it with a reason clears the flag; both changes are
in the store's history with who and why. Import list… adds the shipped list file's entries
(chosen from the shipped file's folder, with a reason), once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from app.ministry.checks import PlatformOverlap
from app.ministry.model import PlatformSource
from app.ministry.platforms import SHIPPED_LIST
from app.secretary.overlap import load_approved_platforms
from storage.ministry.database import MinistryDatabase
from tests.app.crypto.pki_fixtures import shared_pki
from tests.app.results.factory import Scenario, make_scenario
from tests.ui.ministry.desk_material import AT, SavingDialogs, copy_database
from tests.ui.ministry.desk_material import imported_database as _imported
from tests.ui.mnemonics import clashes
from ui.common.i18n import switch_language
from ui.ministry.flags_page import FlagsPage
from ui.ministry.platform_dialogs import (
    AddPlatformDialog,
    ImportPlatformsDialog,
    RemovePlatformDialog,
)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return make_scenario(shared_pki(tmp_path_factory))


@pytest.fixture(scope="module")
def imported(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _imported(scenario, tmp_path_factory.mktemp("desk"))


@pytest.fixture
def db(imported: Path, tmp_path: Path) -> Path:
    return copy_database(imported, tmp_path)


def _page(qtbot, db: Path, dialogs: SavingDialogs) -> FlagsPage:  # type: ignore[no-untyped-def]
    page = FlagsPage(MinistryDatabase(db), dialogs, "desk-officer", lambda: AT)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: not page.busy)
    return page


def _when_open(kind: type[QDialog], act) -> None:  # type: ignore[no-untyped-def]
    """Run ``act`` on the dialog of ``kind`` once it is open (it is modal)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def _recommended_tags(db: Path) -> tuple[str, ...]:
    rows = MinistryDatabase(db).application_rows()
    return next(r.sub_domain_tags for r in rows if r.passed and r.sub_domain_tags)


def test_add_and_remove_an_approved_platform_with_reasons(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    dialogs = SavingDialogs()
    page = _page(qtbot, db, dialogs)
    assert page.flags_model.rowCount() == 0 or not any(
        isinstance(f, PlatformOverlap) for f in page.flags_model.rows()
    )
    assert not page.remove_button.isEnabled()
    tag = _recommended_tags(db)[0]
    problems: list[str] = []

    def fill(dialog: AddPlatformDialog) -> None:
        for edit, text in (
            (dialog.name_en, "Approved imaging platform"),
            (dialog.name_zh, "Approved imaging platform (zh)"),
            (dialog.unit_en, "Earlier Institute"),
            (dialog.unit_zh, "Earlier Institute (zh)"),
            (dialog.sub_en, "Imaging"),
            (dialog.sub_zh, "Imaging (zh)"),
            (dialog.tags, tag),
            (dialog.reference, "MOST-2024-17"),
        ):
            qtbot.keyClicks(edit, text)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # no reason yet
        problems.append(dialog.problem.text())
        assert dialog.isVisible()
        qtbot.keyClicks(dialog.reason, "Approved in 2024")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    _when_open(AddPlatformDialog, fill)
    with qtbot.waitSignal(page.events.platform_changed) as added:
        qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy and page.platforms_model.rowCount() == 1)
    assert "reason is required" in problems[0]
    entry = added.args[0]
    (stored,) = MinistryDatabase(db).approved_platforms()
    assert stored == entry and stored.added_reason == "Approved in 2024"
    assert stored.added_by == "desk-officer" and stored.platform.sub_domain_tags == (tag,)

    overlaps = [f for f in page.flags_model.rows() if isinstance(f, PlatformOverlap)]
    assert overlaps and overlaps[0].platform.id == entry.id
    row = page.flags_model.rows().index(overlaps[0])
    page.flags.selectRow(row)
    shown = page.explanation.text()
    assert "Approved imaging platform" in shown and "already covers" in shown

    page.platforms.selectRow(0)
    assert page.remove_button.isEnabled()

    def give_reason(dialog: RemovePlatformDialog) -> None:
        qtbot.keyClicks(dialog.reason, "Withdrawn")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)  # the reason box passes the focus on
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    _when_open(RemovePlatformDialog, give_reason)
    with qtbot.waitSignal(page.events.platform_changed):
        qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy and page.platforms_model.rowCount() == 0)
    assert MinistryDatabase(db).approved_platforms() == ()
    (removed,) = MinistryDatabase(db).approved_platforms(include_removed=True)
    assert removed.removed_reason == "Withdrawn" and removed.removed_by == "desk-officer"
    assert not any(isinstance(f, PlatformOverlap) for f in page.flags_model.rows())
    page.show_removed.setChecked(True)
    qtbot.waitUntil(lambda: not page.busy and page.platforms_model.rowCount() == 1)
    assert dialogs.errors == []


def test_the_page_and_its_dialog_read_in_chinese_with_unique_mnemonics(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, db, SavingDialogs())
    dialog = AddPlatformDialog(2026)  # a window of its own, as when it is open
    qtbot.addWidget(dialog)
    dialog.show()
    for language in ("en", "zh_CN"):
        switch_language(language)
        page.retranslate()
        dialog.retranslate()
        assert clashes(page, language) == [] and clashes(dialog, language) == []
    assert page.add_button.text() != "&Add…"
    assert page.minimumSizeHint().width() <= 1280 and dialog.width() <= 1280


@dataclass
class PickingDialogs(SavingDialogs):
    """:class:`SavingDialogs` that also keep the folder each open picker started in."""

    started_in: list[str] = field(default_factory=list)

    def open_file(
        self, parent: QWidget | None, title: str, name_filter: str = "", directory: str = ""
    ) -> Path | None:
        self.started_in.append(directory)
        return super().open_file(parent, title, name_filter, directory)


def test_import_list_adds_the_shipped_entries_once_with_a_reason(qtbot, db: Path) -> None:  # type: ignore[no-untyped-def]
    shipped = load_approved_platforms()
    dialogs = PickingDialogs(chosen_paths=[SHIPPED_LIST, SHIPPED_LIST, None])
    page = _page(qtbot, db, dialogs)
    problems: list[str] = []

    def give_reason(dialog: ImportPlatformsDialog) -> None:
        assert dialog.path == SHIPPED_LIST and "approved_platforms.json" in dialog.what.text()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # no reason yet
        problems.append(dialog.problem.text())
        qtbot.keyClicks(dialog.reason, "The ministry's list of 2026")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    _when_open(ImportPlatformsDialog, give_reason)
    with qtbot.waitSignal(page.events.platform_changed) as done:
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy and page.platforms_model.rowCount() == len(shipped))
    assert dialogs.started_in == [str(SHIPPED_LIST.parent)]
    assert "reason is required" in problems[0]
    assert len(done.args[0].added) == len(shipped)
    assert dialogs.messages[-1][1] == (
        f"Added {len(shipped)} approved platforms from the list file (0 already listed)."
    )
    stored = MinistryDatabase(db).approved_platforms()
    assert [e.platform.reference for e in stored] == [p.id for p in shipped]
    assert {(e.platform.source, e.added_by, e.added_reason) for e in stored} == {
        (PlatformSource.RESOURCE, "desk-officer", "The ministry's list of 2026")
    }
    model = page.platforms_model
    assert [model.index(0, c).data() for c in (2, 3, 6)] == ["—", "—", shipped[0].id]
    covered = {
        (r.meeting_id, r.application_id)
        for r in MinistryDatabase(db).application_rows()
        for p in shipped
        if r.passed and set(r.sub_domain_tags) & set(p.sub_domain_tags)
    }
    flagged = {
        (f.application.meeting_id, f.application.application_id)
        for f in page.flags_model.rows()
        if isinstance(f, PlatformOverlap)
    }
    assert covered and flagged == covered

    _when_open(ImportPlatformsDialog, lambda d: (qtbot.keyClicks(d.reason, "again"), d.accept()))
    with qtbot.waitSignal(page.events.platform_changed) as again:
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy)
    assert again.args[0].added == () and len(MinistryDatabase(db).approved_platforms()) == len(
        shipped
    )
    assert dialogs.messages[-1][1].startswith("Nothing was added")
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)  # the picker cancelled
    assert not page.busy and dialogs.errors == []
