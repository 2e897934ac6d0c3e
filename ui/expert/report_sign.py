"""The chair's File › "Sign the meeting report…": the secretary's *report to sign* file
(``docs/formats/report-to-sign-v2.md``) opened, checked, shown, signed and written back.

1. The chair chooses the ``.oireport``; off the GUI thread it is decrypted with the chair's
   identity (it is encrypted to the chair and the secretary) and verified against the CA
   of the chair's own identity (the kit's CA, never roots found in the file), the report is
   rendered again from its verified inputs and compared byte for byte.
2. :class:`ReportSignDialog` shows the report (the PDF viewer, from memory) with the
   meeting, round and results hash; the chair types their passphrase again.
3. The chair chooses where the signed file goes (by default over the file read); the
   identity is unlocked anew and :func:`app.secretary.publish.sign_report_to_sign` checks
   everything again, signs and writes the file atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography import x509
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.crypto.identity import load_identity, read_identity_file
from app.crypto.revocation import RevocationLists
from app.errors import ValidationError
from app.i18n import Msg, _, current_language
from app.secretary.publish import check_chair, check_regenerated, sign_report_to_sign
from app.secretary.publish_prepare import Exporters
from app.secretary.report_to_sign import EXTENSION, ReportToSign, read_report_to_sign
from ui.common.tasks import BackgroundTask
from ui.expert.context import PageContext
from ui.expert.pdf_viewer import PdfViewer

Clock = Callable[[], dt.datetime]


class ReportSignDialog(QDialog):
    """The verified report, and the passphrase that signs it."""

    def __init__(self, report: ReportToSign, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportSignDialog")
        self.report = report
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.viewer = PdfViewer()
        self.viewer.load_bytes(report.prepared_pdf)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_label = QLabel()
        self.passphrase_label.setBuddy(self.passphrase_edit)
        form = QFormLayout()
        form.addRow(self.passphrase_label, self.passphrase_edit)
        self.buttons = QDialogButtonBox()
        self.sign_button = self.buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.viewer, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.passphrase: bytes = b""
        self.resize(960, 680)
        self.finished.connect(self._forget)
        self.retranslate()
        self.passphrase_edit.setFocus()

    def retranslate(self) -> None:
        verified = self.report.verified
        lang = current_language()
        self.setWindowTitle(_("Sign the meeting report"))
        self.summary.setText(
            _(
                "{title} — round {round}, bundle version {version}. The report below was "
                "rendered again from the signed results and matches the secretary's byte for "
                "byte. Results SHA-256: {hash}",
                title=verified.meeting.title.get(lang),
                round=verified.manifest.round,
                version=verified.manifest.bundle_version,
                hash=self.report.results_hash,
            )
        )
        self.passphrase_label.setText(_("Your &passphrase:"))
        self.passphrase_edit.setAccessibleName(_("Passphrase"))
        self.sign_button.setText(_("&Sign and save…"))
        self.viewer.retranslate()

    def _accept(self) -> None:
        self.passphrase = self.passphrase_edit.text().encode("utf-8")
        self.passphrase_edit.clear()
        self.accept()

    def _forget(self) -> None:
        self.passphrase_edit.clear()
        self.viewer.close_document()


class ReportSigner:
    """File › "Sign the meeting report…" of the expert window."""

    def __init__(
        self,
        parent: QWidget,
        ctx: PageContext,
        exporters: Callable[[], Exporters] | None,
        now: Clock,
    ) -> None:
        self.parent = parent
        self.ctx = ctx
        self.exporters = exporters
        self.now = now
        self.dialog: ReportSignDialog | None = None
        self.task: BackgroundTask[Any] | None = None
        self.signed: Path | None = None
        """Where the last signed file went (for tests and the status bar)."""

    def blocked(self) -> str | None:
        """Why the chair cannot sign here (None: they can)."""
        if not self.ctx.desk.expert.is_chair:
            return _("Only the panel chair signs the meeting report.")
        if self.exporters is None:
            return _("This window was opened without the report exporters.")
        return None

    def _roots(self) -> list[x509.Certificate]:
        identity = self.ctx.session.identity
        return [c for c in identity.chain if c.issuer == c.subject]

    def _revocations(self, roots: list[x509.Certificate], at: dt.datetime) -> RevocationLists:
        """The lists the meeting kit carried that the chair's own CA signed (kit-v1 §4.1)."""
        kit = self.ctx.desk.kit
        return kit.revocations(roots, at) if kit is not None else RevocationLists()

    def run(self) -> None:
        reason = self.blocked()
        if reason is not None or self.exporters is None:
            self.ctx.dialogs.information(self.parent, _("Sign the meeting report"), reason or "")
            return
        path = self.ctx.dialogs.open_file(
            self.parent,
            _("Choose the report to sign"),
            _("Report to sign (*{ext})", ext=EXTENSION),
        )
        if path is None:
            return
        exporters_of = self.exporters
        roots = self._roots()
        identity = self.ctx.session.identity
        at = self.now()
        revocations = self._revocations(roots, at)
        source: Path = path

        def verify(_progress: object) -> ReportToSign:
            exporters = exporters_of()
            report = read_report_to_sign(source, identity, roots, at, revocations=revocations)
            check_chair(identity, report.verified.meeting, roots, at)
            check_regenerated(report.prepared_pdf, report.verified, report.settings, exporters)
            return report

        self.task = (
            BackgroundTask(self.parent, verify, dialogs=self.ctx.dialogs)
            .with_progress(_("Checking the report to sign…"))
            .success(lambda report: self._show(source, report))
            .run()
        )

    def _show(self, source: Path, report: ReportToSign) -> None:
        dialog = ReportSignDialog(report, self.parent)
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._sign(source, dialog.passphrase))
        dialog.open()

    def _sign(self, source: Path, passphrase: bytes) -> None:
        assert self.exporters is not None
        target = self.ctx.dialogs.save_file(
            self.parent,
            _("Save the signed report for the secretary"),
            _("Report to sign (*{ext})", ext=EXTENSION),
            str(source),
        )
        if target is None:
            return
        exporters_of, roots, at = self.exporters, self._roots(), self.now()
        revocations = self._revocations(roots, at)
        identity_path, fingerprint = self.ctx.identity_path, self.ctx.session.fingerprint
        out: Path = target

        def sign(_progress: object) -> Path:
            chair = load_identity(read_identity_file(identity_path), passphrase)
            if chair.fingerprint != fingerprint:
                raise ValidationError(
                    Msg.of("The identity file changed since you signed in."),
                    Msg.of("Sign in again with your own identity file."),
                )
            sign_report_to_sign(
                source, chair, roots, exporters_of(), at, out=out, revocations=revocations
            )
            return out

        self.task = (
            BackgroundTask(self.parent, sign, dialogs=self.ctx.dialogs)
            .with_progress(_("Signing the report…"))
            .success(self._signed)
            .run()
        )

    def _signed(self, path: Path) -> None:
        self.signed = path
        self.ctx.dialogs.information(
            self.parent,
            _("Report signed"),
            _(
                "Signed and saved {path}. Give it back to the secretary, who imports it in "
                "the console (Outputs › Import the chair-signed report…).",
                path=str(path),
            ),
        )
