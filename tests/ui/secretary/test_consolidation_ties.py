"""The consolidation page explains a tie at a trimmed end and marks the flagged applications
in the ranking (issue 14 item 12). Round 1 of the rounds world, a01 rescored so that two
experts share the lowest and two the highest total; a02 is flagged (spread above 15)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from storage.stores import SqliteStores
from tests.app.secretary.helpers import Cast
from tests.app.secretary.rounds_world import ROUND_ONE, build_meet, round_one
from tests.ui.secretary.conftest import ConsoleDialogs
from ui.secretary.window import SecretaryWindow

TIED = {"e01": "20", "e02": "19", "e03": "21", "e04": "19", "e05": "21"}
"""Totals 80, 76, 84, 76, 84: e02 and e04 share the lowest, e03 and e05 the highest."""


def test_a_tie_is_explained_and_flagged_applications_are_marked_in_the_ranking(
    tmp_path: Path, cast: Cast, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    meet = build_meet(tmp_path, cast)
    round_one(meet, {**ROUND_ONE, "a01": TIED})
    meet.repo.close()
    window = SecretaryWindow(
        meet.ws.path.parent, meet.ws, cast.secretary, stores=SqliteStores(), dialogs=console_dialogs
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    bar = window.tabs.tabBar()
    index = window.pages.index(window.consolidation_page)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    page = window.consolidation_page
    qtbot.waitUntil(lambda: page.result is not None and page.figures_model.rowCount() > 0)

    assert page.app_combo.currentData() == "a01"
    view = page.figures_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home)  # the total, first row
    QApplication.processEvents()
    text = page.explanation.toPlainText()
    assert "2 experts gave the lowest value 76" in text, text
    assert "only one is dropped" in text and "comes first" in text
    assert "2 experts gave the highest value 84" in text and "comes last" in text
    assert "Dropping any of them gives the same figure." in text
    assert "Consolidation rule:" in text and "Flagged for disagreement when the spread" in text

    ranking = page.ranking_model
    columns = [
        ranking.headerData(c, Qt.Orientation.Horizontal) for c in range(ranking.columnCount())
    ]
    flagged_column = columns.index("Flagged")
    rows = {ranking.data(ranking.index(r, 1)).split(" ")[0]: r for r in range(ranking.rowCount())}
    a02, a01 = rows["a02"], rows["a01"]
    assert ranking.data(ranking.index(a02, 1)).endswith("⚑")
    assert ranking.data(ranking.index(a02, flagged_column)) == (
        "Flagged: experts disagree on Total."
    )
    assert ranking.data(ranking.index(a02, 1), Qt.ItemDataRole.BackgroundRole) is not None
    assert not ranking.data(ranking.index(a01, 1)).endswith("⚑")
    assert ranking.data(ranking.index(a01, flagged_column)) == ""
    assert console_dialogs.errors == []
