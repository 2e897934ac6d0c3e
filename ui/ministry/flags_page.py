"""The Flags page of the ministry desk: what the checks across meetings found
(:func:`app.ministry.checks.all_flags` over the store's applications, experts and approved
platforms), each flag with its explanation, and the approved-platform list with Add…,
Remove… and Import list… (a list file, the shipped one offered first; each change with a
reason, recorded by the store with its audit entry).

The store is read and changed off the GUI thread on the given pool; the flags are computed
there too, so a large register does not stall the window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, current_language, ngettext
from app.ministry.checks import (
    Flag,
    MeetingOverlap,
    OrganisationConflict,
    PlatformOverlap,
    RepeatedUnit,
    all_flags,
)
from app.ministry.model import ApprovedPlatformEntry
from app.ministry.platforms import (
    SHIPPED_LIST,
    PlatformImport,
    add_platform,
    import_platform_list,
    or_dash,
    remove_platform,
)
from app.ministry.ports import MinistryDesk
from ui.common.dialogs import DialogService
from ui.common.table_model import ReadOnlyTableModel
from ui.common.tasks import BackgroundTask, Progress, run_step
from ui.ministry.officer import Clock, utc_now
from ui.ministry.platform_dialogs import (
    AddPlatformDialog,
    ImportPlatformsDialog,
    RemovePlatformDialog,
)
from ui.shell.table_view import record_table


def flag_kind(flag: Flag) -> str:
    if isinstance(flag, MeetingOverlap):
        return _("Overlap across meetings")
    if isinstance(flag, PlatformOverlap):
        return _("Overlap with an approved platform")
    if isinstance(flag, OrganisationConflict):
        return _("Expert of the applicant unit")
    assert isinstance(flag, RepeatedUnit)
    return _("Unit in several meetings")


def flag_subject(flag: Flag) -> str:
    if isinstance(flag, RepeatedUnit):
        return flag.unit.get(current_language())
    return flag.application.label


class FlagsModel(ReadOnlyTableModel[Flag]):
    headers = (
        lambda: _("Kind"),
        lambda: _("Application or unit"),
        lambda: _("Explanation"),
    )

    def cell(self, row: Flag, column: int, role: int) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return flag_kind(row)
        if column == 1:
            return flag_subject(row)
        return str(row.message)


class PlatformsModel(ReadOnlyTableModel[ApprovedPlatformEntry]):
    headers = (
        lambda: _("No."),
        lambda: _("Platform"),
        lambda: _("Entrusted unit"),
        lambda: _("Sub-domain"),
        lambda: _("Tags"),
        lambda: _("Year"),
        lambda: _("Reference"),
        lambda: _("State"),
        lambda: _("Change"),
    )

    def cell(self, row: ApprovedPlatformEntry, column: int, role: int) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        p = row.platform
        language = current_language()
        if row.in_force:
            state, change = (
                _("In force"),
                _(
                    "added {at} by {actor}: {reason}",
                    at=row.added_at,
                    actor=row.added_by,
                    reason=row.added_reason,
                ),
            )
        else:
            state, change = (
                _("Removed"),
                _(
                    "removed {at} by {actor}: {reason}",
                    at=row.removed_at or "",
                    actor=row.removed_by or "",
                    reason=row.removed_reason or "",
                ),
            )
        values = (
            row.id,
            p.platform_name.get(language),
            or_dash(p.entrusted_unit).get(language),
            or_dash(p.sub_domain).get(language),
            ", ".join(p.sub_domain_tags),
            p.approved_year,
            p.reference,
            state,
            " ".join(change.split()),
        )
        return values[column]


@dataclass(frozen=True)
class Found:
    flags: tuple[Flag, ...]
    platforms: tuple[ApprovedPlatformEntry, ...]


class _Events(QObject):
    loaded = Signal()
    platform_changed = Signal(object)


class FlagsPage(QWidget):
    """The flags and the approved-platform list; emits :attr:`changed` after a change."""

    changed = Signal()

    def __init__(
        self,
        store: MinistryDesk,
        dialogs: DialogService,
        actor: str,
        now: Clock = utc_now,
        pool: QThreadPool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._dialogs = dialogs
        self._actor = actor
        self._now = now
        self._pool = pool
        self.events = _Events(self)
        self._task: BackgroundTask[object] | None = None
        self._found = Found((), ())

        self.flags_model = FlagsModel(parent=self)
        self.flags = record_table("ministryFlags", self.flags_model, (240, 170))
        self.flags.selectionModel().selectionChanged.connect(self._flag_selected)
        self.flags_label = QLabel()
        self.flags_label.setBuddy(self.flags)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.explanation = QLabel()
        self.explanation.setObjectName("flagExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reload_button = QPushButton()
        self.reload_button.clicked.connect(self.reload)

        self.platforms_model = PlatformsModel(parent=self)
        self.platforms = record_table(
            "approvedPlatforms", self.platforms_model, (40, 200, 180, 140, 140, 48, 120, 70)
        )
        self.platforms.selectionModel().selectionChanged.connect(self._update_buttons)
        self.platforms_label = QLabel()
        self.platforms_label.setBuddy(self.platforms)
        self.show_removed = QCheckBox()
        self.show_removed.toggled.connect(self.reload)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton()
        self.remove_button.clicked.connect(self.remove)
        self.import_button = QPushButton()
        self.import_button.setObjectName("importPlatforms")
        self.import_button.clicked.connect(self.import_list)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.reload_button)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addLayout(top)
        upper_layout.addWidget(self.flags_label)
        upper_layout.addWidget(self.flags, 1)
        upper_layout.addWidget(self.explanation)
        buttons = QHBoxLayout()
        buttons.addWidget(self.platforms_label, 1)
        buttons.addWidget(self.show_removed)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.import_button)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addLayout(buttons)
        lower_layout.addWidget(self.platforms, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.retranslate()  # the window calls reload() once the database exists

    # --- what the window asks -----------------------------------------------------------

    def first_control(self) -> QWidget:
        return self.flags

    @property
    def busy(self) -> bool:
        return self._task is not None

    def selected_platform(self) -> ApprovedPlatformEntry | None:
        rows = self.platforms.selectionModel().selectedRows()
        return self.platforms_model.row_object(rows[0].row()) if rows else None

    # --- reading ------------------------------------------------------------------------

    def reload(self) -> None:
        if self.busy:
            return
        store = self._store
        include_removed = self.show_removed.isChecked()

        def work(_progress: Progress) -> object:
            platforms = store.approved_platforms()
            flags = all_flags(store.application_rows(), store.expert_appearances(), platforms)
            shown = store.approved_platforms(include_removed=True) if include_removed else platforms
            return Found(flags, shown)

        self._run(work, self._show_found)

    def _show_found(self, result: object) -> None:
        assert isinstance(result, Found)
        self._found = result
        self.flags_model.set_rows(result.flags)
        self.platforms_model.set_rows(result.platforms)
        self._summary()
        self._show_flag()
        self.events.loaded.emit()

    def _summary(self) -> None:
        count = len(self._found.flags)
        if not count:
            self.summary.setText(_("No overlap or conflict found across the imported meetings."))
        else:
            self.summary.setText(
                ngettext(
                    "{count} flag across the imported meetings.",
                    "{count} flags across the imported meetings.",
                    count,
                    count=count,
                )
            )

    def _flag_selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._show_flag()

    def _show_flag(self) -> None:
        rows = self.flags.selectionModel().selectedRows()
        if not rows:
            self.explanation.setText(
                _("Select a flag to read it whole.") if self._found.flags else ""
            )
            return
        flag = self.flags_model.row_object(rows[0].row())
        self.explanation.setText(f"{flag_kind(flag)}: {flag.message}")

    def _update_buttons(self, *_args: object) -> None:
        idle = not self.busy
        self.reload_button.setEnabled(idle)
        self.add_button.setEnabled(idle)
        self.import_button.setEnabled(idle)
        entry = self.selected_platform()
        self.remove_button.setEnabled(idle and entry is not None and entry.in_force)

    # --- changing the list --------------------------------------------------------------

    def add(self) -> None:
        """Ask for a new approved platform and its reason, then add it."""
        if self.busy:
            return
        now = self._now()
        dialog = AddPlatformDialog(now.year, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_draft is None:
            return
        store, draft, reason, actor = (
            self._store,
            dialog.result_draft,
            dialog.reason_text,
            self._actor,
        )
        self._run(lambda _p: add_platform(store, draft, reason, actor, now), self._changed)

    def remove(self) -> None:
        """Ask why, then mark the selected approved platform removed."""
        entry = self.selected_platform()
        if self.busy or entry is None or not entry.in_force:
            return
        dialog = RemovePlatformDialog(entry, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        store, reason, actor, now = self._store, dialog.reason_text, self._actor, self._now()
        self._run(lambda _p: remove_platform(store, entry.id, reason, actor, now), self._changed)

    def import_list(self) -> None:
        """Choose a list file (the shipped one's folder first), ask why, then add the
        platforms it names that the list does not hold yet, and say what was added."""
        if self.busy:
            return
        path = self._dialogs.open_file(
            self,
            _("Import an approved-platform list"),
            _("Approved-platform lists (*.json)"),
            str(SHIPPED_LIST.parent),
        )
        if path is None:
            return
        dialog = ImportPlatformsDialog(path, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        store, reason, actor, now = self._store, dialog.reason_text, self._actor, self._now()
        self._run(lambda _p: import_platform_list(store, path, reason, actor, now), self._imported)

    def _imported(self, result: object) -> None:
        assert isinstance(result, PlatformImport)
        self._dialogs.information(self, _("Import an approved-platform list"), str(result.message))
        self._changed(result)

    def _changed(self, result: object) -> None:
        self.events.platform_changed.emit(result)
        self.changed.emit()
        self.reload()

    # --- the task -----------------------------------------------------------------------

    def _run(self, work: Callable[[Progress], object], done: Callable[[object], None]) -> None:
        run_step(self, work, done, busy=self._busy, dialogs=self._dialogs, pool=self._pool)

    def _busy(self, task: BackgroundTask[object] | None) -> None:
        self._task = task
        self._update_buttons()

    def retranslate(self) -> None:
        self.flags_label.setText(_("&Overlap and conflict flags:"))
        self.reload_button.setText(_("Re&load"))
        self.platforms_label.setText(_("A&pproved platforms:"))
        self.show_removed.setText(_("Show re&moved"))
        self.add_button.setText(_("&Add…"))
        self.remove_button.setText(_("R&emove…"))
        self.import_button.setText(_("&Import list…"))
        self.flags_model.retranslate()
        self.platforms_model.retranslate()
        self._summary()
        self._show_flag()
