"""Fixtures for sealed drafts: two experts of one meeting (fast in-memory identities issued by
the session's throw-away CA), a stranger, and a workspace they share."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.domain.meeting import Meeting
from app.expert.desk import ExpertDesk
from app.expert.session import session_for
from app.expert.unlock import open_expert_drafts
from storage.stores import SqliteStores
from storage.workspace.core import Workspace
from tests.app.crypto.pki_fixtures import NOW, PkiFixture, in_memory_identity, shared_pki
from tests.meeting_factory import Clock, make_meeting, make_rubric


@dataclasses.dataclass(frozen=True)
class Cast:
    first: Identity
    second: Identity
    stranger: Identity
    """An expert certificate of the same CA that is not on the roster."""
    secretary: Identity
    pki: PkiFixture


@pytest.fixture(scope="session")
def cast(tmp_path_factory: pytest.TempPathFactory) -> Cast:
    pki = shared_pki(tmp_path_factory)
    return Cast(
        first=in_memory_identity(pki.ca, Role.EXPERT, "Li Wei"),
        second=in_memory_identity(pki.ca, Role.EXPERT, "Wang Fang"),
        stranger=in_memory_identity(pki.ca, Role.EXPERT, "Stranger"),
        secretary=pki.people[Role.SECRETARY],
        pki=pki,
    )


@pytest.fixture
def meeting(cast: Cast) -> Meeting:
    """The factory meeting with e1 = ``cast.first`` and e2 = ``cast.second`` on the roster."""
    m = make_meeting()
    first, second = m.experts
    return dataclasses.replace(
        m,
        experts=(
            dataclasses.replace(first, fingerprint=cast.first.fingerprint),
            dataclasses.replace(second, fingerprint=cast.second.fingerprint),
        ),
    )


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def ws_path(tmp_path: Path, meeting: Meeting, clock: Clock) -> Path:
    folder = tmp_path / "meeting"
    folder.mkdir()
    path = folder / "workspace.sqlite"
    Workspace.create(path, meeting, make_rubric(), "setup", now=clock).close()
    return path


@pytest.fixture
def ws(ws_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(ws_path)
    yield workspace
    workspace.close()


def desk_for(ws: Workspace, meeting: Meeting, identity: Identity, clock: Clock) -> ExpertDesk:
    """Sign ``identity`` in as the window does: session, sealed drafts, desk."""
    session = session_for(meeting, identity, clock())
    repo = open_expert_drafts(SqliteStores(), ws, session, clock())
    return ExpertDesk(repo, meeting, make_rubric(), session.expert, now=clock)


def file_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, as someone copying them would get them."""
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
