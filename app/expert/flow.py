"""Where an expert may go for one application: a UI-free state machine (no Qt here).

The expert window asks this module which pages of an application are open, what status the
agenda shows and whether the sheet can still be edited, so those rules are tested without a
display (in the manner of Electrum's wizard) and the widgets only follow the answers.

The order mirrors the meeting: declare conflicts first (nothing else opens before that), a
declared conflict recuses the expert (only the declaration stays visible), otherwise the
materials, hearing, basic criteria, scoring, opinion and review pages open; a submitted sheet
turns every editing page read-only until a new version is started.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.domain.sheet import ConflictDeclaration, ScoreSheet, SheetStatus
from app.expert.model import Page as Page  # the value lives in app.expert.model
from app.i18n import N_


class ApplicationStatus(enum.Enum):
    """What the agenda shows for one application, for this expert only."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RECUSED = "recused"

    @property
    def label(self) -> str:
        return {
            ApplicationStatus.NOT_STARTED: N_("Not started"),
            ApplicationStatus.IN_PROGRESS: N_("In progress"),
            ApplicationStatus.SUBMITTED: N_("Submitted"),
            ApplicationStatus.RECUSED: N_("Recused"),
        }[self]


@dataclass(frozen=True)
class FlowState:
    """What is recorded for one (expert, application): the declaration and the latest sheet
    of the round the application is scored in (``round``: 1, or a later round the secretary
    reopened it for)."""

    declaration: ConflictDeclaration | None
    sheet: ScoreSheet | None
    round: int = 1

    @property
    def declared(self) -> bool:
        return self.declaration is not None

    @property
    def recused(self) -> bool:
        return self.declaration is not None and self.declaration.has_conflict

    @property
    def submitted(self) -> bool:
        return self.sheet is not None and self.sheet.status is not SheetStatus.DRAFT

    @property
    def status(self) -> ApplicationStatus:
        if self.recused:
            return ApplicationStatus.RECUSED
        if self.submitted:
            return ApplicationStatus.SUBMITTED
        if self.declared:
            return ApplicationStatus.IN_PROGRESS
        return ApplicationStatus.NOT_STARTED

    @property
    def editable(self) -> bool:
        """True while edits to the sheet are accepted (cleared, and no frozen latest version)."""
        return self.declared and not self.recused and not self.submitted

    def allowed(self, page: Page) -> bool:
        """Materials and everything after them open only once "no conflict" was declared."""
        if page is Page.CONFLICT:
            return True
        return self.declared and not self.recused

    def allowed_pages(self) -> tuple[Page, ...]:
        return tuple(p for p in Page if self.allowed(p))

    def landing(self, remembered: Page | None = None) -> Page:
        """The page to show on opening the application: the remembered one if still open,
        else the first useful one (the declaration, or the materials once cleared)."""
        if remembered is not None and self.allowed(remembered):
            return remembered
        if not self.declared or self.recused:
            return Page.CONFLICT
        return Page.REVIEW if self.submitted else Page.MATERIALS

    def next_page(self, page: Page) -> Page | None:
        later = [p for p in self.allowed_pages() if p > page]
        return later[0] if later else None
