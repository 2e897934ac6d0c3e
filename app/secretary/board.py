"""The progress board: for one round, where every expert stands on every application.

A frozen grid value (rows = roster experts in roster order, columns = the round's
applications in hearing order), rebuilt from storage in a few bulk queries; the console
shows it and refreshes it after each import. A pair is submitted (a signed sheet of the
round), recused, *draft reported* (the expert's latest sheet file says they hold an
unsubmitted draft; the board knows only when it was last edited, never its content), or
still missing.

Any opened round can be shown, not only the current one: a past round's board is what that
round's sheets, recusals and draft reports say (recusals declared in a later round are left
out). Each cell also carries the pair's version history up to the board's round.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from dataclasses import dataclass

from app.domain.ids import ApplicationId, ExpertId
from app.domain.meeting import Application, Expert
from app.domain.sheet import SheetStatus
from app.errors import NotFoundError
from app.i18n import N_, Msg
from app.secretary.errors import SetupIncompleteError
from app.secretary.ports import SecretaryReader
from app.secretary.rounds import round_info, round_meeting


class CellState(enum.Enum):
    SUBMITTED = "submitted"
    RECUSED = "recused"
    DRAFT_REPORTED = "draft_reported"
    """Not submitted, but the expert's latest file reported a draft (no scores travel)."""
    MISSING = "missing"

    @property
    def label(self) -> str:
        return {
            CellState.SUBMITTED: N_("Submitted"),
            CellState.RECUSED: N_("Recused"),
            CellState.DRAFT_REPORTED: N_("Draft reported"),
            CellState.MISSING: N_("Missing"),
        }[self]

    @property
    def done(self) -> bool:
        """The pair needs nothing more from the expert in this round."""
        return self in (CellState.SUBMITTED, CellState.RECUSED)


@dataclass(frozen=True)
class VersionEntry:
    """One collected version of a pair's sheet: which round, which version, its state."""

    round: int
    version: int
    status: SheetStatus
    """Submitted (in force) or superseded."""
    submitted_at: dt.datetime | None


@dataclass(frozen=True)
class BoardCell:
    expert_id: ExpertId
    application_id: ApplicationId
    state: CellState
    version: int | None
    """The version in force (highest submitted of the round)."""
    versions: int
    """How many versions of the round were collected (superseded included)."""
    notes: int
    """Hearing notes the expert handed in for the application."""
    draft_updated_at: dt.datetime | None = None
    """For a reported draft: when the expert last edited it."""
    draft_reported_at: dt.datetime | None = None
    """For a reported draft: when the file that reported it was written."""
    history: tuple[VersionEntry, ...] = ()
    """Every collected version of the pair up to the board's round, by round and version."""


@dataclass(frozen=True)
class ProgressBoard:
    round: int
    experts: tuple[Expert, ...]
    applications: tuple[Application, ...]
    rows: tuple[tuple[BoardCell, ...], ...]
    """``rows[i][j]``: expert ``i``, application ``j``."""
    current_round: int | None = None
    """The round the meeting is in; a board of an earlier round is history (read-only)."""

    @property
    def is_current(self) -> bool:
        return self.current_round is None or self.round == self.current_round

    def cell(self, expert_id: str, application_id: str) -> BoardCell:
        for row in self.rows:
            for c in row:
                if c.expert_id == expert_id and c.application_id == application_id:
                    return c
        raise NotFoundError(
            Msg.of("No such expert and application on the board."),
            Msg.of("Choose a cell of the board."),
        )

    def counts(self) -> dict[CellState, int]:
        counted = Counter(c.state for row in self.rows for c in row)
        return {state: counted.get(state, 0) for state in CellState}

    @property
    def complete(self) -> bool:
        """Every pair submitted or recused (a reported draft still lacks its sheet)."""
        return all(c.state.done for row in self.rows for c in row)


def progress_board(ws: SecretaryReader, round: int | None = None) -> ProgressBoard:
    """The board of ``round`` (default: the current one), as that round's records say."""
    setup = ws.setup()
    if setup.kit is None:
        raise SetupIncompleteError(
            Msg.of("There is no board before the meeting kit is issued."),
            Msg.of("Issue the meeting kit first."),
        )
    number = setup.current_round if round is None else round
    meeting = round_meeting(ws.meeting(setup.header.meeting_id), round_info(ws, number))
    current: dict[tuple[str, str], int] = {}
    counts: Counter[tuple[str, str]] = Counter()
    history: dict[tuple[str, str], list[VersionEntry]] = {}
    for expert_id, application_id, round_, version, status, submitted in ws.version_index(number):
        pair = (expert_id, application_id)
        history.setdefault(pair, []).append(
            VersionEntry(round_, version, SheetStatus(status), submitted)
        )
        if round_ != number:
            continue
        counts[pair] += 1
        if status == "submitted":
            current[pair] = version
    recused = {
        (r.declaration.expert_id, r.declaration.application_id)
        for r in ws.recusals()
        if r.round <= number
    }
    drafts = {(d.expert_id, d.application_id): d for d in ws.draft_reports(round=number)}
    notes = ws.note_counts()
    apps = meeting.applications_in_order()
    rows = []
    for expert in meeting.experts:
        row = []
        for app in apps:
            pair = (expert.id, app.id)
            draft = drafts.get(pair)
            if pair in recused:
                state = CellState.RECUSED
            elif pair in current:
                state = CellState.SUBMITTED
            elif draft is not None:
                state = CellState.DRAFT_REPORTED
            else:
                state = CellState.MISSING
            shown = draft if state is CellState.DRAFT_REPORTED else None
            row.append(
                BoardCell(
                    expert.id,
                    app.id,
                    state,
                    current.get(pair),
                    counts.get(pair, 0),
                    notes.get(pair, 0),
                    draft_updated_at=None if shown is None else shown.updated_at,
                    draft_reported_at=None if shown is None else shown.file_created_at,
                    history=tuple(history.get(pair, ())),
                )
            )
        rows.append(tuple(row))
    return ProgressBoard(number, meeting.experts, apps, tuple(rows), setup.current_round)
