"""The desk's import of bundle files (``app.ministry.intake``): each refusal, by a
verification stage or by the replay decision, lands in the refusal journal beside the
database with its reason, and the database stays byte-identical; the journal is
append-only and hash-linked, so a removed, edited or cut line is found."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.ministry.intake import bundle_files, intake_bundle
from app.ministry.model import REPLAY_STAGE, ImportStatus, Refusal
from app.results import Stage
from storage.ministry.database import MinistryDatabase
from storage.ministry.refusals import GENESIS, RefusalJournalFile, journal_path
from tests.app.crypto.pki_fixtures import shared_pki
from tests.app.ministry.bundles import build_bundles, database_snapshot
from tests.app.results.factory import VERIFY_AT, Scenario, make_scenario


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return make_scenario(shared_pki(tmp_path_factory))


@pytest.fixture(scope="module")
def files(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("intake")
    (base / "raw").mkdir()
    made = build_bundles(scenario, base / "raw")
    out: dict[str, Path] = {}
    for key, data in made.items():
        out[key] = base / f"{key}.oibundle"
        out[key].write_bytes(data)
    good = made["v2"]
    at = good.index(b'"score":"20"')
    out["tampered"] = base / "tampered.oibundle"
    out["tampered"].write_bytes(good[:at] + b'"score":"25"' + good[at + 12 :])
    out["garbage"] = base / "garbage.oibundle"
    out["garbage"].write_bytes(b"not a bundle at all")
    return out


def _intake(db: Path, path: Path, scenario: Scenario, actor: str = "clerk") -> object:
    return intake_bundle(
        MinistryDatabase(db),
        RefusalJournalFile.beside(db),
        path,
        scenario.roots,
        VERIFY_AT,
        documents=None,
        actor=actor,
    )


@pytest.fixture
def db(tmp_path: Path, scenario: Scenario, files: dict[str, Path]) -> Path:
    path = tmp_path / "ministry.db"
    intake = _intake(path, files["v1"], scenario)
    assert getattr(intake, "outcome").status is ImportStatus.IMPORTED  # noqa: B009
    return path


def test_an_import_journals_nothing(db: Path) -> None:
    assert not journal_path(db).exists()


@pytest.mark.parametrize(
    ("key", "stage", "says"),
    [
        ("tampered", Stage.MEMBERS.value, "altered"),
        ("garbage", Stage.CONTAINER.value, ""),
        ("v1-other", REPLAY_STAGE, "different bundle with version 1"),
    ],
)
def test_a_refusal_is_journaled_and_the_database_is_byte_identical(
    db: Path, scenario: Scenario, files: dict[str, Path], key: str, stage: str, says: str
) -> None:
    before = database_snapshot(db)
    intake = intake_bundle(
        MinistryDatabase(db),
        RefusalJournalFile.beside(db),
        files[key],
        scenario.roots,
        VERIFY_AT,
        documents=None,
        actor="clerk",
    )
    assert intake.refused and intake.outcome is None and intake.inspection is not None
    assert database_snapshot(db) == before
    [refusal] = RefusalJournalFile.beside(db).read().refusals
    assert refusal == intake.refusal
    assert refusal.stage == stage and refusal.actor == "clerk"
    assert refusal.file_name == files[key].name
    assert refusal.input_sha256 == hashlib.sha256(files[key].read_bytes()).hexdigest()
    assert says in refusal.reason.en and refusal.reason.zh_CN and refusal.reason.zh_CN != says
    if key == "v1-other":
        assert (refusal.meeting_id, refusal.bundle_version) == (scenario.meeting.id, 1)
    assert says in intake.message.in_language("en")


def test_a_duplicate_and_a_newer_version_are_not_refusals(
    db: Path, scenario: Scenario, files: dict[str, Path]
) -> None:
    again = intake_bundle(
        MinistryDatabase(db),
        RefusalJournalFile.beside(db),
        files["v1"],
        scenario.roots,
        VERIFY_AT,
        documents=None,
    )
    assert again.outcome is not None and again.outcome.status is ImportStatus.ALREADY_IMPORTED
    newer = intake_bundle(
        MinistryDatabase(db),
        RefusalJournalFile.beside(db),
        files["v2"],
        scenario.roots,
        VERIFY_AT,
        documents=None,
    )
    assert newer.outcome is not None and newer.outcome.replaced_version == 1
    assert not journal_path(db).exists()


def test_a_refusal_before_any_import_creates_no_database(
    tmp_path: Path, scenario: Scenario, files: dict[str, Path]
) -> None:
    db = tmp_path / "new.db"
    intake = _intake(db, files["tampered"], scenario)
    assert getattr(intake, "refused")  # noqa: B009
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.db.refusals.jsonl"]


def test_folders_expand_to_their_bundles_each_once(tmp_path: Path) -> None:
    for name in ("b.oibundle", "a.oibundle", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    single = tmp_path / "b.oibundle"
    assert bundle_files([tmp_path, single]) == (tmp_path / "a.oibundle", single)


# --- the journal ------------------------------------------------------------------------------


def _refusal(n: int) -> Refusal:
    from app.i18n import LocalizedText

    return Refusal(
        VERIFY_AT,
        "clerk",
        f"bundle-{n}.oibundle",
        f"{n:02d}" * 32,
        "m-1" if n % 2 else None,
        n if n % 2 else None,
        "members",
        LocalizedText(f"reason {n}", f"理由 {n}"),
    )


def test_the_journal_is_hash_linked_and_reads_back(tmp_path: Path) -> None:
    journal = RefusalJournalFile(tmp_path / "j.jsonl")
    for n in range(3):
        journal.record(_refusal(n))
    log = journal.read()
    assert log.intact and not log.partial and log.refusals == tuple(_refusal(n) for n in range(3))
    lines = journal.path.read_bytes().splitlines()
    assert json.loads(lines[0])["prev_sha256"] == GENESIS
    assert json.loads(lines[2])["prev_sha256"] == hashlib.sha256(lines[1]).hexdigest()


@pytest.mark.parametrize("damage", ["remove", "edit", "cut"])
def test_a_removed_edited_or_cut_line_is_found(tmp_path: Path, damage: str) -> None:
    journal = RefusalJournalFile(tmp_path / "j.jsonl")
    for n in range(3):
        journal.record(_refusal(n))
    lines = journal.path.read_bytes().splitlines(keepends=True)
    if damage == "remove":
        del lines[1]
    elif damage == "edit":
        lines[1] = lines[1].replace(b"reason 1", b"reason X")
    else:
        lines[2] = lines[2][:-20]
    journal.path.write_bytes(b"".join(lines))
    log = journal.read()
    assert not log.intact
    # An edited line is found by the next line's link to it (the last line alone has none).
    assert log.broken_line == (2 if damage == "remove" else 3)
    assert len(log.refusals) == (1 if damage == "remove" else 2)
    if damage == "cut":  # the next refusal starts a line of its own; the cut stays visible
        journal.record(_refusal(9))
        after = journal.read()
        assert not after.intact and after.broken_line == 3


def test_the_reader_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storage.ministry import refusals

    journal = RefusalJournalFile(tmp_path / "j.jsonl")
    for n in range(6):
        journal.record(_refusal(n))
    size = len(journal.path.read_bytes().splitlines()[0]) + 1
    monkeypatch.setattr(refusals, "MAX_READ_BYTES", size * 2 + 5)
    log = journal.read()
    assert (
        log.partial
        and log.intact
        and [r.file_name for r in log.refusals]
        == [
            "bundle-4.oibundle",
            "bundle-5.oibundle",
        ]
    )


def test_a_database_in_use_or_from_a_newer_version_is_not_a_refusal(
    db: Path, scenario: Scenario, files: dict[str, Path]
) -> None:
    """The bundle is fine; the database cannot take it: a specific message, nothing
    journaled, the database byte-identical."""
    import sqlite3

    from app.errors import StorageError
    from storage.migrations.ministry import SCHEMA_VERSION

    before = database_snapshot(db)
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(StorageError) as caught:
            intake_bundle(
                MinistryDatabase(db, busy_timeout_ms=1),
                RefusalJournalFile.beside(db),
                files["v2"],
                scenario.roots,
                VERIFY_AT,
                documents=None,
            )
        assert "in use by another program or window" in caught.value.message
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert database_snapshot(db) == before and not journal_path(db).exists()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1:d}")
    conn.commit()
    conn.close()
    before = database_snapshot(db)
    with pytest.raises(StorageError, match="newer version"):
        _intake(db, files["v2"], scenario)
    assert database_snapshot(db) == before and not journal_path(db).exists()
