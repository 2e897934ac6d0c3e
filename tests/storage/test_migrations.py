"""Every past schema version upgrades: a copy of each committed fixture database
(``tests/storage/fixtures``, written by ``make_fixtures.py`` with the migration ladder stopped
at that version) is opened by today's program, migrated to the current version, and must
come out intact (``PRAGMA integrity_check``), with everything it held still readable through
the repositories, and with an audit chain that still verifies."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from app.domain.sheet import SheetStatus
from app.expert.model import ClockPhase, Page
from app.sealed_drafts.cipher import SecretaryCipher
from app.sealed_drafts.errors import RecordsSealedError, SealedRecordError
from app.secretary.model import PackageStatus
from storage.audit import chain as audit
from storage.audit_verify import WorkspaceKind, verify_workspace_file
from storage.migrations import ministry as ministry_migrations
from storage.migrations import workspace as migrations
from storage.ministry import database as ministry_database
from storage.secretary.workspace import SecretaryWorkspace
from storage.workspace.audit_state import verify_file
from storage.workspace.core import Workspace
from storage.workspace.view_state import WorkspaceViewStates
from tests.meeting_factory import APP, EXPERT, MEETING, OTHER_APP, OTHER_EXPERT
from tests.storage.fixtures import make_fixtures as fx

VERSIONS = range(1, migrations.SCHEMA_VERSION + 1)
SECRETARY_VERSIONS = range(fx.FIRST_SECRETARY_VERSION, migrations.SCHEMA_VERSION + 1)


def _copy(source: Path, tmp_path: Path) -> Path:
    """Tests never touch the committed file (opening it would migrate it)."""
    assert source.exists(), f"{source.name} missing: run {Path(fx.__file__).name}"
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    return target


def _raw(path: Path, query: str) -> object:
    """One value read from ``path`` without a lock or a ``-shm`` file (a committed fixture is
    read in place, and must not gain files beside it)."""
    conn = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return conn.execute(query).fetchone()[0]
    finally:
        conn.close()


def _audit_count(path: Path) -> object:
    return _raw(path, "SELECT count(*) FROM audit_log")


def test_there_is_a_fixture_for_every_version() -> None:
    """A new migration comes with its fixture (``make_fixtures.py`` writes the missing one)."""
    for version in VERSIONS:
        assert _raw(fx.expert_path(version), "PRAGMA user_version") == version
    for version in SECRETARY_VERSIONS:
        assert _raw(fx.secretary_path(version), "PRAGMA user_version") == version
    for version in range(1, ministry_migrations.SCHEMA_VERSION + 1):
        assert _raw(fx.ministry_path(version), "PRAGMA user_version") == version


@pytest.mark.parametrize("version", VERSIONS)
def test_an_expert_workspace_of_every_version_upgrades(version: int, tmp_path: Path) -> None:
    path = _copy(fx.expert_path(version), tmp_path)
    assert verify_file(path).ok  # read-only, as that version left it
    entries = _audit_count(path)
    with Workspace.open(path) as ws:
        db = ws._db
        assert db.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        meeting = ws.meeting(MEETING)
        assert [e.id for e in meeting.experts] == [EXPERT, OTHER_EXPERT]
        assert [a.id for a in meeting.applications] == [APP, OTHER_APP]
        assert ws.rubric(meeting.rubric_id).id == meeting.rubric_id
        conflict = ws.conflict(MEETING, EXPERT, OTHER_APP)
        assert conflict is not None and conflict.has_conflict
        assert conflict.reason == fx.CONFLICT_REASON
        assert [n.text for n in ws.notes(MEETING, EXPERT, APP)] == [fx.QUESTION]
        mine = ws.sheets(MEETING, EXPERT, APP)
        assert [(s.version, s.status) for s in mine] == [
            (1, SheetStatus.SUBMITTED),
            (2, SheetStatus.DRAFT),
        ]
        assert mine[1].scores[0].comment == fx.DRAFT_COMMENT
        assert [s.status for s in ws.sheets(MEETING, OTHER_EXPERT, APP)] == [SheetStatus.SUBMITTED]
        opinion = ws.panel_opinion(MEETING, APP)
        assert opinion is not None and opinion.opinion == fx.OPINION
        record = ws.kit_record()
        assert (record is None) if version < 2 else (record and record.kit_id == fx.KIT_ID)
        notices = ws.round_notices()
        assert [h.notice.round for h in notices] == ([2] if version >= 7 else [])
        place = WorkspaceViewStates(ws).view_state(MEETING, EXPERT)
        if version >= 5:
            assert place is not None and place.page is Page.MATERIALS
            assert place.attachment is not None and place.attachment.name == fx.VIEW_ATTACHMENT
            assert place.clock is not None and place.clock.phase is ClockPhase.QA
        else:
            assert place is None
        assert ws.verify_audit().ok
    # Migrating records nothing but the meeting's state without its forms (migration 8).
    assert _audit_count(path) == entries + (1 if version < 8 else 0)
    report = verify_workspace_file(path)
    assert report.kind is WorkspaceKind.EXPERT
    assert report.ok, report.parts


@pytest.mark.parametrize("version", SECRETARY_VERSIONS)
def test_a_secretary_workspace_of_every_version_upgrades(version: int, tmp_path: Path) -> None:
    path = _copy(fx.secretary_path(version), tmp_path)
    assert verify_workspace_file(path).ok  # read-only, as that version left it
    entries = _audit_count(path)
    with SecretaryWorkspace.open(path) as ws:
        db = ws._db
        assert db.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        setup = ws.setup()
        assert setup.kit is not None and setup.kit.kit_id == fx.KIT_ID
        assert setup.sealed_meeting_key is not None
        assert [r.expert.id for r in ws.roster()] == [EXPERT, OTHER_EXPERT]
        assert {(p.file_sha256, p.status) for p in ws.packages()} == {
            (fx.PACKAGE_SHA256, PackageStatus.VERIFIED),
            (fx.REFUSED_SHA256, PackageStatus.REFUSED),
        }
        assert [a.application_id for a in ws.agenda()] == [APP, OTHER_APP]
        assert [r.number for r in ws.rounds()] == [1]
        assert [m.id for m in ws.meetings()] == [MEETING]
        with pytest.raises(RecordsSealedError):
            ws.signed_sheets()  # what the experts wrote needs the workspace key
        # A key of the test's own: the fixture secretary's private key is not kept. It
        # reads the plaintext rows of an older file (and opens nothing sealed to the other).
        ws.unlock(SecretaryCipher(bytes(range(32)), MEETING))
        if version >= fx.SEALED_SECRETARY_VERSION:
            assert ws.plaintext_count() == 0
            with pytest.raises(SealedRecordError):
                ws.signed_sheets()
        else:
            (stored,) = ws.signed_sheets()
            assert (stored.sheet.expert_id, stored.sheet.status) == (
                EXPERT,
                SheetStatus.SUBMITTED,
            )
            assert stored.sheet.scores[0].comment == fx.FIRST_COMMENT
            (recusal,) = ws.recusals()
            assert recusal.declaration.reason == fx.CONFLICT_REASON
        assert ws.sheet_file_seen(fx.SHEET_FILE_SHA256)
        reports = ws.draft_reports()
        assert [(r.expert_id, r.application_id) for r in reports] == (
            [(OTHER_EXPERT, APP)] if version >= 6 else []
        )
        assert ws.verify_audit().ok
    # Migration 8 records the meeting and the verified package without their forms.
    assert _audit_count(path) == entries + (2 if version < 8 else 0)
    report = verify_workspace_file(path)
    assert report.kind is WorkspaceKind.SECRETARY
    assert report.ok, report.parts


SECRETARY_CANARIES = (fx.FIRST_COMMENT.encode(), fx.CONFLICT_REASON.encode(), b'"score":"20"')
"""What the fixture's collected sheet and recusal say (the comment, the reason, a score as
the signed sheet spells it)."""


def _file_bytes(path: Path) -> bytes:
    return b"".join(
        p.read_bytes() if p.exists() else b""
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"))
    )


@pytest.mark.parametrize("version", SECRETARY_VERSIONS)
def test_the_secretarys_plaintext_is_sealed_and_gone_after_the_first_unlock(
    version: int, tmp_path: Path
) -> None:
    """secretary-workspace-v1 §6: a file of an older version holds the experts' work in
    clear; the first unlock seals every row in one transaction with ``*.seal`` entries and
    rewrites the file, so none of it is left in the database, its free pages or its log; the
    audit still verifies without the key, and the values read back through it."""
    path = _copy(fx.secretary_path(version), tmp_path)
    before = _file_bytes(path)
    assert [c in before for c in SECRETARY_CANARIES] == [version < 9] * 3
    key = SecretaryCipher(bytes(range(32)), MEETING)
    with SecretaryWorkspace.open(path) as ws:
        ws.unlock(key)
        expected = (ws.signed_sheets(), ws.recusals()) if version < 9 else None
        count = ws.audit_head().count
        with ws.transaction("secretary", dt.datetime(2026, 5, 1, tzinfo=dt.UTC)):
            sealed = ws.seal_plaintext()
        ws.scrub()
        actions = [e.action for e in audit.entries(ws._db)[count:]]
        if version < 9:
            assert sealed == 4  # the sheet, its signed bytes, the recusal and its conflict row
            assert sorted(actions) == ["recusal.seal", "sheet.seal", "signed_sheet.seal"]
            assert (ws.signed_sheets(), ws.recusals()) == expected
        else:
            assert (sealed, actions) == (0, [])
        assert ws.plaintext_count() == 0
        assert [c for c in SECRETARY_CANARIES if c in _file_bytes(path)] == []
        assert ws.verify_audit().ok
    assert [c for c in SECRETARY_CANARIES if c in _file_bytes(path)] == []
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT count(*) FROM sheet_scores").fetchone() == (0,)
    assert raw.execute(
        "SELECT count(*) FROM secretary_signed_sheets WHERE sealed IS NULL OR length(document)"
    ).fetchone() == (0,)
    raw.close()
    report = verify_workspace_file(path)  # no key
    assert report.ok, report.parts


FORM_MARKERS = (b'"sections"', b"II.1", b'"form"')
"""Bytes every stored form document holds (the section list, a section key, the member)."""


def _form_text_in(path: Path) -> list[str]:
    """Which :data:`FORM_MARKERS` occur in the workspace file or its ``-wal``/``-shm``."""
    found = []
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        data = name.read_bytes() if name.exists() else b""
        found += [f"{name.name}: {m!r}" for m in FORM_MARKERS if m in data]
    return found


@pytest.mark.parametrize(
    ("kind", "version"),
    [("expert", v) for v in VERSIONS] + [("secretary", v) for v in SECRETARY_VERSIONS],
)
def test_no_form_text_remains_after_the_upgrade(kind: str, version: int, tmp_path: Path) -> None:
    """Migration 8 removes every form and rewrites the file: not a byte of a form document is
    left in the database, its free pages or its write-ahead log."""
    source = fx.expert_path(version) if kind == "expert" else fx.secretary_path(version)
    path = _copy(source, tmp_path)
    had_forms = _form_text_in(path)
    assert bool(had_forms) == (version < 8), had_forms
    opener = Workspace if kind == "expert" else SecretaryWorkspace
    with opener.open(path) as ws:
        assert _form_text_in(path) == []  # already after the opening, before any edit
        meeting = ws.meeting(MEETING)
        assert all(a.form == () for a in meeting.applications)
        assert ws.verify_audit().ok
    assert _form_text_in(path) == []
    columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(applications)")]
    assert "form" not in columns


def _ministry_contents(path: Path) -> tuple[Sequence[object], Sequence[Any]]:
    """The import history and the applications, through the ministry database's repository."""
    store = ministry_database.MinistryDatabase(path)
    return store.imported_bundles(), store.application_rows()


def test_the_ministry_database_of_version_one_opens(tmp_path: Path) -> None:
    path = _copy(fx.MINISTRY_PATH, tmp_path)
    bundles, rows = _ministry_contents(path)
    assert len(bundles) == 1
    assert rows and len({r.meeting_id for r in rows}) == 1
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    db = sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))
    try:
        assert audit.verify_chain(db).ok
    finally:
        db.close()


MINISTRY_VERSIONS = range(1, ministry_migrations.SCHEMA_VERSION + 1)


@pytest.mark.parametrize("version", MINISTRY_VERSIONS)
def test_a_ministry_database_of_every_version_upgrades_on_its_first_write(
    version: int, tmp_path: Path
) -> None:
    """Reading leaves the file as it is; the first change migrates it to today's schema in
    the change's own transaction, and everything it held reads back, the chain verifying
    under ``audit verify`` before and after."""
    from app.i18n import LocalizedText
    from app.ministry.model import PlatformDraft
    from app.ministry.platforms import add_platform
    from storage.audit_verify import verify_workspace_file
    from tests.app.results.factory import VERIFY_AT

    path = _copy(fx.ministry_path(version), tmp_path)
    assert verify_workspace_file(path).ok
    bundles, rows = _ministry_contents(path)
    store = ministry_database.MinistryDatabase(path)
    platforms_before = store.approved_platforms(include_removed=True)
    assert _raw(path, "PRAGMA user_version") == version
    draft = PlatformDraft(
        LocalizedText("Upgrade test", "升级测试"),
        LocalizedText("Unit", "单位"),
        LocalizedText("Sub-domain", "子领域"),
        ("upgrade test",),
        2025,
        "UPGRADE-1",
    )
    added = add_platform(store, draft, "after the upgrade", "officer", VERIFY_AT)
    assert _raw(path, "PRAGMA user_version") == ministry_migrations.SCHEMA_VERSION
    assert _ministry_contents(path) == (bundles, rows)
    assert store.approved_platforms(include_removed=True) == (*platforms_before, added)
    result = verify_workspace_file(path)
    entries = _audit_count(fx.ministry_path(version))
    assert isinstance(entries, int) and result.ok and result.count == entries + 1
    if version >= 2:
        meeting = rows[0].meeting_id
        assert store.report_pdf(meeting) is not None
        assert [p.platform.reference for p in platforms_before] == ["FIXTURE-1", "FIXTURE-2"]
        assert platforms_before[0].added_reason == fx.PLATFORM_REASON
        assert not platforms_before[1].in_force
        assert all(r.sub_domain_tags for r in rows)
    else:
        assert platforms_before == () and all(r.sub_domain_tags == () for r in rows)
    if version >= 3:
        versions = [(d.record.application_id, d.record.version) for d in store.decisions()]
        assert versions == [("a1", 1), ("a2", 1), ("a2", 2)]
        (batch,) = store.batches()
        assert len(batch.record.entries) == 2
