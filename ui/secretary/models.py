"""Qt table models over the secretary core's frozen values.

Every model keeps the domain objects and computes its texts in ``data()``, so a language
switch only needs ``refresh()`` (a reset) and nothing re-reads the database. Row models are
:class:`ui.common.table_model.ReadOnlyTableModel` described by a list of
:class:`Column`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from app.formats.text import visible
from app.i18n import _
from app.secretary.board import BoardCell, CellState, ProgressBoard
from ui.common.table_model import Index, ReadOnlyTableModel

R = TypeVar("R")

STATE_COLOURS = {
    CellState.SUBMITTED: QColor("#cdeccf"),
    CellState.RECUSED: QColor("#dcdcf2"),
    CellState.DRAFT_REPORTED: QColor("#fbe7a6"),
    CellState.MISSING: QColor("#f6d7d2"),
}


def local_time(value: dt.datetime | None) -> str:
    """A stored UTC time as the secretary's local date and minute ("—" when unknown)."""
    return "—" if value is None else value.astimezone().strftime("%Y-%m-%d %H:%M")


def cell_state_text(cell: BoardCell) -> str:
    text = _(cell.state.label)
    if cell.state is CellState.SUBMITTED and cell.version and cell.version > 1:
        text = _("{state} (v{version})", state=text, version=cell.version)
    return text


def cell_details(cell: BoardCell) -> list[str]:
    """What a board cell says on hover and in the detail pane: its state, a reported draft's
    time, and the pair's version history (round, version, state, submitted time)."""
    lines = [cell_state_text(cell)]
    if cell.state is CellState.DRAFT_REPORTED:
        lines.append(
            _(
                "Draft last edited {time}; reported by the sheet file written {written}. "
                "Its scores stay with the expert until they submit.",
                time=local_time(cell.draft_updated_at),
                written=local_time(cell.draft_reported_at),
            )
        )
    if cell.history:
        lines.append(_("Version history:"))
        lines += [
            _(
                "Round {round}, version {version}: {status}, submitted {time}",
                round=entry.round,
                version=entry.version,
                status=_(entry.status.label),
                time=local_time(entry.submitted_at),
            )
            for entry in cell.history
        ]
    elif cell.state is not CellState.RECUSED:
        lines.append(_("No signed sheet collected yet."))
    return lines


class Column(Generic[R]):
    """A column: its (translated when called) title and how a row becomes text."""

    def __init__(
        self,
        title: Callable[[], str],
        text: Callable[[R], str],
        background: Callable[[R], QColor | None] | None = None,
    ) -> None:
        self.title = title
        self.text = text
        self.background = background


class RowsModel(ReadOnlyTableModel[R]):
    """Rows described by their columns; rows are numbered down the side."""

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        super().__init__(parent=parent)
        self.columns = list(columns)
        self.headers = [column.title for column in self.columns]

    def refresh(self) -> None:
        self.reset()

    def cell(self, row: R, column: int, role: int) -> object:
        described = self.columns[column]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return described.text(row)
        if role == Qt.ItemDataRole.BackgroundRole and described.background is not None:
            colour = described.background(row)
            return QBrush(colour) if colour is not None else None
        return None

    def row_header(self, row: int, role: int) -> object:
        return str(row + 1) if role == Qt.ItemDataRole.DisplayRole else None


class BoardModel(QAbstractTableModel):
    """Experts down, applications across; each cell says and colours its state."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.board: ProgressBoard | None = None
        # Made once: a repaint asks for every visible cell's colours and alignment, and
        # each answer made a new QBrush (or enum value) before.
        self._backgrounds = {state: QBrush(colour) for state, colour in STATE_COLOURS.items()}
        self._ink = QBrush(QColor("#1a1a1a"))
        self._centred = int(Qt.AlignmentFlag.AlignCenter)

    def set_board(self, board: ProgressBoard | None) -> None:
        self.beginResetModel()
        self.board = board
        self.endResetModel()

    def refresh(self) -> None:
        self.set_board(self.board)

    def cell(self, index: Index) -> BoardCell | None:
        if self.board is None or not index.isValid():
            return None
        return self.board.rows[index.row()][index.column()]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.board is None else len(self.board.experts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.board is None else len(self.board.applications)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.board is None:
            return None
        cell = self.board.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_state_text(cell)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(cell_details(cell))
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._backgrounds[cell.state]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._ink
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._centred
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.board is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            a = self.board.applications[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return visible(f"{a.id} {a.platform_name} — {a.applicant_unit}")
            # Platform names are long; the column shows the id and the tooltip the name.
            return a.id if role == Qt.ItemDataRole.DisplayRole else None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        e = self.board.experts[section]
        return f"{e.id} {e.name}"
