"""What the window shows with no meeting open: a calm invitation, not a blank grey area.

Three ways in, each one of the window's own actions: import the meeting kit the secretary
handed out, open a workspace imported before, or look around in the demo meeting.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from ui.common.fonts import heading_font


class EmptyState(QWidget):
    """Part of the first screen: it uses no ``Qt.`` enum (see :func:`_centred`) and
    overrides no event handler (the first event handed to Python makes PySide6 build
    ``QEvent`` and every one of its subclasses, ~8 ms of start-up; ``tests/ui/test_launch.py``
    checks the first screen leaves them unbuilt)."""

    def __init__(
        self,
        open_demo: QAction | None = None,
        *,
        import_kit: QAction | None = None,
        open_workspace: QAction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.heading = _centred(QLabel())
        heading_font(self.heading, delta=4)  # bold, 4 points larger; follows Ctrl++ / Ctrl+−
        self.text = _centred(QLabel())
        self.text.setWordWrap(True)
        self.import_kit_button = self._button(import_kit)
        self.open_workspace_button = self._button(open_workspace)
        self.open_demo_button = self._button(open_demo)
        self._open_demo = open_demo

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.setSpacing(14)
        layout.addStretch(2)
        layout.addWidget(self.heading)
        layout.addWidget(self.text)
        layout.addSpacing(10)
        for button in (self.import_kit_button, self.open_workspace_button, self.open_demo_button):
            row = QHBoxLayout()  # centred between two stretches, at its own width
            row.addStretch(1)
            row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        layout.addStretch(3)
        self.retranslate()

    @staticmethod
    def _button(action: QAction | None) -> QPushButton:
        button = QPushButton()
        button.setMinimumWidth(260)
        if action is not None:
            button.clicked.connect(action.trigger)
        else:
            # hidden only when it has nothing to do: setVisible(True) on a widget without a
            # parent yet would open it as a window of its own (~4 ms each at start-up)
            button.hide()
        return button

    def retranslate(self) -> None:
        self.heading.setText(_("No meeting is open"))
        self.text.setText(
            _(
                "Import the meeting kit (.oikit) the secretary gave you, open a workspace you "
                "imported before, or open the demo meeting to see the agenda, the expert "
                "roster and the rubric."
            )
        )
        for button, text in (
            (self.import_kit_button, _("Import meeting kit…")),
            (self.open_workspace_button, _("Open workspace…")),
            (self.open_demo_button, _("Open the demo meeting")),
        ):
            button.setText(text)
            button.setAccessibleName(text)


def _centred(label: QLabel) -> QLabel:
    """``label`` with its text centred, set through Qt's property system by the flag's name.

    Not ``setAlignment(Qt.AlignmentFlag.AlignCenter)``: the first use of the ``Qt``
    namespace makes PySide6 create every one of its enums at once (about 20 ms, the largest
    single cost of showing the window), and this screen is the only one shown at start-up.
    ``tests/ui/test_launch.py`` checks the first screen leaves the namespace unloaded.
    """
    label.setProperty("alignment", "AlignCenter")
    return label
