"""A whole meeting through the secretary's core: setup, packages, kit, sheets scored with
the expert use cases, import, board, consolidation, round 2, panel opinion; and every refusal
leaves the workspace byte-for-byte unchanged."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from app.consolidation import ConsolidationRule, DispersionLimits, Fallback, Method, Status
from app.consolidation.rule import TOTAL
from app.crypto.age_keys import X25519Identity
from app.domain.ids import ApplicationId, MeetingId
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import Recommendation, ScoreSheet, SheetStatus
from app.errors import ValidationError
from app.secretary import board as sec_board
from app.secretary import collect, opinions, rounds
from app.secretary import setup as sec_setup
from app.secretary.errors import SetupFrozenError, SheetImportRefused
from app.secretary.kit import issue_kit
from app.secretary.model import PackageStatus
from app.secretary.outcome import meeting_outcome
from app.secretary.packages import PackageOutcome, import_packages
from storage.secretary.workspace import SecretaryWorkspace
from storage.workspace.core import Workspace
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import (
    Cast,
    context,
    expert_workspace,
    recusal,
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
POINTS = {
    "a01": {"e01": "20", "e02": "19", "e03": "21", "e04": "20", "e05": "20"},
    "a02": {"e01": "24", "e02": "22", "e03": "10", "e04": "15", "e05": "20"},
    "a03": {"e01": "18", "e02": "18", "e03": "18", "e04": "18"},
}
EXPERTS = ("e01", "e02", "e03", "e04", "e05")


@dataclass
class World:
    base: Path
    cast: Cast
    ws: SecretaryWorkspace
    rubric: Rubric
    meeting: Meeting
    kit_hash: str
    expert_ws: Workspace
    round1: dict[str, Path]
    package_results: tuple  # type: ignore[type-arg]
    meeting_key: X25519Identity | None = None


def _build(base: Path, cast: Cast) -> World:
    rubric = make_rubric()
    ws, packages, kit_path, key = setup_meeting_with_key(base, cast, rubric)
    sec_setup.set_rule(ws, RULE, actor="sec", now=NOW)
    results = import_packages(
        ws, cast.secretary, packages, meeting_key=key.key, actor="sec", now=NOW
    )
    kit = issue_kit(ws, cast.secretary, kit_path, actor="sec", now=NOW)
    meeting = ws.meeting(MeetingId("sec-2026-04"))
    repo = expert_workspace(base / "expert.sqlite", meeting, rubric)
    files = {}
    for expert in EXPERTS:
        sheets = [
            score(repo, meeting, rubric, expert, app, [POINTS[app][expert]] * 4)
            for app in ("a01", "a02", "a03")
            if expert in POINTS[app]
        ]
        extra = (
            [recusal(cast, meeting, rubric, kit.kit_hash, expert, "a03")] if expert == "e05" else []
        )
        files[expert] = sheet_file(
            base / f"{expert}-r1.oisheet",
            cast,
            meeting,
            rubric,
            kit.kit_hash,
            expert,
            sheets,
            recusals=extra,
        )
    return World(base, cast, ws, rubric, meeting, kit.kit_hash, repo, files, results, key.key)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, cast: Cast) -> Iterator[World]:
    w = _build(tmp_path_factory.mktemp("meeting"), cast)
    for path in w.round1.values():
        collect.import_sheet_file(w.ws, cast.secretary, path, actor="sec", now=NOW)
    yield w
    w.ws.close()
    w.expert_ws.close()


def test_packages_verify_and_an_untrusted_issuer_is_refused_with_its_reason(world: World) -> None:
    outcomes = [r.outcome for r in world.package_results]
    assert outcomes == [PackageOutcome.IMPORTED] * 3 + [PackageOutcome.REFUSED]
    refused = world.package_results[-1].record
    assert refused.status is PackageStatus.REFUSED and refused.reason is not None
    assert "trust" in refused.reason.en.lower() or "issuer" in refused.reason.en.lower()
    stored = sorted(p.name for p in (world.ws.path.parent / "packages").iterdir())
    assert stored == ["a01.oipkg", "a02.oipkg", "a03.oipkg"]
    frozen = _unchanged(
        world.ws,
        lambda: import_packages(
            world.ws,
            world.cast.secretary,
            [world.base / "incoming" / "a01.oipkg"],
            meeting_key=world.meeting_key,  # type: ignore[arg-type]
            actor="s",
            now=NOW,
        ),
    )
    assert isinstance(frozen, SetupFrozenError)


def test_board_shows_every_pair(world: World) -> None:
    board = sec_board.progress_board(world.ws, 1)
    counts = board.counts()
    assert counts[sec_board.CellState.SUBMITTED] == 14
    assert counts[sec_board.CellState.RECUSED] == 1
    assert counts[sec_board.CellState.MISSING] == 0
    assert board.cell("e05", "a03").state is sec_board.CellState.RECUSED
    assert board.cell("e01", "a02").version == 1
    assert board.complete


def test_consolidation_flags_the_disputed_application(world: World) -> None:
    result = rounds.consolidate_round(world.ws, 1)
    a03 = result.application("a03")
    assert a03.status is Status.CONSOLIDATED and a03.total is not None and a03.total.fell_back
    assert rounds.flagged_applications(result) == (ApplicationId("a02"),)
    a01 = result.application("a01")
    assert a01.total is not None and a01.total.exact == 80  # trimmed: (76, 80.., 84) dropped


def _unchanged(ws: SecretaryWorkspace, action) -> Exception:  # type: ignore[no-untyped-def]
    before = ws.dump()
    with pytest.raises(ValidationError) as info:
        action()
    assert ws.dump() == before
    return info.value


def _refusal(world: World, path: Path) -> str:
    err = _unchanged(
        world.ws,
        lambda: collect.import_sheet_file(world.ws, world.cast.secretary, path, actor="s", now=NOW),
    )
    assert isinstance(err, SheetImportRefused)
    return err.in_language("en")


def _sheets_of(world: World, expert: str) -> list[ScoreSheet]:
    return [
        s
        for app in ("a01", "a02", "a03")
        for s in world.expert_ws.sheets(world.meeting.id, expert, app)  # type: ignore[arg-type]
        if s.status is SheetStatus.SUBMITTED
    ]


def test_a_sheet_signed_by_someone_not_on_the_roster_is_refused(world: World) -> None:
    c = context(world.cast, world.meeting, world.rubric, world.kit_hash, "e01")
    fake = dataclasses.replace(
        c, expert=dataclasses.replace(c.expert, fingerprint=world.cast.stranger.fingerprint)
    )
    path = sheet_file(
        world.base / "stranger.oisheet",
        world.cast,
        world.meeting,
        world.rubric,
        world.kit_hash,
        "e01",
        _sheets_of(world, "e01")[:1],
        identity=world.cast.stranger,
        ctx=fake,
    )
    assert "roster" in _refusal(world, path).lower() or "certificate" in _refusal(world, path)


def test_a_sheet_from_an_expert_of_another_ca_is_refused(world: World, cast: Cast) -> None:
    from app.crypto.profile import Role
    from app.sheets import sign_sheet, write_sheet_file
    from tests.app.crypto.pki_fixtures import in_memory_identity

    foreign = in_memory_identity(cast.pki.other_ca, Role.EXPERT, "周明远")
    c = context(cast, world.meeting, world.rubric, world.kit_hash, "e01")
    fake = dataclasses.replace(
        c, expert=dataclasses.replace(c.expert, fingerprint=foreign.fingerprint)
    )
    item = sign_sheet(_sheets_of(world, "e01")[0], fake, foreign, NOW)
    out = world.base / "foreign.oisheet"
    write_sheet_file(
        out,
        [item],
        [],
        fake,
        foreign,
        cast.secretary.certificate,
        NOW,
        round=1,
        trust_roots=[cast.pki.ca.certificate, cast.pki.other_ca.certificate],
    )
    assert "trust" in _refusal(world, out).lower() or "certif" in _refusal(world, out).lower()


def test_a_sheet_for_a_recused_pair_is_refused(world: World) -> None:
    own = _sheets_of(world, "e05")[0]
    forged = dataclasses.replace(own, id="forged-a03", application_id=ApplicationId("a03"))
    path = sheet_file(
        world.base / "recused.oisheet",
        world.cast,
        world.meeting,
        world.rubric,
        world.kit_hash,
        "e05",
        [forged],
    )
    assert "recused" in _refusal(world, path)


def test_sheets_from_another_meeting_or_round_are_refused(world: World) -> None:
    sheets = [
        dataclasses.replace(s, meeting_id=MeetingId("other")) for s in _sheets_of(world, "e02")
    ]
    c = dataclasses.replace(
        context(world.cast, world.meeting, world.rubric, world.kit_hash, "e02"), meeting_id="other"
    )
    path = sheet_file(
        world.base / "other.oisheet",
        world.cast,
        world.meeting,
        world.rubric,
        world.kit_hash,
        "e02",
        sheets,
        ctx=c,
    )
    assert "meeting" in _refusal(world, path)
    r2 = [dataclasses.replace(s, round=2) for s in _sheets_of(world, "e02")]
    path2 = sheet_file(
        world.base / "round2.oisheet",
        world.cast,
        world.meeting,
        world.rubric,
        world.kit_hash,
        "e02",
        r2,
        round=2,
    )
    assert "round" in _refusal(world, path2)


def test_a_tampered_file_is_refused(world: World) -> None:
    data = bytearray(world.round1["e01"].read_bytes())
    data[-20] ^= 0x01
    bad = world.base / "tampered.oisheet"
    bad.write_bytes(bytes(data))
    _refusal(world, bad)


def test_a_duplicate_file_is_a_no_op_and_says_so(world: World) -> None:
    before = world.ws.dump()
    again = collect.import_sheet_file(
        world.ws, world.cast.secretary, world.round1["e01"], actor="s", now=NOW
    )
    assert again.nothing_new and "nothing changed" in str(again.message)
    assert world.ws.dump() == before


def test_the_rubric_cannot_change_after_the_kit(world: World) -> None:
    err = _unchanged(
        world.ws, lambda: sec_setup.set_rubric(world.ws, make_rubric("other"), actor="s", now=NOW)
    )
    assert isinstance(err, SetupFrozenError) and "rubric" in err.in_language("en")


def test_trimmed_mean_with_too_few_experts_under_refuse_says_so(tmp_path: Path, cast: Cast) -> None:
    w = _build(tmp_path, cast)
    for path in w.round1.values():
        collect.import_sheet_file(w.ws, cast.secretary, path, actor="sec", now=NOW)
    sec_setup.set_rule(
        w.ws, dataclasses.replace(RULE, fallback=Fallback.REFUSE), actor="s", now=NOW
    )
    a03 = rounds.consolidate_round(w.ws, 1).application("a03")
    assert a03.status is Status.REFUSED_BY_RULE and a03.reason is not None
    assert "5" in a03.reason.in_language("en") and "4" in a03.reason.in_language("en")
    w.ws.close()


def test_second_round_versions_opinion_and_outcome(tmp_path: Path, cast: Cast) -> None:
    w = _build(tmp_path, cast)
    for path in w.round1.values():
        collect.import_sheet_file(w.ws, cast.secretary, path, actor="sec", now=NOW)
    info = rounds.open_round(w.ws, ["a02"], actor="sec", now=NOW, reason="spread")
    assert info.number == 2
    # a round-1 file now belongs to a closed round
    late = sheet_file(
        tmp_path / "late.oisheet",
        cast,
        w.meeting,
        w.rubric,
        w.kit_hash,
        "e01",
        _sheets_of(w, "e01"),
    )
    assert "round" in _refusal(w, late)
    m, r = w.meeting, w.rubric
    files = {}
    for expert in EXPERTS:
        s = score(w.expert_ws, m, r, expert, "a02", ["19"] * 4, round=2)
        files[expert] = sheet_file(
            tmp_path / f"{expert}-r2.oisheet", cast, m, r, w.kit_hash, expert, [s], round=2
        )
    for path in files.values():
        collect.import_sheet_file(w.ws, cast.secretary, path, actor="sec", now=NOW)
    # e03 revises: version 2 supersedes version 1, both kept
    v2 = score(w.expert_ws, m, r, "e03", "a02", ["20"] * 4, round=2, new_version=True)
    p2 = sheet_file(tmp_path / "e03-r2-v2.oisheet", cast, m, r, w.kit_hash, "e03", [v2], round=2)
    done = collect.import_sheet_file(w.ws, cast.secretary, p2, actor="sec", now=NOW)
    assert done.new_sheets == (("a02", 2),) and done.superseded == (("a02", 1),)
    history = rounds.sheet_history(w.ws, "e03", "a02")
    assert [(h.sheet.round, h.sheet.version, h.sheet.status) for h in history] == [
        (1, 1, SheetStatus.SUBMITTED),
        (2, 1, SheetStatus.SUPERSEDED),
        (2, 2, SheetStatus.SUBMITTED),
    ]
    # the old version-1 file again: every item already collected -> no-op
    again = collect.import_sheet_file(w.ws, cast.secretary, files["e03"], actor="s", now=NOW)
    assert again.nothing_new
    # e04 hands in version 2 first, then an older file with only version 1: refused as older
    v1 = w.expert_ws.sheets(m.id, "e04", "a02")[-1]  # type: ignore[arg-type]
    v2b = score(w.expert_ws, m, r, "e04", "a02", ["18"] * 4, round=2, new_version=True)
    # the version-1 file was imported above; craft a fresh older item for e02 instead
    v3 = score(w.expert_ws, m, r, "e02", "a02", ["18"] * 4, round=2, new_version=True)
    v4 = score(w.expert_ws, m, r, "e02", "a02", ["17"] * 4, round=2, new_version=True)
    newest = sheet_file(tmp_path / "e02-v3.oisheet", cast, m, r, w.kit_hash, "e02", [v4], round=2)
    collect.import_sheet_file(w.ws, cast.secretary, newest, actor="sec", now=NOW)
    older = sheet_file(tmp_path / "e02-v2.oisheet", cast, m, r, w.kit_hash, "e02", [v3], round=2)
    assert "older" in _refusal(w, older)
    assert v1.version == 1 and v2b.version == 2
    board = sec_board.progress_board(w.ws)
    assert [a.id for a in board.applications] == ["a02"] and board.cell("e02", "a02").version == 3
    result = rounds.consolidate_round(w.ws, 2)
    assert [a.application_id for a in result.applications] == ["a02"]
    # the panel opinion: written with figures and comments, approved by the chair's signature
    bench = opinions.opinion_workbench(w.ws, "a02", result=result)
    assert len(bench.comments) == 5 and bench.result is not None and bench.opinion is None
    view = opinions.save_panel_opinion(
        w.ws,
        "a02",
        "The panel supports it.",
        Recommendation.RECOMMEND,
        minority_opinion="One expert doubts the budget.",
        actor="sec",
        now=NOW,
    )
    assert not view.approved
    not_chair = cast.experts[1]
    _unchanged(
        w.ws, lambda: opinions.approve_panel_opinion(w.ws, not_chair, "a02", actor="x", now=NOW)
    )
    approved = opinions.approve_panel_opinion(w.ws, cast.experts[0], "a02", actor="chair", now=NOW)
    assert approved.approved
    # the one-opinion read opens that approval only, and finds none where there is none
    assert w.ws.approval("a02", 2) == approved.approval == w.ws.approvals()[("a02", 2)]
    assert w.ws.approval("a02", 1) is None and w.ws.approval("a01", 2) is None
    chair = w.meeting.chair
    assert chair is not None
    signer = opinions.verify_approval(approved, w.kit_hash, chair, cast.roots, NOW)
    assert signer.fingerprint == cast.experts[0].fingerprint
    edited = opinions.save_panel_opinion(
        w.ws,
        "a02",
        "The panel supports it, with changes.",
        Recommendation.RECOMMEND_WITH_CONDITIONS,
        actor="sec",
        now=NOW,
    )
    assert not edited.approved
    outcome = meeting_outcome(w.ws)
    assert outcome.round == 2 and outcome.kit_hash == w.kit_hash
    assert outcome.unapproved == (ApplicationId("a02"),)
    # every version is carried: 14 of round 1, 5 of round 2 v1, e03's v2 and e02's v3
    assert len(outcome.sheets) == 14 + 5 + 1 + 1
    assert sum(s.sheet.status is SheetStatus.SUPERSEDED for s in outcome.sheets) == 2
    assert w.ws.verify_audit().ok
    w.ws.close()
