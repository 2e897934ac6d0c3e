"""Import result bundles: choose files or a folder (several bundles at once), the trust
roots and, for encrypted bundles, the ministry identity; each bundle is then verified stage
by stage and imported off the GUI thread, with progress and Cancel.

Every bundle gets its checklist in the tree: each stage of bundle v1 section 7 passed,
refused with its reason, or not reached, then what the database did (imported, already
imported, or refused: nothing changed). The trust roots and the unlocked identity are
remembered in the desk's context until the window closes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.crypto.identity import Identity, load_identity, read_identity_file
from app.crypto.pki import load_trust_file
from app.errors import UserFacingError
from app.i18n import _, ngettext
from app.ministry.desk import BundleCheck, bundle_files, check_and_import
from app.results import EXTENSION, StageOutcome
from ui.common.errors import show_error
from ui.common.geometry import place_window, save_geometry
from ui.common.table_model import add_list_line
from ui.common.tasks import BackgroundTask, Progress
from ui.ministry.context import DeskContext

WINDOW_KEY = "ministry_import"
_STATE_ROLE = Qt.ItemDataRole.UserRole + 1


class _Relay(QObject):
    """Made on the GUI thread: each checked bundle arrives there (queued) as it is done."""

    checked = Signal(object)


def stage_state(stage: StageOutcome, documents_checked: bool) -> str:
    """A stage's line in the checklist: OK, refused, not checked or not reached."""
    if stage.passed is True:
        return _("OK")
    if stage.passed is False:
        return _("Refused")
    if stage.stage.is_document and not documents_checked:
        return _("Not checked")
    return _("Not reached")


class ImportDialog(QDialog):
    """File › Import bundles…: the chosen bundles and, once checked, their checklists."""

    finished_batch = Signal()
    """A batch ended (all checked, cancelled or failed); the checklist is complete."""

    def __init__(self, ctx: DeskContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ministryImportDialog")
        self.ctx = ctx
        self.files: list[Path] = []
        self.checks: list[BundleCheck] = []
        self.task: BackgroundTask[Identity | None] | None = None
        self._ran = False
        """A batch ended: the status line says how, until the choice changes."""
        self._relay = _Relay(self)
        self._relay.checked.connect(self._checked)

        self.roots_caption = QLabel()
        self.roots_path = self._path_label()
        self.choose_roots = QPushButton()
        self.choose_roots.clicked.connect(self.pick_trust_roots)
        self.identity_caption = QLabel()
        self.identity_path = self._path_label()
        self.choose_identity = QPushButton()
        self.choose_identity.clicked.connect(self.pick_identity)
        self.forget_identity = QPushButton()
        self.forget_identity.clicked.connect(self.clear_identity)
        settings = QGridLayout()
        settings.addWidget(self.roots_caption, 0, 0)
        settings.addWidget(self.roots_path, 0, 1)
        settings.addWidget(self.choose_roots, 0, 2)
        settings.addWidget(self.identity_caption, 1, 0)
        settings.addWidget(self.identity_path, 1, 1)
        settings.addWidget(self.choose_identity, 1, 2)
        settings.addWidget(self.forget_identity, 1, 3)
        settings.setColumnStretch(1, 1)

        self.bundles_label = QLabel()
        self.bundle_list = QListWidget()
        self.bundle_list.setMaximumHeight(110)
        self.bundles_label.setBuddy(self.bundle_list)
        self.add_files = QPushButton()
        self.add_files.clicked.connect(self.pick_files)
        self.add_folder = QPushButton()
        self.add_folder.clicked.connect(self.pick_folder)
        self.remove = QPushButton()
        self.remove.clicked.connect(self.remove_selected)
        picks = QVBoxLayout()
        for button in (self.add_files, self.add_folder, self.remove):
            picks.addWidget(button)
        picks.addStretch(1)
        chosen = QHBoxLayout()
        chosen.addWidget(self.bundle_list, 1)
        chosen.addLayout(picks)

        self.import_button = QPushButton()
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self.start)
        self.cancel_button = QPushButton()
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        run = QHBoxLayout()
        run.addWidget(self.import_button)
        run.addWidget(self.cancel_button)
        run.addWidget(self.progress, 1)
        run.addStretch(0)  # keeps the buttons their size while the bar is hidden

        self.checklist_label = QLabel()
        self.checklist = QTreeWidget()
        self.checklist.setColumnCount(2)
        self.checklist.setUniformRowHeights(False)
        self.checklist.setWordWrap(True)
        self.checklist.setAlternatingRowColors(True)
        self.checklist.setColumnWidth(0, 360)
        self.checklist_label.setBuddy(self.checklist)
        self.checklist.currentItemChanged.connect(self._line_chosen)
        self.line = QLabel()
        self.line.setObjectName("ministryChecklistLine")
        self.line.setTextFormat(Qt.TextFormat.PlainText)
        self.line.setWordWrap(True)
        self.line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(settings)
        layout.addWidget(self.bundles_label)
        layout.addLayout(chosen)
        layout.addLayout(run)
        layout.addWidget(self.status)
        layout.addWidget(self.checklist_label)
        layout.addWidget(self.checklist, 1)
        layout.addWidget(self.line)
        layout.addLayout(bottom)
        place_window(self, WINDOW_KEY, QSize(960, 640))
        self.retranslate()
        self._update_state()

    @staticmethod
    def _path_label() -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setMinimumWidth(200)
        return label

    # --- choosing ------------------------------------------------------------------------

    def pick_trust_roots(self) -> None:
        path = self.ctx.dialogs.open_file(
            self, _("Choose the trust roots"), _("Certificates (*.pem *.crt)")
        )
        if path is not None:
            self.ctx.trust_roots = path
            self._update_state()

    def pick_identity(self) -> None:
        path = self.ctx.dialogs.open_file(
            self, _("Choose the ministry's identity file"), _("Identity files (*.p12 *.pfx)")
        )
        if path is not None:
            self.ctx.identity_file, self.ctx.identity = path, None
            self._update_state()

    def clear_identity(self) -> None:
        self.ctx.identity_file, self.ctx.identity = None, None
        self._update_state()

    def pick_files(self) -> None:
        chosen = self.ctx.dialogs.open_files(
            self,
            _("Choose result bundles"),
            _("Result bundles (*{extension})", extension=EXTENSION),
        )
        self.add_bundles(chosen)

    def pick_folder(self) -> None:
        folder = self.ctx.dialogs.open_directory(self, _("Choose a folder of result bundles"))
        if folder is not None:
            self.add_bundles([folder])

    def add_bundles(self, chosen: list[Path]) -> None:
        """Add the bundles among ``chosen`` (files, or the bundles in a folder)."""
        if not chosen:
            return
        try:
            found = bundle_files(chosen)
        except UserFacingError as exc:
            show_error(self, exc, self.ctx.dialogs)
            return
        for path in found:
            if path not in self.files:
                self.files.append(path)
                add_list_line(self.bundle_list, str(path))
        self._ran = False
        self._update_state()

    def remove_selected(self) -> None:
        row = self.bundle_list.currentRow()
        if 0 <= row < len(self.files):
            del self.files[row]
            self.bundle_list.takeItem(row)
        self._ran = False
        self._update_state()

    # --- running -------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self.task is not None

    def start(self) -> None:
        """Check and import every chosen bundle, one after the other, off the GUI thread."""
        roots_path = self.ctx.trust_roots
        if self.busy or not self.files or roots_path is None:
            return
        identity = self.ctx.identity
        p12 = self.ctx.identity_file
        secret: bytes | None = None
        if p12 is not None and identity is None:
            secret = self.ctx.dialogs.passphrase(
                self,
                _("Unlock the ministry's identity"),
                _("Passphrase of {file}:", file=p12.name),
            )
            if secret is None:
                return
        files = list(self.files)
        ctx = self.ctx
        relay = self._relay
        documents_factory = ctx.documents
        now = ctx.now()

        def work(progress: Progress) -> Identity | None:
            trust = load_trust_file(roots_path, now)
            unlocked = identity
            if p12 is not None and unlocked is None:
                assert secret is not None
                unlocked = load_identity(read_identity_file(p12), secret)
            documents = None if documents_factory is None else documents_factory()
            total = len(files)
            for done, source in enumerate(files):
                progress.check_cancelled()
                progress.report(
                    done,
                    total,
                    _(
                        "Checking {name} ({number} of {total})…",
                        name=source.name,
                        number=done + 1,
                        total=total,
                    ),
                )
                relay.checked.emit(
                    check_and_import(
                        ctx.store,
                        ctx.journal,
                        source,
                        trust.roots,
                        now,
                        documents=documents,
                        ministry_identity=unlocked,
                        verifier=ctx.verifier,
                        crls=trust.crls,
                    )
                )
            progress.report(total, total, _("Done."))
            return unlocked

        self.checks = []
        self.checklist.clear()
        self.line.clear()
        self.summary.clear()
        self.progress.setRange(0, len(files))
        self.progress.setValue(0)
        self.status.setText(
            ngettext(
                "Checking {count} bundle…",
                "Checking {count} bundles…",
                len(files),
                count=len(files),
            )
        )
        task = BackgroundTask(self, work, dialogs=ctx.dialogs)
        task.on_progress(self._progressed).success(self._done).failure(self._failed)
        task.signals.cancelled.connect(self._cancelled)
        self.task = task
        self._update_state()
        task.run(ctx.pool)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status.setText(_("Cancelling after the bundle being checked…"))
            self.cancel_button.setEnabled(False)

    def _progressed(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        if text:
            self.status.setText(text)

    def _checked(self, check: BundleCheck) -> None:
        self.checks.append(check)
        self._add_checklist(check)
        self.progress.setValue(len(self.checks))

    def _done(self, identity: Identity | None) -> None:
        if identity is not None:
            self.ctx.identity = identity  # remembered for the session
        self._end(_("Every chosen bundle was checked."))

    def _failed(self, exc: BaseException) -> None:
        self._end(_("The import stopped."))
        show_error(self, exc, self.ctx.dialogs)

    def _cancelled(self) -> None:
        left = len(self.files) - len(self.checks)
        self._end(
            ngettext(
                "Cancelled: {count} bundle was not checked; nothing was changed for it.",
                "Cancelled: {count} bundles were not checked; nothing was changed for them.",
                left,
                count=left,
            )
        )

    def _end(self, text: str) -> None:
        self.task = None
        self._ran = True
        self.status.setText(text)
        self._summarise()
        self._show_first_refusal()
        self._update_state()
        if any(c.imported for c in self.checks):
            self.ctx.changes.changed.emit()
        self.finished_batch.emit()

    # --- the checklist -------------------------------------------------------------------

    def _add_checklist(self, check: BundleCheck) -> None:
        top = QTreeWidgetItem(self.checklist)
        top.setData(0, _STATE_ROLE, "imported" if check.outcome is not None else "refused")
        top.setText(0, check.source.name)
        top.setText(1, self._verdict(check))
        top.setToolTip(0, str(check.source))
        top.setToolTip(1, str(check.message))
        for stage in check.stages:
            line = QTreeWidgetItem(top)
            line.setText(0, str(stage.stage.label))
            state = stage_state(stage, check.documents_checked)
            text = state if stage.reason is None else f"{state}: {stage.reason}"
            if stage.passed is False:
                line.setData(0, _STATE_ROLE, "refused")
            line.setText(1, text)
            line.setToolTip(1, text)
        database = QTreeWidgetItem(top)
        database.setText(0, _("Ministry database"))
        result = str(check.message)
        if check.outcome is None and check.refusal is not None and check.refusal.recommendation:
            result = f"{result} {check.refusal.recommendation}"
        database.setText(1, result)
        database.setToolTip(1, result)
        top.setExpanded(check.outcome is None)  # a refusal opens to show its reason
        self.checklist.resizeColumnToContents(0)

    def _line_chosen(self, item: QTreeWidgetItem | None, _previous: object = None) -> None:
        """The chosen line in full under the tree (its columns cut long reasons)."""
        if item is None:
            self.line.clear()
            return
        parent = item.parent()
        where = item.text(0) if parent is None else f"{parent.text(0)} › {item.text(0)}"
        self.line.setText(f"{where}: {item.toolTip(1) or item.text(1)}")

    def _show_first_refusal(self) -> None:
        """Make the first refused stage (or database line) the current line."""
        for i in range(self.checklist.topLevelItemCount()):
            top = self.checklist.topLevelItem(i)
            if top is None or top.data(0, _STATE_ROLE) != "refused":
                continue
            for j in range(top.childCount()):
                line = top.child(j)
                if line is None:
                    continue
                if line.data(0, _STATE_ROLE) == "refused" or j == top.childCount() - 1:
                    self.checklist.setCurrentItem(line)
                    self.checklist.scrollToItem(line)
                    return

    @staticmethod
    def _verdict(check: BundleCheck) -> str:
        if check.outcome is None:
            return _("Refused: {reason}", reason=str(check.message))
        return str(check.message)

    def _summarise(self) -> None:
        imported = sum(1 for c in self.checks if c.imported)
        refused = sum(1 for c in self.checks if c.outcome is None)
        unchanged = len(self.checks) - imported - refused
        self.summary.setText(
            _(
                "{imported} imported, {unchanged} already imported, {refused} refused.",
                imported=imported,
                unchanged=unchanged,
                refused=refused,
            )
        )

    # --- state and text ------------------------------------------------------------------

    def _update_state(self) -> None:
        busy = self.busy
        roots = self.ctx.trust_roots
        self.roots_path.setText(str(roots) if roots is not None else _("not chosen"))
        self.roots_path.setToolTip(self.roots_path.text())
        identity = self.ctx.identity_file
        if identity is None:
            self.identity_path.setText(_("none (only for bundles sealed to the ministry)"))
        elif self.ctx.identity is not None:
            self.identity_path.setText(_("{path} (unlocked)", path=str(identity)))
        else:
            self.identity_path.setText(str(identity))
        self.identity_path.setToolTip(self.identity_path.text())
        for widget in (self.choose_roots, self.choose_identity, self.add_files, self.add_folder):
            widget.setEnabled(not busy)
        self.forget_identity.setEnabled(not busy and identity is not None)
        self.remove.setEnabled(not busy and bool(self.files))
        ready = not busy and bool(self.files) and roots is not None
        self.import_button.setEnabled(ready)
        self.cancel_button.setEnabled(busy)
        self.progress.setVisible(busy or bool(self.checks))
        if not busy and not self._ran:
            if roots is None:
                self.status.setText(_("Choose the trust roots first."))
            elif not self.files:
                self.status.setText(_("Add the bundles to import: files, or a folder of them."))
            else:
                count = len(self.files)
                self.status.setText(
                    ngettext(
                        "{count} bundle chosen; ready to check and import.",
                        "{count} bundles chosen; ready to check and import.",
                        count,
                        count=count,
                    )
                )

    def retranslate(self) -> None:
        self.setWindowTitle(_("Import result bundles — Ministry desk"))
        self.roots_caption.setText(_("Trust roots:"))
        self.choose_roots.setText(_("Choose &trust roots…"))
        self.identity_caption.setText(_("Ministry identity:"))
        self.choose_identity.setText(_("Choose &identity…"))
        self.forget_identity.setText(_("For&get identity"))
        self.bundles_label.setText(_("&Bundles to import:"))
        self.add_files.setText(_("Add &files…"))
        self.add_folder.setText(_("Add f&older…"))
        self.remove.setText(_("&Remove"))
        self.import_button.setText(_("Check and i&mport"))
        self.cancel_button.setText(_("&Cancel"))
        self.checklist_label.setText(_("C&hecklist of each bundle:"))
        self.checklist.setHeaderLabels([_("Bundle and stage"), _("Result")])
        self.close_button.setText(_("C&lose"))
        self._update_state()
        if self.checks:
            self._summarise()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task is not None:
            self.task.cancel()  # the bundle being checked finishes; the rest are not started
        save_geometry(self, WINDOW_KEY)
        super().closeEvent(event)
