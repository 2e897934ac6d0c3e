"""The Decisions page on a real ministry database: a decision signed through the page is in
the store and in another page; a second officer whose page was opened before it is refused
as stale with who and when, and nothing is overwritten; a non-ministry identity is refused
with the database byte-identical; closing a batch lists the counts first."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.ministry.deciding import decide
from app.ministry.decisions import Decision, RecordedBatch
from app.ministry.importing import import_bundle
from app.results import build_bundle
from storage.ministry.database import MinistryDatabase
from tests.app.crypto.pki_fixtures import in_memory_identity, shared_pki
from tests.app.ministry.bundles import database_snapshot
from tests.app.results.factory import SIGNED_AT, VERIFY_AT, Scenario, make_scenario
from tests.ui.ministry.desk_material import AT, MEETING, SavingDialogs, copy_database
from tests.ui.ministry.desk_material import imported_database as _imported
from tests.ui.mnemonics import clashes
from ui.common.i18n import switch_language
from ui.ministry.decisions_page import DecisionsPage
from ui.ministry.officer import given_identity


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return make_scenario(shared_pki(tmp_path_factory))


@pytest.fixture(scope="module")
def imported(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _imported(scenario, tmp_path_factory.mktemp("desk"))


@pytest.fixture
def db(imported: Path, tmp_path: Path) -> Path:
    return copy_database(imported, tmp_path)


def _page(qtbot, db: Path, identity: Identity, dialogs: SavingDialogs) -> DecisionsPage:  # type: ignore[no-untyped-def]
    page = DecisionsPage(MinistryDatabase(db), given_identity(identity), dialogs, lambda: AT)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: not page.busy and page.model.rowCount() > 0)
    return page


def _decide(qtbot, page: DecisionsPage, choice: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    cell = page.table.visualRect(page.model.index(0, 1)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert page.selected() is not None
    qtbot.mouseClick(getattr(page, choice), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.reason, reason)
    assert page.sign_button.isEnabled()
    qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)


def test_two_officers_decide_and_the_second_is_refused_as_stale(
    qtbot, db: Path, scenario: Scenario
) -> None:  # type: ignore[no-untyped-def]
    first_dialogs, second_dialogs = SavingDialogs(), SavingDialogs()
    first = _page(qtbot, db, scenario.ministry, first_dialogs)
    officer2 = in_memory_identity(scenario.pki.ca, Role.MINISTRY, "王芳")
    second = _page(qtbot, db, officer2, second_dialogs)  # opened before the change
    assert first.selected() is None and not first.sign_button.isEnabled()

    with qtbot.waitSignal(first.events.decided) as made:
        _decide(qtbot, first, "confirm", "Fits the overall arrangement.")
    qtbot.waitUntil(lambda: not first.busy)
    decision = made.args[0]
    application = decision.record.application_id
    (stored,) = MinistryDatabase(db).decisions()
    assert stored == decision and stored.record.decision is Decision.CONFIRM
    assert stored.record.meeting_id == MEETING and first_dialogs.errors == []
    assert first.versions.rowCount() == 1 and first.reason.toPlainText() == ""
    assert first.model.data(first.model.index(0, 6)) == "Confirmed"

    third = _page(qtbot, db, scenario.ministry, SavingDialogs())
    (state, *_rest) = third.model.rows()
    assert state.version == 1 and state.confirmed

    with qtbot.waitSignal(second.events.refused):
        _decide(qtbot, second, "not_confirm", "Another view.")
    qtbot.waitUntil(lambda: not second.busy and second.model.rows()[0].version == 1)
    (error,) = second_dialogs.errors
    assert f"application {application} was changed by" in error["message"]
    assert "since you opened it" in error["message"] and "version 1" in error["message"]
    assert MinistryDatabase(db).decisions() == (stored,)  # nothing overwritten
    second.select(MEETING, application)
    assert second.versions.rowCount() == 1


def test_a_non_ministry_identity_is_refused_and_nothing_changes(
    qtbot, db: Path, scenario: Scenario
) -> None:  # type: ignore[no-untyped-def]
    dialogs = SavingDialogs()
    page = _page(qtbot, db, scenario.secretary, dialogs)
    before = database_snapshot(db)
    with qtbot.waitSignal(page.events.refused):
        _decide(qtbot, page, "defer", "Wait for the arrangement.")
    qtbot.waitUntil(lambda: not page.busy)
    (error,) = dialogs.errors
    assert "Only a ministry officer" in error["message"]
    assert database_snapshot(db) == before


def test_close_batch_lists_the_counts_then_signs(qtbot, db: Path, scenario: Scenario) -> None:  # type: ignore[no-untyped-def]
    dialogs = SavingDialogs()
    page = _page(qtbot, db, scenario.ministry, dialogs)
    assert not page.close_button.isEnabled()
    with qtbot.waitSignal(page.events.decided):
        _decide(qtbot, page, "confirm", "Fits.")
    qtbot.waitUntil(lambda: not page.busy and page.close_button.isEnabled())
    dialogs.confirm_answer = False
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    title, text = dialogs.messages[-1]
    assert title == "Close batch"
    count = page.model.rowCount()
    assert "Confirmed: 1" in text and f"(left out): {count - 1}" in text
    assert MinistryDatabase(db).batches() == ()
    dialogs.confirm_answer = True
    with qtbot.waitSignal(page.events.closed) as closed:
        qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    batch = closed.args[0]
    assert isinstance(batch, RecordedBatch) and len(batch.record.entries) == 1
    assert MinistryDatabase(db).batches() == (batch,)


def test_the_page_reads_in_chinese_with_unique_mnemonics(
    qtbot, db: Path, scenario: Scenario
) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, db, scenario.ministry, SavingDialogs())
    page.table.selectRow(0)
    for language in ("en", "zh_CN"):
        switch_language(language)
        page.retranslate()
        assert clashes(page, language) == []
    assert page.sign_button.text() != "&Sign and record"
    assert page.minimumSizeHint().width() <= 1280 and page.minimumSizeHint().height() <= 720


def test_a_decision_on_a_replaced_bundle_is_shown_stale_and_decided_again(
    qtbot, db: Path, scenario: Scenario, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    store = MinistryDatabase(db)
    first = store.decision_subjects()[0]
    decide(store, scenario.ministry, MEETING, first.application_id, Decision.DEFER, "Wait.", 0, AT)
    build_bundle(
        scenario.bundle_input(bundle_version=2), scenario.secretary, tmp_path / "v2", SIGNED_AT
    )
    import_bundle(store, (tmp_path / "v2").read_bytes(), scenario.roots, VERIFY_AT, documents=None)
    dialogs = SavingDialogs()
    page = _page(qtbot, db, scenario.ministry, dialogs)
    (state, *_rest) = page.model.rows()
    assert state.stale and "to be decided again" in page.model.data(page.model.index(0, 6))
    assert "1 to be decided again" in page.summary.text()
    with qtbot.waitSignal(page.events.decided) as made:
        _decide(qtbot, page, "confirm", "Decided again on the new figures.")
    qtbot.waitUntil(lambda: not page.busy)
    record = made.args[0].record
    assert record.version == 2 and record.bundle_version == 2 and dialogs.errors == []
    assert not page.model.rows()[0].stale
