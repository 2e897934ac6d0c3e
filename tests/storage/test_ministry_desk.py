"""The ministry database's schema 2 (``storage.ministry``): the signed report kept, each
application's detail and tags, experts as one person across meetings, the approved-platform
list with its audit trail, ``audit verify`` on the ministry database, and bad databases
(newer schema, locked, not a database, a workspace) refused with a specific message and left
byte-identical."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from app.errors import StorageError, ValidationError
from app.i18n import LocalizedText
from app.ministry.importing import bundle_record
from app.ministry.model import BundleRecord, PlatformDraft, PlatformSource
from app.ministry.platforms import add_platform, remove_platform
from app.results import build_bundle, verify_bundle
from storage.audit_verify import Part, WorkspaceKind, verify_workspace_file
from storage.migrations.ministry import SCHEMA_VERSION
from storage.ministry.database import MinistryDatabase
from tests.app.crypto.pki_fixtures import shared_pki
from tests.app.ministry.bundles import snapshot
from tests.app.results.factory import SIGNED_AT, VERIFY_AT, make_scenario

AT = VERIFY_AT
SECOND = "m-2026-ai-02"
REPORT = b"%PDF-1.7\n% a signed report stands here\n%%EOF\n"
PLATFORM = PlatformDraft(
    LocalizedText("Test platform for imaging", "影像测试平台"),
    LocalizedText("Test Unit", "测试单位"),
    LocalizedText("Medical imaging", "医学影像"),
    ("medical imaging",),
    2024,
    "TEST-2024-1",
)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BundleRecord]:
    """Two meetings; the second's roster has the first's e01 (same certificate) as e01."""
    pki = shared_pki(tmp_path_factory)
    base = tmp_path_factory.mktemp("desk-bundles")
    made: dict[str, BundleRecord] = {}
    first = make_scenario(pki)
    for key, scenario in (("first", first), ("second", make_scenario(pki, meeting_id=SECOND))):
        out = base / f"{key}.oibundle"
        build_bundle(scenario.bundle_input(), scenario.secretary, out, SIGNED_AT)
        made[key] = bundle_record(verify_bundle(out, scenario.roots, AT))
    shared = first.experts["e01"].fingerprint
    second = made["second"]
    experts = tuple(
        dataclasses.replace(e, fingerprint=shared) if e.id == "e01" else e
        for e in second.meeting.experts
    )
    made["second"] = dataclasses.replace(
        second, meeting=dataclasses.replace(second.meeting, experts=experts)
    )
    made["first-with-report"] = dataclasses.replace(made["first"], report_pdf=REPORT)
    return made


def _add(path: Path, record: BundleRecord) -> None:
    store = MinistryDatabase(path)
    with store.transaction("clerk", AT):
        store.add_bundle(record, None)


@pytest.fixture
def db(tmp_path: Path, records: dict[str, BundleRecord]) -> Path:
    path = tmp_path / "ministry.db"
    _add(path, records["first-with-report"])
    _add(path, records["second"])
    return path


def test_the_signed_report_is_kept_and_read_back_from_memory(
    db: Path, records: dict[str, BundleRecord]
) -> None:
    store = MinistryDatabase(db)
    assert store.report_pdf("m-2026-ai-01") == REPORT
    assert store.report_pdf(SECOND) is None  # its documents were not checked: nothing kept
    detail = store.application_detail("m-2026-ai-01", "a1")
    assert detail is not None and detail.has_report


def test_a_report_is_never_replaced_or_deleted(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        for statement in ("UPDATE reports SET report_pdf = x'00'", "DELETE FROM reports"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(statement)
    finally:
        conn.close()


def test_rows_carry_the_sub_domain_and_its_tags(db: Path, records: dict[str, BundleRecord]) -> None:
    rows = MinistryDatabase(db).application_rows()
    first = {a.id: a for a in records["first"].meeting.applications}
    for row in rows:
        application = first[row.application_id]
        assert row.sub_domain == application.sub_domain
        assert row.sub_domain_tags == application.sub_domain_tags != ()


def test_an_applications_detail_has_its_figures_rule_panel_and_opinions(db: Path) -> None:
    store = MinistryDatabase(db)
    a1 = store.application_detail("m-2026-ai-01", "a1")
    assert a1 is not None
    total = next(f for f in a1.figures if f.subject == "total")
    assert len(a1.figures) == 5 and a1.row.total_presented == total.presented
    assert '"method"' in a1.rule_document and a1.vote.eligible == a1.row.eligible
    assert [m.expert_id for m in a1.panel] == ["e01", "e02", "e03", "e04"]
    assert [m.expert_id for m in a1.panel if m.recused] == ["e04"] and a1.panel[0].is_chair
    assert a1.opinion is not None and a1.opinion.approved_by == "e01"
    a2 = store.application_detail("m-2026-ai-01", "a2")
    assert a2 is not None and a2.opinion is not None
    assert a2.opinion.approved_by is None and a2.opinion.minority_opinion == "一位专家持保留意见"
    a3 = store.application_detail("m-2026-ai-01", "a3")
    assert a3 is not None and [m.expert_id for m in a3.panel if m.absent] == ["e03"]
    assert store.application_detail("m-2026-ai-01", "a9") is None


def test_an_expert_is_one_person_across_meetings_by_fingerprint(
    db: Path, records: dict[str, BundleRecord]
) -> None:
    shared = records["first"].meeting.expert("e01").fingerprint
    store = MinistryDatabase(db)
    seen = store.expert_appearances(shared)
    assert [(a.meeting_id, a.expert_id, a.is_chair) for a in seen] == [
        ("m-2026-ai-01", "e01", True),
        (SECOND, "e01", True),
    ]
    assert seen[0].name == records["first"].meeting.expert("e01").name
    everyone = store.expert_appearances()
    assert len(everyone) == 8 and len({a.fingerprint for a in everyone}) == 7
    assert store.expert_appearances("00" * 32) == ()


def test_platforms_are_added_and_removed_with_reason_actor_and_audit(db: Path) -> None:
    store = MinistryDatabase(db)
    assert store.approved_platforms() == ()
    added = add_platform(store, PLATFORM, "announced in the 2024 list", "officer", AT)
    assert added.platform == PLATFORM and added.in_force
    assert (added.added_by, added.added_reason) == ("officer", "announced in the 2024 list")
    later = AT + dt.timedelta(minutes=5)
    removed = remove_platform(store, added.id, "entered twice", "officer 2", later)
    assert not removed.in_force and removed.removed_reason == "entered twice"
    assert removed.removed_by == "officer 2" and removed.removed_at == later.isoformat()
    assert store.approved_platforms() == ()
    assert store.approved_platforms(include_removed=True) == (removed,)
    result = verify_workspace_file(db)
    assert result.kind is WorkspaceKind.MINISTRY and result.ok and result.count == 4
    assert result.parts[1].subjects == 3


def test_a_bad_platform_change_changes_nothing(db: Path) -> None:
    store = MinistryDatabase(db)
    added = add_platform(store, PLATFORM, "listed", "officer", AT)
    remove_platform(store, added.id, "withdrawn", "officer", AT)
    before = snapshot(db)
    with pytest.raises(ValidationError, match="already removed"):
        remove_platform(store, added.id, "again", "officer", AT)
    with pytest.raises(ValidationError, match="no approved platform 99"):
        remove_platform(store, 99, "unknown", "officer", AT)
    with pytest.raises(ValidationError, match="needs a reason"):
        add_platform(store, PLATFORM, "   ", "officer", AT)
    assert snapshot(db) == before


def test_a_platform_source_is_kept(db: Path) -> None:
    store = MinistryDatabase(db)
    draft = dataclasses.replace(PLATFORM, source=PlatformSource.RESOURCE)
    entry = add_platform(store, draft, "from the list file", "officer", AT)
    assert store.approved_platforms() == (entry,)
    assert entry.platform.source is PlatformSource.RESOURCE


def test_a_list_import_adds_what_is_not_listed_and_a_removal_stands(tmp_path: Path) -> None:
    from app.ministry.platforms import NOT_GIVEN, import_platform_list
    from app.secretary.overlap import ApprovedPlatform

    path = tmp_path / "ministry.db"  # a desk that has imported no meeting yet
    store = MinistryDatabase(path)
    first = ApprovedPlatform("p-1", LocalizedText("One", "一"), 2019, ("medical imaging",))
    second = ApprovedPlatform("p-2", LocalizedText("Two", "二"), 2020, ("smart city", "maps"))
    done = import_platform_list(store, [first], "list of 2019", "officer", AT)
    (entry,) = done.added
    assert done.already_listed == () and entry.platform == PlatformDraft(
        first.name, NOT_GIVEN, NOT_GIVEN, first.sub_domain_tags, 2019, "p-1",
        PlatformSource.RESOURCE,
    )  # fmt: skip
    remove_platform(store, entry.id, "withdrawn", "officer", AT)
    again = import_platform_list(store, (first, second), "list of 2020", "officer", AT)
    assert again.already_listed == ("p-1",) and [e.platform.reference for e in again.added] == [
        "p-2"
    ]
    assert [e.platform.reference for e in store.approved_platforms()] == ["p-2"]
    assert (
        again.message.in_language("en")
        == "Added 1 approved platform from the list file (1 already listed)."
    )
    result = verify_workspace_file(path)
    assert result.ok and result.count == 3  # one entry per platform added, one per removal


# --- audit verify on the ministry database --------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "subject"),
    [
        ("UPDATE applications SET total_presented = '99.99' WHERE id = 'a1'", "meeting:"),
        ("UPDATE experts SET organisation_en = 'Elsewhere' WHERE id = 'e02'", "meeting:"),
        ("UPDATE figures SET exact = '1' WHERE application_id = 'a2'", "meeting:"),
        ("DELETE FROM application_tags WHERE application_id = 'a3'", "meeting:"),
        ("UPDATE approved_platforms SET approved_year = 2001", "platform:1"),
    ],
)
def test_audit_verify_finds_a_row_changed_behind_the_programs_back(
    db: Path, statement: str, subject: str
) -> None:
    add_platform(MinistryDatabase(db), PLATFORM, "listed", "officer", AT)
    assert verify_workspace_file(db).ok
    conn = sqlite3.connect(db)
    conn.execute(statement)
    conn.commit()
    conn.close()
    result = verify_workspace_file(db)
    assert not result.ok
    [broken] = [p for p in result.parts if not p.ok]
    assert broken.part is Part.MINISTRY and (broken.report.subject or "").startswith(subject)


def test_audit_verify_finds_an_edited_entry(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = 'someone else' WHERE seq = 1")
    conn.commit()
    conn.close()
    result = verify_workspace_file(db)
    assert not result.parts[0].ok and result.parts[0].report.first_bad_seq == 1


# --- bad databases: a specific message, the file byte-identical ------------------------------


def _set_user_version(path: Path, version: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version:d}")
    conn.commit()
    conn.close()


def test_a_database_from_a_newer_schema_is_refused_unchanged(
    db: Path, records: dict[str, BundleRecord]
) -> None:
    _set_user_version(db, SCHEMA_VERSION + 1)
    before = snapshot(db)
    store = MinistryDatabase(db)
    for attempt in (
        store.application_rows,
        store.approved_platforms,
        lambda: add_platform(store, PLATFORM, "listed", "officer", AT),
        lambda: _add(db, records["first"]),
        lambda: verify_workspace_file(db),
    ):
        with pytest.raises(StorageError) as caught:
            attempt()
        assert "newer version" in caught.value.message, caught.value.message
        assert f"schema {SCHEMA_VERSION + 1}" in caught.value.message
    assert snapshot(db) == before


def test_a_locked_database_is_reported_as_in_use_not_waited_for(db: Path) -> None:
    before = snapshot(db)
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        store = MinistryDatabase(db, busy_timeout_ms=1)
        with pytest.raises(StorageError) as caught:
            add_platform(store, PLATFORM, "listed", "officer", AT)
        assert "is in use by another program or window" in caught.value.message
        assert MinistryDatabase(db, busy_timeout_ms=1).application_rows()  # readers still read
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert snapshot(db) == before


def test_a_file_that_is_not_a_database_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "ministry.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4080)  # the header, then garbage
    before = path.read_bytes()
    store = MinistryDatabase(path)
    for attempt in (
        store.application_rows,
        lambda: add_platform(store, PLATFORM, "listed", "officer", AT),
    ):
        with pytest.raises(StorageError) as caught:
            attempt()
        assert "is not an Expert Review Desk ministry database" in caught.value.message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ministry.db"]


def test_a_workspace_given_as_the_ministry_database_is_refused_unchanged(tmp_path: Path) -> None:
    from storage.database import create_database

    path = tmp_path / "meeting.review"
    create_database(path).conn.close()
    before = snapshot(path)
    store = MinistryDatabase(path)
    for attempt in (
        store.application_rows,
        store.approved_platforms,
        lambda: store.expert_appearances(),
        lambda: add_platform(store, PLATFORM, "listed", "officer", AT),
    ):
        with pytest.raises(StorageError) as caught:
            attempt()
        assert "is not an Expert Review Desk ministry database" in caught.value.message
    assert snapshot(path) == before
