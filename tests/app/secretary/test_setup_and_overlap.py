"""Roster from certificates, frozen-after-kit rules, the meeting key, and the overlap check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.crypto.profile import Role
from app.demo.meeting import load_demo
from app.domain.meeting import ExpertRole
from app.errors import ValidationError
from app.kit.meeting_key import unlock_meeting_key
from app.secretary import setup as sec_setup
from app.secretary.errors import RosterError, SetupIncompleteError
from app.secretary.keys import create_meeting_key
from app.secretary.overlap import (
    OverlapKind,
    PlatformListError,
    find_overlaps,
    load_approved_platforms,
)
from storage.migrations import workspace as migrations
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import NOW, in_memory_identity
from tests.app.secretary.helpers import HEADER, Cast, pem
from tests.app.sheets.factory import make_rubric


def _workspace(tmp_path: Path, cast: Cast):  # type: ignore[no-untyped-def]
    return sec_setup.create_workspace(
        SqliteStores(),
        tmp_path / "sec",
        HEADER,
        make_rubric(),
        cast.secretary,
        cast.roots,
        actor="s",
        now=NOW,
    )


def test_roster_reads_fingerprints_and_refuses_wrong_certificates(
    tmp_path: Path, cast: Cast
) -> None:
    ws = _workspace(tmp_path, cast)
    info = sec_setup.read_certificate(pem(cast.experts[0]))
    assert info.fingerprint == cast.experts[0].fingerprint and info.role is Role.EXPERT
    entry = sec_setup.add_expert(
        ws, pem(cast.experts[0]), ExpertRole.OVERALL, chair=True, actor="s", now=NOW
    )
    assert entry.expert.id == "e01" and entry.expert.is_chair
    before = ws.dump()
    for bad in (
        pem(cast.experts[0]),  # already on the roster
        pem(cast.secretary),  # not an expert
        pem(in_memory_identity(cast.pki.other_ca, Role.EXPERT, "外部专家")),  # foreign CA
        b"not a certificate",
    ):
        with pytest.raises(RosterError):
            sec_setup.add_expert(ws, bad, ExpertRole.DOMAIN, actor="s", now=NOW)
    assert ws.dump() == before
    sec_setup.add_expert(ws, pem(cast.experts[1]), ExpertRole.DOMAIN, actor="s", now=NOW)
    sec_setup.set_chair(ws, "e02", actor="s", now=NOW)
    assert [r.expert.is_chair for r in ws.roster()] == [False, True]
    with pytest.raises(SetupIncompleteError):
        sec_setup.ready_meeting(ws)  # no package yet
    ws.close()


def test_meeting_key_is_stored_sealed_only(tmp_path: Path, cast: Cast) -> None:
    ws = _workspace(tmp_path, cast)
    made = create_meeting_key(ws, actor="s", now=NOW, log_n=10)
    setup = ws.setup()
    assert setup.sealed_meeting_key is not None and made.passphrase not in repr(made)
    assert (
        str(unlock_meeting_key(setup.sealed_meeting_key, made.passphrase).recipient)
        == made.recipient
    )
    raw = ws.path.read_bytes() + (
        ws.path.with_name(ws.path.name + "-wal").read_bytes()
        if ws.path.with_name(ws.path.name + "-wal").exists()
        else b""
    )
    assert made.passphrase.encode() not in raw
    ws.close()


def test_a_secretary_identity_is_required(tmp_path: Path, cast: Cast) -> None:
    with pytest.raises(ValidationError):
        sec_setup.create_workspace(
            SqliteStores(),
            tmp_path / "x",
            HEADER,
            make_rubric(),
            cast.experts[0],
            cast.roots,
            actor="s",
            now=NOW,
        )


def test_migration_three_is_last_and_creates_the_tables() -> None:
    assert migrations.MIGRATIONS[2].__name__ == "m003_secretary"


def test_overlap_finds_the_demo_pair() -> None:
    meeting, _ = load_demo()
    findings = find_overlaps(meeting.applications, ())
    pairs = {(f.application_id, f.other_id) for f in findings}
    assert ("a02", "a06") in pairs and ("a06", "a02") in pairs
    f = next(f for f in findings if f.application_id == "a02")
    assert f.shared_tags == ("industrial visual inspection",) and f.kind is OverlapKind.APPLICATION
    assert "industrial visual inspection" in f.message.in_language("en")


def test_approved_platforms_load_strictly_and_are_checked(tmp_path: Path) -> None:
    platforms = load_approved_platforms()
    assert len(platforms) >= 8 and all(p.name.zh_CN for p in platforms)
    meeting, _ = load_demo()
    hits = [
        f for f in find_overlaps(meeting.applications, platforms) if f.kind is OverlapKind.PLATFORM
    ]
    assert any(f.application_id == "a01" and "medical imaging" in f.shared_tags for f in hits)
    doc = json.loads(Path("resources/approved_platforms.json").read_text(encoding="utf-8"))
    doc["platforms"][0]["sub_domain_tags"] = ["Bad Tag"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PlatformListError) as info:
        load_approved_platforms(bad)
    assert info.value.field == "platforms[0].sub_domain_tags"
    doc["platforms"][0]["extra"] = 1
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PlatformListError):
        load_approved_platforms(bad)


def test_a_version_two_workspace_migrates_to_three(tmp_path: Path) -> None:
    import sqlite3

    import sqlite_utils

    from storage import database

    path = tmp_path / "old.sqlite"
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    migrations.migrate(db, migrations.MIGRATIONS[:2])
    assert "secretary_setup" not in db.table_names()
    db.close()
    reopened = database.open_database(path)
    assert int(reopened.execute("PRAGMA user_version").fetchone()[0]) == migrations.SCHEMA_VERSION
    assert {"secretary_setup", "secretary_signed_sheets"} <= set(reopened.table_names())
    reopened.close()


def test_audit_detects_an_edited_roster(tmp_path: Path, cast: Cast) -> None:
    ws = _workspace(tmp_path, cast)
    sec_setup.add_expert(
        ws, pem(cast.experts[0]), ExpertRole.OVERALL, chair=True, actor="s", now=NOW
    )
    assert ws.verify_audit().ok
    ws._db.execute("UPDATE secretary_roster SET role = 'domain'")
    ws._db.conn.commit()
    report = ws.verify_audit()
    assert not report.ok and report.subject == "secretary-roster"
    ws.close()
