"""Read-only Qt table models over the meeting: the agenda, the roster, the rubric's factors.

Models translate at ``data()`` time (bilingual data through ``LocalizedText.get``, labels
through ``_()``), so a language switch is just ``retranslate()``
(:class:`ui.common.table_model.ReadOnlyTableModel`), which tells the views that every cell and
header changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Generic, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from app.domain.meeting import AgendaItem, Application, Expert, Meeting
from app.domain.rubric import Factor, Rubric
from app.formats.text import visible
from app.i18n import LocalizedText, _, current_language
from ui.common.table_model import ReadOnlyTableModel

Row = TypeVar("Row")


def localized(text: LocalizedText) -> str:
    """``text`` in the current language, controls and bidi formatting made visible."""
    return visible(text.get(current_language()))


def number(value: Decimal) -> str:
    """25, 12.5 — no trailing zeros, no scientific notation."""
    return format(value.normalize(), "f")


class _Column(Generic[Row]):
    def __init__(
        self,
        header: Callable[[], str],
        value: Callable[[Row], str],
        *,
        numeric: bool = False,
        monospace: bool = False,
    ) -> None:
        self.header = header
        self.value = value
        self.numeric = numeric
        self.monospace = monospace


class _ReadOnlyTable(ReadOnlyTableModel[Row]):
    """Rows of domain objects, columns described once (:attr:`columns`)."""

    columns: Sequence[_Column[Row]] = ()

    def __init__(self, rows: Sequence[Row] = ()) -> None:
        super().__init__(rows)
        self.headers = [column.header for column in self.columns]

    def cell(self, row: Row, column: int, role: int) -> object:
        described = self.columns[column]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return described.value(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(described.numeric)
        if role == Qt.ItemDataRole.FontRole and described.monospace:
            fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
            fixed.setPointSize(QGuiApplication.font().pointSize())  # follows the text zoom
            return fixed
        return None

    def header(self, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(self.columns[column].numeric)
        return super().header(column, role)


def _alignment(numeric: bool) -> int:
    horizontal = Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft
    return int(horizontal | Qt.AlignmentFlag.AlignVCenter)


AgendaRow = tuple[AgendaItem, Application]


def agenda_rows(meeting: Meeting) -> list[AgendaRow]:
    """Agenda items in hearing order, each with its application."""
    return [
        (item, meeting.application(item.application_id))
        for item in sorted(meeting.agenda, key=lambda i: i.position)
    ]


def _start_time(row: AgendaRow) -> str:
    starts = row[0].starts_at
    return starts.strftime("%H:%M") if starts is not None else "—"


class AgendaModel(_ReadOnlyTable[AgendaRow]):
    columns = (
        _Column(lambda: _("#"), lambda r: str(r[0].position), numeric=True),
        _Column(lambda: _("Start"), _start_time, numeric=True),
        _Column(lambda: _("Applicant unit"), lambda r: localized(r[1].applicant_unit)),
        _Column(lambda: _("Platform"), lambda r: localized(r[1].platform_name)),
        _Column(lambda: _("Sub-domain"), lambda r: localized(r[1].sub_domain)),
        _Column(lambda: _("Report (min)"), lambda r: str(r[0].report_minutes), numeric=True),
        _Column(lambda: _("Q&A (min)"), lambda r: str(r[0].qa_minutes), numeric=True),
    )


class RosterModel(_ReadOnlyTable[Expert]):
    columns = (
        _Column(lambda: _("Name"), lambda e: localized(e.name)),
        _Column(lambda: _("Role"), lambda e: _(e.role.label)),
        _Column(lambda: _("Chair"), lambda e: _("Chair") if e.is_chair else ""),
        _Column(lambda: _("Organisation"), lambda e: localized(e.organisation)),
        _Column(lambda: _("Title"), lambda e: localized(e.title)),
        _Column(lambda: _("Certificate"), lambda e: e.fingerprint or "—", monospace=True),
    )

    def cell(self, row: Expert, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.FontRole and row.is_chair and column == 2:
            font = QFont()
            font.setBold(True)
            return font
        return super().cell(row, column, role)


class RubricOutlineModel(_ReadOnlyTable[Factor | None]):
    """The rubric's factors, then one last row (``None``) standing for the basic criteria.

    The rubric page lists these on the left and shows the chosen entry's details on the right.
    """

    columns = (
        _Column(lambda: _("Factor"), lambda f: localized(f.name) if f else _("Basic criteria")),
        _Column(lambda: _("Weight"), lambda f: number(f.weight) if f else "", numeric=True),
        _Column(lambda: _("Max points"), lambda f: number(f.max_points) if f else "", numeric=True),
    )

    def cell(self, row: Factor | None, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.FontRole and row is None:
            font = QFont()
            font.setItalic(True)  # not a factor: set apart from the rows above
            return font
        return super().cell(row, column, role)

    def __init__(self, rubric: Rubric | None = None) -> None:
        super().__init__()
        if rubric is not None:
            self.set_rubric(rubric)

    def set_rubric(self, rubric: Rubric) -> None:
        self.set_rows([*rubric.factors, None])
