"""File › Import meeting kit…: the kit, the trust it is checked against, the workspace folder.

The kit (``*.oikit``) is verified against the expert's *own* trust, never against the roots
inside the kit: either the certificate authority in their identity file (unlocked with its
passphrase, as sign-in does) or a trust file (``*.pem``) they pick. The import runs off the
GUI thread through the core use case :func:`app.expert.kit_import.import_kit`; a failed or
cancelled import removes again whatever it had created in the folder, so the folder is left
as it was (the core writes the workspace and each package atomically, so what is left to undo
is only whole files and the folders made for them).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from cryptography import x509
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.crypto.identity import load_identity, read_identity_file
from app.crypto.pki import TrustStoreError, load_trust_file
from app.crypto.profile import is_ca_certificate
from app.errors import StorageError
from app.expert.kit_import import PACKAGES_DIR, WORKSPACE_FILE, KitImport, import_kit
from app.i18n import Msg, _
from app.ports import ExpertStores
from app.workspaces import default_data_dir
from ui.common.dialogs import DialogService
from ui.common.errors import show_error
from ui.common.tasks import BackgroundTask, Progress
from ui.shell.folders import start_folder

Clock = Callable[[], dt.datetime]
_LAST_IDENTITY = "expert/last_identity_file"
"""Shared with the sign-in dialog: the identity file chosen last."""
_LAST_KIT_FOLDER = "expert/last_kit_folder"
"""Where the last workspace folder from a kit was made (the next one is suggested beside it)."""
_LAST_KIT_FILE = "expert/last_kit_file"
_DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- the import itself (runs on a worker) -------------------------------------------------


@dataclass(frozen=True)
class KitImportRequest:
    """What the expert chose: the kit, the folder, and either an identity or a trust file."""

    kit: Path
    folder: Path
    identity: bytes | None = field(default=None, repr=False)
    """The identity file's bytes, when its certificate authority is the trust."""
    passphrase: bytes = field(default=b"", repr=False)
    trust_file: Path | None = None


def identity_roots(p12: bytes, passphrase: bytes) -> list[x509.Certificate]:
    """The certificate authorities in the expert's own identity file (unlocked here)."""
    identity = load_identity(p12, passphrase)
    roots = [cert for cert in identity.chain if is_ca_certificate(cert)]
    if not roots:
        raise TrustStoreError(
            Msg.of("Your identity file holds no certificate authority to check the kit with."),
            Msg.of("Choose the trust file (PEM) you were given instead."),
        )
    return roots


def run_kit_import(
    stores: ExpertStores, request: KitImportRequest, now: dt.datetime, progress: Progress
) -> KitImport:
    """Resolve the trust, import the kit, and undo what was created if it fails or the
    expert cancels. The one call into the core from the window."""
    crls: Sequence[x509.CertificateRevocationList] = ()
    if request.identity is not None:
        roots = identity_roots(request.identity, request.passphrase)
    else:
        assert request.trust_file is not None
        trust = load_trust_file(request.trust_file, now)
        roots, crls = list(trust.roots), trust.crls
    progress.check_cancelled()
    before = _FolderState.of(request.folder)
    try:
        outcome = import_kit(stores, request.kit, request.folder, roots, now, crls=crls)
        progress.check_cancelled()
    except BaseException:
        before.restore()
        raise
    return outcome


@dataclass(frozen=True)
class _FolderState:
    """What the workspace folder held before an import, so a failed one can be undone."""

    folder: Path
    missing: tuple[Path, ...]
    """The folder and those of its parents that did not exist yet, deepest first."""
    entries: frozenset[Path]

    @classmethod
    def of(cls, folder: Path) -> _FolderState:
        missing = []
        for path in (folder, *folder.parents):
            if path.exists():
                break
            missing.append(path)
        packages = folder / PACKAGES_DIR
        entries = [entry for d in (folder, packages) if d.is_dir() for entry in d.iterdir()]
        return cls(folder, tuple(missing), frozenset(entries))

    def restore(self) -> None:
        """Remove the workspace files, packages and folders the import created."""
        packages = self.folder / PACKAGES_DIR
        if packages.is_dir():
            for path in packages.iterdir():
                if path not in self.entries and path.is_file():
                    _quietly(path.unlink)
            if packages not in self.entries:
                _quietly(packages.rmdir)
        for suffix in _DATABASE_SUFFIXES:
            path = self.folder / (WORKSPACE_FILE + suffix)
            if path not in self.entries:
                _quietly(partial(path.unlink, missing_ok=True))
        for path in self.missing:
            _quietly(path.rmdir)  # only if empty: nothing of anyone else's is touched


def _quietly(action: Callable[[], object]) -> None:
    with contextlib.suppress(OSError):
        action()


# -- the dialog ---------------------------------------------------------------------------


class KitImportDialog(QDialog):
    """Emits :attr:`imported` with the :class:`KitImport` once the workspace exists."""

    imported = Signal(object)

    def __init__(
        self,
        kit: Path | None,
        dialogs: DialogService,
        stores: ExpertStores,
        *,
        now: Clock | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kitImportDialog")
        self.dialogs = dialogs
        self.stores = stores
        self.now = now if now is not None else utc_now
        self.task: BackgroundTask[KitImport] | None = None
        self.outcome: KitImport | None = None
        self._folder_suggested = True

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.kit_edit, self.kit_button, kit_row = self._file_row(self.choose_kit)
        self.kit_edit.textEdited.connect(self._suggest_folder)

        self.use_identity = QRadioButton()
        self.use_trust_file = QRadioButton()
        self.trust_choice = QButtonGroup(self)
        self.trust_choice.addButton(self.use_identity)
        self.trust_choice.addButton(self.use_trust_file)
        self.use_identity.setChecked(True)
        self.use_identity.toggled.connect(self._trust_changed)
        self.identity_edit, self.identity_button, identity_row = self._file_row(
            self.choose_identity
        )
        self.identity_edit.setText(str(QSettings().value(_LAST_IDENTITY, "") or ""))
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.trust_edit, self.trust_button, trust_row = self._file_row(self.choose_trust_file)
        self.folder_edit, self.folder_button, folder_row = self._file_row(self.choose_folder)
        self.folder_edit.textEdited.connect(self._folder_typed)

        self.kit_label, self.identity_label = QLabel(), QLabel()
        self.passphrase_label, self.trust_label, self.folder_label = QLabel(), QLabel(), QLabel()
        self.trust_heading = QLabel()
        self.form = QFormLayout()
        for label, row, buddy in (
            (self.kit_label, kit_row, self.kit_edit),
            (self.trust_heading, self.use_identity, self.use_identity),
            (QLabel(), self.use_trust_file, self.use_trust_file),
            (self.identity_label, identity_row, self.identity_edit),
            (self.passphrase_label, self.passphrase_edit, self.passphrase_edit),
            (self.trust_label, trust_row, self.trust_edit),
            (self.folder_label, folder_row, self.folder_edit),
        ):
            label.setBuddy(buddy)
            self.form.addRow(label, row)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setObjectName("kitImportProblem")

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.clicked.connect(self.try_import)
        self.cancel_button.clicked.connect(self.reject)
        self.import_button.setDefault(True)  # Enter in any field imports

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)
        if kit is not None:
            self.kit_edit.setText(str(kit))
        self._suggest_folder()
        self._trust_changed()
        self.retranslate()
        self._first_empty_field().setFocus()

    def _file_row(self, browse: Callable[[], None]) -> tuple[QLineEdit, QPushButton, QHBoxLayout]:
        edit = QLineEdit()
        button = QPushButton()
        button.setAutoDefault(False)  # Enter never opens a file chooser
        button.clicked.connect(browse)
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(button)
        return edit, button, row

    def retranslate(self) -> None:
        self.setWindowTitle(_("Import meeting kit"))
        self.intro.setText(
            _(
                "The meeting kit is checked against your own certificate authority, never "
                "against anything inside the kit. A workspace for the meeting is then created "
                "in the folder you choose, and opened."
            )
        )
        self.kit_label.setText(_("Meeting &kit:"))
        self.trust_heading.setText(_("Check it with:"))
        self.use_identity.setText(_("my identity file's certificate &authority"))
        self.use_trust_file.setText(_("a trust fil&e (PEM)"))
        self.identity_label.setText(_("&Identity file:"))
        self.passphrase_label.setText(_("&Passphrase:"))
        self.trust_label.setText(_("T&rust file:"))
        self.folder_label.setText(_("Workspace &folder:"))
        self.import_button.setText(_("I&mport"))
        for button in (self.kit_button, self.identity_button, self.trust_button):
            button.setText(_("Browse…"))
        self.folder_button.setText(_("Browse…"))
        self.kit_edit.setPlaceholderText(_("The .oikit file from the secretary"))
        self.identity_edit.setPlaceholderText(_("Your .p12 identity file"))
        self.trust_edit.setPlaceholderText(_("A .pem file of trusted certificate authorities"))
        self.folder_edit.setPlaceholderText(_("The folder that will hold this meeting's workspace"))
        self.kit_edit.setAccessibleName(_("Meeting kit"))
        self.identity_edit.setAccessibleName(_("Identity file"))
        self.passphrase_edit.setAccessibleName(_("Passphrase"))
        self.trust_edit.setAccessibleName(_("Trust file"))
        self.folder_edit.setAccessibleName(_("Workspace folder"))
        self.kit_button.setAccessibleName(_("Choose the meeting kit"))
        self.identity_button.setAccessibleName(_("Choose your identity file"))
        self.trust_button.setAccessibleName(_("Choose the trust file"))
        self.folder_button.setAccessibleName(_("Choose the workspace folder"))
        self.import_button.setAccessibleName(_("Import"))

    # -- choosing -------------------------------------------------------------------------
    def choose_kit(self) -> None:
        chosen = choose_kit_file(self, self.dialogs)
        if chosen is not None:
            self.kit_edit.setText(str(chosen))
            self._suggest_folder()
            self._first_empty_field().setFocus()

    def choose_identity(self) -> None:
        chosen = self.dialogs.open_file(
            self,
            _("Choose your identity file"),
            _("Identity files (*.p12 *.pfx);;All files (*)"),
            start_folder(self.identity_edit.text().strip(), self.kit_edit.text().strip()),
        )
        if chosen:
            self.identity_edit.setText(str(chosen))
            self.passphrase_edit.setFocus()

    def choose_trust_file(self) -> None:
        chosen = self.dialogs.open_file(
            self,
            _("Choose the trust file"),
            _("Trust files (*.pem);;All files (*)"),
            start_folder(self.trust_edit.text().strip(), self.kit_edit.text().strip()),
        )
        if chosen:
            self.trust_edit.setText(str(chosen))
            self.folder_edit.setFocus()

    def choose_folder(self) -> None:
        current = self.folder_edit.text().strip()
        chosen = self.dialogs.open_directory(
            self,
            _("Choose the folder for the workspace"),
            start_folder(current, Path(current).parent if current else None, default_data_dir()),
        )
        if chosen:
            self.folder_edit.setText(str(chosen))
            self._folder_suggested = False
            self.import_button.setFocus()

    def _trust_changed(self, _checked: bool = False) -> None:
        identity = self.use_identity.isChecked()
        for widget in (self.identity_edit, self.identity_button, self.passphrase_edit):
            widget.setEnabled(identity)
        for widget in (self.trust_edit, self.trust_button):
            widget.setEnabled(not identity)

    def _folder_typed(self, _text: str) -> None:
        self._folder_suggested = False

    def _suggest_folder(self, _text: str = "") -> None:
        """A folder named after the kit in the program's data folder, until one is chosen."""
        kit = self.kit_edit.text().strip()
        if not self._folder_suggested or not kit:
            return
        base = QSettings().value(_LAST_KIT_FOLDER, "") or str(default_data_dir() / "meetings")
        self.folder_edit.setText(str(Path(str(base)) / Path(kit).stem))

    def _first_empty_field(self) -> QWidget:
        fields: list[QLineEdit] = [self.kit_edit]
        if self.use_identity.isChecked():
            fields += [self.identity_edit, self.passphrase_edit]
        else:
            fields.append(self.trust_edit)
        fields.append(self.folder_edit)
        return next((f for f in fields if not f.text().strip()), self.import_button)

    # -- importing ------------------------------------------------------------------------
    def try_import(self) -> None:
        """Check the fields here, verify and import on a worker."""
        if self.task is not None:
            return
        request = self._request()
        if request is None:
            return
        self.problem.clear()
        self.import_button.setEnabled(False)
        at = self.now()
        task = (
            BackgroundTask(
                self, lambda progress: run_kit_import(self.stores, request, at, progress)
            )
            .with_progress(_("Checking and importing the meeting kit…"))
            .success(self._imported)
            .failure(self._refused)
        )
        task.signals.cancelled.connect(self._cancelled, Qt.ConnectionType.QueuedConnection)
        self.task = task.run()

    def _request(self) -> KitImportRequest | None:
        """The request from the fields, or None after saying what is missing."""
        kit, folder = self.kit_edit.text().strip(), self.folder_edit.text().strip()
        passphrase = self.passphrase_edit.text().encode("utf-8")
        self.passphrase_edit.clear()
        if not kit:
            return self._missing(self.kit_edit, _("Choose the meeting kit (.oikit)."))
        if self.use_identity.isChecked():
            identity = self.identity_edit.text().strip()
            if not identity:
                return self._missing(self.identity_edit, _("Choose your identity file."))
            if not passphrase:
                return self._missing(
                    self.passphrase_edit, _("Type the passphrase of your identity file.")
                )
        elif not self.trust_edit.text().strip():
            return self._missing(self.trust_edit, _("Choose the trust file."))
        if not folder:
            return self._missing(self.folder_edit, _("Choose the folder for the workspace."))
        target = Path(folder).expanduser().resolve()
        if not self.use_identity.isChecked():
            trust = Path(self.trust_edit.text().strip()).expanduser()
            return KitImportRequest(Path(kit).expanduser(), target, trust_file=trust)
        try:
            data = read_identity_file(Path(identity).expanduser())
        except StorageError as exc:
            show_error(self, exc, self.dialogs)
            return None
        return KitImportRequest(Path(kit).expanduser(), target, data, passphrase)

    def _missing(self, edit: QLineEdit, text: str) -> KitImportRequest | None:
        """Say what is missing, put the cursor there; no request."""
        self.problem.setText(text)
        edit.setFocus()
        return None

    def _finish(self) -> None:
        self.task = None
        self.import_button.setEnabled(True)

    def _imported(self, outcome: KitImport) -> None:
        self._finish()
        self.outcome = outcome
        if self.use_identity.isChecked():
            QSettings().setValue(_LAST_IDENTITY, self.identity_edit.text().strip())
        QSettings().setValue(_LAST_KIT_FOLDER, str(outcome.path.parent.parent))
        self.imported.emit(outcome)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self._finish()
        (self.passphrase_edit if self.use_identity.isChecked() else self.kit_edit).setFocus()
        show_error(self, exc, self.dialogs)

    def _cancelled(self) -> None:
        self._finish()


def choose_kit_file(parent: QWidget | None, dialogs: DialogService) -> Path | None:
    chosen = dialogs.open_file(
        parent,
        _("Choose the meeting kit"),
        _("Meeting kits (*.oikit);;All files (*)"),
        start_folder(str(QSettings().value(_LAST_KIT_FILE, "") or "")),
    )
    if chosen is not None:
        QSettings().setValue(_LAST_KIT_FILE, str(chosen))
    return chosen


def import_kit_from(
    parent: QWidget,
    dialogs: DialogService,
    stores: ExpertStores,
    imported: Callable[[KitImport], object],
    *,
    now: Clock | None = None,
) -> KitImportDialog | None:
    """File › Import meeting kit…: choose the kit, then the trust and folder in the dialog.
    ``imported`` gets the outcome once the workspace exists (to open it)."""
    kit = choose_kit_file(parent, dialogs)
    if kit is None:
        return None
    dialog = KitImportDialog(kit, dialogs, stores, now=now, parent=parent)
    dialog.imported.connect(imported)
    dialog.open()
    return dialog
