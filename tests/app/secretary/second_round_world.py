"""A meeting after round 1 for the second-round tests (core and window): the secretary's
workspace with the kit issued and every round-1 sheet collected (a02 flagged), and the first
expert's own workspace imported from that kit, whose round-1 sheets were signed and handed in
through the real expert use cases. That expert holds the PKCS#12 identity of the test PKI, so
the window can unlock and sign with it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from app.crypto.identity import Identity
from app.domain.ids import ApplicationId, CriterionKey, FactorKey
from app.domain.sheet import CriterionVerdict, Recommendation
from app.expert.desk import ExpertDesk
from app.expert.kit_import import import_kit
from app.expert.session import session_for
from app.expert.signing import (
    Handover,
    SignedStore,
    gather,
    handover_for,
    known_secretary,
    signer,
    write_export,
)
from app.expert.unlock import open_expert_drafts
from storage.stores import SqliteStores
from storage.workspace.core import Workspace
from tests.app.crypto.pki_fixtures import NOW, PkiFixture
from tests.app.secretary.helpers import Cast, score, sheet_file
from tests.app.secretary.rounds_world import EXPERTS, MINUTE, ROUND_ONE, Meet, build_meet

FIRST = "e01"
OTHERS = EXPERTS[1:]


@dataclass
class SecondRound:
    meet: Meet
    identity: Identity
    """The first expert's identity (the test PKI's PKCS#12 expert)."""
    workspace: Path
    """The first expert's workspace, imported from the kit."""


def cast_with_p12_expert(cast: Cast, pki: PkiFixture) -> Cast:
    """The secretary tests' cast with the PKCS#12 expert as the first on the roster."""
    return dataclasses.replace(cast, experts=(pki.expert, *cast.experts[1:]))


def expert_desk(
    path: Path, meet: Meet, identity: Identity, clock: Callable[[], dt.datetime]
) -> tuple[Workspace, ExpertDesk]:
    """Sign ``identity`` in on its kit-made workspace as the window does."""
    ws = Workspace.open(path)
    session = session_for(meet.meeting, identity, clock())
    drafts = open_expert_drafts(SqliteStores(), ws, session, clock())
    desk = ExpertDesk(
        drafts, meet.meeting, meet.rubric, session.expert, now=clock, kit=ws.kit_record()
    )
    return ws, desk


def fill_and_sign(
    desk: ExpertDesk, handover: Handover, identity: Identity, app_id: str, points: str
) -> None:
    """Score one application (every factor ``points``), sign and submit it as the window
    does (the signer stores the signed copy inside the submit transaction)."""
    app = ApplicationId(app_id)
    desk.declare(app, False)
    for criterion in desk.rubric.criteria:
        desk.record_criterion(app, CriterionKey(criterion.key), CriterionVerdict.MET, "")
    for factor in desk.rubric.factor_keys():
        desk.set_score(app, FactorKey(factor), Decimal(points))
        desk.set_comment(app, FactorKey(factor), f"round 1: {factor} {points}")
    desk.set_opinion(app, f"Round 1 opinion on {app_id}")
    desk.set_recommendation(app, Recommendation.RECOMMEND, "")
    desk.submit(app, on_frozen=signer(SignedStore(desk), handover, identity, desk.now()))


def build_second_round(tmp_path: Path, cast: Cast, pki: PkiFixture) -> SecondRound:
    """Round 1 done and collected; nothing of round 2 yet. Close ``meet.ws`` and
    ``meet.repo`` (the other experts' workspace) when done."""
    meet = build_meet(tmp_path, cast_with_p12_expert(cast, pki))
    imported = import_kit(
        SqliteStores(), tmp_path / "kit.oikit", tmp_path / "e01", meet.cast.roots, NOW
    )
    identity = pki.expert
    at = NOW + MINUTE
    ws, desk = expert_desk(imported.path, meet, identity, lambda: at)
    try:
        secretary = known_secretary(imported.path, desk.kit)
        assert secretary is not None
        handover = handover_for(desk, secretary, identity)
        for app_id in ("a01", "a02", "a03"):
            fill_and_sign(desk, handover, identity, app_id, ROUND_ONE[app_id][FIRST])
        out = tmp_path / "e01-round-1"
        out.mkdir()
        written = write_export(out, gather(desk, SignedStore(desk), 1), handover, identity, at)
    finally:
        ws.close()
    assert meet.collect(written.path).new_sheets
    for expert in OTHERS:
        sheets = [
            score(meet.repo, meet.meeting, meet.rubric, expert, app, [ROUND_ONE[app][expert]] * 4)
            for app in ("a01", "a02", "a03")
        ]
        meet.collect(
            sheet_file(
                tmp_path / f"{expert}-r1.oisheet",
                meet.cast,
                meet.meeting,
                meet.rubric,
                meet.kit_hash,
                expert,
                sheets,
            )
        )
    return SecondRound(meet, identity, imported.path)


def others_rescore(world: SecondRound, points: str, at: dt.datetime) -> list[Path]:
    """The other experts' round-2 sheet files for a02 (scored through the core)."""
    meet = world.meet
    files = []
    for expert in OTHERS:
        s = score(meet.repo, meet.meeting, meet.rubric, expert, "a02", [points] * 4, round=2, at=at)
        files.append(
            sheet_file(
                meet.base / f"{expert}-r2.oisheet",
                meet.cast,
                meet.meeting,
                meet.rubric,
                meet.kit_hash,
                expert,
                [s],
                round=2,
                at=at,
            )
        )
    return files
