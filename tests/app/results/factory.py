"""A small, realistic meeting for the result-bundle tests, built in memory once per session.

Four experts (e01 chairs), three applications taken from the demo meeting (so the forms
are complete), the shipped default rubric and rule. Round 1: e04 recuses from a1; e03 is
absent for a3 (the secretary's statement); e01 resubmitted a2 (versions 1 and 2 are both in
the bundle); the chair approved the panel opinion on a1, the one on a2 is a draft.
Identities skip the PKCS#12 round trip and come from the shared throw-away test CA.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from app.consolidation import ConsolidationRule
from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.domain.ids import ApplicationId, CriterionKey, ExpertId, FactorKey, MeetingId, SheetId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import (
    ConflictDeclaration,
    CriterionAnswer,
    CriterionVerdict,
    FactorScore,
    PanelOpinion,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from app.formats.meeting_file import parse_meeting
from app.formats.rubric_file import load_default_rubric
from app.paths import DEMO
from app.results import Absence, BundleInput, OpinionInput, sign_panel_opinion
from app.sheets import SheetContext, SignedDocument, sign_recusal, sign_sheet
from tests.app.crypto.pki_fixtures import NOW, PkiFixture, in_memory_identity

MEETING_ID = "m-2026-ai-01"
KIT_HASH = "5e" * 32
SIGNED_AT = NOW + dt.timedelta(hours=2)
VERIFY_AT = NOW + dt.timedelta(days=1)
EXPERTS = ("e01", "e02", "e03", "e04")
APPS = ("a1", "a2", "a3")
SCORES: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("e01", "a1"): ("22", "21.5", "20", "23"),
    ("e02", "a1"): ("20", "19", "21", "18.5"),
    ("e03", "a1"): ("23", "22", "22.5", "21"),
    ("e01", "a2"): ("18", "17.5", "19", "16"),
    ("e02", "a2"): ("19", "18", "17", "18"),
    ("e03", "a2"): ("17.5", "18", "16.5", "17"),
    ("e04", "a2"): ("20", "19.5", "18", "19"),
    ("e01", "a3"): ("21", "20", "20", "20.5"),
    ("e02", "a3"): ("22", "21", "22", "21"),
    ("e04", "a3"): ("19", "20", "21", "20"),
}
INJECTION = '=HYPERLINK("http://127.0.0.1/","x")'
FACTORS = ("concept_logic", "unit_capability", "plan_feasibility", "expected_results")
CRITERIA = (
    "leading_strength",
    "open_service_foundation",
    "sustained_investment",
    "operating_mechanism",
)


def meeting_document(
    fingerprints: dict[str, str], meeting_id: str = MEETING_ID, apps: tuple[str, ...] = APPS
) -> dict[str, Any]:
    demo = json.loads((DEMO / "meeting.json").read_text("utf-8"))
    doc = copy.deepcopy(demo)
    doc["id"] = meeting_id
    doc["is_demo"] = False
    experts = []
    for i, expert_id in enumerate(EXPERTS):
        expert = dict(demo["experts"][i])
        expert["id"] = expert_id
        expert["is_chair"] = i == 0
        expert["fingerprint"] = fingerprints[expert_id]
        experts.append(expert)
    doc["experts"] = experts
    applications = []
    for i, app_id in enumerate(apps):
        application = dict(demo["applications"][i % len(demo["applications"])])
        application["id"] = app_id
        if app_id == "a3":  # applicant text is data, never a formula (M12)
            application["applicant_unit"] = {"en": INJECTION, "zh_CN": INJECTION}
        applications.append(application)
    doc["applications"] = applications
    doc["agenda"] = [
        {"application_id": app_id, "position": i + 1, "report_minutes": 15, "qa_minutes": 10}
        for i, app_id in enumerate(apps)
    ]
    return doc


def make_sheet(
    expert_id: str,
    app_id: str,
    scores: tuple[str, ...],
    *,
    version: int = 1,
    round_: int = 1,
    meeting_id: str = MEETING_ID,
    recommendation: Recommendation = Recommendation.RECOMMEND,
) -> ScoreSheet:
    return ScoreSheet(
        id=SheetId(f"s-{expert_id}-{app_id}-{round_}-{version}"),
        meeting_id=MeetingId(meeting_id),
        expert_id=ExpertId(expert_id),
        application_id=ApplicationId(app_id),
        round=round_,
        version=version,
        status=SheetStatus.SUBMITTED,
        scores=tuple(
            FactorScore(FactorKey(f), Decimal(s), f"意见 {f} <b>=SUM(1)</b>")
            for f, s in zip(FACTORS, scores, strict=True)
        ),
        criteria=tuple(
            CriterionAnswer(CriterionKey(c), CriterionVerdict.MET, "符合") for c in CRITERIA
        ),
        opinion="总体可行。Overall sound.",
        recommendation=recommendation,
        conditions="",
        updated_at=SIGNED_AT,
        submitted_at=SIGNED_AT + dt.timedelta(minutes=1),
    )


@dataclass(frozen=True)
class Scenario:
    pki: PkiFixture
    experts: dict[str, Identity]
    secretary: Identity
    ministry: Identity
    meeting: Meeting
    rubric: Rubric
    rule: ConsolidationRule
    sheets: tuple[SignedDocument, ...]
    recusals: tuple[SignedDocument, ...]
    absences: tuple[Absence, ...]
    opinions: tuple[OpinionInput, ...]
    extra: dict[str, Identity] = field(default_factory=dict)

    @property
    def roots(self) -> list[Any]:
        return [self.pki.ca.certificate]

    def context(self, expert_id: str, **overrides: Any) -> SheetContext:
        values: dict[str, Any] = {
            "meeting_id": self.meeting.id,
            "kit_hash": KIT_HASH,
            "rubric": self.rubric,
            "expert": self.meeting.expert(expert_id),
            "secretary_fingerprint": self.secretary.fingerprint,
        }
        values.update(overrides)
        return SheetContext(**values)

    def sign(
        self, sheet: ScoreSheet, identity: Identity | None = None, **context: Any
    ) -> SignedDocument:
        signer = identity or self.experts[sheet.expert_id]
        ctx = self.context(sheet.expert_id, **context)
        if identity is not None:
            expert = dataclasses.replace(ctx.expert, fingerprint=identity.fingerprint)
            ctx = dataclasses.replace(ctx, expert=expert)
        return sign_sheet(sheet, ctx, signer, SIGNED_AT)

    def bundle_input(self, **overrides: Any) -> BundleInput:
        values: dict[str, Any] = {
            "meeting": self.meeting,
            "rubric": self.rubric,
            "rule": self.rule,
            "kit_hash": KIT_HASH,
            "round": 1,
            "sheets": self.sheets,
            "recusals": self.recusals,
            "absences": self.absences,
            "opinions": self.opinions,
            "bundle_version": 1,
            "is_demo": False,
            "pdf_bytes": b"%PDF-1.7\n% report placeholder\n",
            "xlsx_bytes": b"PK\x03\x04 workbook placeholder",
        }
        values.update(overrides)
        return BundleInput(**values)


def make_scenario(pki: PkiFixture, meeting_id: str = MEETING_ID) -> Scenario:
    ca = pki.ca
    experts = {e: in_memory_identity(ca, Role.EXPERT, f"专家 {e}") for e in EXPERTS}
    fingerprints = {e: i.fingerprint for e, i in experts.items()}
    meeting = parse_meeting(meeting_document(fingerprints, meeting_id))
    rubric = load_default_rubric()
    scenario = Scenario(
        pki=pki,
        experts=experts,
        secretary=pki.people[Role.SECRETARY],
        ministry=pki.people[Role.MINISTRY],
        meeting=meeting,
        rubric=rubric,
        rule=ConsolidationRule(),
        sheets=(),
        recusals=(),
        absences=(),
        opinions=(),
    )
    sheets = [
        scenario.sign(make_sheet(e, a, s, meeting_id=meeting_id)) for (e, a), s in SCORES.items()
    ]
    # e01 resubmitted a2: version 1 above, version 2 here (the one that counts).
    sheets.append(
        scenario.sign(
            make_sheet("e01", "a2", ("19", "18", "19.5", "17"), version=2, meeting_id=meeting_id)
        )
    )
    recusal = ConflictDeclaration(
        MeetingId(meeting_id),
        ExpertId("e04"),
        ApplicationId("a1"),
        True,
        "曾在申报单位任职 (former employee)",
        SIGNED_AT,
    )
    recusals = (sign_recusal(recusal, scenario.context("e04"), experts["e04"], SIGNED_AT),)
    approved = PanelOpinion(
        MeetingId(meeting_id),
        ApplicationId("a1"),
        1,
        "专家组同意推荐。The panel recommends.",
        Recommendation.RECOMMEND,
        "",
        ExpertId("e01"),
        SIGNED_AT + dt.timedelta(hours=1),
    )
    draft = PanelOpinion(
        MeetingId(meeting_id),
        ApplicationId("a2"),
        1,
        "草稿 draft",
        Recommendation.RECOMMEND_WITH_CONDITIONS,
        "一位专家持保留意见",
        None,
        None,
    )
    opinions = (
        OpinionInput(
            approved,
            sign_panel_opinion(
                approved, KIT_HASH, meeting.expert("e01"), experts["e01"], SIGNED_AT
            ),
        ),
        OpinionInput(draft, None),
    )
    absences = (Absence(ExpertId("e03"), ApplicationId("a3"), "因病缺席 (ill)"),)
    return dataclasses.replace(
        scenario,
        sheets=tuple(sheets),
        recusals=recusals,
        absences=absences,
        opinions=opinions,
    )
