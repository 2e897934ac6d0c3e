"""The values of the expert's window: its pages (:mod:`app.expert.flow` decides which are
open) and where an expert was in it (:mod:`app.expert.view_state` loads and saves that).
Values only, so ``storage`` can store them without importing a use case."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from dataclasses import dataclass

from app.domain.ids import ApplicationId
from app.i18n import N_


class Page(enum.IntEnum):
    """The expert window's pages, in the order of the meeting (Ctrl+1 .. Ctrl+7)."""

    CONFLICT = 0
    MATERIALS = 1
    HEARING = 2
    CRITERIA = 3
    SCORING = 4
    OPINION = 5
    REVIEW = 6

    @property
    def label(self) -> str:
        return _PAGE_LABELS[self]


_PAGE_LABELS = {
    Page.CONFLICT: N_("Conflict of interest"),
    Page.MATERIALS: N_("Materials"),
    Page.HEARING: N_("Hearing"),
    Page.CRITERIA: N_("Basic criteria"),
    Page.SCORING: N_("Scoring"),
    Page.OPINION: N_("Opinion"),
    Page.REVIEW: N_("Review and sign"),
}


class ClockPhase(enum.Enum):
    """The two parts of a hearing: the applicant's report, then questions and answers."""

    REPORT = "report"
    QA = "qa"


@dataclass(frozen=True)
class HearingClock:
    """The hearing clock as read at ``at`` (UTC wall time): ``elapsed_ms`` into ``phase``."""

    phase: ClockPhase
    elapsed_ms: int
    running: bool
    at: dt.datetime
    halted: bool = False
    """Set by :meth:`resumed` on a clock that was running and comes back paused (never
    stored): the window says so beside the clock."""

    def __post_init__(self) -> None:
        if self.elapsed_ms < 0:
            raise ValueError("elapsed time cannot be negative")

    def resumed(self, now: dt.datetime, allotted_ms: int) -> HearingClock:
        """The clock to show when the window reopens at ``now``.

        A paused clock comes back exactly as it was. A clock that was *running* when the
        program stopped comes back running, with the time the program was away added: the
        hearing in the room did not stop when the laptop did, and the meeting secretary
        expects every expert's clock to agree with the one projected in the room, so that
        "two minutes left" means the same for everybody. Adding nothing would leave the
        clock behind by the restart (a minute or two) for the rest of the hearing.

        Two exceptions come back *paused* at the elapsed time of the last save, so that the
        clock never counts time it cannot vouch for: the wall clock went backwards (``now``
        before the save), or the time away would take the phase past twice its allotted
        time — the reopening is after the hearing (the next morning, say), not during it.
        """
        if not self.running:
            return dataclasses.replace(self, at=now)
        away_ms = int((now - self.at).total_seconds() * 1000)
        elapsed = self.elapsed_ms + away_ms
        if away_ms < 0 or elapsed > 2 * allotted_ms:
            return HearingClock(self.phase, self.elapsed_ms, running=False, at=now, halted=True)
        return HearingClock(self.phase, elapsed, running=True, at=now)


@dataclass(frozen=True)
class OpenAttachment:
    """The attachment in the PDF viewer: its name in the package, page (from 0), zoom."""

    name: str
    page: int = 0
    zoom: float | None = None
    """A zoom factor (1.0 = 100 %); None: fit to width."""

    def __post_init__(self) -> None:
        if self.page < 0:
            raise ValueError("page numbers start at 0")
        if self.zoom is not None and not self.zoom > 0:
            raise ValueError("a zoom factor is positive")


@dataclass(frozen=True)
class ExpertViewState:
    """Where one expert was: the attachment and the clock belong to ``application_id``."""

    application_id: ApplicationId
    page: Page | None
    """None when the stored page is unknown to this program (the flow chooses one)."""
    attachment: OpenAttachment | None = None
    clock: HearingClock | None = None
