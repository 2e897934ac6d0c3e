"""The whole expert flow through real widgets: unlock, declare, read, hear, check, score,
fail to sign, fix, sign, export; the file verifies as the secretary's."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot

from app.crypto.profile import Role
from app.domain.rules import ViolationCode
from app.domain.sheet import CriterionVerdict, NoteKind, Recommendation, SheetStatus
from app.expert.flow import Page
from app.expert.signing import SignedStore, kit_hash_for
from app.i18n import current_language
from app.sheets import read_sheet_file
from tests.app.crypto.pki_fixtures import EXPERT_PASSPHRASE, PkiFixture
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert.conftest import Clock, FakeMaterials
from tests.ui.expert.helpers import click, click_row, sign_in_window, type_score

SCORES = ("24", "20", "18.5", "21")  # the first is "excellent": it needs a comment


def test_score_sign_and_export_one_application(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    secretary_pem: Path,
    materials: FakeMaterials,
    dialogs: RecordingDialogs,
    tmp_path: Path,
) -> None:
    clock = Clock()
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, clock)
    desk = window.desk
    assert window.session.fingerprint in window.who_detail.text()
    assert desk.expert.name.en in window.who.text()
    assert not dialogs.errors

    # Agenda: the second application, by mouse.
    click_row(qtbot, window.agenda.view, 1)
    app = desk.meeting.applications_in_order()[1]
    assert window.application == app
    assert window.current_page() is Page.CONFLICT
    assert not window.tabs.isTabEnabled(Page.MATERIALS.value)

    # Declare no conflict: the materials open.
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    assert window.current_page() is Page.MATERIALS
    assert window.save_label.text().startswith("Saved")

    # The form by its outline, as plain text, from the package (the workspace holds none).
    assert app.form == ()
    section = materials.form(app.id)[1].sections[0]
    bodies = [label.text() for label in window.materials_page.form_view.section_labels]
    assert section.body.get(current_language()) in bodies
    shown = window.materials_page.form_view.section_labels[0]
    assert shown.isVisible() and shown.textFormat() is Qt.TextFormat.PlainText

    # An attachment, from memory, in the PDF viewer.
    page = window.materials_page
    page.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(page.viewer.loaded) as loaded:
        click_row(qtbot, page.attachments, 0)
    assert loaded.args == [2]
    assert page.viewer.document.status() is QPdfDocument.Status.Ready
    assert page.viewer.document.pageCount() == 2
    assert "Issuer" in page.signature.text.text()

    # Hearing: a note and a question tagged with the second factor.
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    hearing = window.hearing_page
    assert window.current_page() is Page.HEARING
    qtbot.keyClicks(hearing.text, "Report clear; budget on slide 12")
    qtbot.keyClick(hearing.text, Qt.Key.Key_Return)
    hearing.kind.setCurrentIndex(hearing.kind.findData(NoteKind.QUESTION))
    hearing.factor.setCurrentIndex(2)
    qtbot.keyClicks(hearing.text, "Is the committed funding secured?")
    qtbot.keyClick(hearing.text, Qt.Key.Key_Return)
    assert hearing.notes_model.rowCount() == 2
    factor_two = desk.rubric.factors[1].key
    assert [n.factor for n in desk.notes(app.id)] == [None, factor_two]

    # Basic criteria: all four met.
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    for box in window.criteria_page.boxes:
        click(qtbot, box.radios[CriterionVerdict.MET])
    assert len(window.criteria_page.boxes) == 4

    # Scores typed into the spin boxes.
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    cards = window.scoring_page.cards
    for card, score in zip(cards, SCORES, strict=True):
        type_score(qtbot, card.score, score)
    sheet = desk.sheet(app.id)
    assert sheet is not None
    assert [s.score for s in sheet.scores] == [Decimal(s) for s in SCORES]
    assert "Total: 83.5 of 100" in window.scoring_page.total.text()
    assert cards[0].problem.isVisible() and "comment" in cards[0].problem.text()
    assert "Is the committed funding secured?" in cards[1].heard.text()

    # Opinion and recommendation.
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    opinion = window.opinion_page
    qtbot.keyClicks(opinion.opinion, "A sound platform with committed funding.")
    click(qtbot, opinion.radios[Recommendation.RECOMMEND])
    qtbot.waitUntil(lambda: (s := desk.sheet(app.id)) is not None and s.opinion != "")

    # Sign: refused with the specific rule, nothing submitted.
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    review = window.review_page
    click(qtbot, review.sign_button)
    problems = review.problems_model.rows()
    assert [p.code for p in problems] == [ViolationCode.COMMENT_REQUIRED]
    assert "explain it in a comment" in review.problems_model.index(0, 0).data()
    assert review.message.text()
    assert desk.state(app.id).editable

    # The problem jumps to the comment; fix it.
    review.problems.activated.emit(review.problems_model.index(0, 0))
    assert window.current_page() is Page.SCORING
    assert cards[0].comment.hasFocus()
    qtbot.keyClicks(cards[0].comment, "Outstanding clinical data partnerships.")
    qtbot.waitUntil(lambda: not desk.violations(app.id))

    # Sign with the passphrase again (and the secretary's certificate, the first time).
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    dialogs.chosen_paths.append(secretary_pem)
    dialogs.passphrases.append(EXPERT_PASSPHRASE)
    with qtbot.waitSignal(review.signed):
        click(qtbot, review.sign_button)
    assert not dialogs.errors
    focused = window.focusWidget()  # on the review page, not in the agenda filter (issue 14)
    assert focused is not None and review.isAncestorOf(focused)
    state = desk.state(app.id)
    assert state.submitted and not state.editable
    assert cards[0].score.isReadOnly() and cards[0].comment.isReadOnly()
    assert not review.sign_button.isEnabled() and review.new_version_button.isVisible()
    assert window.agenda.model.row_object(1).status.value == "submitted"
    store = SignedStore(desk)
    assert store.load(desk.versions(app.id)[0]).document

    # Export for the secretary, then read it back as the secretary.
    out = tmp_path / "usb"
    out.mkdir()
    dialogs.chosen_paths.append(out)
    window.export_action.trigger()
    qtbot.waitUntil(lambda: window.exporter.written is not None)
    written = window.exporter.written
    assert written is not None and written.path.parent == out
    assert any(str(written.path) in text for _title, text in dialogs.messages)
    contents = read_sheet_file(
        written.path,
        pki.people[Role.SECRETARY],
        [pki.ca.certificate],
        desk.meeting,
        desk.rubric,
        kit_hash_for(desk.meeting),
        {1},
        clock(),
    )
    assert [s.status for s, _signed in contents.sheets] == [SheetStatus.SUBMITTED]
    assert contents.sheets[0][0].scores[0].comment == "Outstanding clinical data partnerships."
    assert len(contents.notes) == 2
    assert contents.expert.id == desk.expert.id

    # A later round: a new version, the signed one kept.
    click(qtbot, review.new_version_button)
    versions = desk.versions(app.id)
    assert [v.status for v in versions] == [SheetStatus.SUBMITTED, SheetStatus.DRAFT]
    assert desk.state(app.id).editable and not cards[0].score.isReadOnly()
