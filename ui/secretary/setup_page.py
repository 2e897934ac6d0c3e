"""Page 1, setup: roster (with fingerprints for the paper sign-in sheet), packages, hearing
order, the meeting passphrase and issuing the kit. Once the kit is issued the meeting is
frozen, so every control that would change it is disabled and the page says why."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.crypto.age_keys import X25519Identity
from app.crypto.pki import load_trust_file, read_certificate_file
from app.errors import UserFacingError
from app.formats.text import visible
from app.i18n import _
from app.secretary import keys, overlap
from app.secretary import setup as sec_setup
from app.secretary.kit import issue_kit
from app.secretary.model import PackageRecord, PackageStatus, RosterEntry
from app.secretary.packages import PackageImport, import_packages
from app.secretary.ports import SecretaryStore
from app.secretary.trust import TrustUpdate, update_trust
from ui.common.errors import show_error
from ui.common.table_model import add_list_line
from ui.common.tasks import BackgroundTask, Progress
from ui.secretary.add_expert_dialog import AddExpertDialog, grouped
from ui.secretary.context import ConsoleContext, cancel_check, choose_files, heading
from ui.secretary.models import Column, RowsModel
from ui.secretary.passphrase_dialog import PassphraseDialog


def _table(model: QAbstractItemModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setVisible(False)
    return view


class SetupPage(QWidget):
    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.passphrase_dialog: PassphraseDialog | None = None
        self.meeting_key: X25519Identity | None = None
        self.task: BackgroundTask[Any] | None = None
        """Unlocked once per session (or just created), to check each package against."""
        self.add_dialog: AddExpertDialog | None = None
        self.frozen_label = QLabel()
        self.frozen_label.setObjectName("frozenNotice")
        self.frozen_label.setWordWrap(True)
        self.frozen_label.setStyleSheet("color: #7a4b00; font-weight: bold;")

        self.roster_title = heading()
        self.roster_model = self._build_roster_model()
        self.roster_view = _table(self.roster_model)
        roster_buttons = self._build_roster_buttons()
        self.packages_title = heading()
        self.packages_model = self._build_packages_model()
        self.packages_view = _table(self.packages_model)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_packages)
        self.agenda_title = heading()
        self.agenda_list = QListWidget()
        agenda_buttons = self._build_agenda_buttons()
        self.overlap_title = heading()
        self.overlap_list = QListWidget()
        self.overlap_list.setObjectName("overlapWarnings")
        kit_row = self._build_kit_row()

        layout = QVBoxLayout(self)
        layout.addWidget(self.frozen_label)
        layout.addLayout(self._build_grid(roster_buttons, agenda_buttons), 1)
        layout.addLayout(kit_row)
        self.retranslate()
        self.reload()

    def _build_roster_model(self) -> RowsModel[RosterEntry]:
        return RowsModel(
            [
                Column(lambda: _("Name"), lambda r: str(r.expert.name)),
                Column(lambda: _("Role"), lambda r: _(r.expert.role.label)),
                Column(lambda: _("Chair"), lambda r: _("Chair") if r.expert.is_chair else ""),
                Column(lambda: _("Organisation"), lambda r: str(r.expert.organisation)),
                Column(lambda: _("Fingerprint"), lambda r: grouped(r.fingerprint)),
            ],
            self,
        )

    def _build_packages_model(self) -> RowsModel[PackageRecord]:
        return RowsModel(
            [
                Column(lambda: _("File"), lambda p: p.source_name),
                Column(
                    lambda: _("Application"),
                    lambda p: (
                        visible(f"{p.application.id} {p.application.platform_name}")
                        if p.application
                        else ""
                    ),
                ),
                Column(lambda: _("Status"), lambda p: _(p.status.label), _package_colour),
                Column(lambda: _("Reason"), lambda p: str(p.reason) if p.reason else ""),
            ],
            self,
        )

    def _build_roster_buttons(self) -> QHBoxLayout:
        self.add_expert_button = QPushButton()
        self.add_expert_button.clicked.connect(self.add_expert)
        self.chair_button = QPushButton()
        self.chair_button.clicked.connect(self.make_chair)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_expert_button)
        buttons.addWidget(self.chair_button)
        buttons.addStretch(1)
        return buttons

    def _build_agenda_buttons(self) -> QHBoxLayout:
        self.up_button = QPushButton()
        self.down_button = QPushButton()
        self.up_button.clicked.connect(lambda: self.move_agenda(-1))
        self.down_button.clicked.connect(lambda: self.move_agenda(1))
        buttons = QHBoxLayout()
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        buttons.addStretch(1)
        return buttons

    def _build_kit_row(self) -> QHBoxLayout:
        """The meeting passphrase, the meeting key's fingerprint and writing the kit."""
        self.passphrase_button = QPushButton()
        self.passphrase_button.clicked.connect(self.create_passphrase)
        self.kit_button = QPushButton()
        self.kit_button.clicked.connect(self.choose_kit)
        self.trust_button = QPushButton()
        self.trust_button.setObjectName("updateTrustButton")
        self.trust_button.clicked.connect(self.choose_trust_file)
        self.key_label = QLabel()
        self.key_label.setWordWrap(True)
        self.key_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        row = QHBoxLayout()
        row.addWidget(self.passphrase_button)
        row.addWidget(self.key_label, 1)
        actions = QVBoxLayout()  # stacked: the page must fit a small screen
        actions.addWidget(self.trust_button)  # stays enabled after the kit: lists age
        actions.addWidget(self.kit_button)
        row.addLayout(actions)
        return row

    def _build_grid(self, roster_buttons: QHBoxLayout, agenda_buttons: QHBoxLayout) -> QGridLayout:
        """Roster and packages side by side, the agenda and its overlaps below them."""
        grid = QGridLayout()
        grid.addWidget(self.roster_title, 0, 0)
        grid.addWidget(self.roster_view, 1, 0)
        grid.addLayout(roster_buttons, 2, 0)
        grid.addWidget(self.packages_title, 0, 1)
        grid.addWidget(self.packages_view, 1, 1)
        grid.addWidget(self.import_button, 2, 1)
        grid.addWidget(self.agenda_title, 3, 0)
        grid.addWidget(self.agenda_list, 4, 0)
        grid.addLayout(agenda_buttons, 5, 0)
        grid.addWidget(self.overlap_title, 3, 1)
        grid.addWidget(self.overlap_list, 4, 1)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(4, 2)
        return grid

    # -- reading ----------------------------------------------------------------------------
    def reload(self) -> None:
        ws = self.ctx.ws
        setup = ws.setup()
        self.roster_model.set_rows(ws.roster())
        self.packages_model.set_rows(ws.packages())
        titles = {a.id: a for a in sec_setup.verified_applications(ws)}
        self.agenda_list.clear()
        self._agenda_ids = [item.application_id for item in ws.agenda()]
        for item in ws.agenda():
            app = titles.get(item.application_id)
            name = visible(f"{app.platform_name} — {app.applicant_unit}") if app else ""
            add_list_line(self.agenda_list, f"{item.position}. {item.application_id} {name}")
        self._show_overlaps()
        frozen = setup.frozen
        for widget in (
            self.add_expert_button,
            self.chair_button,
            self.import_button,
            self.up_button,
            self.down_button,
            self.passphrase_button,
            self.kit_button,
        ):
            widget.setEnabled(not frozen)
        self.frozen_label.setVisible(frozen)
        self._retranslate_state()

    def _show_overlaps(self) -> None:
        self.overlap_list.clear()
        try:
            findings = overlap.meeting_overlaps(self.ctx.ws)
        except UserFacingError as exc:
            add_list_line(self.overlap_list, exc.message)
            return
        for finding in findings:
            add_list_line(self.overlap_list, str(finding.message))
        if not findings:
            self.overlap_list.addItem(_("No overlapping sub-domains found."))

    # -- actions ----------------------------------------------------------------------------
    def add_expert(self) -> None:
        path = self.ctx.dialogs.open_file(
            self, _("Choose the expert's certificate"), _("Certificates (*.pem *.crt *.cer *.der)")
        )
        if path is None:
            return
        try:
            info = sec_setup.read_certificate(read_certificate_file(path))
        except (OSError, UserFacingError) as exc:
            show_error(self, exc, self.ctx.dialogs)
            return
        dialog = AddExpertDialog(info, self)
        dialog.accepted.connect(lambda: self._add(dialog))
        self.add_dialog = dialog
        dialog.open()

    def _add(self, dialog: AddExpertDialog) -> None:
        try:
            sec_setup.add_expert(
                self.ctx.ws,
                dialog.info.pem.encode("ascii"),
                dialog.chosen_role,
                chair=dialog.chair.isChecked(),
                actor=self.ctx.actor,
                now=self.ctx.now(),
            )
        except UserFacingError as exc:
            show_error(self, exc, self.ctx.dialogs)
        self.ctx.changes.changed.emit()

    def make_chair(self) -> None:
        rows = self.roster_view.selectionModel().selectedRows()
        if not rows:
            return
        entry = self.roster_model.row_object(rows[0].row())
        try:
            sec_setup.set_chair(
                self.ctx.ws, entry.expert.id, actor=self.ctx.actor, now=self.ctx.now()
            )
        except UserFacingError as exc:
            show_error(self, exc, self.ctx.dialogs)
        self.ctx.changes.changed.emit()

    def import_packages(self) -> None:
        paths = choose_files(
            self.ctx.dialogs, self, _("Choose application packages"), _("Packages (*.oipkg)")
        )
        if not paths:
            return
        ctx = self.ctx
        known = self.meeting_key
        if known is not None and str(known.recipient) != ctx.ws.setup().meeting_key_recipient:
            known = None  # the key was replaced since
        secret: str | None = None
        if known is None:
            if ctx.ws.setup().sealed_meeting_key is None:
                show_error(self, keys.no_meeting_key(), ctx.dialogs)
                return
            typed = ctx.dialogs.passphrase(
                self,
                _("Meeting passphrase"),
                _(
                    "Type the meeting passphrase. Each package must open with the meeting "
                    "key, so that every expert can open it with this passphrase:"
                ),
            )
            if typed is None:
                return
            secret = typed.decode("utf-8", "replace")

        def work(
            ws: SecretaryStore, progress: Progress
        ) -> tuple[X25519Identity, tuple[PackageImport, ...]]:
            if known is not None:
                key = known
            else:
                progress.report(0, 0, _("Unlocking the meeting key…"))
                key = keys.open_meeting_key(ws, secret or "")
            return key, import_packages(
                ws,
                ctx.identity,
                paths,
                meeting_key=key,
                actor=ctx.actor,
                now=ctx.now(),
                progress=progress.report,
                cancel=cancel_check(progress),
            )

        self.task = ctx.run_on_workspace(
            self, work, _("Verifying and importing packages…"), self._imported
        )

    def _imported(self, result: tuple[X25519Identity, tuple[PackageImport, ...]]) -> None:
        self.meeting_key = result[0]

    def move_agenda(self, step: int) -> None:
        row = self.agenda_list.currentRow()
        ids = list(self._agenda_ids)
        target = row + step
        if row < 0 or not 0 <= target < len(ids):
            return
        ids[row], ids[target] = ids[target], ids[row]
        try:
            sec_setup.set_hearing_order(self.ctx.ws, ids, actor=self.ctx.actor, now=self.ctx.now())
        except UserFacingError as exc:
            show_error(self, exc, self.ctx.dialogs)
        self.ctx.changes.changed.emit()
        self.agenda_list.setCurrentRow(target)

    def create_passphrase(self) -> None:
        ws = self.ctx.ws
        if ws.setup().sealed_meeting_key is not None and not self.ctx.dialogs.confirm(
            self,
            _("Meeting passphrase"),
            _("A meeting passphrase exists already. Replace it with a new one?"),
        ):
            return
        try:
            created = keys.create_meeting_key(ws, actor=self.ctx.actor, now=self.ctx.now())
        except UserFacingError as exc:
            show_error(self, exc, self.ctx.dialogs)
            return
        self.meeting_key = created.key
        self.ctx.changes.changed.emit()
        self.passphrase_dialog = PassphraseDialog(created.passphrase, self)
        self.passphrase_dialog.open()

    def choose_kit(self) -> None:
        out = self.ctx.dialogs.save_file(
            self, _("Save the meeting kit"), _("Meeting kit (*.oikit)"), "meeting.oikit"
        )
        if out is None:
            return
        ctx = self.ctx

        def work(ws: SecretaryStore, progress: Progress) -> object:
            progress.report(0, 1, _("Building and signing the kit…"))
            return issue_kit(ws, ctx.identity, out, actor=ctx.actor, now=ctx.now(), overwrite=True)

        self.task = ctx.run_on_workspace(self, work, _("Issuing the meeting kit…"), self._issued)

    def choose_trust_file(self) -> None:
        """A new trust file for the meeting (newer revocation lists): checked, then stored
        in one audited step; refused with the reason if it would weaken the meeting's trust."""
        path = self.ctx.dialogs.open_file(
            self, _("Choose the new trust file"), _("Trust files (*.pem);;All files (*)")
        )
        if path is None:
            return
        ctx = self.ctx

        def work(ws: SecretaryStore, progress: Progress) -> TrustUpdate:
            progress.report(0, 1, _("Checking the trust file…"))
            now = ctx.now()
            return update_trust(ws, load_trust_file(path, now), actor=ctx.actor, now=now)

        self.task = ctx.run_on_workspace(
            self, work, _("Updating the trust file…"), self._trust_updated
        )

    def _trust_updated(self, outcome: TrustUpdate) -> None:
        self.ctx.dialogs.information(self, _("Trust file"), str(outcome.message))

    def _issued(self, _kit: object) -> None:
        self.ctx.dialogs.information(
            self,
            _("Meeting kit"),
            _("The kit was issued. Setup is now frozen; give the kit file to every expert."),
        )

    # -- texts ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.roster_title.setText(_("Roster"))
        self.roster_view.setAccessibleName(_("Roster"))
        self.add_expert_button.setText(_("&Add expert from certificate…"))
        self.chair_button.setText(_("Make selected expert &chair"))
        self.packages_title.setText(_("Application packages"))
        self.packages_view.setAccessibleName(_("Application packages"))
        self.import_button.setText(_("&Import packages…"))
        self.agenda_title.setText(_("Hearing order"))
        self.agenda_list.setAccessibleName(_("Hearing order"))
        self.up_button.setText(_("Move &up"))
        self.down_button.setText(_("Move &down"))
        self.overlap_title.setText(_("Sub-domain overlaps"))
        self.overlap_list.setAccessibleName(_("Sub-domain overlaps"))
        self.passphrase_button.setText(_("Create meeting &passphrase"))
        self.kit_button.setText(_("Issue &kit…"))
        self.trust_button.setText(_("&Trust file…"))  # short: the page fits a small screen
        self.trust_button.setToolTip(
            _("Replace the meeting's trust file: newer revocation lists from the authority")
        )
        self.trust_button.setAccessibleName(_("Update the trust file"))
        self.roster_model.refresh()
        self.packages_model.refresh()
        if hasattr(self, "_agenda_ids"):
            self.reload()

    def _retranslate_state(self) -> None:
        setup = self.ctx.ws.setup()
        if setup.kit is not None:
            self.frozen_label.setText(
                _(
                    "The kit was issued on {date}; setup is frozen so that every expert "
                    "reviews the same meeting.",
                    date=setup.kit.issued_at.strftime("%Y-%m-%d %H:%M"),
                )
            )
        self.key_label.setText(
            _(
                "A meeting passphrase exists. Meeting key recipient for the issuing office: "
                "{recipient}",
                recipient=setup.meeting_key_recipient,
            )
            if setup.sealed_meeting_key is not None and setup.meeting_key_recipient
            else _("No meeting passphrase yet.")
        )


def _package_colour(record: PackageRecord) -> QColor:

    return QColor("#cdeccf") if record.status is PackageStatus.VERIFIED else QColor("#f6d7d2")
