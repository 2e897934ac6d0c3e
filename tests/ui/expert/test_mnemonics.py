"""Issue 14 item 6: Alt+F was taken by the File menu, "Confirm declaration" and the form's
sub-tab; every page's Alt letters are now unique, in English and in Chinese."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.expert.flow import Page
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert.conftest import Clock, FakeMaterials
from tests.ui.expert.helpers import click, sign_in_window
from tests.ui.mnemonics import clashes, menu_clashes, mnemonic
from ui.common.i18n import switch_language


def test_every_expert_page_has_unique_alt_letters(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    dialogs: RecordingDialogs,
    materials: FakeMaterials,
) -> None:
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    window.open_application(window.desk.meeting.agenda[0].application_id)
    problems = clashes(window, "en CONFLICT", window.tabs)
    click(qtbot, window.conflict_page.no_conflict)
    click(qtbot, window.conflict_page.confirm)
    for lang in ("en", "zh_CN"):
        switch_language(lang)
        for page in Page:
            window.go_to_page(page)
            problems += clashes(window, f"{lang} {page.name}", window.tabs)
        problems += menu_clashes(window, lang)
    assert problems == [], "\n".join(problems)


def test_criteria_and_recommendations_are_reached_by_alt_letters(
    qtbot: QtBot,
    pki: PkiFixture,
    workspace: Path,
    dialogs: RecordingDialogs,
    materials: FakeMaterials,
) -> None:
    """Alt+1… moves to a criterion's verdicts (the arrows choose); each recommendation has
    its own letter."""
    window = sign_in_window(qtbot, pki, workspace, dialogs, materials, Clock())
    for lang in ("en", "zh_CN"):
        switch_language(lang)
        boxes = window.criteria_page.boxes
        assert [mnemonic(box.title()) for box in boxes] == [str(i + 1) for i in range(len(boxes))]
        letters = [mnemonic(r.text()) for r in window.opinion_page.radios.values()]
        assert None not in letters and len(set(letters)) == len(letters)
