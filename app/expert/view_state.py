"""Where the expert was in the window, so that reopening after a crash lands there again.

The view state of one expert in one meeting is the application on screen, its page, the
attachment open in the PDF viewer (page and zoom) and the hearing clock. The window saves
it on every navigation, page turn and clock action (one transaction each, debounced where a
person does many in a row) and :class:`ExpertPlaces` reads it once, at sign-in.

It is keyed by (meeting, expert) and an :class:`ExpertPlaces` is bound to one expert, like
:class:`app.expert.desk.ExpertDesk`, so one expert's place never shows in another expert's
session on a shared machine. It is not part of the meeting's record (no audit entry): a
state that names an application or attachment which no longer exists, or a page this
program does not know, loses only that part, never the sign-in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Protocol

from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.domain.meeting import Meeting
from app.errors import UserFacingError
from app.expert.flow import Page

Clock = Callable[[], dt.datetime]


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


class ViewStateRepository(Protocol):
    """Storage of view states (``storage.workspace.view_state.WorkspaceViewStates``)."""

    def view_state(self, meeting_id: MeetingId, expert_id: ExpertId) -> ExpertViewState | None:
        """The stored state, or None; raises :class:`StorageError` only if unreadable."""
        ...

    def save_view_state(
        self,
        meeting_id: MeetingId,
        expert_id: ExpertId,
        state: ExpertViewState,
        at: dt.datetime,
    ) -> None:
        """Replace the state of (meeting, expert) in one committed transaction."""
        ...


AttachmentNames = Callable[[ApplicationId], Collection[str]]


class ExpertPlaces:
    """Load and save one expert's view state in one meeting."""

    def __init__(
        self,
        repo: ViewStateRepository,
        meeting: Meeting,
        expert_id: ExpertId,
        *,
        now: Clock,
    ) -> None:
        self.repo = repo
        self.meeting = meeting
        self.expert_id = expert_id
        self.now = now

    def save(self, state: ExpertViewState) -> None:
        """Store ``state`` in one committed transaction (:class:`StorageError` if not)."""
        self.repo.save_view_state(self.meeting.id, self.expert_id, state, self.now())

    def load(self, attachment_names: AttachmentNames) -> ExpertViewState | None:
        """The stored state, ready to show: None if there is none or its application is no
        longer in the meeting; an attachment ``attachment_names`` does not list is dropped;
        a running clock is resumed by :meth:`HearingClock.resumed`."""
        state = self.repo.view_state(self.meeting.id, self.expert_id)
        if state is None:
            return None
        if state.application_id not in {a.id for a in self.meeting.applications}:
            return None
        attachment = state.attachment
        if attachment is not None and attachment.name not in _names(
            attachment_names, state.application_id
        ):
            attachment = None
        clock = state.clock
        if clock is not None:
            clock = clock.resumed(self.now(), self.allotted_ms(state.application_id, clock.phase))
        return dataclasses.replace(state, attachment=attachment, clock=clock)

    def allotted_ms(self, application_id: ApplicationId, phase: ClockPhase) -> int:
        """The agenda's time for ``phase`` of the hearing of ``application_id``."""
        for item in self.meeting.agenda:
            if item.application_id == application_id:
                minutes = item.report_minutes if phase is ClockPhase.REPORT else item.qa_minutes
                return minutes * 60_000
        return 0


def _names(attachment_names: AttachmentNames, application_id: ApplicationId) -> Collection[str]:
    """The application's attachments; none when its package cannot be read any more."""
    try:
        return attachment_names(application_id)
    except UserFacingError:
        return ()
