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
from collections.abc import Callable, Collection
from typing import Protocol

from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.domain.meeting import Meeting
from app.errors import UserFacingError
from app.expert.model import ClockPhase as ClockPhase  # the values live in app.expert.model
from app.expert.model import ExpertViewState as ExpertViewState
from app.expert.model import HearingClock as HearingClock
from app.expert.model import OpenAttachment as OpenAttachment

Clock = Callable[[], dt.datetime]


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
