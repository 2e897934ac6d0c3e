"""Scoring rounds, consolidation of a round, and the version history of a pair.

Round 1 scores every application. When experts disagree beyond the rule's limits, the
secretary opens a later round for chosen applications; the experts hand in new sheets with
that round number (earlier versions are kept). Consolidating a round uses, for each pair,
the highest submitted version *of that round* and the rule stored with the meeting; a later
round is consolidated over its own applications only, and an earlier round can still be
consolidated (read-only) to see its figures as they were.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from app.consolidation import MeetingResult, consolidate
from app.domain.ids import ApplicationId
from app.domain.meeting import Meeting
from app.errors import NotFoundError, ValidationError
from app.i18n import Msg
from app.secretary.errors import SetupIncompleteError
from app.secretary.model import RoundInfo, StoredSheet
from app.secretary.ports import SecretaryReader, SecretaryStore


def rounds(ws: SecretaryReader) -> tuple[RoundInfo, ...]:
    return ws.rounds()


def round_info(ws: SecretaryReader, number: int) -> RoundInfo:
    for info in ws.rounds():
        if info.number == number:
            return info
    raise NotFoundError(
        Msg.of("Round {round} has not been opened.", round=number),
        Msg.of("Choose a round that exists."),
    )


def open_round(
    ws: SecretaryStore,
    application_ids: Sequence[str],
    *,
    actor: str,
    now: dt.datetime,
    reason: str = "",
) -> RoundInfo:
    """Open the next round for ``application_ids`` (usually the flagged ones). From now on
    sheet files are accepted for the new round only."""
    setup = ws.setup()
    if setup.kit is None:
        raise SetupIncompleteError(
            Msg.of("Scoring has not started: the meeting kit has not been issued."),
            Msg.of("Issue the meeting kit first."),
        )
    meeting = ws.meeting(setup.header.meeting_id)
    known = {a.id for a in meeting.applications}
    chosen = tuple(dict.fromkeys(ApplicationId(a) for a in application_ids))
    unknown = [a for a in chosen if a not in known]
    if not chosen or unknown:
        raise ValidationError(
            Msg.of(
                "A new round needs applications of this meeting ({id} is not one).",
                id=(unknown or [ApplicationId("—")])[0],
            ),
            Msg.of("Choose the applications to score again, e.g. the flagged ones."),
        )
    info = RoundInfo(setup.current_round + 1, now, chosen, reason.strip())
    with ws.transaction(actor, now):
        ws.add_round(info)
        ws.save_setup(dataclasses.replace(setup, current_round=info.number), "round.current")
    return info


def round_meeting(meeting: Meeting, info: RoundInfo) -> Meeting:
    """The meeting restricted to the round's applications (hearing positions kept)."""
    if info.applications is None:
        return meeting
    keep = set(info.applications)
    return dataclasses.replace(
        meeting,
        applications=tuple(a for a in meeting.applications if a.id in keep),
        agenda=tuple(i for i in meeting.agenda if i.application_id in keep),
    )


def consolidate_round(ws: SecretaryReader, round: int | None = None) -> MeetingResult:
    """Consolidate ``round`` (default: the current one) with the stored rule.

    An earlier round gives the figures it had: its own sheets (the versions in force within
    it; later rounds add versions, never overwrite) and the recusals declared up to it, under
    the rule stored now (the rule has no history: one changed since applies to the earlier
    round too). Draft reports never count."""
    setup = ws.setup()
    if setup.kit is None:
        raise SetupIncompleteError(
            Msg.of("There is nothing to consolidate before the meeting kit is issued."),
            Msg.of("Issue the meeting kit and collect the sheets first."),
        )
    number = setup.current_round if round is None else round
    info = round_info(ws, number)
    meeting = round_meeting(ws.meeting(setup.header.meeting_id), info)
    sheets = [s.sheet for s in ws.signed_sheets(round=number, current_only=True)]
    in_round = {a.id for a in meeting.applications}
    recusals = [
        r.declaration
        for r in ws.recusals()
        if r.declaration.application_id in in_round and r.round <= number
    ]
    return consolidate(meeting, setup.rubric, sheets, recusals, setup.rule, number)


def flagged_applications(result: MeetingResult) -> tuple[ApplicationId, ...]:
    """Applications with at least one figure whose spread exceeds the rule's limit."""
    return tuple(a.application_id for a in result.applications if a.flags)


def flag_reason(result: MeetingResult, application_ids: Sequence[str]) -> Msg:
    """Why a round is opened for ``application_ids``: their flagged figures (factor keys or
    ``total``), e.g. "Flagged for disagreement: a02 (total, f1)". Names no expert and no
    score: it travels in the round notice, which is not encrypted."""
    parts = []
    flagged = False
    for app_id in application_ids:
        try:
            flags = result.application(ApplicationId(app_id)).flags
        except KeyError:
            flags = ()
        flagged = flagged or bool(flags)
        subjects = ", ".join(f.subject for f in flags)
        parts.append(f"{app_id} ({subjects})" if subjects else app_id)
    if not flagged:
        return Msg.of(
            "Scored again at the secretary's request: {applications}",
            applications=", ".join(parts),
        )
    return Msg.of("Flagged for disagreement: {flags}", flags="; ".join(parts))


def sheet_history(
    ws: SecretaryReader, expert_id: str, application_id: str
) -> tuple[StoredSheet, ...]:
    """Every collected version of one expert's sheet for one application, by round and
    version (superseded ones included)."""
    return ws.signed_sheets(expert_id=expert_id, application_id=application_id)
