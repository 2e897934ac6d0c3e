"""Put one expert on the roster from a certificate file: show who the certificate names and
its fingerprint (to compare with the paper sign-in sheet), choose the role and the chair."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)

from app.domain.meeting import ExpertRole
from app.i18n import _
from app.secretary.setup import CertificateInfo


def grouped(fingerprint: str) -> str:
    """A fingerprint in blocks of four, easier to compare aloud."""
    if "-" in fingerprint:
        return fingerprint  # already in the printed form of the sign-in sheet
    clean = fingerprint.replace(":", "").replace(" ", "").upper()
    return " ".join(clean[i : i + 4] for i in range(0, len(clean), 4))


class AddExpertDialog(QDialog):
    def __init__(self, info: CertificateInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addExpertDialog")
        self.info = info
        self.name = QLabel(info.common_name)
        self.organisation = QLabel(info.organisation)
        self.fingerprint = QLabel(grouped(info.fingerprint))
        self.fingerprint.setWordWrap(True)
        self.role = QComboBox()
        for role in ExpertRole:
            self.role.addItem("", role)
        self.chair = QCheckBox()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout(self)
        self.labels = [QLabel() for _i in range(5)]
        for label, field in zip(
            self.labels,
            (self.name, self.organisation, self.fingerprint, self.role, self.chair),
            strict=True,
        ):
            label.setBuddy(field)
            self.form.addRow(label, field)
        self.form.addRow(self.buttons)
        self.retranslate()

    @property
    def chosen_role(self) -> ExpertRole:
        role = self.role.currentData()
        return role if isinstance(role, ExpertRole) else ExpertRole.DOMAIN

    def retranslate(self) -> None:
        self.setWindowTitle(_("Add expert from certificate"))
        for i, role in enumerate(ExpertRole):
            self.role.setItemText(i, _(role.label))
        texts = (_("Name:"), _("Organisation:"), _("Fingerprint:"), _("&Role:"), _("C&hair:"))
        for label, text in zip(self.labels, texts, strict=True):
            label.setText(text)
        self.role.setAccessibleName(_("Role"))
        self.chair.setAccessibleName(_("Chair"))
        self.chair.setText(_("This expert chairs the panel"))
