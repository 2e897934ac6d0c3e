"""The announcement dialog on a real ministry database with a closed batch: the notice is
signed by the officer (pdfsig accepts it) with the issuing body from the certificate when
none is typed, and its workbook written; before a batch is closed it is refused with the
message shown and nothing written; the internal register is exported."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt

from app.ministry.deciding import close_batch, decide, decision_states
from app.ministry.decisions import Decision
from storage.ministry.database import MinistryDatabase
from tests.app.crypto.pki_fixtures import shared_pki
from tests.app.results.factory import Scenario, make_scenario
from tests.export.conftest import run
from tests.ui.ministry.desk_material import AT, SavingDialogs, copy_database
from tests.ui.ministry.desk_material import imported_database as _imported
from tests.ui.mnemonics import clashes
from ui.common.i18n import switch_language
from ui.ministry.announce_dialog import AnnounceDialog
from ui.ministry.officer import given_identity


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return make_scenario(shared_pki(tmp_path_factory))


@pytest.fixture(scope="module")
def imported(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _imported(scenario, tmp_path_factory.mktemp("desk"))


@pytest.fixture(scope="module")
def closed(imported: Path, scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy where the first application is confirmed and a batch closed."""
    db = copy_database(imported, tmp_path_factory.mktemp("closed"))
    store = MinistryDatabase(db)
    first = decision_states(store)[0].subject
    decide(
        store,
        scenario.ministry,
        first.meeting_id,
        first.application_id,
        Decision.CONFIRM,
        "Fits the overall arrangement.",
        0,
        AT,
    )
    close_batch(store, scenario.ministry, AT)
    return db


def _dialog(qtbot, db: Path, scenario: Scenario, dialogs: SavingDialogs) -> AnnounceDialog:  # type: ignore[no-untyped-def]
    dialog = AnnounceDialog(
        MinistryDatabase(db), given_identity(scenario.ministry), dialogs, lambda: AT
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.mark.tool("pdfsig")
def test_the_signed_notice_is_written_and_pdfsig_accepts_it(
    qtbot, closed: Path, scenario: Scenario, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    db = copy_database(closed, tmp_path)
    dialogs = SavingDialogs()
    dialog = _dialog(qtbot, db, scenario, dialogs)
    assert not dialog.write_button.isEnabled()
    qtbot.keyClicks(dialog.pdf, str(tmp_path / "notice"))  # the suffix is added
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialogs.saved_paths.append(tmp_path / "list.xlsx")
    qtbot.mouseClick(dialog.xlsx_browse, Qt.MouseButton.LeftButton)
    assert dialog.xlsx.text() == str(tmp_path / "list.xlsx")
    dialog.days.setFocus()
    dialog.days.selectAll()
    qtbot.keyClicks(dialog.days, "15")
    with qtbot.waitSignal(dialog.events.written) as written:
        qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    notice = written.args[0].notice
    assert notice.issuer == scenario.ministry.organisation and notice.objection_days == 15
    assert notice.language == "en" and len(notice.entries) == 1
    pdf = tmp_path / "notice.pdf"
    out = run("pdfsig", "-nocert", pdf)
    assert out.count("Signature is Valid") == 1, out
    assert load_workbook(tmp_path / "list.xlsx").sheetnames
    assert str(pdf) in dialog.status.text() and dialogs.errors == []


def test_before_a_batch_is_closed_the_notice_is_refused_and_nothing_written(
    qtbot, imported: Path, scenario: Scenario, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    db = copy_database(imported, tmp_path)
    dialogs = SavingDialogs()
    dialog = _dialog(qtbot, db, scenario, dialogs)
    qtbot.keyClicks(dialog.pdf, str(tmp_path / "notice.pdf"))
    with qtbot.waitSignal(dialog.events.refused):
        qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    (error,) = dialogs.errors
    assert "No batch of decisions has been closed yet." in error["message"]
    assert not (tmp_path / "notice.pdf").exists()


def test_the_register_is_exported(qtbot, closed: Path, scenario: Scenario, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = copy_database(closed, tmp_path)
    dialogs = SavingDialogs(saved_paths=[tmp_path / "register.xlsx"])
    dialog = _dialog(qtbot, db, scenario, dialogs)
    with qtbot.waitSignal(dialog.events.written) as written:
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert written.args[0].files == (tmp_path / "register.xlsx",)
    book = load_workbook(tmp_path / "register.xlsx")
    assert {"Register", "Decisions", "Batches"} <= set(book.sheetnames)


def test_the_dialog_reads_in_chinese_with_unique_mnemonics(
    qtbot, imported: Path, scenario: Scenario
) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, imported, scenario, SavingDialogs())
    for language in ("en", "zh_CN"):
        switch_language(language)
        dialog.retranslate()
        assert clashes(dialog, language) == []
    assert dialog.register_button.text() != "Export &register…"
    assert dialog.width() <= 1280 and dialog.height() <= 720
