"""Report inputs for the export tests: the bilingual demo meeting with deterministic scores.

The demo ships no sheets, so each expert's scores are derived from a seeded generator; one
expert is recused from one application, one panel opinion carries a minority view, and one
application gets a large spread so a dispersion flag appears.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random
from decimal import Decimal

from app.consolidation import ConsolidationRule, DispersionLimits, consolidate
from app.demo.meeting import load_demo
from app.domain.ids import ApplicationId, ExpertId, FactorKey, NoteId, SheetId
from app.domain.meeting import AgendaItem, Application, Expert, ExpertRole, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import (
    ConflictDeclaration,
    FactorScore,
    HearingNote,
    NoteKind,
    PanelOpinion,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from app.i18n import LocalizedText
from export.report_model import ReportInput

AT = dt.datetime(2026, 4, 16, 17, 30, tzinfo=dt.UTC)
EVIL = '<img src="http://127.0.0.1:9/x.png"/> <b>bold</b> & =HYPERLINK("http://x") @SUM(1)'
RECS = (
    Recommendation.RECOMMEND,
    Recommendation.RECOMMEND,
    Recommendation.RECOMMEND_WITH_CONDITIONS,
    Recommendation.DO_NOT_RECOMMEND,
)


def _sheets(meeting: Meeting, rubric: Rubric, seed: int) -> list[ScoreSheet]:
    rng = random.Random(seed)
    out = []
    for app_index, app in enumerate(meeting.applications):
        base = Decimal(14 + (app_index * 7) % 10)
        for expert in meeting.experts:
            scores = []
            for factor in rubric.factors:
                value = base + Decimal(rng.randint(-4, 6)) / 2
                if app_index == 1 and expert.id == meeting.experts[-1].id:
                    value = Decimal(5)  # a dissenting expert: a dispersion flag
                scores.append(
                    FactorScore(
                        factor.key,
                        max(Decimal(0), min(factor.max_points, value)),
                        "评分说明 comment",
                    )
                )
            out.append(
                ScoreSheet(
                    id=SheetId(f"{expert.id}-{app.id}"),
                    meeting_id=meeting.id,
                    expert_id=expert.id,
                    application_id=app.id,
                    round=1,
                    version=1,
                    status=SheetStatus.SUBMITTED,
                    scores=tuple(scores),
                    criteria=(),
                    opinion="该平台定位清晰，建设方案基本可行。The plan is broadly feasible.",
                    recommendation=rng.choice(RECS),
                    conditions="",
                    updated_at=AT,
                    submitted_at=AT,
                )
            )
    return out


def build_input(
    language: str = "zh_CN",
    *,
    anonymise: bool = False,
    meeting: Meeting | None = None,
    rubric: Rubric | None = None,
    evil: bool = False,
    generated_at: dt.datetime = AT,
    seed: int = 7,
) -> ReportInput:
    if meeting is None or rubric is None:
        meeting, rubric = load_demo()
    if evil:
        meeting = with_evil_text(meeting)
    recused_expert, recused_app = meeting.experts[2].id, meeting.applications[0].id
    sheets = [
        s
        for s in _sheets(meeting, rubric, seed)
        if (s.expert_id, s.application_id) != (recused_expert, recused_app)
    ]
    recusals = [
        ConflictDeclaration(
            meeting.id, recused_expert, recused_app, True, "曾在申报单位任职 former employer", AT
        )
    ]
    rule = ConsolidationRule(
        dispersion_limits=DispersionLimits(total=Decimal(20)),
    )
    result = consolidate(meeting, rubric, sheets, recusals, rule, 1)
    chair = meeting.chair
    opinions = tuple(
        PanelOpinion(
            meeting_id=meeting.id,
            application_id=app.id,
            round=1,
            opinion=(EVIL + "\n" if evil else "")
            + "专家组认为，该平台建设目标明确，依托单位基础较好，建设方案总体可行。"
            "The panel finds the goals clear and the plan feasible overall.",
            recommendation=Recommendation.RECOMMEND if i % 3 else Recommendation.DO_NOT_RECOMMEND,
            minority_opinion="一位专家认为开放共享机制需进一步细化。" if i == 1 else "",
            approved_by=chair.id if chair else None,
            approved_at=AT,
        )
        for i, app in enumerate(meeting.applications)
    )
    notes = (
        HearingNote(
            NoteId("n1"),
            meeting.id,
            meeting.experts[0].id,
            meeting.applications[0].id,
            NoteKind.QUESTION,
            EVIL if evil else "数据来源是否合规？",
            FactorKey("concept_logic"),
            AT,
        ),
    )
    return ReportInput(
        meeting=meeting,
        rubric=rubric,
        rule=rule,
        result=result,
        opinions=opinions,
        sheets=tuple(sheets),
        recusals=tuple(recusals),
        language=language,
        anonymise_experts=anonymise,
        document_id="RD-2026-0416-01",
        results_hash=hashlib.sha256(b"results.json" + bytes([seed])).hexdigest(),
        generated_at=generated_at,
        is_demo=meeting.is_demo,
        notes=notes,
    )


def with_evil_text(meeting: Meeting) -> Meeting:
    """Applicant and expert strings that would be markup or formulas if not escaped."""
    apps = list(meeting.applications)
    apps[0] = dataclasses.replace(
        apps[0],
        applicant_unit=LocalizedText(en=EVIL, zh_CN=EVIL),
        platform_name=LocalizedText(en='=HYPERLINK("http://x")', zh_CN='=HYPERLINK("http://x")'),
    )
    apps[1] = dataclasses.replace(
        apps[1], platform_name=LocalizedText(en="@SUM(1)", zh_CN="@SUM(1)")
    )
    experts = list(meeting.experts)
    experts[1] = dataclasses.replace(
        experts[1], name=LocalizedText(en="+cmd|' /C calc'!A0", zh_CN="-2+3")
    )
    return dataclasses.replace(meeting, applications=tuple(apps), experts=tuple(experts))


def big_meeting(rubric: Rubric, applications: int = 200, experts: int = 30) -> Meeting:
    """A synthetic meeting of the size the quality bar names (200 applications, 30 experts)."""
    demo, _ = load_demo()
    roster = tuple(
        Expert(
            ExpertId(f"e{i:02d}"),
            LocalizedText(en=f"Expert Number {i}", zh_CN=f"专家{i}号"),
            ExpertRole.OVERALL if i <= 6 else ExpertRole.DOMAIN,
            LocalizedText(en=f"University {i}", zh_CN=f"第{i}大学"),
            LocalizedText(en="Professor", zh_CN="教授"),
            is_chair=i == 1,
        )
        for i in range(1, experts + 1)
    )
    apps = tuple(
        Application(
            ApplicationId(f"a{i:03d}"),
            LocalizedText(en=f"Applicant Unit {i} Co., Ltd.", zh_CN=f"申报单位{i}有限公司"),
            LocalizedText(en=f"Open Innovation Platform {i}", zh_CN=f"人工智能开放创新平台{i}"),
            LocalizedText(en="Sub-domain", zh_CN="子领域"),
            (),
            (),
        )
        for i in range(1, applications + 1)
    )
    return dataclasses.replace(
        demo,
        experts=roster,
        applications=apps,
        agenda=tuple(AgendaItem(a.id, i, 20, 10) for i, a in enumerate(apps, start=1)),
    )
