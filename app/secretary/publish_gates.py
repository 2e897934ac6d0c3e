"""The gates before publishing: what must hold, and where to fix what does not.

1. **Kit and roster**: the meeting kit is issued, and every collected sheet and recusal
   names that kit and was signed by the roster expert it is filed under.
2. **Sheets**: every roster expert × application of the round has a signed sheet of the
   round, a signed recusal, or an absence the secretary records at publish time.
3. **Opinions**: the chair has approved the panel opinion of every application of the
   round (the approval covers the exact text).

:func:`gate_problems` lists every failure (the console shows them as a checklist);
:func:`check_gates` raises :class:`PublishGateError` naming the first ones.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from app.crypto.profile import normalize_fingerprint
from app.errors import ValidationError
from app.i18n import Msg
from app.results import Absence, BundleInput, OpinionInput, missing_pairs
from app.secretary.outcome import MeetingOutcome
from app.sheets.documents import decode_document
from app.sheets.errors import SheetFileFormatError


class Gate(enum.Enum):
    KIT = "kit"
    SHEETS = "sheets"
    OPINIONS = "opinions"

    @property
    def label(self) -> Msg:
        return {
            Gate.KIT: Msg.of("The sheets were signed against the issued kit and roster"),
            Gate.SHEETS: Msg.of("Every expert × application has a sheet, a recusal or an absence"),
            Gate.OPINIONS: Msg.of("The chair approved every panel opinion"),
        }[self]


@dataclass(frozen=True)
class GateProblem:
    """One thing missing: what (``message``) and where to fix it (``where``)."""

    gate: Gate
    message: Msg
    where: Msg
    expert_id: str | None = None
    application_id: str | None = None


class PublishGateError(ValidationError):
    """Publishing refused before anything was written; ``problems`` lists every gap."""

    def __init__(self, problems: Sequence[GateProblem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        if len(self.problems) == 1:
            message = first.message
        else:
            message = Msg.of(
                "{first} (and {more} more problems)",
                first=first.message,
                more=len(self.problems) - 1,
            )
        super().__init__(message, first.where)


def bundle_input(
    outcome: MeetingOutcome, absences: Sequence[Absence] = (), bundle_version: int = 1
) -> BundleInput:
    """The bundle's inputs for ``outcome``: every signed sheet and recusal, the round's
    panel opinions with the chair's approvals, and ``absences``."""
    return BundleInput(
        meeting=outcome.meeting,
        rubric=outcome.rubric,
        rule=outcome.rule,
        kit_hash=outcome.kit_hash,
        round=outcome.round,
        sheets=tuple(s.signed for s in outcome.sheets),
        recusals=tuple(r.signed for r in outcome.recusals),
        absences=tuple(absences),
        opinions=tuple(
            OpinionInput(v.opinion, v.approval.signed if v.approval else None)
            for v in outcome.opinions
        ),
        bundle_version=bundle_version,
        is_demo=outcome.is_demo,
    )


def gate_problems(outcome: MeetingOutcome, absences: Sequence[Absence] = ()) -> list[GateProblem]:
    """Every gate failure of ``outcome``'s round (empty: ready to publish)."""
    problems = _kit_problems(outcome)
    if problems:
        return problems  # the other gates would judge documents of another meeting
    problems += _sheet_problems(outcome, absences)
    problems += _opinion_problems(outcome)
    return problems


def check_gates(outcome: MeetingOutcome, absences: Sequence[Absence] = ()) -> None:
    problems = gate_problems(outcome, absences)
    if problems:
        raise PublishGateError(problems)


def _kit_problems(outcome: MeetingOutcome) -> list[GateProblem]:
    where = Msg.of(
        "Collect the experts' sheet files again under Collect; each must be signed against "
        "the issued kit."
    )
    roster = {str(e.id): normalize_fingerprint(e.fingerprint) for e in outcome.meeting.experts}
    problems = []
    signed = [(s.signed, s.signer_fingerprint) for s in outcome.sheets]
    signed += [(r.signed, r.signer_fingerprint) for r in outcome.recusals]
    for document, signer in signed:
        try:
            context = decode_document(document.document).context
        except SheetFileFormatError:
            problems.append(
                GateProblem(Gate.KIT, Msg.of("A collected sheet cannot be read."), where)
            )
            continue
        if context.kit_hash != outcome.kit_hash or context.meeting_id != outcome.meeting.id:
            problems.append(
                GateProblem(
                    Gate.KIT,
                    Msg.of(
                        "A sheet of {expert} was signed against kit {found}, not the issued "
                        "kit {kit}.",
                        expert=context.expert_id,
                        found=context.kit_hash[:16],
                        kit=outcome.kit_hash[:16],
                    ),
                    where,
                    context.expert_id,
                )
            )
        elif roster.get(context.expert_id) != normalize_fingerprint(signer):
            problems.append(
                GateProblem(
                    Gate.KIT,
                    Msg.of(
                        "A sheet filed under {expert} was signed by {signer}, not by the "
                        "roster's {expert}.",
                        expert=context.expert_id,
                        signer=signer[:16],
                    ),
                    where,
                    context.expert_id,
                )
            )
    return problems


def _sheet_problems(outcome: MeetingOutcome, absences: Sequence[Absence]) -> list[GateProblem]:
    problems = []
    for gap in missing_pairs(bundle_input(outcome, absences)):
        if gap.contradiction:
            message = Msg.of(
                "An absence is recorded for {expert} × {application}, who handed in a sheet "
                "or a recusal.",
                expert=gap.expert_id,
                application=gap.application_id,
            )
            where = Msg.of("Remove that absence.")
        else:
            message = Msg.of(
                "Round {round} is still open: {expert} has no signed sheet, recusal or "
                "recorded absence for {application}.",
                round=outcome.round,
                expert=gap.expert_id,
                application=gap.application_id,
            )
            where = Msg.of(
                "Collect the expert's sheet file under Collect, or record the absence when "
                "publishing."
            )
        problems.append(GateProblem(Gate.SHEETS, message, where, gap.expert_id, gap.application_id))
    return problems


def _opinion_problems(outcome: MeetingOutcome) -> list[GateProblem]:
    written = {v.opinion.application_id for v in outcome.opinions}
    problems = []
    for application in outcome.unapproved:
        if application in written:
            message = Msg.of(
                "The chair has not approved the panel opinion of {application} (round "
                "{round}) as it stands.",
                application=application,
                round=outcome.round,
            )
        else:
            message = Msg.of(
                "There is no panel opinion for {application} (round {round}).",
                application=application,
                round=outcome.round,
            )
        problems.append(
            GateProblem(
                Gate.OPINIONS,
                message,
                Msg.of("Write the opinion on the Opinions page and have the chair approve it."),
                application_id=application,
            )
        )
    return problems
