"""What every page of the expert window shares: the desk (use cases bound to the signed-in
expert), the save status, the dialogs, and a way to tell the window that state changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from app.domain.meeting import Application
from app.domain.rules import Violation, ViolationCode
from app.expert.desk import ExpertDesk
from app.expert.flow import FlowState
from app.expert.materials import MaterialsSource
from app.expert.session import ExpertSession
from app.formats.text import visible
from ui.common.dialogs import DialogService
from ui.common.fonts import heading_font
from ui.expert.autosave import SaveStatus


@dataclass
class PageContext:
    desk: ExpertDesk
    status: SaveStatus
    dialogs: DialogService
    materials: MaterialsSource
    state_changed: Callable[[], None]
    """Call after an edit that changes what is allowed (declaration, submission)."""
    jump: Callable[[Violation], None]
    """Go to the page and field a violation names."""
    session: ExpertSession
    identity_path: Path
    """The identity file the expert unlocked with; signing unlocks it again."""
    workspace: Path


class ExpertPage(QWidget):
    """A page of the expert window for the current application."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.application: Application | None = None
        self.state: FlowState | None = None

    def show_application(self, application: Application, state: FlowState) -> None:
        self.application = application
        self.state = state
        self.refresh()

    def refresh(self) -> None:
        """Redraw from :attr:`state` (and the desk)."""

    def retranslate(self) -> None:
        """Set every text in the current language."""

    def focus_field(self, field: str, code: ViolationCode | None = None) -> bool:
        """Put the keyboard focus on ``field`` if this page owns it."""
        return False

    def focus_first(self) -> None:
        """Put the keyboard focus on the page's first control (in Tab order): what the
        expert lands on after Ctrl+1…7 or a step of the flow, never the agenda filter."""
        control = first_control(self)
        (control or self).setFocus(Qt.FocusReason.TabFocusReason)


def first_control(page: QWidget) -> QWidget | None:
    """The first widget inside ``page`` that Tab would reach and that takes input: not a
    label, not the frame of a scroll area."""
    widget = page.nextInFocusChain()
    while widget is not None and widget is not page:
        if (
            page.isAncestorOf(widget)
            and widget.isEnabled()
            and widget.isVisibleTo(page)
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and not isinstance(widget, QLabel | QScrollArea)
        ):
            return widget
        widget = widget.nextInFocusChain()
    return None


def plain_label(text: str = "", *, wrap: bool = True, selectable: bool = False) -> QLabel:
    """A label that shows applicant or user text as text, never as markup, with controls
    and bidi formatting as visible escapes (:func:`app.formats.text.visible`)."""
    from PySide6.QtCore import Qt

    label = QLabel(visible(text))
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
    return label


def heading(text: str = "", size_delta: int = 3) -> QLabel:
    label = plain_label(text)
    heading_font(label, delta=size_delta)  # follows Ctrl++ / Ctrl+−
    return label
