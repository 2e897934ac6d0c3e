"""Importing a result bundle at the ministry: verify, decide, record - and the M10 replay
matrix: every refusal names its reason and leaves the database byte-identical."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.crypto.profile import Role
from app.formats.canonical_json import dumps_canonical
from app.ministry.importing import bundle_record, import_bundle
from app.ministry.model import (
    ApplicationRow,
    BundleKey,
    BundleRecord,
    DocumentKind,
    ImportedBundle,
    ImportStatus,
)
from app.ministry.replay import BundleConflictError, BundleOlderVersionError
from app.results import (
    BundleCompletenessError,
    BundleError,
    BundleManifestError,
    BundleMemberError,
    BundleRecomputeError,
    BundleSheetError,
    build_bundle,
    verify_bundle,
)
from storage.ministry.database import MinistryDatabase
from tests.app.crypto.pki_fixtures import PkiFixture, in_memory_identity, shared_pki
from tests.app.ministry.bundles import build_bundles, snapshot
from tests.app.results.craft import members_of, recraft
from tests.app.results.factory import (
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
    return build_bundles(scenario, tmp_path_factory.mktemp("bundles"))


@pytest.fixture
def db(tmp_path: Path, scenario: Scenario, bundles: dict[str, bytes]) -> Path:
    path = tmp_path / "ministry.db"
    outcome = import_bundle(
        MinistryDatabase(path), bundles["v1"], scenario.roots, VERIFY_AT, documents=None
    )
    assert outcome.status is ImportStatus.IMPORTED and outcome.replaced_version is None
    return path


def _import(db: Path, bundle: bytes | Path, scenario: Scenario) -> object:
    return import_bundle(MinistryDatabase(db), bundle, scenario.roots, VERIFY_AT, documents=None)


# --- the replay matrix on a real database ------------------------------------------------


def test_a_newer_version_replaces_the_current_figures(
    db: Path, scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    outcome = import_bundle(
        MinistryDatabase(db), bundles["v2"], scenario.roots, VERIFY_AT, documents=None
    )
    assert outcome.status is ImportStatus.IMPORTED and outcome.replaced_version == 1
    assert "replaces version 1" in outcome.message.in_language("en")
    store = MinistryDatabase(db)
    assert [b.key.bundle_version for b in store.imported_bundles()] == [1, 2]
    assert {r.bundle_version for r in store.application_rows()} == {2}


def test_a_duplicate_is_a_no_op_that_says_so(
    db: Path, scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    before = snapshot(db)
    outcome = import_bundle(
        MinistryDatabase(db), bundles["v1"], scenario.roots, VERIFY_AT, documents=None
    )
    assert outcome.status is ImportStatus.ALREADY_IMPORTED and outcome.replaced_version is None
    assert "already imported" in outcome.message.in_language("en")
    assert snapshot(db) == before


def test_an_older_version_is_refused_and_changes_nothing(
    db: Path, scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    _import(db, bundles["v2"], scenario)
    before = snapshot(db)
    with pytest.raises(BundleOlderVersionError) as caught:
        _import(db, bundles["v1-other"], scenario)
    assert "older" in caught.value.message
    assert snapshot(db) == before


def test_the_replaced_version_itself_is_still_a_duplicate(
    db: Path, scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    _import(db, bundles["v2"], scenario)
    before = snapshot(db)
    outcome = import_bundle(
        MinistryDatabase(db), bundles["v1"], scenario.roots, VERIFY_AT, documents=None
    )
    assert outcome.status is ImportStatus.ALREADY_IMPORTED
    assert snapshot(db) == before


def test_same_version_other_bytes_is_a_conflict_and_changes_nothing(
    db: Path, scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    before = snapshot(db)
    with pytest.raises(BundleConflictError) as caught:
        _import(db, bundles["v1-other"], scenario)
    assert "different bundle with version 1" in caught.value.message
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
        _import(db, bad, scenario)
    assert type(caught.value) is error, case
    assert says in caught.value.in_language("en"), caught.value.in_language("en")
    assert snapshot(db) == before


def test_a_refused_bundle_creates_no_database(
    scenario: Scenario, bundles: dict[str, bytes], tmp_path: Path
) -> None:
    with pytest.raises(BundleCompletenessError):
        _import(tmp_path / "new.db", _roster_gap(scenario, bundles["v1"]), scenario)
    assert list(tmp_path.iterdir()) == []


# --- the use case against the port ------------------------------------------------------------


class RecordingStore:
    """A :class:`app.ministry.ports.MinistryStore` in memory that records what it is asked."""

    def __init__(self, held: tuple[BundleKey, ...] = ()) -> None:
        self.held = held
        self.calls: list[str] = []
        self.added: list[tuple[BundleRecord, int | None]] = []

    @contextmanager
    def transaction(self, actor: str, at: dt.datetime) -> Iterator[None]:
        self.calls.append(f"begin {actor}")
        try:
            yield
        except BaseException:
            self.calls.append("rollback")
            raise
        self.calls.append("end")

    def bundle_keys(self, meeting_id: str) -> tuple[BundleKey, ...]:
        self.calls.append(f"keys {meeting_id}")
        return tuple(k for k in self.held if k.meeting_id == meeting_id)

    def add_bundle(self, record: BundleRecord, replaces: int | None) -> None:
        self.calls.append("add")
        self.added.append((record, replaces))

    def imported_bundles(self) -> tuple[ImportedBundle, ...]:
        return ()

    def application_rows(self) -> tuple[ApplicationRow, ...]:
        return ()


def test_a_bad_bundle_never_reaches_the_store(
    scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    store = RecordingStore()
    with pytest.raises(BundleMemberError):
        import_bundle(
            store,
            _tampered_member(scenario, bundles["v1"]),
            scenario.roots,
            VERIFY_AT,
            documents=None,
        )
    assert store.calls == []


def test_the_decision_is_taken_inside_the_transaction_and_a_refusal_writes_nothing(
    scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    verified = verify_bundle(bundles["v2"], scenario.roots, VERIFY_AT, documents=None)
    store = RecordingStore((BundleKey(verified.meeting_id, 3, "33" * 32),))
    with pytest.raises(BundleOlderVersionError):
        import_bundle(
            store, bundles["v2"], scenario.roots, VERIFY_AT, documents=None, actor="clerk"
        )
    assert store.calls == ["begin clerk", f"keys {verified.meeting_id}", "rollback"]


def test_an_import_adds_the_record_of_the_verified_bundle(
    scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    verified = verify_bundle(bundles["v2"], scenario.roots, VERIFY_AT, documents=None)
    store = RecordingStore((BundleKey(verified.meeting_id, 1, "11" * 32),))
    outcome = import_bundle(store, bundles["v2"], scenario.roots, VERIFY_AT, documents=None)
    assert outcome.status is ImportStatus.IMPORTED and outcome.replaced_version == 1
    assert store.calls[-2:] == ["add", "end"]
    [(record, replaces)] = store.added
    assert replaces == 1 and record == bundle_record(verified)
    assert record.key == BundleKey(verified.meeting_id, 2, verified.bundle_hash)


def test_the_record_holds_what_the_bundle_states(
    scenario: Scenario, bundles: dict[str, bytes]
) -> None:
    verified = verify_bundle(bundles["v1"], scenario.roots, VERIFY_AT, documents=None)
    record = bundle_record(verified)
    assert record.meeting == verified.meeting and record.header.round == verified.round
    assert record.header.secretary_fingerprint == verified.secretary.fingerprint
    stated = verified.result_document["applications"]
    assert [a.application.id for a in record.applications] == [a["application_id"] for a in stated]
    for mine, theirs in zip(record.applications, stated, strict=True):
        assert [f.presented for f in mine.figures] == [f["presented"] for f in theirs["figures"]]
        assert mine.vote.votes_for == theirs["vote"]["votes_for"] and mine.rank == theirs["rank"]
    kinds = [d.kind for d in record.documents]
    assert kinds.count(DocumentKind.SHEET) == len(verified.sheets)
    assert kinds.count(DocumentKind.RECUSAL) == len(verified.recusals)
    assert len(record.absences) == len(verified.absences)
    assert [o.approved_by is not None for o in record.opinions] == [
        e.approval is not None for e in verified.opinions
    ]
