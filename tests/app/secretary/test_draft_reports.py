"""Draft reports through the real export and import: an expert's file says which applications
they hold only a draft for (never its content); the board shows "draft reported" until a later
file brings the signed sheet; consolidation never counts a draft. And earlier rounds stay
viewable: a round's board and consolidation are computed from that round's records only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from app.domain.ids import ApplicationId, ExpertId
from app.domain.sheet import SheetStatus
from app.expert.signing import ExportItems, gather
from app.secretary import rounds
from app.secretary.board import CellState, progress_board
from app.sheets import DraftReport, write_sheet_file
from storage.migrations import workspace as migrations
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import Cast, context, identity_of, score, sheet_file
from tests.app.secretary.rounds_world import (
    MINUTE,
    Meet,
    build_meet,
    round_one,
    round_two,
)


@pytest.fixture
def meet(tmp_path: Path, cast: Cast) -> Iterator[Meet]:
    world = build_meet(tmp_path, cast)
    yield world
    world.ws.close()
    world.repo.close()


def test_the_export_reports_a_draft_and_the_board_shows_it_until_submitted(meet: Meet) -> None:
    t1 = NOW + 10 * MINUTE
    score(meet.repo, meet.meeting, meet.rubric, "e01", "a01", ["20"] * 4, at=t1)
    meet.draft("e01", "a02", "13.5", t1 + MINUTE)
    meet.export("e01", t1 + MINUTE, "stick0")
    items = gather(meet.desk("e01", t1), meet.store)  # type: ignore[arg-type]
    assert isinstance(items, ExportItems) and len(items.sheets) == 1
    assert items.drafts == (DraftReport(ApplicationId("a02"), 1, t1 + MINUTE),)

    first = meet.export("e01", t1 + 2 * MINUTE, "stick1")
    done = meet.collect(first)
    assert done.new_sheets == (("a01", 1),) and done.drafts_reported == ("a02",)
    assert "1 draft reported" in str(done.message)
    board = progress_board(meet.ws)
    assert board.cell("e01", "a01").state is CellState.SUBMITTED
    reported = board.cell("e01", "a02")
    assert reported.state is CellState.DRAFT_REPORTED
    assert reported.draft_updated_at == t1 + MINUTE
    assert reported.draft_reported_at == t1 + 2 * MINUTE
    assert reported.version is None and reported.history == ()
    assert board.cell("e01", "a03").state is CellState.MISSING
    assert board.counts()[CellState.DRAFT_REPORTED] == 1 and not board.complete
    # independence: nothing of the draft's content reached the secretary's workspace
    dump = repr(meet.ws.dump())
    assert "13.5" not in dump

    # the draft never counts in consolidation
    a02 = rounds.consolidate_round(meet.ws).application("a02")
    for figure in a02.figures:
        inputs = {i.expert_id: i for i in figure.inputs}
        assert "e01" not in inputs or inputs[ExpertId("e01")].value is None

    # the expert submits; a later file reports the sheet submitted: the draft is superseded
    t2 = t1 + 30 * MINUTE
    score(meet.repo, meet.meeting, meet.rubric, "e01", "a02", ["21"] * 4, at=t2)
    second = meet.export("e01", t2 + MINUTE, "stick2")
    done = meet.collect(second)
    assert done.new_sheets == (("a02", 1),) and done.drafts_reported == ()
    assert progress_board(meet.ws).cell("e01", "a02").state is CellState.SUBMITTED
    assert meet.ws.draft_reports() == ()

    # a copy of the older file, read after the newer one, brings back no draft
    again = meet.base / "stick1" / "copy.oisheet"
    again.write_bytes(first.read_bytes())
    assert meet.collect(again).nothing_new
    assert progress_board(meet.ws).cell("e01", "a02").state is CellState.SUBMITTED
    assert meet.ws.verify_audit().ok


def test_the_latest_file_of_the_round_decides_the_draft_state(meet: Meet) -> None:
    t1 = NOW + 5 * MINUTE
    meet.draft("e02", "a03", "10", t1)
    older = meet.export("e02", t1 + MINUTE, "older")
    meet.draft("e02", "a03", "11", t1 + 20 * MINUTE)
    newer = meet.export("e02", t1 + 21 * MINUTE, "newer")
    assert meet.collect(newer).drafts_changed
    before = meet.ws.dump()
    late = meet.collect(older)  # written before the newer file: changes no draft report
    assert late.nothing_new and meet.ws.dump() == before
    cell = progress_board(meet.ws).cell("e02", "a03")
    assert cell.state is CellState.DRAFT_REPORTED and cell.draft_updated_at == t1 + 20 * MINUTE
    assert meet.ws.verify_audit().ok


def test_a_stored_sheet_is_never_shown_as_a_draft(meet: Meet) -> None:
    """A crafted (but expert-signed) file reporting a draft for a pair already collected."""
    sheet = score(meet.repo, meet.meeting, meet.rubric, "e03", "a01", ["19"] * 4)
    meet.collect(
        sheet_file(
            meet.base / "e03.oisheet",
            meet.cast,
            meet.meeting,
            meet.rubric,
            meet.kit_hash,
            "e03",
            [sheet],
        )
    )
    ctx = context(meet.cast, meet.meeting, meet.rubric, meet.kit_hash, "e03")
    out = meet.base / "e03-drafts.oisheet"
    write_sheet_file(
        out,
        [],
        [],
        ctx,
        identity_of(meet.cast, meet.meeting, "e03"),
        meet.cast.secretary.certificate,
        NOW + MINUTE,
        round=1,
        trust_roots=meet.cast.roots,
        progress=[
            DraftReport(ApplicationId("a01"), 1, NOW),
            DraftReport(ApplicationId("a02"), 1, NOW),
        ],
    )
    done = meet.collect(out)
    assert done.drafts_reported == ("a02",)
    board = progress_board(meet.ws)
    assert board.cell("e03", "a01").state is CellState.SUBMITTED
    assert board.cell("e03", "a02").state is CellState.DRAFT_REPORTED


def test_an_earlier_round_keeps_its_board_and_figures(meet: Meet) -> None:
    round_one(meet)
    round1 = rounds.consolidate_round(meet.ws, 1)
    assert rounds.flagged_applications(round1) == (ApplicationId("a02"),)
    at = NOW + 2 * MINUTE
    round_two(meet, at)

    current = progress_board(meet.ws)
    assert current.round == 2 and current.is_current
    assert [a.id for a in current.applications] == ["a02"]
    assert current.cell("e01", "a02").state is CellState.SUBMITTED
    assert current.cell("e05", "a02").state is CellState.DRAFT_REPORTED
    history = current.cell("e01", "a02").history
    assert [(h.round, h.version, h.status) for h in history] == [
        (1, 1, SheetStatus.SUBMITTED),
        (2, 1, SheetStatus.SUBMITTED),
    ]
    assert history[1].submitted_at == at

    past = progress_board(meet.ws, 1)
    assert past.round == 1 and not past.is_current
    assert [a.id for a in past.applications] == ["a01", "a02", "a03"]
    assert past.counts()[CellState.SUBMITTED] == 15 and past.complete
    assert [(h.round, h.version) for h in past.cell("e01", "a02").history] == [(1, 1)]

    # round 1's figures are as they were; round 2's differ where the sheets differ
    again = rounds.consolidate_round(meet.ws, 1)
    assert again == round1
    round2 = rounds.consolidate_round(meet.ws, 2)
    assert round2.round == 2 and [a.application_id for a in round2.applications] == ["a02"]
    total1, total2 = again.application("a02").total, round2.application("a02").total
    assert total1 is not None and total2 is not None and total1.exact != total2.exact
    assert not rounds.flagged_applications(round2)


def test_a_version_five_workspace_migrates_to_six(tmp_path: Path) -> None:
    db = sqlite_utils.Database(tmp_path / "five.sqlite")
    migrations.migrate(db, migrations.MIGRATIONS[:5])
    assert "secretary_draft_reports" not in db.table_names()
    assert migrations.migrate(db) == len(migrations.MIGRATIONS)
    assert {"secretary_draft_reports", "secretary_draft_sources"} <= set(db.table_names())
    db.close()
