"""The expert window's view state in a workspace (table ``expert_view_state``, migration 5).

:class:`WorkspaceViewStates` implements :class:`app.expert.view_state.ViewStateRepository`
on the workspace's one connection. What callers must know:

- A save is one ``workspace.transaction`` (so it never nests inside an edit's) holding one
  upsert and nothing else: no audit entry, because where somebody was reading is not a
  record of the meeting, and a PDF page turn must not grow the hash chain.
- When :meth:`save_view_state` returns, the row is committed (WAL, ``synchronous=FULL``).
- A row that no longer reads as a state (a damaged time, say) reads as no state at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.expert.model import ClockPhase, ExpertViewState, HearingClock, OpenAttachment, Page
from storage.workspace.core import Workspace
from storage.workspace.documents import time_from, time_text

_COLUMNS = (
    "application_id, page, attachment, attachment_page, attachment_zoom,"
    " clock_phase, clock_elapsed_ms, clock_running, clock_at"
)


class WorkspaceViewStates:
    """View states stored in ``workspace`` (which keeps owning the connection)."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def view_state(self, meeting_id: MeetingId, expert_id: ExpertId) -> ExpertViewState | None:
        ws = self._workspace
        with ws._reading():
            row = ws._db.execute(
                f"SELECT {_COLUMNS} FROM expert_view_state WHERE meeting_id = ? AND expert_id = ?",
                (meeting_id, expert_id),
            ).fetchone()
        if row is None:
            return None
        try:
            return _state_from(tuple(row))
        except (ValueError, TypeError):
            return None

    def save_view_state(
        self,
        meeting_id: MeetingId,
        expert_id: ExpertId,
        state: ExpertViewState,
        at: dt.datetime,
    ) -> None:
        ws = self._workspace
        attachment, clock = state.attachment, state.clock
        values = (
            meeting_id,
            expert_id,
            state.application_id,
            "" if state.page is None else state.page.name.lower(),
            None if attachment is None else attachment.name,
            0 if attachment is None else attachment.page,
            None if attachment is None else attachment.zoom,
            None if clock is None else clock.phase.value,
            None if clock is None else clock.elapsed_ms,
            None if clock is None else int(clock.running),
            None if clock is None else time_text(clock.at),
            time_text(at),
        )
        with ws.transaction(f"expert:{expert_id}", at):
            ws._db.execute(
                f"INSERT INTO expert_view_state (meeting_id, expert_id, {_COLUMNS}, saved_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (meeting_id, expert_id) DO UPDATE SET"
                " application_id = excluded.application_id, page = excluded.page,"
                " attachment = excluded.attachment, attachment_page = excluded.attachment_page,"
                " attachment_zoom = excluded.attachment_zoom, clock_phase = excluded.clock_phase,"
                " clock_elapsed_ms = excluded.clock_elapsed_ms,"
                " clock_running = excluded.clock_running, clock_at = excluded.clock_at,"
                " saved_at = excluded.saved_at",
                values,
            )


def _state_from(row: tuple[Any, ...]) -> ExpertViewState:
    app_id, page, name, attachment_page, zoom, phase, elapsed, running, clock_at = row
    pages = {p.name.lower(): p for p in Page}
    attachment = None
    if name is not None:
        attachment = OpenAttachment(
            str(name), int(attachment_page), None if zoom is None else float(zoom)
        )
    clock = None
    at = time_from(clock_at)
    if phase is not None and at is not None:
        clock = HearingClock(ClockPhase(phase), int(elapsed), bool(running), at)
    return ExpertViewState(
        application_id=ApplicationId(str(app_id)),
        page=pages.get(str(page)),
        attachment=attachment,
        clock=clock,
    )
