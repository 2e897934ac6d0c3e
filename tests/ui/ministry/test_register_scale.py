"""The register with 4,000 applications does its work lazily: the view asks only for the
cells it shows, sorting asks for no cell at all, and filtering goes through the proxy
without resetting the model. (How long it stalls the window is measured, not asserted, by
``bench/bench_ministry_ui.py``.)"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.ministry.model import ApplicationRow
from tests.ui.ministry.fake_store import SUB_DOMAINS, RegisterOnlyStore, register_rows
from ui.ministry.models import Outcome, RegisterColumn, RegisterModel
from ui.ministry.register_page import RegisterPage

ROWS = 4_000


class CountingModel(RegisterModel):
    def __init__(self) -> None:
        super().__init__()
        self.cells = 0

    def cell(self, row: ApplicationRow, column: int, role: int) -> object:
        self.cells += 1
        return super().cell(row, column, role)


def test_four_thousand_applications_open_filter_and_sort_lazily(qtbot: QtBot) -> None:
    rows = RegisterOnlyStore(register_rows(ROWS)).application_rows()
    counting = CountingModel()
    opened: list[ApplicationRow] = []
    page = RegisterPage(opened.append, model=counting)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()
    qtbot.waitExposed(page)
    page.show_rows(rows)
    QApplication.processEvents()

    shown = counting.cells
    assert 0 < shown < ROWS  # only the visible rows' cells, never one per row
    assert page.count.text() == f"{ROWS} of {ROWS} applications shown."

    resets: list[None] = []
    counting.modelReset.connect(lambda: resets.append(None))
    before = counting.cells
    qtbot.keyClicks(page.search, "Institute 39")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    QApplication.processEvents()
    assert page.proxy.rowCount() == sum(1 for r in rows if "Institute 39" in r.applicant_unit.en)
    page.sub_domain.setCurrentIndex(page.sub_domain.findData(SUB_DOMAINS[0].en))
    page.outcome.setCurrentIndex(page.outcome.findData(Outcome.NOT_CONSOLIDATED))
    QApplication.processEvents()
    expected = [
        r
        for r in rows
        if "Institute 39" in r.applicant_unit.en
        and r.sub_domain == SUB_DOMAINS[0]
        and r.status != "consolidated"
    ]
    assert page.proxy.rowCount() == len(expected)
    assert resets == []  # the filter went through the proxy; the model kept its rows
    assert counting.cells - before < ROWS

    page.clear_filters()
    before = counting.cells
    page.table.sortByColumn(RegisterColumn.UNIT, Qt.SortOrder.DescendingOrder)
    sorted_cells = counting.cells - before
    QApplication.processEvents()
    assert sorted_cells == 0  # one Python sort by key; no cell was asked for to compare
    first = page.proxy.row_at(page.proxy.index(0, 0))
    assert first is not None
    assert first.applicant_unit.get("en") == max(r.applicant_unit.en for r in rows)
    assert resets == []

    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == [first]
