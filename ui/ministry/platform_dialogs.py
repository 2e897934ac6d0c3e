"""The dialogs that change the approved-platform list: add an entry (every field, checked by
:func:`app.ministry.platforms.platform_draft`), remove one, import a list file; each needs a
reason, which the store records with the change in its audit trail."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserFacingError
from app.i18n import LocalizedText, _, current_language
from app.ministry.model import ApprovedPlatformEntry, PlatformDraft
from app.ministry.platforms import or_dash, platform_draft


def _reason_edit() -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(64)
    return edit


def _problem_label() -> QLabel:
    label = QLabel()
    label.setObjectName("problem")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet("color: #b00020")
    return label


class AddPlatformDialog(QDialog):
    """Every field of an approved platform, in English and Chinese, and the reason."""

    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("addPlatformDialog")
        self.result_draft: PlatformDraft | None = None
        self.name_en, self.name_zh = QLineEdit(), QLineEdit()
        self.unit_en, self.unit_zh = QLineEdit(), QLineEdit()
        self.sub_en, self.sub_zh = QLineEdit(), QLineEdit()
        self.tags = QLineEdit()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(min(max(year, 2000), 2100))
        self.reference = QLineEdit()
        self.reason = _reason_edit()
        self.problem = _problem_label()
        self.labels = [QLabel() for _i in range(7)]
        self.en_caption, self.zh_caption = QLabel(), QLabel()
        grid = QGridLayout()
        grid.addWidget(self.en_caption, 0, 1)
        grid.addWidget(self.zh_caption, 0, 2)
        for row, (label, en, zh) in enumerate(
            (
                (self.labels[0], self.name_en, self.name_zh),
                (self.labels[1], self.unit_en, self.unit_zh),
                (self.labels[2], self.sub_en, self.sub_zh),
            ),
            start=1,
        ):
            label.setBuddy(en)
            grid.addWidget(label, row, 0)
            grid.addWidget(en, row, 1)
            grid.addWidget(zh, row, 2)
        form = QFormLayout()
        for label, field in (
            (self.labels[3], self.tags),
            (self.labels[4], self.year),
            (self.labels[5], self.reference),
            (self.labels[6], self.reason),
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(720, self.sizeHint().height())
        self.retranslate()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def draft(self) -> PlatformDraft:
        """The fields as a checked draft (raises a user-facing error naming the bad field)."""
        tags = tuple(t.strip().lower() for t in self.tags.text().split(",") if t.strip())
        return platform_draft(
            LocalizedText(self.name_en.text().strip(), self.name_zh.text().strip()),
            LocalizedText(self.unit_en.text().strip(), self.unit_zh.text().strip()),
            LocalizedText(self.sub_en.text().strip(), self.sub_zh.text().strip()),
            tags,
            self.year.value(),
            self.reference.text(),
        )

    @property
    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def accept(self) -> None:
        try:
            draft = self.draft()
        except UserFacingError as exc:
            self.problem.setText(exc.message)
            return
        if not self.reason_text:
            self.problem.setText(_("Say why the platform is added: the reason is required."))
            self.reason.setFocus()
            return
        self.result_draft = draft
        super().accept()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Add an approved platform"))
        self.en_caption.setText(_("English"))
        self.zh_caption.setText(_("Chinese"))
        for label, text in zip(
            self.labels,
            (
                _("&Platform name:"),
                _("&Entrusted unit:"),
                _("&Sub-domain:"),
                _("&Tags (comma-separated):"),
                _("&Year approved:"),
                _("Re&ference:"),
                _("&Reason (required):"),
            ),
            strict=True,
        ):
            label.setText(text)


class _ReasonDialog(QDialog):
    """What a change does, in a sentence, and the reason it needs (required): the common
    shape of removing an entry and importing a list."""

    def __init__(self, name: str, width: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.what = QLabel()
        self.what.setWordWrap(True)
        self.what.setTextFormat(Qt.TextFormat.PlainText)
        self.reason = _reason_edit()
        self.reason_label = QLabel()
        self.reason_label.setBuddy(self.reason)
        self.problem = _problem_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.what)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(width, self.sizeHint().height())

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    @property
    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def _reason_missing(self) -> str:
        raise NotImplementedError

    def accept(self) -> None:
        if not self.reason_text:
            self.problem.setText(self._reason_missing())
            self.reason.setFocus()
            return
        super().accept()

    def retranslate(self) -> None:
        self.reason_label.setText(_("&Reason (required):"))


class RemovePlatformDialog(_ReasonDialog):
    """Which entry is removed, and why."""

    def __init__(self, entry: ApprovedPlatformEntry, parent: QWidget | None = None) -> None:
        self.entry = entry
        super().__init__("removePlatformDialog", 520, parent)
        self.retranslate()

    def _reason_missing(self) -> str:
        return _("Say why the platform is removed: the reason is required.")

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Remove an approved platform"))
        p = self.entry.platform
        language = current_language()
        self.what.setText(
            _(
                "Remove {platform} ({unit}, {year}) from the approved-platform list? The entry "
                "stays in the history, marked removed.",
                platform=p.platform_name.get(language),
                unit=or_dash(p.entrusted_unit).get(language),
                year=p.approved_year,
            )
        )


class ImportPlatformsDialog(_ReasonDialog):
    """Which list file is imported, and why (the reason of every entry it adds)."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        self.path = path
        super().__init__("importPlatformsDialog", 560, parent)
        self.retranslate()

    def _reason_missing(self) -> str:
        return _("Say why the list is imported: the reason is required.")

    def retranslate(self) -> None:
        super().retranslate()
        self.setWindowTitle(_("Import an approved-platform list"))
        self.what.setText(
            _(
                "Add every platform of {path} that the approved-platform list does not hold "
                "yet (matched by its id)? The file gives no entrusted unit or sub-domain name; "
                "they stay empty.",
                path=str(self.path),
            )
        )
