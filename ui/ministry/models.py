"""The desk's item models: the import history, the application register and its filter.

The register holds thousands of rows (every application of every meeting), so nothing
here walks all of them on the GUI thread for display: a cell's text is made in ``data()``
when the view shows the cell; sorting orders the Python list once with a key
(:meth:`RegisterModel.sort`), not through ``data()`` calls per comparison; the filter
(:class:`RegisterFilter`) reads the row objects themselves and keeps one lower-cased search
text per row.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from app.consolidation.model import Status
from app.domain.sheet import Recommendation
from app.i18n import N_, LocalizedText, _, current_language
from app.ministry.model import ApplicationRow, BundleKey, ImportedBundle
from ui.common.table_model import ReadOnlyTableModel

Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def when(at: datetime) -> str:
    """A moment as the desk shows it: local date and time to the minute."""
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


class Outcome(enum.Enum):
    """What the panel's vote gave, for the register's filter."""

    RECOMMENDED = "recommended"
    NOT_RECOMMENDED = "not_recommended"
    NOT_CONSOLIDATED = "not_consolidated"

    @property
    def label(self) -> str:
        return {
            Outcome.RECOMMENDED: N_("Recommended"),
            Outcome.NOT_RECOMMENDED: N_("Not recommended"),
            Outcome.NOT_CONSOLIDATED: N_("Not consolidated"),
        }[self]


_OUTCOME_ORDER = {outcome: i for i, outcome in enumerate(Outcome)}


def outcome_of(row: ApplicationRow) -> Outcome:
    if row.status != Status.CONSOLIDATED.value:
        return Outcome.NOT_CONSOLIDATED
    return Outcome.RECOMMENDED if row.passed else Outcome.NOT_RECOMMENDED


def status_label(status: str) -> str:
    try:
        return _(Status(status).label)
    except ValueError:
        return status


def recommendation_label(value: str | None) -> str:
    if value is None:
        return "—"
    try:
        return _(Recommendation(value).label)
    except ValueError:
        return value


def opinion_label(row: ApplicationRow) -> str:
    if row.opinion_recommendation is None:
        return _("No panel opinion")
    label = recommendation_label(row.opinion_recommendation)
    if row.opinion_approved:
        return label
    return _("{recommendation} (draft, not approved)", recommendation=label)


def _number(text: str | None) -> Decimal:
    try:
        return Decimal(text) if text is not None else Decimal("-Infinity")
    except InvalidOperation:
        return Decimal("-Infinity")


# --- the import history ----------------------------------------------------------------


class MeetingsModel(ReadOnlyTableModel[ImportedBundle]):
    """The import history, one row per bundle version ever imported."""

    headers = (
        lambda: _("Meeting"),
        lambda: _("Meeting title"),
        lambda: _("Version"),
        lambda: _("Round"),
        lambda: _("Secretary"),
        lambda: _("Created"),
        lambda: _("Imported"),
        lambda: _("State"),
        lambda: _("Bundle hash"),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__((), parent)
        self._current: set[BundleKey] = set()
        self._titles: dict[str, Any] = {}

    def set_history(
        self, history: Sequence[ImportedBundle], rows: Sequence[ApplicationRow]
    ) -> None:
        highest: dict[str, ImportedBundle] = {}
        for entry in history:
            held = highest.get(entry.key.meeting_id)
            if held is None or entry.key.bundle_version > held.key.bundle_version:
                highest[entry.key.meeting_id] = entry
        self._current = {entry.key for entry in highest.values()}
        self._titles = {row.meeting_id: row.meeting_title for row in rows}
        self.set_rows(list(reversed(history)))  # the newest first

    def cell(self, row: ImportedBundle, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3):
            return _RIGHT
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        header = row.header
        title = self._titles.get(row.key.meeting_id)
        values: tuple[Callable[[], object], ...] = (
            lambda: row.key.meeting_id,
            lambda: "" if title is None else title.get(current_language()),
            lambda: row.key.bundle_version,
            lambda: header.round,
            lambda: header.secretary_name,
            lambda: when(header.created_at),
            lambda: when(row.imported_at),
            lambda: _("Current") if row.key in self._current else _("Replaced"),
            lambda: row.key.bundle_hash[:16] + "…",
        )
        return values[column]()


# --- the application register -----------------------------------------------------------


class RegisterColumn(enum.IntEnum):
    MEETING = 0
    POSITION = 1
    UNIT = 2
    PLATFORM = 3
    SUB_DOMAIN = 4
    TOTAL = 5
    RANK = 6
    VOTE = 7
    OUTCOME = 8
    OPINION = 9


class RegisterModel(ReadOnlyTableModel[ApplicationRow]):
    """Every current application of every meeting (``MinistryStore.application_rows``)."""

    def __init__(self, rows: Sequence[ApplicationRow] = (), parent: QObject | None = None) -> None:
        super().__init__(rows, parent)
        self._sorted: tuple[int, Qt.SortOrder, str] | None = None
        """The order the rows are in, if they were sorted since :meth:`set_rows`."""
        self.modelReset.connect(self._forget_order)

    def _forget_order(self) -> None:
        self._sorted = None

    headers = (
        lambda: _("Meeting"),
        lambda: _("No."),
        lambda: _("Applicant unit"),
        lambda: _("Platform"),
        lambda: _("Sub-domain"),
        lambda: _("Total"),
        lambda: _("Rank"),
        lambda: _("Votes for"),
        lambda: _("Outcome"),
        lambda: _("Panel opinion"),
    )

    def cell(self, row: ApplicationRow, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            RegisterColumn.POSITION,
            RegisterColumn.TOTAL,
            RegisterColumn.RANK,
            RegisterColumn.VOTE,
        ):
            return _RIGHT
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        language = current_language()
        match RegisterColumn(column):
            case RegisterColumn.MEETING:
                return row.meeting_id
            case RegisterColumn.POSITION:
                return row.hearing_position
            case RegisterColumn.UNIT:
                return row.applicant_unit.get(language)
            case RegisterColumn.PLATFORM:
                return row.platform_name.get(language)
            case RegisterColumn.SUB_DOMAIN:
                return row.sub_domain.get(language)
            case RegisterColumn.TOTAL:
                return row.total_presented or "—"
            case RegisterColumn.RANK:
                return "—" if row.rank is None else row.rank
            case RegisterColumn.VOTE:
                return _(
                    "{votes}/{eligible} (needs {needed})",
                    votes=row.votes_for,
                    eligible=row.eligible,
                    needed=row.needed,
                )
            case RegisterColumn.OUTCOME:
                return _(outcome_of(row).label)
            case RegisterColumn.OPINION:
                return opinion_label(row)

    def sort_key(self, column: int) -> Callable[[ApplicationRow], Any]:
        """The key ``column`` sorts by; made once per sort, cheap per row (no translation
        lookups per row: the texts of the current language are read directly)."""
        zh = current_language() == "zh_CN"

        def text(value: LocalizedText) -> str:
            return value.zh_CN if zh and value.zh_CN else value.en

        opinions: dict[tuple[str | None, bool], str] = {}

        def opinion(r: ApplicationRow) -> str:
            key = (r.opinion_recommendation, r.opinion_approved)
            label = opinions.get(key)
            if label is None:
                label = opinions[key] = opinion_label(r)
            return label

        keys: dict[int, Callable[[ApplicationRow], Any]] = {
            RegisterColumn.MEETING: lambda r: (r.meeting_id, r.hearing_position),
            RegisterColumn.POSITION: lambda r: (r.hearing_position, r.meeting_id),
            RegisterColumn.UNIT: lambda r: text(r.applicant_unit),
            RegisterColumn.PLATFORM: lambda r: text(r.platform_name),
            RegisterColumn.SUB_DOMAIN: lambda r: text(r.sub_domain),
            RegisterColumn.TOTAL: lambda r: _number(r.total_presented),
            RegisterColumn.RANK: lambda r: (r.rank is None, r.rank or 0),
            RegisterColumn.VOTE: lambda r: (r.votes_for, r.eligible),
            RegisterColumn.OUTCOME: lambda r: _OUTCOME_ORDER[outcome_of(r)],
            RegisterColumn.OPINION: opinion,
        }
        return keys[column]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by ``column`` in one Python sort (stable; ties keep their order),
        keeping every persistent index (selections) on its row."""
        if not 0 <= column < len(self.headers):
            return
        if self._sorted == (column, order, current_language()):
            return  # QTableView.sortByColumn asks twice (its header's signal, then itself)
        self._sorted = (column, order, current_language())
        self.layoutAboutToBeChanged.emit()
        old = self._rows
        key = self.sort_key(column)
        order_of = sorted(
            range(len(old)),
            key=lambda i: key(old[i]),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._rows = [old[i] for i in order_of]
        moved = {was: now for now, was in enumerate(order_of)}
        before = self.persistentIndexList()
        after = [self.index(moved[i.row()], i.column()) for i in before]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()


@dataclass(frozen=True)
class RegisterFilters:
    """What the register shows: ``None`` is "all"; ``text`` is matched, case-insensitive,
    against the meeting, the applicant unit, the platform and the sub-domain (both
    languages) and the application id."""

    sub_domain: str | None = None
    """The sub-domain's English name (its identity across languages)."""
    outcome: Outcome | None = None
    meeting: str | None = None
    text: str = ""


_EVERYTHING = RegisterFilters()


def search_text(row: ApplicationRow) -> str:
    """What the register's search matches in ``row``: both languages, case folded. Plain
    Python, so the desk makes it for every row off the GUI thread."""
    parts = (
        row.meeting_id,
        row.meeting_title.en,
        row.meeting_title.zh_CN,
        row.application_id,
        row.applicant_unit.en,
        row.applicant_unit.zh_CN,
        row.platform_name.en,
        row.platform_name.zh_CN,
        row.sub_domain.en,
        row.sub_domain.zh_CN,
    )
    return "\n".join(parts).casefold()


class RegisterFilter(QSortFilterProxyModel):
    """Filters the register by :class:`RegisterFilters`; sorting is the source's."""

    def __init__(self, source: RegisterModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.register = source
        self.setSourceModel(source)
        self.filters = RegisterFilters()
        self._needle = ""
        self._accepted: set[int] | None = None
        self._haystacks: dict[int, str] = {}
        source.modelReset.connect(self._haystacks.clear)
        source.modelReset.connect(self._refilter)

    def set_filters(self, filters: RegisterFilters) -> None:
        if filters == self.filters:
            return
        self.beginFilterChange()
        self.filters = filters
        self._needle = filters.text.strip().casefold()
        self._accepted = self._matching()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _refilter(self) -> None:
        """The model's rows were replaced: decide on the new ones."""
        if self._accepted is None:
            return
        self.beginFilterChange()
        self._accepted = self._matching()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _matching(self) -> set[int] | None:
        """The rows the filters let through, by identity (sorting moves rows, never changes
        them), in one Python pass; ``None``: every row."""
        if self.filters == _EVERYTHING:
            return None
        return {id(row) for row in self.register.rows() if self._matches(row)}

    def use_search_texts(self, rows: Sequence[ApplicationRow], texts: Sequence[str]) -> None:
        """The :func:`search_text` of each of ``rows``, made off the GUI thread (the rows
        the model holds now; the model's next reset forgets them)."""
        self._haystacks.update((id(row), text) for row, text in zip(rows, texts, strict=True))

    def _haystack(self, row: ApplicationRow) -> str:
        key = id(row)
        text = self._haystacks.get(key)
        if text is None:
            text = self._haystacks[key] = search_text(row)
        return text

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        """Asked by Qt for each row, after every filter change and every sort: a lookup
        only, the decision was made in :meth:`_matching`."""
        accepted = self._accepted
        return accepted is None or id(self.register.row_object(source_row)) in accepted

    def _matches(self, row: ApplicationRow) -> bool:
        f = self.filters
        if f.meeting is not None and row.meeting_id != f.meeting:
            return False
        if f.sub_domain is not None and row.sub_domain.en != f.sub_domain:
            return False
        if f.outcome is not None and outcome_of(row) is not f.outcome:
            return False
        return not self._needle or self._needle in self._haystack(row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.register.sort(column, order)

    def row_at(self, index: QModelIndex) -> ApplicationRow | None:
        if not index.isValid():
            return None
        return self.register.row_object(self.mapToSource(index).row())
