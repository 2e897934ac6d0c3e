"""The whole second round through the core, no window: the secretary opens round 2 for the
flagged application and writes its notice; the expert's desk imports it, scores the
application again from a draft prefilled with their own signed round-1 sheet, signs, and
exports a round-2 sheet file; the secretary collects it, keeps round 1 as history, and
consolidates round 2 over the new scores. A recused expert stays recused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from app.domain.ids import ApplicationId, ExpertId, FactorKey
from app.domain.sheet import SheetStatus
from app.expert.desk import ExpertDesk
from app.expert.rounds import record_round_notice, verify_round_notice
from app.expert.signing import (
    SignedStore,
    gather,
    handover_for,
    known_secretary,
    signer,
    write_export,
)
from app.round_notice import NoticeExpectations, RoundNoticeStaleError, read_round_notice
from app.secretary import rounds
from app.secretary.board import CellState, progress_board
from app.secretary.notices import export_round_notice
from app.sheets import read_sheet_file
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.app.secretary.helpers import Cast, expert_workspace, identity_of
from tests.app.secretary.rounds_world import MINUTE, ROUND_TWO
from tests.app.secretary.second_round_world import (
    SecondRound,
    build_second_round,
    expert_desk,
    others_rescore,
)

A01, A02 = ApplicationId("a01"), ApplicationId("a02")
OPENED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def world(tmp_path: Path, cast: Cast, pkiset: PkiFixture) -> Iterator[SecondRound]:
    made = build_second_round(tmp_path, cast, pkiset)
    yield made
    made.meet.ws.close()
    made.meet.repo.close()


def open_round_two(world: SecondRound, folder: Path) -> Path:
    ws = world.meet.ws
    result = rounds.consolidate_round(ws)
    flagged = rounds.flagged_applications(result)
    assert flagged == (A02,)
    reason = str(rounds.flag_reason(result, flagged))
    rounds.open_round(ws, flagged, actor="sec", now=OPENED, reason=reason)
    folder.mkdir()
    return export_round_notice(ws, world.meet.cast.secretary, folder, now=OPENED).path


def rescore(desk: ExpertDesk, points: str) -> None:
    for factor in desk.rubric.factor_keys():
        desk.set_score(A02, FactorKey(factor), Decimal(points))


def test_the_second_round_end_to_end(world: SecondRound, tmp_path: Path) -> None:
    meet = world.meet
    notice = open_round_two(world, tmp_path / "stick")
    others = others_rescore(world, ROUND_TWO, OPENED + MINUTE)
    at = OPENED + 2 * MINUTE
    ws, desk = expert_desk(world.workspace, meet, world.identity, lambda: at)
    try:
        assert desk.round == 1 and desk.round_for(A02) == 1
        before = ws.audit_head()
        done = desk.import_round_notice(
            verify_round_notice(notice, desk.kit, desk.meeting, desk.rounds, at)
        )
        assert done.recorded and ws.audit_head().count == before.count + 1
        assert (desk.round, desk.round_for(A01), desk.round_for(A02)) == (2, 1, 2)
        again = desk.import_round_notice(
            verify_round_notice(notice, desk.kit, desk.meeting, desk.rounds, at)
        )
        assert not again.recorded and ws.audit_head().count == before.count + 1

        # round 1 of a02 was signed with 24 on every factor; the round-2 draft starts there
        round_one = desk.sheet(A02)
        assert round_one is None  # nothing of round 2 yet; round 1 is history
        state = desk.state(A02)
        assert state.round == 2 and state.editable and not state.submitted
        draft = desk.open_round(A02)
        assert draft is not None
        assert (draft.round, draft.version, draft.status) == (2, 1, SheetStatus.DRAFT)
        assert {s.score for s in draft.scores} == {Decimal("24")}
        assert draft.opinion == "Round 1 opinion on a02"
        assert desk.open_round(A02) == draft  # opened again: the same draft, nothing written
        opened = desk.open_round(A01)  # a01 stays in round 1: its signed sheet, untouched
        assert opened is not None and opened.round == 1 and opened.status is SheetStatus.SUBMITTED

        # revise and sign: the round-1 version stays signed and unchanged
        rescore(desk, ROUND_TWO)
        secretary = known_secretary(world.workspace, desk.kit)
        assert secretary is not None
        handover = handover_for(desk, secretary, world.identity)
        store = SignedStore(desk)
        desk.submit(A02, on_frozen=signer(store, handover, world.identity, at))
        versions = desk.versions(A02)
        assert [(v.round, v.version, v.status) for v in versions] == [
            (1, 1, SheetStatus.SUBMITTED),
            (2, 1, SheetStatus.SUBMITTED),
        ]
        assert {s.score for s in versions[0].scores} == {Decimal("24")}
        assert desk.state(A02).submitted

        # the round-2 file holds round 2's sheet only; round 1's can still be written
        items = gather(desk, store)
        assert items.round == 2 and len(items.sheets) == 1 and items.drafts == ()
        out = tmp_path / "e01-round-2"
        out.mkdir()
        written = write_export(out, items, handover, world.identity, at)
        assert written.path.name == "sec-2026-04-e01-round-2.oisheet"
        assert len(gather(desk, store, 1).sheets) == 3
    finally:
        ws.close()

    # the secretary collects round 2: a02 submitted by everyone, round 1 kept as history
    collected = meet.collect(written.path)
    assert collected.round == 2 and collected.new_sheets == ((A02, 1),)
    for path in others:
        meet.collect(path)
    board = progress_board(meet.ws, 2)
    assert [a.id for a in board.applications] == [A02]
    assert {board.cell(e.id, A02).state for e in board.experts} == {CellState.SUBMITTED}
    history = rounds.sheet_history(meet.ws, "e01", "a02")
    assert [(s.sheet.round, s.sheet.version) for s in history] == [(1, 1), (2, 1)]
    assert history[0].signer_fingerprint == world.identity.fingerprint

    # consolidation of round 2 uses the new scores: 21 on every factor, from everyone
    result = rounds.consolidate_round(meet.ws, 2)
    (a02,) = result.applications
    assert a02.total is not None and a02.total.exact == Fraction(84)
    assert {i.value for i in a02.total.inputs} == {Fraction(84)}
    assert not a02.flags
    first = next(i for i in a02.total.inputs if i.expert_id == ExpertId("e01"))
    assert first.value == Fraction(84)  # not round 1's 96


def test_an_older_notice_changes_nothing(world: SecondRound, tmp_path: Path) -> None:
    """Round 3 imported first: round 2's notice is then stale and refused whole."""
    meet = world.meet
    two = open_round_two(world, tmp_path / "two")
    rounds.open_round(meet.ws, ["a02"], actor="sec", now=OPENED + MINUTE, reason="again")
    (tmp_path / "three").mkdir()
    three = export_round_notice(meet.ws, meet.cast.secretary, tmp_path / "three", now=OPENED)
    at = OPENED + 2 * MINUTE
    ws, desk = expert_desk(world.workspace, meet, world.identity, lambda: at)
    try:
        desk.import_round_notice(
            verify_round_notice(three.path, desk.kit, desk.meeting, desk.rounds, at)
        )
        head = ws.audit_head()
        with pytest.raises(RoundNoticeStaleError, match="round 3 is already open"):
            verify_round_notice(two, desk.kit, desk.meeting, desk.rounds, at)
        assert ws.audit_head() == head
        assert desk.round_for(A02) == 3 and [h.notice.round for h in desk.rounds.notices] == [3]
        draft = desk.open_round(A02)  # round 3 starts from round 1 (round 2 was skipped)
        assert draft is not None and (draft.round, draft.version) == (3, 1)
    finally:
        ws.close()


def test_a_recused_expert_stays_recused(world: SecondRound, tmp_path: Path) -> None:
    """An expert recused from a02 (declared in round 1, in a workspace of their own): in
    round 2 no draft is started, and their round-2 sheet file carries the recusal again,
    signed for round 2, which the secretary's reader accepts."""
    meet = world.meet
    notice = open_round_two(world, tmp_path / "stick")
    e05 = meet.meeting.expert(ExpertId("e05"))
    own = expert_workspace(tmp_path / "e05.sqlite", meet.meeting, meet.rubric)
    try:
        ExpertDesk(own, meet.meeting, meet.rubric, e05, now=lambda: OPENED).declare(
            A02, True, "former employer"
        )
        expected = NoticeExpectations(  # a workspace made without a kit: the kit's values
            meeting=meet.meeting,
            kit_hash=meet.kit_hash,
            secretary_certificate=meet.cast.secretary.certificate,
            trust_roots=tuple(meet.cast.roots),
        )
        verified = read_round_notice(notice, expected, OPENED)
        record_round_notice(own, verified, actor="expert:e05", now=OPENED)
        desk = ExpertDesk(own, meet.meeting, meet.rubric, e05, now=lambda: OPENED)
        state = desk.state(A02)
        assert state.round == 2 and state.recused and not state.editable
        assert desk.open_round(A02) is None and desk.versions(A02) == ()
        items = gather(desk, SignedStore(desk), 2)
        assert items.sheets == () and items.drafts == ()
        assert [d.application_id for d in items.recusals] == [A02]
        handover = meet.handover("e05")
        identity = identity_of(meet.cast, meet.meeting, "e05")
        out = tmp_path / "e05-round-2"
        out.mkdir()
        written = write_export(out, items, handover, identity, OPENED)
    finally:
        own.close()
    contents = read_sheet_file(
        written.path,
        meet.cast.secretary,
        meet.cast.roots,
        meet.meeting,
        meet.rubric,
        meet.kit_hash,
        {2},
        OPENED,
    )
    assert contents.round == 2 and contents.sheets == ()
    assert [d.application_id for d, _signed in contents.recusals] == [A02]
