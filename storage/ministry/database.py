"""The ministry's database: importing verified result bundles from many meetings.

Import is a function of (meeting id, bundle version, bundle hash) - bundle v1 section 8,
after TUF's rollback rules - and **a refusal leaves the database file byte-identical**.
That is arranged by order, not by undo:

1. the bundle is verified completely (:func:`app.results.verify_bundle`) before the
   database is even opened, so a bad bundle never touches it;
2. opening only reads (header, ``user_version``, ``application_id``; the journal mode is
   already WAL on an existing file, so setting it changes nothing);
3. the replay decision is read inside ``BEGIN IMMEDIATE`` (the write lock, so no second
   importer can slip in between) and a refusal or duplicate ends in ``ROLLBACK`` before
   any row is written; migrations run only after the decision to import;
4. closing the connection removes the empty ``-wal``/``-shm`` files again.

Connections use WAL, ``synchronous=FULL`` and foreign keys, like the workspace.
"""

from __future__ import annotations

import enum
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from cryptography import x509

from app.consolidation import rule_to_document
from app.crypto.identity import Identity
from app.errors import StorageError
from app.i18n import LocalizedText, Msg
from app.results import (
    BundleConflictError,
    BundleOlderVersionError,
    VerifiedBundle,
    verify_bundle,
)
from storage.audit import chain as audit
from storage.database import BUSY_TIMEOUT_MS, SQLITE_HEADER, storage_error
from storage.migrations.ministry import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from storage.migrations.workspace import migrate


class ImportStatus(enum.Enum):
    IMPORTED = "imported"
    ALREADY_IMPORTED = "already_imported"


@dataclass(frozen=True)
class ImportOutcome:
    """What :func:`import_bundle` did. ``replaced_version`` is the version it superseded."""

    status: ImportStatus
    meeting_id: str
    bundle_version: int
    bundle_hash: str
    replaced_version: int | None

    @property
    def message(self) -> Msg:
        if self.status is ImportStatus.ALREADY_IMPORTED:
            return Msg.of(
                "Bundle version {version} of meeting {meeting} is already imported; nothing "
                "was changed.",
                version=self.bundle_version,
                meeting=self.meeting_id,
            )
        if self.replaced_version is not None:
            return Msg.of(
                "Imported bundle version {version} of meeting {meeting}; it replaces version "
                "{old}.",
                version=self.bundle_version,
                meeting=self.meeting_id,
                old=self.replaced_version,
            )
        return Msg.of(
            "Imported bundle version {version} of meeting {meeting}.",
            version=self.bundle_version,
            meeting=self.meeting_id,
        )


@dataclass(frozen=True)
class _Decision:
    duplicate: bool
    current: int | None


def import_bundle(
    db_path: Path,
    bundle: Path | bytes,
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    *,
    ministry_identity: Identity | None = None,
    actor: str = "ministry",
) -> ImportOutcome:
    """Verify ``bundle`` and import it into the database at ``db_path`` (created if absent).

    Raises the bundle's :class:`~app.results.BundleError` (database untouched),
    :class:`BundleOlderVersionError` or :class:`BundleConflictError` (database
    byte-identical), or :class:`StorageError`.
    """
    verified = verify_bundle(bundle, trust_roots, now, ministry_identity=ministry_identity)
    db_path = Path(db_path)
    with _connection(db_path) as db:
        try:
            db.execute("BEGIN IMMEDIATE")
            decision = _decide(db, verified)
            if decision.duplicate:
                db.execute("ROLLBACK")
                return ImportOutcome(
                    ImportStatus.ALREADY_IMPORTED,
                    verified.meeting_id,
                    verified.bundle_version,
                    verified.bundle_hash,
                    None,
                )
            if _user_version(db) < SCHEMA_VERSION:
                db.execute("ROLLBACK")
                migrate(db, MIGRATIONS)
                db.execute("BEGIN IMMEDIATE")
                decision = _decide(db, verified)
            _store(db, verified, decision.current, now, actor)
            db.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            raise
    return ImportOutcome(
        ImportStatus.IMPORTED,
        verified.meeting_id,
        verified.bundle_version,
        verified.bundle_hash,
        decision.current,
    )


def _decide(db: sqlite_utils.Database, bundle: VerifiedBundle) -> _Decision:
    """Same hash -> duplicate; a higher version held -> older; same version -> conflict."""
    if _user_version(db) == 0:
        return _Decision(False, None)
    rows = db.execute(
        "SELECT bundle_version, bundle_sha256 FROM bundles WHERE meeting_id = ?",
        [bundle.meeting_id],
    ).fetchall()
    if any(row[1] == bundle.bundle_hash for row in rows):
        return _Decision(True, None)
    versions = {int(row[0]): str(row[1]) for row in rows}
    current = max(versions) if versions else None
    if current is not None and bundle.bundle_version < current:
        raise BundleOlderVersionError(bundle.meeting_id, bundle.bundle_version, current)
    if bundle.bundle_version in versions:
        raise BundleConflictError(
            bundle.meeting_id, bundle.bundle_version, versions[bundle.bundle_version]
        )
    return _Decision(False, current)


# --- writing -----------------------------------------------------------------------------

_CHILD_TABLES = ("figures", "applications", "experts", "opinions", "absences", "signed_documents")


def _store(
    db: sqlite_utils.Database,
    bundle: VerifiedBundle,
    replaced: int | None,
    now: datetime,
    actor: str,
) -> None:
    meeting = bundle.meeting
    if replaced is not None:
        for table in _CHILD_TABLES:
            db.execute(f"DELETE FROM {table} WHERE meeting_id = ?", [meeting.id])
        db.execute("DELETE FROM meetings WHERE id = ?", [meeting.id])
    db.execute(
        "INSERT INTO bundles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            meeting.id,
            bundle.bundle_version,
            bundle.bundle_hash,
            bundle.results_hash,
            bundle.round,
            bundle.manifest.kit_hash,
            bundle.secretary.fingerprint,
            bundle.secretary.common_name,
            bundle.created_at.isoformat(),
            now.isoformat(),
        ],
    )
    db.execute(
        "INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            meeting.id,
            bundle.bundle_version,
            *_pair(meeting.title),
            meeting.date.isoformat(),
            *_pair(meeting.venue),
            bundle.rubric.id,
            bundle.rubric.version,
            bundle.round,
            int(bundle.is_demo),
            json.dumps(rule_to_document(bundle.rule), ensure_ascii=False, sort_keys=True),
        ],
    )
    for position, expert in enumerate(meeting.experts, start=1):
        db.execute(
            "INSERT INTO experts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                meeting.id,
                expert.id,
                position,
                *_pair(expert.name),
                expert.role.value,
                *_pair(expert.organisation),
                int(expert.is_chair),
                expert.fingerprint,
            ],
        )
    _store_applications(db, bundle)
    for entry in bundle.opinions:
        o = entry.opinion
        db.execute(
            "INSERT INTO opinions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                meeting.id,
                o.application_id,
                o.round,
                o.opinion,
                o.recommendation.value,
                o.minority_opinion,
                o.approved_by,
                None if o.approved_at is None else o.approved_at.isoformat(),
            ],
        )
    for absence in bundle.absences:
        db.execute(
            "INSERT INTO absences VALUES (?, ?, ?, ?)",
            [meeting.id, absence.expert_id, absence.application_id, absence.note],
        )
    for kind, documents in (("sheet", bundle.sheets), ("recusal", bundle.recusals)):
        for d in documents:
            db.execute(
                "INSERT INTO signed_documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    meeting.id,
                    d.name,
                    kind,
                    d.expert_id,
                    d.application_id,
                    d.round,
                    d.version,
                    d.sha256,
                    d.signer_fingerprint,
                ],
            )
    audit.append(
        db,
        at=now,
        actor=actor,
        action="bundle.import",
        subject=f"meeting:{meeting.id}",
        state={
            "bundle_version": bundle.bundle_version,
            "bundle_sha256": bundle.bundle_hash,
            "results_sha256": bundle.results_hash,
            "replaced_version": replaced,
        },
    )


def _store_applications(db: sqlite_utils.Database, bundle: VerifiedBundle) -> None:
    meeting = bundle.meeting
    names = {a.id: a for a in meeting.applications}
    for app in bundle.result_document["applications"]:
        application = names[app["application_id"]]
        figures = app["figures"]
        total = next((f for f in figures if f["subject"] == "total"), None)
        vote = app["vote"]
        db.execute(
            "INSERT INTO applications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?, ?, ?, ?)",
            [
                meeting.id,
                application.id,
                app["hearing_position"],
                *_pair(application.applicant_unit),
                *_pair(application.platform_name),
                *_pair(application.sub_domain),
                app["status"],
                app["counted_sheets"],
                None if total is None else total["exact"],
                None if total is None else total["presented"],
                app["rank"],
                vote["votes_for"],
                vote["eligible"],
                vote["needed"],
                int(vote["passed"]),
                vote["recommend"],
                vote["recommend_with_conditions"],
                vote["do_not_recommend"],
                vote["recused"],
                vote["absent"],
            ],
        )
        for position, f in enumerate(figures):
            db.execute(
                "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    meeting.id,
                    application.id,
                    position,
                    f["subject"],
                    f["exact"],
                    f["presented"],
                    f["method_applied"],
                    int(f["fell_back"]),
                    f["spread"],
                    f["spread_limit"],
                    int(f["flagged"]),
                ],
            )


def _pair(text: LocalizedText) -> tuple[str, str]:
    return text.en, text.zh_CN


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationRow:
    """One application of one meeting, as the export shows it (all text as strings)."""

    meeting_id: str
    meeting_title: LocalizedText
    meeting_date: str
    bundle_version: int
    round: int
    is_demo: bool
    application_id: str
    hearing_position: int
    applicant_unit: LocalizedText
    platform_name: LocalizedText
    status: str
    total_presented: str | None
    rank: int | None
    votes_for: int
    eligible: int
    needed: int
    passed: bool
    figures: tuple[tuple[str, str], ...]
    """(subject, presented value) in document order."""
    opinion_recommendation: str | None
    opinion_approved: bool
    bundle_sha256: str
    results_sha256: str
    imported_at: str


def application_rows(db_path: Path) -> list[ApplicationRow]:
    """Every meeting's current applications, by meeting id then hearing position."""
    with _connection(Path(db_path), must_exist=True) as db:
        if _user_version(db) == 0:
            return []
        figures: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for row in db.execute(
            "SELECT meeting_id, application_id, subject, presented FROM figures"
            " ORDER BY meeting_id, application_id, position"
        ).fetchall():
            figures.setdefault((row[0], row[1]), []).append((str(row[2]), str(row[3])))
        rows = db.execute(
            """SELECT m.id, m.title_en, m.title_zh, m.date, m.bundle_version, m.round, m.is_demo,
                      a.id, a.hearing_position, a.applicant_unit_en, a.applicant_unit_zh,
                      a.platform_name_en, a.platform_name_zh, a.status, a.total_presented,
                      a.rank, a.votes_for, a.eligible, a.needed, a.passed,
                      o.recommendation, o.approved_by, b.bundle_sha256, b.results_sha256,
                      b.imported_at
               FROM applications a
               JOIN meetings m ON m.id = a.meeting_id
               JOIN bundles b ON b.meeting_id = m.id AND b.bundle_version = m.bundle_version
               LEFT JOIN opinions o ON o.meeting_id = a.meeting_id
                    AND o.application_id = a.id AND o.round = m.round
               ORDER BY m.id, a.hearing_position"""
        ).fetchall()
    return [_row(r, figures.get((r[0], r[7]), [])) for r in rows]


def _row(r: Sequence[Any], figures: list[tuple[str, str]]) -> ApplicationRow:
    return ApplicationRow(
        meeting_id=str(r[0]),
        meeting_title=LocalizedText(str(r[1]), str(r[2])),
        meeting_date=str(r[3]),
        bundle_version=int(r[4]),
        round=int(r[5]),
        is_demo=bool(r[6]),
        application_id=str(r[7]),
        hearing_position=int(r[8]),
        applicant_unit=LocalizedText(str(r[9]), str(r[10])),
        platform_name=LocalizedText(str(r[11]), str(r[12])),
        status=str(r[13]),
        total_presented=None if r[14] is None else str(r[14]),
        rank=None if r[15] is None else int(r[15]),
        votes_for=int(r[16]),
        eligible=int(r[17]),
        needed=int(r[18]),
        passed=bool(r[19]),
        figures=tuple(figures),
        opinion_recommendation=None if r[20] is None else str(r[20]),
        opinion_approved=r[21] is not None,
        bundle_sha256=str(r[22]),
        results_sha256=str(r[23]),
        imported_at=str(r[24]),
    )


def imported_bundles(db_path: Path) -> list[tuple[str, int, str]]:
    """The import history: (meeting id, bundle version, bundle hash), oldest first."""
    with _connection(Path(db_path), must_exist=True) as db:
        if _user_version(db) == 0:
            return []
        rows = db.execute(
            "SELECT meeting_id, bundle_version, bundle_sha256 FROM bundles"
            " ORDER BY imported_at, meeting_id, bundle_version"
        ).fetchall()
    return [(str(r[0]), int(r[1]), str(r[2])) for r in rows]


# --- opening -----------------------------------------------------------------------------


@contextmanager
def _connection(path: Path, *, must_exist: bool = False) -> Iterator[sqlite_utils.Database]:
    """A checked connection that has written nothing; closed (and WAL files removed) after."""
    exists = path.exists()
    if exists:
        _check_header(path)
    elif must_exist:
        raise StorageError(
            Msg.of("The ministry database {path} does not exist.", path=str(path)),
            Msg.of("Import a bundle first, or check the file name."),
        )
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    db = sqlite_utils.Database(conn, execute_plugins=False, recursive_triggers=False)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        version = _user_version(db)
        application_id = int(db.execute("PRAGMA application_id").fetchone()[0])
        if (version > 0 and application_id != APPLICATION_ID) or (
            version == 0 and exists and db.table_names()
        ):
            raise _not_ministry(path)
        if version > SCHEMA_VERSION:
            raise StorageError(
                Msg.of(
                    "The ministry database {path} was written by a newer version of Expert "
                    "Review Desk (schema {found}; this version reads up to {supported}).",
                    path=str(path),
                    found=version,
                    supported=SCHEMA_VERSION,
                ),
                Msg.of("Use the newer version of the program; the file has not been changed."),
            )
        mode = str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if mode != "wal" and db.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
            raise StorageError(
                Msg.of(
                    "The ministry database {path} cannot use write-ahead logging.", path=str(path)
                ),
                Msg.of("Keep the database on a local disk, not a network share."),
            )
        db.execute("PRAGMA synchronous = FULL")
        yield db
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    finally:
        conn.close()


def _user_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StorageError(
            Msg.of("The ministry database {path} cannot be read.", path=str(path)),
            Msg.of("Check that the file is readable and not in use."),
        ) from exc
    if header != SQLITE_HEADER and header:
        raise _not_ministry(path)


def _not_ministry(path: Path) -> StorageError:
    return StorageError(
        Msg.of("{path} is not an Expert Review Desk ministry database.", path=str(path)),
        Msg.of("Choose the ministry database file; this file has not been changed."),
    )
