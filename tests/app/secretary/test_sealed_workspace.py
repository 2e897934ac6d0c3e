"""The secretary's workspace sealed at rest (docs/formats/secretary-workspace-v1.md): what the
experts wrote is in no byte of the file; only the secretary's identity opens it; a damaged or
moved value is refused; the audit verifies without the key; the database refuses plaintext in
a sealed row."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from app.domain.sheet import Recommendation
from app.sealed_drafts.errors import (
    DraftKeyDamagedError,
    RecordsSealedError,
    SealedRecordError,
    WrongDraftKeyError,
)
from app.sealed_drafts.keys import create_workspace_key
from app.sealed_drafts.keys import workspace_key_signed_bytes as _signed
from app.secretary import opinions
from app.secretary import setup as sec_setup
from app.secretary.errors import WrongSecretaryError
from app.secretary.setup import open_unlocked
from storage.audit_verify import verify_workspace_file
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import NOW
from tests.app.secretary.helpers import Cast, recusal, score, sheet_file
from tests.app.secretary.rounds_world import Meet, build_meet

PANEL = "PANEL-CANARY the panel recommends it"
CANARIES = (b"Opinion of e01", b"former employer", PANEL.encode(), b'"score":"20"')
"""The sheet's opinion, the recusal's reason, the panel opinion, a score as signed."""


@pytest.fixture
def meet(tmp_path: Path, cast: Cast) -> Meet:
    """e01's sheets for a01 and a02 collected, e02's recusal from a03, a panel opinion."""
    meet = build_meet(tmp_path, cast)
    sheets = [
        score(meet.repo, meet.meeting, meet.rubric, "e01", app, ["20"] * 4)
        for app in ("a01", "a02")
    ]
    meet.collect(
        sheet_file(
            tmp_path / "e01.oisheet",
            cast,
            meet.meeting,
            meet.rubric,
            meet.kit_hash,
            "e01",
            sheets,
        )
    )
    recused = recusal(cast, meet.meeting, meet.rubric, meet.kit_hash, "e02", "a03")
    meet.collect(
        sheet_file(
            tmp_path / "e02.oisheet",
            cast,
            meet.meeting,
            meet.rubric,
            meet.kit_hash,
            "e02",
            [],
            recusals=[recused],
        )
    )
    opinions.save_panel_opinion(
        meet.ws, "a01", PANEL, Recommendation.RECOMMEND, actor="sec", now=NOW
    )
    meet.ws.close()
    meet.repo.close()
    return meet


def _file(meet: Meet) -> Path:
    return meet.ws.path


def _bytes(path: Path) -> bytes:
    return b"".join(
        p.read_bytes() if p.exists() else b""
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
    )


def _open(meet: Meet) -> object:
    return open_unlocked(
        SqliteStores(), _file(meet).parent, meet.cast.secretary, actor="sec", now=NOW
    )


def test_nothing_the_experts_wrote_is_in_the_file(meet: Meet) -> None:
    path = _file(meet)
    assert path.exists()
    assert [c for c in CANARIES if c in _bytes(path)] == []
    assert verify_workspace_file(path).ok  # no key needed
    with sec_setup.open_workspace(SqliteStores(), path.parent) as ws:
        assert len(ws.version_index(1)) == 2  # the board's clear columns read without a key
        for read in (ws.signed_sheets, ws.recusals, ws.approvals):
            with pytest.raises(RecordsSealedError):
                read()
    with open_unlocked(
        SqliteStores(), path.parent, meet.cast.secretary, actor="sec", now=NOW
    ) as ws:
        stored = ws.signed_sheets()
        assert [s.sheet.opinion for s in stored] == ["Opinion of e01"] * 2
        assert b'"score":"20"' in stored[0].signed.document
        (recused,) = ws.recusals()
        assert recused.declaration.reason == "former employer"
        found = ws.panel_opinion(meet.meeting.id, "a01", 1)  # type: ignore[arg-type]
        assert found is not None and found.opinion == PANEL
        assert ws.verify_audit().ok


@pytest.mark.parametrize("who", ["expert", "stranger"])
def test_another_identity_is_refused_and_changes_nothing(meet: Meet, who: str) -> None:
    path = _file(meet)
    with sec_setup.open_workspace(SqliteStores(), path.parent) as ws:
        before = ws.dump()  # type: ignore[attr-defined]
    identity = meet.cast.experts[0] if who == "expert" else meet.cast.stranger
    with pytest.raises(WrongSecretaryError):
        open_unlocked(SqliteStores(), path.parent, identity, actor="sec", now=NOW)
    with sec_setup.open_workspace(SqliteStores(), path.parent) as ws:
        assert ws.dump() == before  # type: ignore[attr-defined]


def _raw(path: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    """Change the file behind the program's back (triggers are no security boundary)."""
    db = sqlite3.connect(path)
    for sql, params in statements:
        db.execute(sql, params)
    db.commit()
    db.close()


def test_a_key_wrapped_to_another_key_pair_is_refused(meet: Meet) -> None:
    """Someone who can write the file replaces the key by one they made for themselves."""
    path = _file(meet)
    record, _ = create_workspace_key(meet.cast.stranger, meet.meeting.id, NOW)
    _raw(
        path,
        ("DROP TRIGGER secretary_workspace_key_no_update", ()),
        (
            "UPDATE secretary_workspace_key SET fingerprint = ?, wrapped_key = ?, signature = ?",
            (record.fingerprint, record.wrapped_key, record.signature),
        ),
    )
    with pytest.raises(WrongDraftKeyError):
        _open(meet)
    assert not verify_workspace_file(path).ok


def test_a_planted_key_signed_by_nobody_is_refused_as_damaged(meet: Meet) -> None:
    path = _file(meet)
    record, _ = create_workspace_key(meet.cast.secretary, meet.meeting.id, NOW)
    assert _signed(record)  # a real record: only its signature is taken away
    _raw(
        path,
        ("DROP TRIGGER secretary_workspace_key_no_update", ()),
        (
            "UPDATE secretary_workspace_key SET wrapped_key = ?, signature = ?",
            (record.wrapped_key, b"\x30\x00"),
        ),
    )
    with pytest.raises(DraftKeyDamagedError):
        _open(meet)


def test_a_damaged_sealed_value_is_refused(meet: Meet) -> None:
    path = _file(meet)
    db = sqlite3.connect(path)
    (value,) = db.execute(
        "SELECT sealed FROM secretary_signed_sheets ORDER BY sheet_id LIMIT 1"
    ).fetchone()
    db.close()
    damaged = bytes(value[:-1]) + bytes([value[-1] ^ 1])
    _raw(
        path,
        ("DROP TRIGGER secretary_signed_sheets_append_only_update", ()),
        ("UPDATE secretary_signed_sheets SET sealed = ? WHERE sealed = ?", (damaged, value)),
    )
    with closing(_open(meet)) as ws:
        with pytest.raises(SealedRecordError) as refused:
            ws.signed_sheets()
        assert refused.value.kind == "signed-sheet"
    assert not verify_workspace_file(path).ok  # the audit sees it without the key


def test_a_value_moved_to_another_row_does_not_open(meet: Meet) -> None:
    path = _file(meet)
    db = sqlite3.connect(path)
    (a, first), (b, second) = db.execute(
        "SELECT id, sealed FROM sheets ORDER BY application_id"
    ).fetchall()
    db.close()
    _raw(
        path,
        ("DROP TRIGGER sheets_frozen_update", ()),
        ("UPDATE sheets SET sealed = ? WHERE id = ?", (second, a)),
        ("UPDATE sheets SET sealed = ? WHERE id = ?", (first, b)),
    )
    with closing(_open(meet)) as ws:
        with pytest.raises(SealedRecordError) as refused:
            ws.signed_sheets()
        assert refused.value.kind == "sheet"


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        ("UPDATE secretary_signed_sheets SET document = x'41'", ()),
        ("UPDATE secretary_recusals SET reason = 'in clear'", ()),
        ("UPDATE panel_opinions SET opinion = 'in clear'", ()),
        ("UPDATE sheets SET opinion = 'in clear'", ()),
        ("DELETE FROM secretary_workspace_key", ()),
    ],
)
def test_the_database_refuses_plaintext_in_a_sealed_row(
    meet: Meet, sql: str, params: tuple[object, ...]
) -> None:
    with pytest.raises(sqlite3.DatabaseError):
        _raw(_file(meet), (sql, params))


def test_the_first_unlock_of_an_older_workspace_makes_the_key_seals_and_rewrites(
    cast: Cast, tmp_path: Path
) -> None:
    """A version-8 workspace (the committed fixture, plaintext) whose setup names this test's
    secretary (an audited change: the fixture secretary's key is not kept): the first unlock
    makes the key, seals every collected row with its ``*.seal`` entry and rewrites the
    file; none of the experts' work is left in its bytes, and the audit verifies."""
    import dataclasses

    from cryptography.hazmat.primitives.serialization import Encoding

    from app.secretary.unlock import unlock_workspace
    from storage.audit import chain as audit
    from storage.secretary.workspace import SecretaryWorkspace
    from tests.storage.fixtures import make_fixtures as fx

    folder = tmp_path / "old"
    folder.mkdir()
    path = folder / "secretary.sqlite"
    path.write_bytes(fx.secretary_path(8).read_bytes())
    canaries = (fx.CONFLICT_REASON.encode(), b'"score":"20"')
    assert all(c in _bytes(path) for c in canaries)
    pem = cast.secretary.certificate.public_bytes(Encoding.PEM).decode()
    with SecretaryWorkspace.open(path) as ws:
        with ws.transaction("test", NOW):
            ws.save_setup(
                dataclasses.replace(ws.setup(), secretary_certificate_pem=pem), "setup.test"
            )
        assert ws.workspace_key() is None and ws.plaintext_count() == 4
        before = ws.audit_head().count
        unlock_workspace(ws, cast.secretary, actor="sec", now=NOW)
        actions = [e.action for e in audit.entries(ws._db)[before:]]
        assert actions[0] == "workspace_key.create"
        assert sorted(actions[1:]) == ["recusal.seal", "sheet.seal", "signed_sheet.seal"]
        assert ws.plaintext_count() == 0
        (recused,) = ws.recusals()
        assert recused.declaration.reason == fx.CONFLICT_REASON
        assert [c for c in canaries if c in _bytes(path)] == []  # file, free pages, -wal
        assert ws.verify_audit().ok
    assert verify_workspace_file(path).ok
    with pytest.raises(WrongSecretaryError):
        open_unlocked(SqliteStores(), folder, cast.stranger, actor="sec", now=NOW)
    with closing(open_unlocked(SqliteStores(), folder, cast.secretary, actor="sec", now=NOW)) as ws:
        assert [s.sheet.scores[0].comment for s in ws.signed_sheets()] == [fx.FIRST_COMMENT]
