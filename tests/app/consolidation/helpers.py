"""Meetings, sheets and recusals built in code for the consolidation tests.

The rubric is the shipped default (four factors, weight 25 out of 25 points each, steps of
0.5), so an expert's total is simply the sum of their four scores.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from functools import cache

from app.domain.ids import ApplicationId, ExpertId, FactorKey, MeetingId, SheetId
from app.domain.meeting import AgendaItem, Application, Expert, ExpertRole, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import (
    ConflictDeclaration,
    FactorScore,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from app.formats.rubric_file import load_default_rubric
from app.i18n import LocalizedText

MEETING = MeetingId("m-1")
FACTORS = ("concept_logic", "unit_capability", "plan_feasibility", "expected_results")
AT = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
R = Recommendation.RECOMMEND
C = Recommendation.RECOMMEND_WITH_CONDITIONS
N = Recommendation.DO_NOT_RECOMMEND


@cache
def rubric() -> Rubric:
    return load_default_rubric()


def text(en: str) -> LocalizedText:
    return LocalizedText(en=en, zh_CN=f"中文{en}")


def expert(expert_id: str, role: ExpertRole = ExpertRole.DOMAIN) -> Expert:
    return Expert(
        ExpertId(expert_id), text(f"Expert {expert_id}"), role, text("Unit"), text("Prof.")
    )


def meeting(
    experts: Sequence[Expert] | int,
    applications: int = 1,
    positions: Sequence[int] | None = None,
) -> Meeting:
    roster = (
        tuple(expert(f"e{i:02d}") for i in range(1, experts + 1))
        if isinstance(experts, int)
        else tuple(experts)
    )
    apps = tuple(app(i) for i in range(1, applications + 1))
    order = positions or list(range(1, applications + 1))
    return Meeting(
        id=MEETING,
        title=text("Meeting"),
        date=dt.date(2025, 3, 1),
        venue=text("Room"),
        rubric_id=rubric().id,
        experts=roster,
        applications=apps,
        agenda=tuple(AgendaItem(a.id, p, 20, 10) for a, p in zip(apps, order, strict=True)),
    )


def app(i: int) -> Application:
    return Application(
        id=ApplicationId(f"a{i}"),
        applicant_unit=text(f"Unit {i}"),
        platform_name=text(f"Platform {i}"),
        sub_domain=text("Sub-domain"),
        sub_domain_tags=(),
        form=(),
    )


def sheet(
    expert_id: str,
    application_id: str,
    scores: Sequence[Decimal | int | str] | Decimal | int | str,
    recommendation: Recommendation | None = R,
    *,
    version: int = 1,
    round_: int = 1,
    status: SheetStatus = SheetStatus.SUBMITTED,
) -> ScoreSheet:
    """A sheet; a single score is given to concept_logic and 20 to the other factors."""
    if isinstance(scores, Decimal | int | str):
        values = [Decimal(scores), *(Decimal(20),) * (len(FACTORS) - 1)]
    else:
        values = [Decimal(s) for s in scores]
    return ScoreSheet(
        id=SheetId(f"{expert_id}-{application_id}-{round_}-{version}"),
        meeting_id=MEETING,
        expert_id=ExpertId(expert_id),
        application_id=ApplicationId(application_id),
        round=round_,
        version=version,
        status=status,
        scores=tuple(FactorScore(FactorKey(k), v) for k, v in zip(FACTORS, values, strict=True)),
        criteria=(),
        opinion="ok",
        recommendation=recommendation,
        conditions="",
        updated_at=AT,
        submitted_at=AT if status is not SheetStatus.DRAFT else None,
    )


def recusal(
    expert_id: str, application_id: str, reason: str = "former employer"
) -> ConflictDeclaration:
    return ConflictDeclaration(
        MEETING, ExpertId(expert_id), ApplicationId(application_id), True, reason, AT
    )
