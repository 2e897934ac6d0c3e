"""Smaller defects of issue 14 item 13 in the expert window, each pinned by a test that
failed before: the factor card's bands read as ranges, a recommendation contradicting the
score's band asks first (No leaves the recommendation as it was), Ctrl++ / Ctrl+− scale the
headings with the text, and a score reached by its mnemonic shows its factor's heading
instead of leaving it scrolled away under the total, an attachment opens fitted to the width,
and hearing answers are linked to their question."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.sheet import Recommendation
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert.conftest import Clock, FakeMaterials
from tests.ui.expert.helpers import click, click_row, sign_in_window, type_score


def test_bands_read_as_ranges_and_a_contradicting_recommendation_asks_first(
    qtbot: QtBot, pki: PkiFixture, workspace: Path, dialogs: RecordingDialogs
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, None, Clock())
    click_row(qtbot, window.agenda.view, 0)
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    app = window.application
    assert app is not None

    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    cards = window.scoring_page.cards
    bands = cards[0].bands.text().splitlines()
    factor = window.desk.rubric.factors[0]
    assert factor.max_points == 25 and factor.step == Decimal("0.5")
    assert bands[0].startswith("Excellent (22.5–25): ")
    assert bands[-1].startswith("Poor (0–14.5): ")
    for card in cards:
        type_score(qtbot, card.score, "14")  # 56 of 100: the lowest band

    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    page = window.opinion_page
    dialogs.confirm_answer = False
    click(qtbot, page.radios[Recommendation.RECOMMEND])
    title, text = dialogs.messages[-1]
    assert title == "Recommendation and score disagree"
    assert text.startswith("Your total is 56 of 100, in the lowest band (“Poor”)")
    assert "you chose “Recommend”" in text
    assert page.chosen() is None and window.desk.sheet(app.id).recommendation is None

    asked = len(dialogs.messages)
    click(qtbot, page.radios[Recommendation.DO_NOT_RECOMMEND])  # agrees: not asked
    assert len(dialogs.messages) == asked
    dialogs.confirm_answer = True
    click(qtbot, page.radios[Recommendation.RECOMMEND])
    assert len(dialogs.messages) == asked + 1
    assert window.desk.sheet(app.id).recommendation is Recommendation.RECOMMEND
    window.close()


def test_ctrl_plus_scales_headings_and_a_focused_score_shows_its_heading(
    qtbot: QtBot, pki: PkiFixture, workspace: Path, dialogs: RecordingDialogs
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, None, Clock())
    click_row(qtbot, window.agenda.view, 0)
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    page = window.scoring_page
    title, total, card_title = page.title, page.total, page.cards[0].title
    before = [w.font().pointSizeF() for w in (title, total, card_title)]
    body = QApplication.font().pointSizeF()
    window.larger_action.trigger()  # what Ctrl++ triggers
    after = [w.font().pointSizeF() for w in (title, total, card_title)]
    grown = QApplication.font().pointSizeF() - body
    assert grown > 0
    assert [a - b for a, b in zip(after, before, strict=True)] == [grown] * 3
    assert all(w.font().bold() for w in (title, total, card_title))
    window.smaller_action.trigger()
    assert [w.font().pointSizeF() for w in (title, total, card_title)] == before

    # a short window, scrolled to the top: Alt+4 (the last factor's score) brings the
    # score and its factor's heading into view
    window.resize(window.width(), 480)
    page.scroll_area.verticalScrollBar().setValue(0)
    last = page.cards[-1]
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(last.score.hasFocus)
    viewport = page.scroll_area.viewport()
    top_left = last.title.mapTo(viewport, last.title.rect().topLeft())
    assert 0 <= top_left.y() and top_left.y() + last.title.height() <= viewport.height()
    window.close()


def test_an_attachment_opens_fitted_to_the_width(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    dialogs: RecordingDialogs,
    materials: FakeMaterials,
) -> None:
    """Issue 14 item 13: a PDF opened at the zoom the previous one was left at."""
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    click_row(qtbot, window.agenda.view, 0)
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    page = window.materials_page
    page.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(page.viewer.loaded):
        click_row(qtbot, page.attachments, 0)
    assert page.viewer.zoom_factor() is None  # fitted to the width
    viewer = page.viewer
    handle = viewer.splitter.handleWidth()
    # the page gets every pixel the page list does not take, no empty band between them
    assert viewer.view.width() >= viewer.splitter.width() - viewer.pages.width() - handle - 2
    click(qtbot, page.viewer.zoom_in)
    click(qtbot, page.viewer.zoom_in)
    assert page.viewer.zoom_factor() is not None
    with qtbot.waitSignal(page.viewer.failed):
        click_row(qtbot, page.attachments, 1)  # another attachment (not a readable PDF)
    with qtbot.waitSignal(page.viewer.loaded):
        click_row(qtbot, page.attachments, 0)
    assert page.viewer.zoom_factor() is None
    window.close()


def test_hearing_answers_are_linked_to_their_question(
    qtbot: QtBot, pki: PkiFixture, workspace: Path, dialogs: RecordingDialogs
) -> None:
    """Issue 14 item 13: an answer stood alone ("Answer", no factor) and was missing beside
    the factor its question was tagged with."""
    from app.domain.sheet import NoteKind

    window = sign_in_window(qtbot, pki, workspace, dialogs, None, Clock())
    click_row(qtbot, window.agenda.view, 0)
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    hearing = window.hearing_page
    hearing.kind.setCurrentIndex(hearing.kind.findData(NoteKind.QUESTION))
    hearing.factor.setCurrentIndex(2)
    qtbot.keyClicks(hearing.text, "Is the funding secured?")
    qtbot.keyClick(hearing.text, Qt.Key.Key_Return)
    hearing.kind.setCurrentIndex(hearing.kind.findData(NoteKind.ANSWER))
    hearing.factor.setCurrentIndex(0)  # no factor: the answer follows its question
    qtbot.keyClicks(hearing.text, "Yes, by the province.")
    qtbot.keyClick(hearing.text, Qt.Key.Key_Return)
    model = hearing.notes_model
    assert model.rowCount() == 2
    rows = [[model.data(model.index(r, c)) for c in (1, 2, 3)] for r in range(2)]
    factor = window.desk.rubric.factors[1].name.get("en")
    assert rows == [
        ["Question 1", factor, "Is the funding secured?"],
        ["Answer to question 1", factor, "Yes, by the province."],
    ]
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    heard = window.scoring_page.cards[1].heard.text()
    assert "Question 1: Is the funding secured?" in heard
    assert "Answer to question 1: Yes, by the province." in heard
    window.close()
