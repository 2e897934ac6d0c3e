"""The progress board: for one round, where every expert stands on every application.

A frozen grid value (rows = roster experts in roster order, columns = the round's
applications in hearing order), rebuilt from storage in a few bulk queries; the console
shows it and refreshes it after each import. sheet-v1 files carry only signed (submitted)
sheets, never drafts, so a pair is submitted, recused or still missing.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass

from app.domain.ids import ApplicationId, ExpertId
from app.domain.meeting import Application, Expert
from app.errors import NotFoundError
from app.i18n import N_, Msg
from app.secretary.errors import SetupIncompleteError
from app.secretary.rounds import round_info, round_meeting
from storage.secretary import SecretaryWorkspace


class CellState(enum.Enum):
    SUBMITTED = "submitted"
    RECUSED = "recused"
    MISSING = "missing"

    @property
    def label(self) -> str:
        return {
            CellState.SUBMITTED: N_("Submitted"),
            CellState.RECUSED: N_("Recused"),
            CellState.MISSING: N_("Missing"),
        }[self]


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


@dataclass(frozen=True)
class ProgressBoard:
    round: int
    experts: tuple[Expert, ...]
    applications: tuple[Application, ...]
    rows: tuple[tuple[BoardCell, ...], ...]
    """``rows[i][j]``: expert ``i``, application ``j``."""

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
        return all(c.state is not CellState.MISSING for row in self.rows for c in row)


def progress_board(ws: SecretaryWorkspace, round: int | None = None) -> ProgressBoard:
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
    for expert_id, application_id, version, status in ws.sheet_index(number):
        pair = (expert_id, application_id)
        counts[pair] += 1
        if status == "submitted":
            current[pair] = version
    recused = {(r.declaration.expert_id, r.declaration.application_id) for r in ws.recusals()}
    notes = ws.note_counts()
    apps = meeting.applications_in_order()
    rows = []
    for expert in meeting.experts:
        row = []
        for app in apps:
            pair = (expert.id, app.id)
            if pair in recused:
                state = CellState.RECUSED
            elif pair in current:
                state = CellState.SUBMITTED
            else:
                state = CellState.MISSING
            row.append(
                BoardCell(
                    expert.id,
                    app.id,
                    state,
                    current.get(pair),
                    counts.get(pair, 0),
                    notes.get(pair, 0),
                )
            )
        rows.append(tuple(row))
    return ProgressBoard(number, meeting.experts, apps, tuple(rows))
