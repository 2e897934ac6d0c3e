"""The ministry's signed decisions (decision-v1): every refusal names its reason and leaves
the database byte-identical; a change is a new version citing the previous one; two
officers on one database lose no update; a batch signs the current list as a whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.domain.signed import SignedDocument
from app.errors import UserFacingError
from app.formats.canonical_json import dumps_canonical, loads_strict
from app.ministry.deciding import (
    AnnouncementError,
    BatchRefusedError,
    DecisionBundleError,
    DecisionReasonError,
    DecisionStaleError,
    DecisionSubjectError,
    announcement_list,
    close_batch,
    decide,
    decision_states,
)
from app.ministry.decisions import (
    Decision,
    DecisionDocumentError,
    DecisionSignatureError,
    DecisionSignerError,
    RecordedDecision,
    decode_batch,
    decode_decision,
    verify_batch,
    verify_decision,
)
from app.ministry.importing import import_bundle
from app.results import build_bundle
from storage.ministry.database import MinistryDatabase
from tests.app.crypto.pki_fixtures import in_memory_identity, needs_openssl, shared_pki
from tests.app.ministry.bundles import snapshot
from tests.app.results.factory import SIGNED_AT, VERIFY_AT, Scenario, make_scenario

AT = VERIFY_AT + dt.timedelta(hours=1)
M = "m-2026-ai-01"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return make_scenario(shared_pki(tmp_path_factory))


@pytest.fixture(scope="module")
def bundles(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    base = tmp_path_factory.mktemp("bundles")
    made = {}
    for version in (1, 2):
        out = base / f"v{version}"
        build_bundle(
            scenario.bundle_input(bundle_version=version), scenario.secretary, out, SIGNED_AT
        )
        made[f"v{version}"] = out.read_bytes()
    return made


@pytest.fixture(scope="module")
def officer2(scenario: Scenario) -> Identity:
    return in_memory_identity(scenario.pki.ca, Role.MINISTRY, "王芳")


@pytest.fixture
def db(tmp_path: Path, scenario: Scenario, bundles: dict[str, bytes]) -> Path:
    path = tmp_path / "ministry.db"
    import_bundle(MinistryDatabase(path), bundles["v1"], scenario.roots, VERIFY_AT, documents=None)
    return path


def _decide(
    db: Path,
    identity: Identity,
    decision: Decision = Decision.CONFIRM,
    *,
    application: str = "a1",
    reason: str = "符合总体布局。Fits the overall arrangement.",
    expected: int | None = 0,
    at: dt.datetime = AT,
    meeting: str = M,
    bundle_sha256: str | None = None,
) -> RecordedDecision:
    return decide(
        MinistryDatabase(db),
        identity,
        meeting,
        application,
        decision,
        reason,
        expected,
        at,
        bundle_sha256=bundle_sha256,
    )


# --- a decision ------------------------------------------------------------------------------


def test_a_decision_is_signed_stored_and_verifies(db: Path, scenario: Scenario) -> None:
    made = _decide(db, scenario.ministry)
    store = MinistryDatabase(db)
    (stored,) = store.decisions()
    assert stored == made
    record, signer = verify_decision(stored.signed, scenario.roots, AT)
    assert record == stored.record and signer.role is Role.MINISTRY
    assert record.version == 1 and record.previous_sha256 is None
    assert record.decision is Decision.CONFIRM
    subject = store.decision_subject(M, "a1")
    assert subject is not None and record.bundle_sha256 == subject.bundle_sha256
    assert record.officer_fingerprint == scenario.ministry.fingerprint
    assert record.decided_at == AT.replace(microsecond=0)
    doc = loads_strict(stored.signed.document)
    assert doc["format"] == "review-desk/ministry-decision" and doc["version"] == 1
    assert dumps_canonical(doc) == stored.signed.document  # canonical JSON
    (state, *_rest) = decision_states(store)
    assert state.current == stored and state.version == 1 and state.confirmed


@needs_openssl
def test_openssl_accepts_the_decision_signature(
    db: Path, scenario: Scenario, tmp_path: Path
) -> None:
    made = _decide(db, scenario.ministry)
    (tmp_path / "decision.json").write_bytes(made.signed.document)
    (tmp_path / "decision.p7s").write_bytes(made.signed.signature)
    run = subprocess.run(
        [
            "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
            "-CAfile", str(scenario.pki.root_pem), "-in", str(tmp_path / "decision.p7s"),
            "-content", str(tmp_path / "decision.json"), "-out", "/dev/null",
        ],
        capture_output=True,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr


def test_a_change_is_version_two_citing_version_one(db: Path, scenario: Scenario) -> None:
    first = _decide(db, scenario.ministry)
    second = _decide(
        db,
        scenario.ministry,
        Decision.DEFER,
        reason="等待补充材料 awaiting documents",
        expected=1,
        at=AT + dt.timedelta(minutes=5),
    )
    versions = MinistryDatabase(db).decision_versions(M, "a1")
    assert versions == (first, second)
    assert versions[1].record.version == 2
    assert versions[1].record.previous_sha256 == versions[0].sha256
    assert verify_decision(versions[1].signed, scenario.roots, AT)[0].decision is Decision.DEFER
    (state, *_rest) = decision_states(MinistryDatabase(db))
    assert state.version == 2 and not state.confirmed


# --- refusals: nothing changed -----------------------------------------------------------------


def _refused(
    db: Path, error: type[Exception], call: Callable[[], object], *words: str
) -> UserFacingError:
    before = snapshot(db)
    with pytest.raises(error) as info:
        call()
    assert snapshot(db) == before
    assert isinstance(info.value, UserFacingError)
    text = info.value.message
    for word in words:
        assert word in text, text
    return info.value


def test_a_non_ministry_identity_is_refused(db: Path, scenario: Scenario) -> None:
    _refused(
        db,
        DecisionSignerError,
        lambda: _decide(db, scenario.secretary),
        "ministry officer",
    )
    _refused(
        db, DecisionSignerError, lambda: close_batch(MinistryDatabase(db), scenario.secretary, AT)
    )


def test_an_expired_officer_is_refused(db: Path, scenario: Scenario) -> None:
    expired = in_memory_identity(
        scenario.pki.ca, Role.MINISTRY, "过期", validity=dt.timedelta(hours=1)
    )
    _refused(db, DecisionSignerError, lambda: _decide(db, expired))


@pytest.mark.parametrize(
    ("reason", "word"),
    [("", "required"), ("   \n", "required"), ("x" * 2001, "2000"), ("ok\u202eko", "U+202E")],
)
def test_a_bad_reason_is_refused(db: Path, scenario: Scenario, reason: str, word: str) -> None:
    _refused(db, DecisionReasonError, lambda: _decide(db, scenario.ministry, reason=reason), word)


@pytest.mark.parametrize(("meeting", "application"), [(M, "a9"), ("m-other", "a1")])
def test_an_application_not_imported_is_refused(
    db: Path, scenario: Scenario, meeting: str, application: str
) -> None:
    _refused(
        db,
        DecisionSubjectError,
        lambda: _decide(db, scenario.ministry, meeting=meeting, application=application),
        "refused or never imported",
    )


def test_a_decision_on_a_replaced_bundle_is_refused(
    db: Path, scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    old = MinistryDatabase(db).decision_subject(M, "a1")
    assert old is not None
    import_bundle(MinistryDatabase(db), bundles["v2"], scenario.roots, VERIFY_AT, documents=None)
    _refused(
        db,
        DecisionBundleError,
        lambda: _decide(db, scenario.ministry, bundle_sha256=old.bundle_sha256),
        "no longer its current verified bundle",
    )


def test_a_decision_on_an_earlier_bundle_goes_stale(
    db: Path, scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    _decide(db, scenario.ministry)
    import_bundle(MinistryDatabase(db), bundles["v2"], scenario.roots, VERIFY_AT, documents=None)
    (state, *_rest) = decision_states(MinistryDatabase(db))
    assert state.stale and state.current is None and state.version == 1
    again = _decide(db, scenario.ministry, expected=1)
    assert again.record.bundle_version == 2 and again.record.version == 2


def test_two_officers_on_one_database_lose_no_update(
    db: Path, scenario: Scenario, officer2: Identity
) -> None:
    # Both windows open the application at version 0.
    seen_a = decision_states(MinistryDatabase(db))[0].version
    seen_b = decision_states(MinistryDatabase(db))[0].version
    assert seen_a == seen_b == 0
    _decide(db, scenario.ministry, expected=seen_a)
    error = _refused(
        db,
        DecisionStaleError,
        lambda: _decide(db, officer2, Decision.NOT_CONFIRM, expected=seen_b),
        "changed by ministry 测试",
        "since you opened it",
    )
    assert "version 1" in error.message
    (only,) = MinistryDatabase(db).decisions()
    assert only.record.decision is Decision.CONFIRM


def test_an_expected_version_that_never_existed_is_refused(db: Path, scenario: Scenario) -> None:
    _refused(db, DecisionStaleError, lambda: _decide(db, scenario.ministry, expected=3))


# --- batches and the announcement list ---------------------------------------------------------


def test_a_batch_signs_the_current_list(db: Path, scenario: Scenario, officer2: Identity) -> None:
    store = MinistryDatabase(db)
    _refused(db, BatchRefusedError, lambda: close_batch(store, scenario.ministry, AT))
    _refused(db, AnnouncementError, lambda: announcement_list(store), "No batch")
    a1 = _decide(db, scenario.ministry)
    a2 = _decide(db, officer2, Decision.NOT_CONFIRM, application="a2", reason="重复布局")
    batch = close_batch(store, scenario.ministry, AT + dt.timedelta(minutes=1))
    record, signer = verify_batch(batch.signed, scenario.roots, AT)
    assert signer.fingerprint == scenario.ministry.fingerprint
    assert record.batch_id == 1 and record.previous_sha256 is None
    assert [(e.application_id, e.decision, e.decision_sha256) for e in record.entries] == [
        ("a1", Decision.CONFIRM, a1.sha256),
        ("a2", Decision.NOT_CONFIRM, a2.sha256),
    ]
    assert store.batches() == (batch,)
    _refused(
        db,
        BatchRefusedError,
        lambda: close_batch(store, scenario.ministry, AT),
        "No decision has changed since batch 1",
    )
    listed = announcement_list(store)
    assert listed.batch == batch and [s.application_id for s in listed.entries] == ["a1"]
    _decide(db, scenario.ministry, Decision.CONFIRM, application="a3", reason="同意")
    _refused(db, AnnouncementError, lambda: announcement_list(store), "changed since batch 1")
    second = close_batch(store, scenario.ministry, AT + dt.timedelta(minutes=2))
    assert second.record.batch_id == 2 and second.record.previous_sha256 == batch.sha256
    assert [s.application_id for s in announcement_list(store).entries] == ["a1", "a3"]


# --- the documents themselves ------------------------------------------------------------------


def test_documents_are_read_strictly(db: Path, scenario: Scenario) -> None:
    made = _decide(db, scenario.ministry)
    doc = loads_strict(made.signed.document)
    assert decode_decision(dumps_canonical(doc)) == made.record
    for change in (
        {"version": 2},
        {"format": "review-desk/sheet"},
        {"extra": 1},
        {"decision": "maybe"},
        {"reason": " "},
        {"previous_sha256": "ab" * 32},
        {"signer_role": "secretary"},
        {"decided_at": "2026-03-03 10:00:00"},
        {"officer_fingerprint": "k3qf"},
    ):
        with pytest.raises(DecisionDocumentError):
            decode_decision(dumps_canonical({**doc, **change}))
    with pytest.raises(DecisionDocumentError):
        decode_batch(made.signed.document)


def test_a_signature_by_another_role_or_officer_is_refused(
    db: Path, scenario: Scenario, officer2: Identity
) -> None:
    from app.crypto.cms import sign_detached

    made = _decide(db, scenario.ministry)
    document = made.signed.document
    by_secretary = SignedDocument(document, sign_detached(document, scenario.secretary))
    with pytest.raises(DecisionSignatureError):
        verify_decision(by_secretary, scenario.roots, AT)
    by_other = SignedDocument(document, sign_detached(document, officer2))
    with pytest.raises(DecisionSignatureError, match="names the officer"):
        verify_decision(by_other, scenario.roots, AT)
    tampered = SignedDocument(document.replace(b"confirm", b"defer__"), made.signed.signature)
    with pytest.raises(DecisionSignatureError):
        verify_decision(tampered, scenario.roots, AT)


def test_a_decision_upgrades_a_version_one_database(tmp_path: Path, scenario: Scenario) -> None:
    import shutil
    import sqlite3

    import sqlite_utils

    from storage.audit import chain as audit
    from storage.migrations.ministry import SCHEMA_VERSION
    from tests.storage.fixtures.make_fixtures import MINISTRY_PATH

    db = tmp_path / "ministry.db"
    shutil.copyfile(MINISTRY_PATH, db)
    subject = MinistryDatabase(db).decision_subjects()[0]
    assert MinistryDatabase(db).decisions() == () and MinistryDatabase(db).batches() == ()
    _refused(
        db,
        DecisionStaleError,
        lambda: _decide(
            db, scenario.ministry, meeting=subject.meeting_id,
            application=subject.application_id, expected=4,
        ),
    )  # fmt: skip
    made = _decide(
        db, scenario.ministry, meeting=subject.meeting_id, application=subject.application_id
    )
    assert MinistryDatabase(db).decisions() == (made,)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert audit.verify_chain(sqlite_utils.Database(conn)).ok
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE decisions SET reason = 'changed'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM decisions")
    finally:
        conn.close()


def test_the_versions_form_a_hash_chain(db: Path, scenario: Scenario) -> None:
    from app.ministry.decisions import check_chain

    one = _decide(db, scenario.ministry)
    two = _decide(db, scenario.ministry, Decision.DEFER, expected=1)
    three = _decide(db, scenario.ministry, Decision.CONFIRM, expected=2)
    check_chain(MinistryDatabase(db).decision_versions(M, "a1"))
    for broken in ((one, three), (two, three), (one, one), (one, two, two)):
        with pytest.raises(DecisionDocumentError):
            check_chain(broken)
    forged = dataclasses.replace(two, record=dataclasses.replace(two.record, reason="other"))
    with pytest.raises(DecisionDocumentError, match="does not say"):
        check_chain((one, forged, three))


def test_an_officer_deciding_while_another_writes_waits_and_loses_nothing(
    db: Path, scenario: Scenario, officer2: Identity
) -> None:
    """Officer B decides while officer A's decision holds the write lock: B waits for the
    lock (or is told the database is busy), never writes over A's decision."""
    import threading

    from app.errors import StorageError

    outcome: list[BaseException | RecordedDecision] = []

    def officer_b() -> None:
        try:
            outcome.append(_decide(db, officer2, Decision.NOT_CONFIRM, expected=0))
        except BaseException as exc:
            outcome.append(exc)

    store_a = MinistryDatabase(db)
    original = store_a.add_decision
    second = threading.Thread(target=officer_b)

    def add_while_b_tries(decision: RecordedDecision) -> None:
        second.start()  # A holds BEGIN IMMEDIATE here, after reading version 0
        original(decision)

    store_a.add_decision = add_while_b_tries  # type: ignore[method-assign]
    decide(store_a, scenario.ministry, M, "a1", Decision.CONFIRM, "同意", 0, AT)
    second.join()
    (result,) = outcome
    assert isinstance(result, DecisionStaleError | StorageError), result
    (only,) = MinistryDatabase(db).decisions()
    assert only.record.decision is Decision.CONFIRM and only.officer_name == "ministry 测试"
