"""The conflict-of-interest declaration, made before an application's materials open.

"No conflict" clears the expert for the application; "Conflict" needs a reason and recuses
them: the materials stay closed and no sheet can exist (the use case enforces it; this page
shows it). A declared conflict cannot be withdrawn here, only by the secretary.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.rules import ViolationCode
from app.formats.text import visible
from app.i18n import _, current_language
from ui.common.busy import BusyState
from ui.expert.context import ExpertPage, PageContext, heading, plain_label

RECUSED_STYLE = "QFrame#recusedBanner { background: #eeeeee; border-left: 6px solid #6b6b6b; }"
CLEARED_STYLE = "QFrame#recusedBanner { background: #e8f3ea; border-left: 6px solid #1e6b34; }"


class ConflictPage(ExpertPage):
    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = heading()
        self.application_label = plain_label()
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.no_conflict = QRadioButton()
        self.conflict = QRadioButton()
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.no_conflict)
        self.choice.addButton(self.conflict)
        self.reason_label = QLabel()
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(110)
        self.reason_label.setBuddy(self.reason)
        self.confirm = QPushButton()
        self.confirm.clicked.connect(self.declare)
        self.conflict.toggled.connect(self._update_inputs)
        self.no_conflict.toggled.connect(self._update_inputs)

        self.banner = QFrame()
        self.banner.setObjectName("recusedBanner")
        self.banner_text = plain_label()
        banner_layout = QVBoxLayout(self.banner)
        banner_layout.setContentsMargins(16, 12, 16, 12)
        banner_layout.addWidget(self.banner_text)

        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm)
        buttons.addStretch(1)
        self.form = QWidget()
        form = QVBoxLayout(self.form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addWidget(self.no_conflict)
        form.addWidget(self.conflict)
        form.addWidget(self.reason_label)
        form.addWidget(self.reason)
        form.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.title)
        layout.addWidget(self.application_label)
        layout.addWidget(self.explain)
        layout.addWidget(self.banner)
        layout.addWidget(self.form)
        self.busy_line = QLabel()
        self.busy_line.setObjectName("conflictBusy")
        self.busy_line.setWordWrap(True)
        layout.addWidget(self.busy_line)
        layout.addStretch(1)
        self.busy = BusyState(self.busy_line, (self.form,))
        """The choice, the reason and the confirm button are disabled while a declaration
        is recorded."""
        self.setMaximumWidth(900)
        self.retranslate()

    def refresh(self) -> None:
        state = self.state
        app = self.application
        if state is None or app is None:
            return
        lang = current_language()
        self.application_label.setText(
            visible(f"{app.platform_name.get(lang)} — {app.applicant_unit.get(lang)}")
        )
        declared = state.declaration
        self.form.setVisible(declared is None)
        self.banner.setVisible(declared is not None)
        if declared is None:
            self.choice.setExclusive(False)
            self.no_conflict.setChecked(False)
            self.conflict.setChecked(False)
            self.choice.setExclusive(True)
            self.reason.clear()
        elif declared.has_conflict:
            self.banner.setStyleSheet(RECUSED_STYLE)
            self.banner_text.setText(
                _(
                    "You declared a conflict of interest and are recused from this "
                    "application. Its materials stay closed and no score sheet can be made.\n"
                    "Reason: {reason}\nIf the declaration is wrong, ask the meeting secretary.",
                    reason=declared.reason,
                )
            )
        else:
            self.banner.setStyleSheet(CLEARED_STYLE)
            self.banner_text.setText(
                _(
                    "You declared no conflict of interest with this application at {time}.",
                    time=declared.declared_at.astimezone().strftime("%H:%M"),
                )
            )
        self._update_inputs()

    def _update_inputs(self) -> None:
        self.reason.setEnabled(self.conflict.isChecked())
        self.reason_label.setEnabled(self.conflict.isChecked())
        self.confirm.setEnabled(self.no_conflict.isChecked() or self.conflict.isChecked())

    def declare(self) -> None:
        app = self.application
        if app is None or not (self.no_conflict.isChecked() or self.conflict.isChecked()):
            return
        has_conflict = self.conflict.isChecked()
        if has_conflict and not self.ctx.dialogs.confirm(
            self,
            _("Declare a conflict of interest"),
            _(
                "You will be recused from this application: its materials stay closed and "
                "you cannot score it. Only the meeting secretary can undo this. Continue?"
            ),
        ):
            return
        reason = self.reason.toPlainText()
        # Recording the declaration and opening the materials (the package is decrypted and
        # its signature checked) run on the GUI thread, which owns the database.
        with self.busy.blocking(_("Recording your declaration and opening the materials…")):
            done = self.ctx.status.run(lambda: self.ctx.desk.declare(app.id, has_conflict, reason))
            if done is not None:
                self.ctx.state_changed()

    def retranslate(self) -> None:
        self.title.setText(_("Conflict of interest"))
        self.explain.setText(
            _(
                "Before the materials open, declare whether you have a conflict of interest "
                "with this application (for example a current or former employment, a joint "
                "project, or a family relation with the applicant)."
            )
        )
        self.no_conflict.setText(_("&No conflict of interest"))
        self.conflict.setText(_("I have a &conflict of interest (I recuse myself)"))
        self.reason_label.setText(_("&Reason (required for a conflict):"))
        self.confirm.setText(_("Confirm &declaration"))
        self.no_conflict.setAccessibleName(_("No conflict of interest"))
        self.conflict.setAccessibleName(_("Conflict of interest"))
        self.reason.setAccessibleName(_("Reason for the conflict"))
        self.confirm.setAccessibleName(_("Confirm declaration"))
        self.refresh()

    def focus_field(self, field: str, code: ViolationCode | None = None) -> bool:
        if field == "conflict":
            self.no_conflict.setFocus()
            return True
        return False
