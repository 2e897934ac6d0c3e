"""Qt item models over the expert's data: the agenda with this expert's statuses, hearing
notes, and sheet violations. Text is produced at ``data()`` time, so a language switch only
needs ``retranslate()`` (every cell changed; :class:`ui.common.table_model.ReadOnlyTableModel`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.domain.meeting import AgendaItem, Application
from app.domain.rubric import Rubric
from app.domain.rules import Violation
from app.domain.sheet import HearingNote, NoteKind, ScoreSheet
from app.expert.flow import ApplicationStatus
from app.expert.hearing_links import link_answers
from app.expert.materials import AttachmentInfo
from app.formats.text import visible
from app.i18n import _, current_language
from ui.common.table_model import Index, ReadOnlyTableModel

# -- agenda ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    application: Application
    status: ApplicationStatus
    round: int = 1
    """The round the application is scored in (a later one after a round notice)."""

    def status_text(self) -> str:
        """ "In progress", or "Round 2: In progress" once the application is in a later round."""
        status = _(self.status.label)
        return (
            status
            if self.round == 1
            else _("Round {round}: {status}", round=self.round, status=status)
        )


_STATUS_TONE = {
    ApplicationStatus.NOT_STARTED: None,
    ApplicationStatus.IN_PROGRESS: "#8a5a00",
    ApplicationStatus.SUBMITTED: "#1e6b34",
    ApplicationStatus.RECUSED: "#6b6b6b",
}


class AgendaModel(ReadOnlyTableModel[AgendaRow]):
    """Applications in hearing order with this expert's status; the current one in bold."""

    headers = (lambda: _("No."), lambda: _("Application"), lambda: _("Status"))

    def __init__(self) -> None:
        super().__init__()
        self.current: str | None = None

    def set_current(self, application_id: str | None) -> None:
        self.current = application_id
        self.retranslate()

    def set_status(
        self, application_id: str, status: ApplicationStatus, round: int | None = None
    ) -> None:
        for i, row in enumerate(self._rows):
            if row.application.id == application_id:
                number = row.round if round is None else round
                self._rows[i] = AgendaRow(row.item, row.application, status, number)
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.headers) - 1))

    def row_of(self, application_id: str) -> int:
        for i, row in enumerate(self._rows):
            if row.application.id == application_id:
                return i
        return -1

    def cell(self, row: AgendaRow, column: int, role: int) -> object:
        lang = current_language()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(row.item.position)
            if column == 1:
                return visible(row.application.platform_name.get(lang))
            return row.status_text()
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            app = row.application
            return visible(f"{app.applicant_unit.get(lang)}\n{app.sub_domain.get(lang)}")
        if role == Qt.ItemDataRole.FontRole and row.application.id == self.current:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column == 2:
            tone = _STATUS_TONE[row.status]
            return QBrush(QColor(tone)) if tone else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.cell(row, column, Qt.ItemDataRole.DisplayRole)
        return None


class AgendaFilter(QSortFilterProxyModel):
    """Search by position, name, unit, sub-domain or status, in either language."""

    def __init__(self) -> None:
        super().__init__()
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        needle = self.filterRegularExpression().pattern().strip().lower()
        if not needle:
            return True
        model = self.sourceModel()
        assert isinstance(model, AgendaModel)
        row = model.row_object(source_row)
        app = row.application
        haystack = " ".join(
            (
                str(row.item.position),
                app.platform_name.en,
                app.platform_name.zh_CN,
                app.applicant_unit.en,
                app.applicant_unit.zh_CN,
                app.sub_domain.en,
                app.sub_domain.zh_CN,
                row.status_text(),
            )
        ).lower()
        return needle in haystack


# -- hearing notes -----------------------------------------------------------------------


def note_kind_label(kind: NoteKind) -> str:
    return {
        NoteKind.NOTE: _("Note"),
        NoteKind.QUESTION: _("Question"),
        NoteKind.ANSWER: _("Answer"),
    }[kind]


class NotesModel(ReadOnlyTableModel[HearingNote]):
    """Timestamped hearing entries, newest last; times in local time."""

    headers = (lambda: _("Time"), lambda: _("Kind"), lambda: _("Factor"), lambda: _("Text"))

    def __init__(self) -> None:
        super().__init__()
        self.rubric: Rubric | None = None
        self.links = link_answers(())

    def set_rows(self, rows: Sequence[HearingNote]) -> None:
        self.links = link_answers(rows)  # answers linked to their questions
        super().set_rows(rows)

    def cell(self, row: HearingNote, column: int, role: int) -> object:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        if column == 0:
            return row.created_at.astimezone().strftime("%H:%M:%S")
        if column == 1:
            linked = self.links.kind_text(row)
            return note_kind_label(row.kind) if linked is None else str(linked)
        if column == 2:
            factor = self.links.factor_of(row)
            if factor is None or self.rubric is None:
                return ""
            try:
                return self.rubric.factor(factor).name.get(current_language())
            except KeyError:
                return factor
        return row.text


# -- sheet versions ----------------------------------------------------------------------


class VersionsModel(ReadOnlyTableModel[ScoreSheet]):
    """Every version of the expert's sheet for one application, by round and version: the
    current one and the history (earlier rounds, superseded versions), all kept."""

    headers = (
        lambda: _("Round"),
        lambda: _("Version"),
        lambda: _("Status"),
        lambda: _("Submitted"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.current: str | None = None
        """The id of the version being worked on (shown in bold)."""

    def cell(self, row: ScoreSheet, column: int, role: int) -> object:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == 0:
                return str(row.round)
            if column == 1:
                return str(row.version)
            if column == 2:
                return _(row.status.label)
            if row.submitted_at is None:
                return "—"
            return row.submitted_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if role == Qt.ItemDataRole.FontRole and row.id == self.current:
            font = QFont()
            font.setBold(True)
            return font
        return None


# -- violations --------------------------------------------------------------------------


class ViolationsModel(ReadOnlyTableModel[Violation]):
    """What stops the sheet from being signed; a row jumps to its field."""

    headers = (lambda: _("Still to do"),)

    def cell(self, row: Violation, column: int, role: int) -> object:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return str(row.message)
        return None


# -- attachments -------------------------------------------------------------------------


class AttachmentsModel(ReadOnlyTableModel[AttachmentInfo]):
    headers = (lambda: _("Attachment"), lambda: _("Size"))

    def cell(self, row: AttachmentInfo, column: int, role: int) -> object:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        if column == 0:
            return visible(row.title.get(current_language()) or row.name)
        return _("{size} KB", size=max(1, round(row.size / 1024)))
