"""Issue 14 items 1 and 11: windows fit a 1280×720 screen (100 %) or 1920×1080 at 150 %, open
inside the available screen, and cut table text can always be read whole in a tooltip."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget

from app.expert.flow import ApplicationStatus
from app.formats.text import visible
from tests.ui.sample import sample_meeting
from ui.common.table_model import add_list_line
from ui.expert.models import AgendaModel, AgendaRow


def test_agenda_names_are_whole_in_the_tooltip() -> None:
    """Item 11: the agenda's name column cut long names and its tooltip held only the unit."""
    meeting = sample_meeting()
    rows = [
        AgendaRow(item, meeting.application(item.application_id), ApplicationStatus.NOT_STARTED)
        for item in meeting.agenda
    ]
    model = AgendaModel()
    model.set_rows(rows)
    for r, row in enumerate(rows):
        for column in range(model.columnCount()):
            index = model.index(r, column)
            shown = model.data(index, Qt.ItemDataRole.DisplayRole)
            tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
            assert isinstance(tip, str) and str(shown) in tip
        name_tip = model.data(model.index(r, 1), Qt.ItemDataRole.ToolTipRole)
        assert visible(row.application.platform_name.en) in str(name_tip)
        assert visible(row.application.applicant_unit.en) in str(name_tip)


def test_list_lines_carry_their_whole_text() -> None:
    widget = QListWidget()
    text = "3. A-003 " + "a very long platform name " * 8
    item = add_list_line(widget, text)
    assert widget.count() == 1 and item.toolTip() == text
