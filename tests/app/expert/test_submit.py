"""Sign and submit (app.expert.submit): the gates, one transaction, the signed result."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlite_utils

from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.domain.ids import CriterionKey, FactorKey
from app.domain.meeting import Meeting
from app.domain.rules import SheetInvalid
from app.domain.sheet import CriterionVerdict, Recommendation, SheetStatus
from app.expert.desk import ExpertDesk
from app.expert.session import NotOnRosterError, session_for
from app.expert.submit import sign_and_submit, unlock_to_sign
from app.expert.unlock import open_expert_drafts
from app.sheets import parse_signed_sheet
from storage.audit import chain as audit
from storage.stores import SqliteStores
from storage.workspace.core import Workspace
from tests.app.crypto.pki_fixtures import (
    EXPERT_PASSPHRASE,
    NOW,
    PkiFixture,
    in_memory_identity,
    shared_pki,
)
from tests.meeting_factory import APP, EXPERT, OTHER_EXPERT, make_meeting, make_rubric


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


@pytest.fixture(scope="module")
def colleague(pki: PkiFixture) -> Identity:
    """The other expert on the roster."""
    return in_memory_identity(pki.ca, Role.EXPERT, "Wang Fang")


@pytest.fixture
def meeting(pki: PkiFixture, colleague: Identity) -> Meeting:
    """The factory meeting with both experts' certificate fingerprints on the roster."""
    base = make_meeting()
    prints = {EXPERT: pki.expert.fingerprint, OTHER_EXPERT: colleague.fingerprint}
    experts = tuple(dataclasses.replace(e, fingerprint=prints[e.id]) for e in base.experts)
    return dataclasses.replace(base, experts=experts)


@pytest.fixture
def ws(tmp_path: Path, meeting: Meeting) -> Iterator[Workspace]:
    workspace = Workspace.create(
        tmp_path / "w.review", meeting, make_rubric(), "secretary", now=lambda: NOW
    )
    yield workspace
    workspace.close()


@pytest.fixture
def desk(ws: Workspace, meeting: Meeting, pki: PkiFixture) -> ExpertDesk:
    session = session_for(meeting, pki.expert, NOW)
    repo = open_expert_drafts(SqliteStores(), ws, session, NOW)
    return ExpertDesk(repo, meeting, make_rubric(), session.expert, now=lambda: NOW)


def _fill(desk: ExpertDesk, *, opinion: str = "Sound plan, capable unit.") -> None:
    desk.declare(APP, False)
    for criterion in ("eligible", "unique"):
        desk.record_criterion(APP, CriterionKey(criterion), CriterionVerdict.MET, "")
    for factor in ("concept", "capability", "feasibility", "results"):
        desk.set_score(APP, FactorKey(factor), Decimal("20"))
    desk.set_opinion(APP, opinion)
    desk.set_recommendation(APP, Recommendation.RECOMMEND, "")


def _actors(path: Path) -> list[str]:
    db = sqlite_utils.Database(sqlite3.connect(path))
    try:
        return [e.actor for e in audit.entries(db)]
    finally:
        db.close()


def test_a_complete_sheet_is_submitted_signed_and_kept(
    ws: Workspace, desk: ExpertDesk, pki: PkiFixture, tmp_path: Path
) -> None:
    _fill(desk)
    secretary = pki.people[Role.SECRETARY].certificate

    done = sign_and_submit(desk, APP, pki.expert, secretary, NOW)

    assert done.sheet.status is SheetStatus.SUBMITTED
    assert desk.sheet(APP) == done.sheet
    assert desk.repo.signed_copy(done.sheet.id) == done.signed
    parsed = parse_signed_sheet(
        done.signed,
        [pki.ca.certificate],
        at=NOW,
        meeting_id=desk.meeting.id,
        expert_fingerprint=pki.expert.fingerprint,
        rubric=desk.rubric,
    )
    assert parsed == done.sheet
    expert_actors = {a for a in _actors(tmp_path / "w.review") if a != "secretary"}
    assert expert_actors == {"expert:e1"}


def test_a_sheet_that_fails_a_rule_is_refused_and_nothing_changes(
    ws: Workspace, desk: ExpertDesk, pki: PkiFixture
) -> None:
    _fill(desk, opinion="   ")
    before = ws.audit_head().count
    draft = desk.sheet(APP)

    with pytest.raises(SheetInvalid) as refused:
        sign_and_submit(desk, APP, pki.expert, pki.people[Role.SECRETARY].certificate, NOW)

    assert [v.field for v in refused.value.violations] == ["opinion"]
    assert ws.audit_head().count == before
    assert desk.sheet(APP) == draft
    assert draft is not None and draft.status is SheetStatus.DRAFT
    assert desk.repo.signed_copy(draft.id) is None


def test_another_experts_identity_is_refused_and_nothing_changes(
    ws: Workspace, desk: ExpertDesk, pki: PkiFixture, colleague: Identity
) -> None:
    _fill(desk)
    before = ws.audit_head().count

    with pytest.raises(NotOnRosterError, match="not the one you signed in with"):
        sign_and_submit(desk, APP, colleague, pki.people[Role.SECRETARY].certificate, NOW)

    assert ws.audit_head().count == before
    sheet = desk.sheet(APP)
    assert sheet is not None and sheet.status is SheetStatus.DRAFT


def test_unlock_to_sign_opens_the_experts_own_identity_only(
    meeting: Meeting, pki: PkiFixture
) -> None:
    data = pki.expert_p12.read_bytes()

    identity = unlock_to_sign(meeting, meeting.expert(EXPERT), data, EXPERT_PASSPHRASE, NOW)
    assert identity.fingerprint == pki.expert.fingerprint

    with pytest.raises(NotOnRosterError, match="not the one you signed in with"):
        unlock_to_sign(meeting, meeting.expert(OTHER_EXPERT), data, EXPERT_PASSPHRASE, NOW)
