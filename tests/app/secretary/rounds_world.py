"""A meeting for the draft-report and earlier-round tests (core and console): the secretary's
workspace with the kit issued, an expert-side workspace scoring through the real use cases,
exports through :func:`app.expert.signing.gather` / :func:`app.expert.signing.write_export`, and two
rounds whose sheets differ."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from app.consolidation import ConsolidationRule, DispersionLimits, Fallback, Method
from app.consolidation.rule import TOTAL
from app.domain.ids import ApplicationId, ExpertId, FactorKey, MeetingId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ScoreSheet, SheetStatus
from app.expert import scoring
from app.expert.desk import ExpertDesk
from app.expert.signing import Handover, gather, write_export
from app.secretary import collect, rounds
from app.secretary import setup as sec_setup
from app.secretary.kit import issue_kit
from app.secretary.packages import import_packages
from app.sheets import SignedDocument, draft_reports, sign_sheet, write_sheet_file
from storage.secretary.workspace import SecretaryWorkspace
from storage.workspace.core import Workspace
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import (
    Cast,
    context,
    expert_workspace,
    identity_of,
    score,
    setup_meeting_with_key,
    sheet_file,
)
from tests.app.sheets.factory import make_rubric

RULE = ConsolidationRule(
    method=Method.TRIMMED_MEAN,
    trim_min_experts=5,
    fallback=Fallback.MEAN,
    dispersion_limits=DispersionLimits(total=Decimal("15")),
    tie_break=(TOTAL,),
)
EXPERTS = ("e01", "e02", "e03", "e04", "e05")
MINUTE = dt.timedelta(minutes=1)


@dataclass
class _Store:
    """The expert's signed copies as :func:`app.expert.signing.gather` reads them (``load``)."""

    signed: dict[str, SignedDocument]

    def load(self, sheet: ScoreSheet) -> SignedDocument:
        return self.signed[sheet.id]


@dataclass
class Meet:
    base: Path
    cast: Cast
    ws: SecretaryWorkspace
    rubric: Rubric
    meeting: Meeting
    kit_hash: str
    repo: Workspace
    store: _Store = field(default_factory=lambda: _Store({}))

    def desk(self, expert_id: str, at: dt.datetime) -> ExpertDesk:
        return ExpertDesk(
            self.repo,
            self.meeting,
            self.rubric,
            self.meeting.expert(expert_id),
            now=lambda: at,
        )

    def handover(self, expert_id: str) -> Handover:
        ctx = context(self.cast, self.meeting, self.rubric, self.kit_hash, expert_id)
        return Handover(ctx, self.cast.secretary.certificate, tuple(self.cast.roots))

    def export(self, expert_id: str, at: dt.datetime, name: str, round: int = 1) -> Path:
        """The expert's own export path: gather from the desk, sign, write (sheet-v1 §4.5)."""
        identity = identity_of(self.cast, self.meeting, expert_id)
        handover = self.handover(expert_id)
        for app in self.meeting.applications:
            for sheet in self.repo.sheets(self.meeting.id, ExpertId(expert_id), app.id):
                if sheet.status is not SheetStatus.DRAFT and sheet.id not in self.store.signed:
                    # what the submit seam stores, once per version
                    signed = sign_sheet(sheet, handover.context, identity, at)
                    self.store.signed[sheet.id] = signed
        items = gather(self.desk(expert_id, at), self.store, round)  # type: ignore[arg-type]
        folder = self.base / name
        folder.mkdir()
        return write_export(folder, items, handover, identity, at).path

    def draft(
        self, expert_id: str, app_id: str, points: str, at: dt.datetime, round: int = 1
    ) -> None:
        """An edit that leaves the sheet a draft: one factor scored, nothing submitted."""
        m, e, a = self.meeting.id, ExpertId(expert_id), ApplicationId(app_id)
        if self.repo.conflict(m, e, a) is None:
            scoring.declare_conflict(
                scoring.SheetRef(self.repo, lambda: at, expert_id, m, e, a), False, ""
            )
        factor = FactorKey(self.rubric.factor_keys()[0])
        scoring.set_factor_score(
            scoring.SheetRef(self.repo, lambda: at, expert_id, m, e, a, round=round),
            factor,
            Decimal(points),
        )

    def collect(self, path: Path) -> collect.SheetFileImport:
        return collect.import_sheet_file(self.ws, self.cast.secretary, path, actor="sec", now=NOW)


def build_meet(tmp_path: Path, cast: Cast) -> Meet:
    """Packages imported, the kit issued, nothing scored yet; close ``ws`` and ``repo``."""
    rubric = make_rubric()
    ws, packages, kit_path, key = setup_meeting_with_key(tmp_path, cast, rubric)
    sec_setup.set_rule(ws, RULE, actor="sec", now=NOW)
    import_packages(ws, cast.secretary, packages, meeting_key=key.key, actor="sec", now=NOW)
    kit = issue_kit(ws, cast.secretary, kit_path, actor="sec", now=NOW)
    meeting = ws.meeting(MeetingId("sec-2026-04"))
    (tmp_path / "expert").mkdir()
    repo = expert_workspace(tmp_path / "expert" / "workspace.sqlite", meeting, rubric)
    return Meet(tmp_path, cast, ws, rubric, meeting, kit.kit_hash, repo)


ROUND_ONE = {
    "a01": dict.fromkeys(EXPERTS, "20"),
    "a02": {"e01": "24", "e02": "22", "e03": "10", "e04": "15", "e05": "20"},
    "a03": dict.fromkeys(EXPERTS, "18"),
}
"""Round 1: a02 is flagged (spread 56 > 15 on the total)."""
ROUND_TWO = "21"
"""Round 2 rescores a02 only, every factor 21 (total 84; round 1's trimmed total was 76)."""


def round_one(meet: Meet, points: dict[str, dict[str, str]] = ROUND_ONE) -> None:
    """Every expert scores and hands in every application of round 1."""
    for expert in EXPERTS:
        sheets = [
            score(meet.repo, meet.meeting, meet.rubric, expert, app, [points[app][expert]] * 4)
            for app in ("a01", "a02", "a03")
        ]
        meet.collect(
            sheet_file(
                meet.base / f"{expert}-r1.oisheet",
                meet.cast,
                meet.meeting,
                meet.rubric,
                meet.kit_hash,
                expert,
                sheets,
            )
        )


ROUND_ONE = {
    "a01": dict.fromkeys(EXPERTS, "20"),
    "a02": {"e01": "24", "e02": "22", "e03": "10", "e04": "15", "e05": "20"},
    "a03": dict.fromkeys(EXPERTS, "18"),
}


def round_two(meet: Meet, at: dt.datetime) -> None:
    """Round 2 opened for a02; e01–e04 hand in new sheets, e05 only reports a draft (and a
    draft for a01, which is not being scored again, and so is ignored)."""
    rounds.open_round(meet.ws, ["a02"], actor="sec", now=at - MINUTE, reason="spread")
    for expert in EXPERTS[:4]:
        s = score(
            meet.repo, meet.meeting, meet.rubric, expert, "a02", [ROUND_TWO] * 4, round=2, at=at
        )
        meet.collect(
            sheet_file(
                meet.base / f"{expert}-r2.oisheet",
                meet.cast,
                meet.meeting,
                meet.rubric,
                meet.kit_hash,
                expert,
                [s],
                round=2,
            )
        )
    meet.draft("e05", "a02", "7", at, round=2)
    meet.draft("e05", "a01", "8", at, round=2)
    versions = [
        v
        for app in ("a01", "a02")
        for v in meet.repo.sheets(meet.meeting.id, ExpertId("e05"), ApplicationId(app))
    ]
    out = meet.base / "e05-r2.oisheet"
    write_sheet_file(
        out,
        [],
        [],
        context(meet.cast, meet.meeting, meet.rubric, meet.kit_hash, "e05"),
        identity_of(meet.cast, meet.meeting, "e05"),
        meet.cast.secretary.certificate,
        at + MINUTE,
        round=2,
        trust_roots=meet.cast.roots,
        progress=draft_reports(versions, 2),
    )
    done = meet.collect(out)
    assert done.drafts_reported == ("a02",), done
