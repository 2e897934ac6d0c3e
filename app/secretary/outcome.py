"""``meeting_outcome``: everything the result bundle and the PDF report are built from.

One frozen value per round: the meeting and rubric as issued, the rule, the kit hash, the
round and its applications, the consolidated result, **every** signed sheet version of the
meeting (superseded ones and other rounds included, each with its exact signed bytes and
signer fingerprint, so the ministry can recompute), every signed recusal, the panel opinions
with the chair's approvals, and the report settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.consolidation import ConsolidationRule, MeetingResult
from app.domain.ids import ApplicationId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.i18n import Msg
from app.secretary.errors import SetupIncompleteError
from app.secretary.model import PanelOpinionView, RoundInfo, StoredRecusal, StoredSheet
from app.secretary.opinions import panel_opinions
from app.secretary.ports import SecretaryReader
from app.secretary.rounds import consolidate_round, round_info


@dataclass(frozen=True)
class MeetingOutcome:
    meeting: Meeting
    rubric: Rubric
    rule: ConsolidationRule
    kit_hash: str
    round: int
    round_info: RoundInfo
    result: MeetingResult
    sheets: tuple[StoredSheet, ...]
    """Every collected version, all rounds, by (expert, application, round, version)."""
    recusals: tuple[StoredRecusal, ...]
    opinions: tuple[PanelOpinionView, ...]
    """The panel opinions of this round (approved or not: see ``.approved``)."""
    anonymise_experts: bool
    is_demo: bool
    secretary_certificate_pem: str
    trust_roots_pem: str

    @property
    def round_applications(self) -> tuple[ApplicationId, ...]:
        """The applications consolidated in this round (all of them in round 1)."""
        return tuple(a.application_id for a in self.result.applications)

    @property
    def unapproved(self) -> tuple[ApplicationId, ...]:
        """Applications of the round whose opinion is missing or not approved by the chair."""
        approved = {v.opinion.application_id for v in self.opinions if v.approved}
        return tuple(a for a in self.round_applications if a not in approved)


def meeting_outcome(ws: SecretaryReader, round: int | None = None) -> MeetingOutcome:
    setup = ws.setup()
    if setup.kit is None:
        raise SetupIncompleteError(
            Msg.of("There is no outcome before the meeting kit is issued."),
            Msg.of("Issue the meeting kit and collect the sheets first."),
        )
    number = setup.current_round if round is None else round
    return MeetingOutcome(
        meeting=ws.meeting(setup.header.meeting_id),
        rubric=setup.rubric,
        rule=setup.rule,
        kit_hash=setup.kit.kit_hash,
        round=number,
        round_info=round_info(ws, number),
        result=consolidate_round(ws, number),
        sheets=ws.signed_sheets(),
        recusals=ws.recusals(),
        opinions=tuple(v for v in panel_opinions(ws) if v.opinion.round == number),
        anonymise_experts=setup.anonymise_experts,
        is_demo=setup.header.is_demo,
        secretary_certificate_pem=setup.secretary_certificate_pem,
        trust_roots_pem=setup.trust_roots_pem,
    )
