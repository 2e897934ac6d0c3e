"""Under the meeting's header: what to do next, with the two ways on as buttons.

For the demo meeting it also says where the demo identity files are and their passphrases
(fixed, documented demo secrets); for a real meeting no passphrase is ever shown.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from app.domain.meeting import Meeting
from app.i18n import _


class NextSteps(QFrame):
    def __init__(
        self, sign_in: QAction | None, console: QAction, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("nextSteps")
        self.setStyleSheet(
            "QFrame#nextSteps { background: palette(alternate-base);"
            " border-bottom: 1px solid palette(mid); }"
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sign_in_button = QPushButton()
        self.sign_in_button.setVisible(sign_in is not None)
        if sign_in is not None:
            self.sign_in_button.clicked.connect(sign_in.trigger)
        self.console_button = QPushButton()
        self.console_button.clicked.connect(console.trigger)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.sign_in_button)
        layout.addWidget(self.console_button)
        self.meeting: Meeting | None = None
        self.demo_folder: Path | None = None

    def set_meeting(self, meeting: Meeting | None, demo_folder: Path | None) -> None:
        """``demo_folder``: where the demo material of a demo meeting is."""
        self.meeting, self.demo_folder = meeting, demo_folder
        self.retranslate()

    def retranslate(self) -> None:
        self.sign_in_button.setText(_("Sign in as expert…"))
        self.console_button.setText(_("Open secretary console…"))
        meeting = self.meeting
        if meeting is None:
            self.text.setText("")
            return
        text = _(
            "Next: sign in as an expert to score this meeting (your identity file and its "
            "passphrase), or open the secretary console if you run the meeting."
        )
        if meeting.is_demo and self.demo_folder is not None and meeting.experts:
            from app.demo.build import DEMO_EXPERT_PASSPHRASE, DEMO_SECRETARY_PASSPHRASE

            first, last = str(meeting.experts[0].id), str(meeting.experts[-1].id)
            text += "\n" + _(
                "Demo material only: the identity files are in {folder} (expert-{first}.p12 … "
                "expert-{last}.p12, secretary.p12). Passphrases: {example} for expert-{first}.p12 "
                "and likewise for the others, {secretary} for secretary.p12. Never use them "
                "for real work.",
                folder=str(self.demo_folder / "identities"),
                first=first,
                last=last,
                example=DEMO_EXPERT_PASSPHRASE.format(expert_id=first),
                secretary=DEMO_SECRETARY_PASSPHRASE,
            )
        self.text.setText(text)
