"""Applicant text reaches the window with controls and bidi formatting as visible escapes.

U+202E (right-to-left override) made ``-2+3`` read ``3+2-`` in a QLabel; U+0085 and U+009B
were shown raw. Every place applicant text is displayed goes through
:func:`app.formats.text.visible`.
"""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from app.domain.meeting import AgendaItem, Application
from app.expert.flow import ApplicationStatus
from app.i18n import LocalizedText
from tests.app.package.helpers import small_application
from ui.expert.materials_page import FormView
from ui.expert.models import AgendaModel, AgendaRow

TRICK = "-2+3\u202e \u0085\u009b"
SHOWN = "-2+3\\u202e \\x85\\x9b"


def _hostile() -> Application:
    app = small_application()
    part = app.form[0]
    section = replace(part.sections[0], body=LocalizedText(TRICK, TRICK))
    part = replace(part, title=LocalizedText(TRICK, TRICK), sections=(section, *part.sections[1:]))
    return replace(
        app,
        platform_name=LocalizedText(TRICK, TRICK),
        applicant_unit=LocalizedText(TRICK, TRICK),
        form=(part, *app.form[1:]),
    )


def test_the_form_view_shows_escapes(qtbot: QtBot) -> None:
    view = FormView()
    qtbot.addWidget(view)
    hostile = _hostile()
    view.set_application(hostile, hostile.form)
    texts = [
        view.body_layout.itemAt(i).widget().text()  # type: ignore[union-attr]
        for i in range(view.body_layout.count())
        if view.body_layout.itemAt(i).widget() is not None
    ]
    outline = [view.outline_model.item(0).text()]
    for text in texts + outline:
        assert "\u202e" not in text and "\u0085" not in text and "\u009b" not in text
    assert texts[0] == SHOWN and texts[1] == SHOWN  # platform name, applicant unit
    assert any(SHOWN in t for t in texts[2:]) and SHOWN in outline[0]


def test_the_agenda_shows_escapes(qtbot: QtBot) -> None:
    app = _hostile()
    model = AgendaModel()
    row = AgendaRow(AgendaItem(app.id, 1, 10, 5), app, ApplicationStatus.NOT_STARTED)
    model.set_rows([row])
    name = model.data(model.index(0, 1))
    assert name == SHOWN
