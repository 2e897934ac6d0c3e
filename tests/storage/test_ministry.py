"""The ministry database (``storage.ministry.database``): rows in and out as the values of
``app.ministry.model``, one write-locked transaction per import, and a transaction that
writes nothing leaves the file byte-identical. The replay decision and the import use case
are tested in ``tests/app/ministry``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from app.errors import StorageError
from app.ministry.importing import bundle_record
from app.ministry.model import BundleKey, BundleRecord
from app.results import build_bundle, verify_bundle
from storage.audit import chain as audit
from storage.migrations.ministry import APPLICATION_ID, SCHEMA_VERSION
from storage.ministry.database import MinistryDatabase
from tests.app.crypto.pki_fixtures import shared_pki
from tests.app.ministry.bundles import build_bundles, snapshot
from tests.app.results.factory import INJECTION, SIGNED_AT, VERIFY_AT, Scenario, make_scenario

AT = VERIFY_AT


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return make_scenario(shared_pki(tmp_path_factory))


@pytest.fixture(scope="module")
def records(
    scenario: Scenario, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, BundleRecord]:
    made = build_bundles(scenario, tmp_path_factory.mktemp("bundles"))
    return {k: bundle_record(verify_bundle(b, scenario.roots, AT)) for k, b in made.items()}


def _add(path: Path, record: BundleRecord, replaces: int | None = None) -> None:
    store = MinistryDatabase(path)
    with store.transaction("ministry", AT):
        store.add_bundle(record, replaces)


@pytest.fixture
def db(tmp_path: Path, records: dict[str, BundleRecord]) -> Path:
    path = tmp_path / "ministry.db"
    _add(path, records["v1"])
    return path


def test_creating_the_store_touches_no_file(tmp_path: Path) -> None:
    MinistryDatabase(tmp_path / "ministry.db")
    assert list(tmp_path.iterdir()) == []


def test_the_first_bundle_creates_the_schema_and_stores_the_meeting(
    db: Path, scenario: Scenario, records: dict[str, BundleRecord]
) -> None:
    rows = MinistryDatabase(db).application_rows()
    assert [r.application_id for r in rows] == ["a1", "a2", "a3"]
    assert all(r.total_presented for r in rows) and sorted(r.rank or 0 for r in rows) == [1, 2, 3]
    assert rows[0].opinion_approved and not rows[1].opinion_approved
    assert rows[0].bundle_sha256 == records["v1"].key.bundle_hash
    assert rows[0].imported_at == AT.isoformat()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        fingerprints = dict(conn.execute("SELECT id, fingerprint FROM experts").fetchall())
        assert fingerprints == {e: i.fingerprint for e, i in scenario.experts.items()}
        assert conn.execute("SELECT count(*) FROM signed_documents").fetchone()[0] == 12
        assert conn.execute("SELECT count(*) FROM absences").fetchone()[0] == 1
        assert (
            conn.execute("SELECT rule FROM meetings").fetchone()[0] == records["v1"].rule_document
        )
    finally:
        conn.close()
    assert not db.with_name(db.name + "-wal").exists()


def test_the_history_reads_back_as_values(db: Path, records: dict[str, BundleRecord]) -> None:
    [held] = MinistryDatabase(db).imported_bundles()
    assert held.header == records["v1"].header and held.imported_at == AT


def test_a_replacing_bundle_drops_the_old_figures_and_the_history_and_audit_grow(
    db: Path, records: dict[str, BundleRecord]
) -> None:
    _add(db, records["v2"], replaces=1)
    store = MinistryDatabase(db)
    assert [b.key.bundle_version for b in store.imported_bundles()] == [1, 2]
    assert {r.bundle_version for r in store.application_rows()} == {2}
    with store.transaction("ministry", AT):
        assert [k.bundle_version for k in store.bundle_keys(records["v1"].key.meeting_id)] == [1, 2]
    conn = sqlite_utils.Database(sqlite3.connect(db))
    report = audit.verify_chain(conn)
    assert report.ok and report.count == 2
    conn.conn.close()


def test_a_transaction_that_writes_nothing_leaves_the_file_byte_identical(
    db: Path, records: dict[str, BundleRecord]
) -> None:
    before = snapshot(db)
    store = MinistryDatabase(db)
    with store.transaction("ministry", AT):
        assert store.bundle_keys(records["v1"].key.meeting_id) == (records["v1"].key,)
        assert store.bundle_keys("m-unknown") == ()
    assert snapshot(db) == before


def test_a_failing_block_rolls_back_its_writes(db: Path, records: dict[str, BundleRecord]) -> None:
    before = snapshot(db)
    store = MinistryDatabase(db)
    with pytest.raises(LookupError), store.transaction("ministry", AT):
        store.add_bundle(records["v2"], 1)
        raise LookupError("the caller changed its mind")
    assert snapshot(db) == before


def test_the_append_only_history_refuses_a_second_row_for_a_version(
    db: Path, records: dict[str, BundleRecord]
) -> None:
    before = snapshot(db)
    with pytest.raises(StorageError):
        _add(db, records["v1-other"], replaces=1)
    assert snapshot(db) == before


def test_access_outside_a_transaction_and_nesting_are_programming_errors(
    db: Path, records: dict[str, BundleRecord]
) -> None:
    store = MinistryDatabase(db)
    with pytest.raises(RuntimeError):
        store.bundle_keys("m")
    with pytest.raises(RuntimeError):
        store.add_bundle(records["v2"], 1)
    with store.transaction("ministry", AT), pytest.raises(RuntimeError):
        with store.transaction("ministry", AT):
            pass


def test_an_empty_new_file_reads_as_no_bundles(tmp_path: Path) -> None:
    path = tmp_path / "ministry.db"
    store = MinistryDatabase(path)
    with store.transaction("ministry", AT):
        assert store.bundle_keys("m") == ()
    assert store.imported_bundles() == () and store.application_rows() == ()


def test_reading_a_missing_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught:
        MinistryDatabase(tmp_path / "absent.db").application_rows()
    assert "does not exist" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_workspace_is_not_a_ministry_database(tmp_path: Path) -> None:
    from storage.database import create_database

    path = tmp_path / "workspace.db"
    create_database(path).conn.close()
    before = snapshot(path)
    with pytest.raises(StorageError) as caught, MinistryDatabase(path).transaction("m", AT):
        pass
    assert "not an Expert Review Desk ministry database" in caught.value.message
    assert snapshot(path) == before


def test_a_text_file_is_not_a_ministry_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"not a database at all, just text that is long enough")
    with pytest.raises(StorageError):
        MinistryDatabase(path).application_rows()
    assert path.read_bytes().startswith(b"not a database")


def test_every_meeting_reads_back_with_its_texts_verbatim(
    db: Path, scenario: Scenario, tmp_path: Path
) -> None:
    other = make_scenario(scenario.pki, meeting_id="m-2026-ai-02")
    out = tmp_path / "second.oibundle"
    build_bundle(other.bundle_input(), other.secretary, out, SIGNED_AT)
    _add(db, bundle_record(verify_bundle(out, other.roots, AT)))
    rows = MinistryDatabase(db).application_rows()
    assert [(r.meeting_id, r.hearing_position) for r in rows] == sorted(
        (r.meeting_id, r.hearing_position) for r in rows
    )
    assert {r.meeting_id for r in rows} == {"m-2026-ai-01", "m-2026-ai-02"} and len(rows) == 6
    assert sum(r.applicant_unit.en == INJECTION for r in rows) == 2
    assert [k.meeting_id for k in (b.key for b in MinistryDatabase(db).imported_bundles())] == [
        "m-2026-ai-01",
        "m-2026-ai-02",
    ]
    assert BundleKey("m-2026-ai-02", 1, rows[-1].bundle_sha256) in {
        b.key for b in MinistryDatabase(db).imported_bundles()
    }
