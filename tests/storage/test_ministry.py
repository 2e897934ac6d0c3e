"""The ministry database: import as a function of (meeting, version, hash), and the M10
replay matrix - every refusal names its reason and leaves the database byte-identical."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.crypto.profile import Role
from app.errors import StorageError
from app.formats.canonical_json import dumps_canonical
from app.results import (
    BundleCompletenessError,
    BundleConflictError,
    BundleError,
    BundleManifestError,
    BundleMemberError,
    BundleOlderVersionError,
    BundleRecomputeError,
    BundleSheetError,
    build_bundle,
)
from export.ministry_xlsx import export_xlsx
from storage.audit import chain as audit
from storage.migrations.ministry import APPLICATION_ID, SCHEMA_VERSION
from storage.ministry.database import (
    ImportStatus,
    application_rows,
    import_bundle,
    imported_bundles,
)
from tests.app.crypto.pki_fixtures import PkiFixture, in_memory_identity, shared_pki
from tests.app.results.craft import members_of, recraft
from tests.app.results.factory import (
    INJECTION,
    SCORES,
    SIGNED_AT,
    VERIFY_AT,
    Scenario,
    make_scenario,
    make_sheet,
)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    pki: PkiFixture = shared_pki(tmp_path_factory)
    return make_scenario(pki)


@pytest.fixture(scope="module")
def bundles(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    base = tmp_path_factory.mktemp("bundles")
    made: dict[str, bytes] = {}
    for key, version in (("v1", 1), ("v1-other", 1), ("v2", 2)):
        out = base / key
        build_bundle(
            scenario.bundle_input(bundle_version=version), scenario.secretary, out, SIGNED_AT
        )
        made[key] = out.read_bytes()
    return made


def snapshot(db: Path) -> tuple[object, ...]:
    """Every file of the database (main, -wal, -shm) byte for byte, and a logical dump."""
    files = tuple(
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(db.parent.iterdir())
        if p.name.startswith(db.name)
    )
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        dump = hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()
    # The read-only dump connection leaves -wal/-shm behind; remove them so the next
    # snapshot starts from the same files (a writer would clean them up on close too).
    for suffix in ("-wal", "-shm"):
        extra = db.with_name(db.name + suffix)
        if extra.exists() and not any(name == extra.name for name, _ in files):
            extra.unlink()
    return (*files, dump)


@pytest.fixture
def db(tmp_path: Path, scenario: Scenario, bundles: dict[str, bytes]) -> Path:
    path = tmp_path / "ministry.db"
    outcome = import_bundle(path, bundles["v1"], scenario.roots, VERIFY_AT)
    assert outcome.status is ImportStatus.IMPORTED
    return path


def test_import_stores_the_meeting(db: Path, scenario: Scenario, bundles: dict[str, bytes]) -> None:
    rows = application_rows(db)
    assert [r.application_id for r in rows] == ["a1", "a2", "a3"]
    assert all(r.total_presented for r in rows) and sorted(r.rank or 0 for r in rows) == [1, 2, 3]
    assert rows[0].opinion_approved and not rows[1].opinion_approved
    assert rows[0].bundle_sha256 == hashlib.sha256(bundles["v1"]).hexdigest()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        fingerprints = dict(conn.execute("SELECT id, fingerprint FROM experts").fetchall())
        assert fingerprints == {e: i.fingerprint for e, i in scenario.experts.items()}
        assert conn.execute("SELECT count(*) FROM signed_documents").fetchone()[0] == 12
        assert conn.execute("SELECT count(*) FROM absences").fetchone()[0] == 1
    finally:
        conn.close()


def test_a_newer_version_replaces_and_the_history_and_audit_grow(
    db: Path, scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    outcome = import_bundle(db, bundles["v2"], scenario.roots, VERIFY_AT)
    assert outcome.status is ImportStatus.IMPORTED and outcome.replaced_version == 1
    assert [v for _m, v, _h in imported_bundles(db)] == [1, 2]
    assert {r.bundle_version for r in application_rows(db)} == {2}
    import sqlite_utils

    conn = sqlite_utils.Database(sqlite3.connect(db))
    report = audit.verify_chain(conn)
    assert report.ok and report.count == 2
    conn.conn.close()


def test_a_duplicate_is_a_no_op_that_says_so(
    db: Path, scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    before = snapshot(db)
    outcome = import_bundle(db, bundles["v1"], scenario.roots, VERIFY_AT)
    assert outcome.status is ImportStatus.ALREADY_IMPORTED
    assert "already imported" in outcome.message.in_language("en")
    assert snapshot(db) == before


def test_an_older_version_is_refused(
    db: Path, scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    import_bundle(db, bundles["v2"], scenario.roots, VERIFY_AT)
    before = snapshot(db)
    with pytest.raises(BundleOlderVersionError) as caught:
        import_bundle(db, bundles["v1-other"], scenario.roots, VERIFY_AT)
    assert "older" in caught.value.message
    assert snapshot(db) == before


def test_same_version_other_bytes_is_a_conflict(
    db: Path, scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    before = snapshot(db)
    with pytest.raises(BundleConflictError):
        import_bundle(db, bundles["v1-other"], scenario.roots, VERIFY_AT)
    assert snapshot(db) == before


# --- bundles refused before the database is touched ------------------------------------------


def _sheet_swap(scenario: Scenario, good: bytes, name: str, signed: object) -> bytes:
    from app.sheets import SignedDocument

    assert isinstance(signed, SignedDocument)
    return recraft(
        good, scenario.secretary, replace={name: signed.document, name + ".p7s": signed.signature}
    )


def _another_meeting(s: Scenario, good: bytes) -> bytes:
    sheet = make_sheet("e02", "a1", SCORES[("e02", "a1")], meeting_id="m-other", version=7)
    return _sheet_swap(s, good, "sheets/e02/a1-r1-v7.json", s.sign(sheet, meeting_id="m-other"))


def _unknown_application(s: Scenario, good: bytes) -> bytes:
    sheet = make_sheet("e02", "a9", SCORES[("e02", "a1")])
    return _sheet_swap(s, good, "sheets/e02/a9-r1-v1.json", s.sign(sheet))


def _roster_gap(s: Scenario, good: bytes) -> bytes:
    name = "sheets/e02/a3-r1-v1.json"
    return recraft(good, s.secretary, replace={name: None, name + ".p7s": None})


def _unknown_signer(s: Scenario, good: bytes) -> bytes:
    foreign = in_memory_identity(s.pki.other_ca, Role.EXPERT, "专家 e02")
    sheet = make_sheet("e02", "a1", ("25", "25", "25", "25"))
    return _sheet_swap(s, good, "sheets/e02/a1-r1-v1.json", s.sign(sheet, identity=foreign))


def _expired_signer(s: Scenario, good: bytes) -> bytes:
    short = in_memory_identity(s.pki.ca, Role.EXPERT, "专家 e02", validity=dt.timedelta(hours=12))
    experts = tuple(
        dataclasses.replace(e, fingerprint=short.fingerprint) if e.id == "e02" else e
        for e in s.meeting.experts
    )
    moved = dataclasses.replace(s, meeting=dataclasses.replace(s.meeting, experts=experts))
    mine = tuple(
        moved.sign(make_sheet(e, a, v), identity=short)
        for (e, a), v in SCORES.items()
        if e == "e02"
    )
    others = tuple(x for x in s.sheets if b'"expert_id":"e02"' not in x.document)
    out = s.pki.base / "expired.oibundle"
    build_bundle(moved.bundle_input(sheets=others + mine), s.secretary, out, SIGNED_AT)
    return out.read_bytes()


def _tampered_member(s: Scenario, good: bytes) -> bytes:
    at = good.index(b'"score":"20"')
    return good[:at] + b'"score":"25"' + good[at + 12 :]


def _version_2_63(s: Scenario, good: bytes) -> bytes:
    return recraft(good, s.secretary, manifest=lambda d: d.__setitem__("bundle_version", 2**63))


def _disagreeing_totals(s: Scenario, good: bytes) -> bytes:
    import json

    doc = json.loads(members_of(good)["results.json"])
    figure = doc["result"]["applications"][0]["figures"][0]
    figure["exact"], figure["presented"] = "99", "99.00"
    return recraft(good, s.secretary, replace={"results.json": dumps_canonical(doc)})


def _lookalike(s: Scenario, good: bytes) -> bytes:
    lookalike = in_memory_identity(s.pki.ca, Role.EXPERT, "专家 e02")
    sheet = make_sheet("e02", "a1", ("25", "25", "25", "25"))
    return _sheet_swap(s, good, "sheets/e02/a1-r1-v1.json", s.sign(sheet, identity=lookalike))


MATRIX: list[tuple[str, Callable[[Scenario, bytes], bytes], type[BundleError], str]] = [
    ("sheet from another meeting", _another_meeting, BundleSheetError, "m-other"),
    ("unknown application", _unknown_application, BundleSheetError, "a9"),
    ("roster gap", _roster_gap, BundleCompletenessError, "no recorded absence"),
    ("unknown signer", _unknown_signer, BundleSheetError, "signature"),
    ("expired signer", _expired_signer, BundleSheetError, "expired"),
    ("tampered member", _tampered_member, BundleMemberError, "altered"),
    ("bundle version 2^63", _version_2_63, BundleManifestError, "manifest"),
    ("totals disagree", _disagreeing_totals, BundleRecomputeError, "a1"),
    ("lookalike signer", _lookalike, BundleSheetError, "roster records"),
]


@pytest.mark.parametrize(("case", "make", "error", "says"), MATRIX, ids=[m[0] for m in MATRIX])
def test_replay_matrix_refuses_and_changes_nothing(
    db: Path,
    scenario: Scenario,
    bundles: dict[str, bytes],
    case: str,
    make: Callable[[Scenario, bytes], bytes],
    error: type[BundleError],
    says: str,
) -> None:
    bad = make(scenario, bundles["v2"])
    before = snapshot(db)
    with pytest.raises(error) as caught:
        import_bundle(db, bad, scenario.roots, VERIFY_AT)
    assert type(caught.value) is error, case
    assert says in caught.value.in_language("en"), caught.value.in_language("en")
    assert snapshot(db) == before


def test_a_refused_bundle_creates_no_database(
    scenario: Scenario, bundles: dict[str, bytes], tmp_path: Path
) -> None:
    path = tmp_path / "new.db"
    with pytest.raises(BundleCompletenessError):
        import_bundle(path, _roster_gap(scenario, bundles["v1"]), scenario.roots, VERIFY_AT)
    assert list(tmp_path.iterdir()) == []


def test_a_workspace_is_not_a_ministry_database(
    scenario: Scenario, bundles: dict[str, bytes], tmp_path: Path
) -> None:
    from storage.database import create_database

    path = tmp_path / "workspace.db"
    create_database(path).conn.close()
    before = snapshot(path)
    with pytest.raises(StorageError):
        import_bundle(path, bundles["v1"], scenario.roots, VERIFY_AT)
    assert snapshot(path) == before


def test_export_writes_every_meeting_as_text_not_formulas(
    db: Path, scenario: Scenario, tmp_path: Path
) -> None:
    other = make_scenario(scenario.pki, meeting_id="m-2026-ai-02")
    out = tmp_path / "second.oibundle"
    build_bundle(other.bundle_input(), other.secretary, out, SIGNED_AT)
    import_bundle(db, out, other.roots, VERIFY_AT)
    xlsx = tmp_path / "summary.xlsx"
    assert export_xlsx(db, xlsx) == 6
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row]
    injected = [c for c in cells if c.value == INJECTION]
    assert len(injected) == 2 and all(c.data_type == "s" for c in injected)
    assert not any(c.data_type == "f" for c in cells)
    assert {sheet.cell(r, 1).value for r in range(2, 8)} == {"m-2026-ai-01", "m-2026-ai-02"}
