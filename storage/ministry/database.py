"""The ministry's database (:class:`MinistryDatabase`, an
:class:`app.ministry.ports.MinistryStore`): verified result bundles from many meetings, as
SQL rows in and domain values out.

What to import is decided in :mod:`app.ministry` (verification, then the replay decision);
this module keeps the promise that a transaction which writes nothing leaves the file
byte-identical:

1. opening only reads (header, ``user_version``, ``application_id``; the journal mode is
   already WAL on an existing file, so setting it changes nothing), and creating a
   :class:`MinistryDatabase` does not even open;
2. :meth:`MinistryDatabase.transaction` starts with ``BEGIN IMMEDIATE`` (the write lock,
   so no second importer can slip in between a decision and its write) and ends in
   ``ROLLBACK`` unless the block wrote; migrations run only when a bundle is added, inside
   that same transaction;
3. closing the connection removes the empty ``-wal``/``-shm`` files again.

Connections use WAL, ``synchronous=FULL`` and foreign keys, like the workspace.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from app.errors import StorageError
from app.i18n import LocalizedText, Msg
from app.ministry.model import (
    ApplicationRow,
    BundleHeader,
    BundleKey,
    BundleRecord,
    ImportedBundle,
    RecordedApplication,
)
from storage.audit import chain as audit
from storage.database import BUSY_TIMEOUT_MS, SQLITE_HEADER, storage_error
from storage.migrations.ministry import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from storage.migrations.workspace import migrate

_CHILD_TABLES = ("figures", "applications", "experts", "opinions", "absences", "signed_documents")


class MinistryDatabase:
    """The ministry database at ``path``; the first bundle added creates it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite_utils.Database | None = None
        self._actor = ""
        self._at: datetime | None = None
        self._wrote = False

    # --- transactions ------------------------------------------------------------------

    @contextmanager
    def transaction(self, actor: str, at: datetime) -> Iterator[None]:
        """One change under the write lock; ``actor`` and ``at`` go into its audit entry and
        ``at`` is the import time. Commits only if the block wrote; rolls back otherwise."""
        if self._db is not None:
            raise RuntimeError("ministry database transactions do not nest")
        with _connection(self.path) as db:
            db.execute("BEGIN IMMEDIATE")
            self._db, self._actor, self._at, self._wrote = db, actor, at, False
            try:
                yield
                db.execute("COMMIT" if self._wrote else "ROLLBACK")
            except BaseException:
                if db.conn.in_transaction:
                    db.execute("ROLLBACK")
                raise
            finally:
                self._db, self._at = None, None

    def _open(self) -> sqlite_utils.Database:
        if self._db is None:
            raise RuntimeError("ministry database access outside a transaction")
        return self._db

    # --- what import needs ---------------------------------------------------------------

    def bundle_keys(self, meeting_id: str) -> tuple[BundleKey, ...]:
        db = self._open()
        if _user_version(db) == 0:
            return ()
        rows = db.execute(
            "SELECT bundle_version, bundle_sha256 FROM bundles WHERE meeting_id = ?"
            " ORDER BY bundle_version",
            [meeting_id],
        ).fetchall()
        return tuple(BundleKey(meeting_id, int(r[0]), str(r[1])) for r in rows)

    def add_bundle(self, record: BundleRecord, replaces: int | None) -> None:
        db = self._open()
        assert self._at is not None
        if _user_version(db) < SCHEMA_VERSION:
            migrate(db, MIGRATIONS)  # each step a savepoint of this transaction
        self._wrote = True
        _store(db, record, replaces, self._at, self._actor)

    # --- reading -----------------------------------------------------------------------

    def imported_bundles(self) -> tuple[ImportedBundle, ...]:
        """The import history, oldest first."""
        with _connection(self.path, must_exist=True) as db:
            if _user_version(db) == 0:
                return ()
            rows = db.execute(
                "SELECT meeting_id, bundle_version, bundle_sha256, results_sha256, round,"
                " kit_hash, secretary_fingerprint, secretary_name, created_at, imported_at"
                " FROM bundles ORDER BY imported_at, meeting_id, bundle_version"
            ).fetchall()
        return tuple(_imported(r) for r in rows)

    def application_rows(self) -> tuple[ApplicationRow, ...]:
        """Every meeting's current applications, by meeting id then hearing position."""
        with _connection(self.path, must_exist=True) as db:
            if _user_version(db) == 0:
                return ()
            figures: dict[tuple[str, str], list[tuple[str, str]]] = {}
            for row in db.execute(
                "SELECT meeting_id, application_id, subject, presented FROM figures"
                " ORDER BY meeting_id, application_id, position"
            ).fetchall():
                figures.setdefault((row[0], row[1]), []).append((str(row[2]), str(row[3])))
            rows = db.execute(
                """SELECT m.id, m.title_en, m.title_zh, m.date, m.bundle_version, m.round,
                          m.is_demo, a.id, a.hearing_position, a.applicant_unit_en,
                          a.applicant_unit_zh, a.platform_name_en, a.platform_name_zh,
                          a.status, a.sub_domain_en, a.sub_domain_zh, a.total_presented,
                          a.rank, a.votes_for, a.eligible, a.needed, a.passed,
                          o.recommendation, o.approved_by,
                          b.bundle_sha256, b.results_sha256, b.imported_at
                   FROM applications a
                   JOIN meetings m ON m.id = a.meeting_id
                   JOIN bundles b ON b.meeting_id = m.id AND b.bundle_version = m.bundle_version
                   LEFT JOIN opinions o ON o.meeting_id = a.meeting_id
                        AND o.application_id = a.id AND o.round = m.round
                   ORDER BY m.id, a.hearing_position"""
            ).fetchall()
        return tuple(_row(r, figures.get((r[0], r[7]), [])) for r in rows)


# --- writing -----------------------------------------------------------------------------


def _store(
    db: sqlite_utils.Database,
    record: BundleRecord,
    replaced: int | None,
    now: datetime,
    actor: str,
) -> None:
    meeting = record.meeting
    header = record.header
    if replaced is not None:
        for table in _CHILD_TABLES:
            db.execute(f"DELETE FROM {table} WHERE meeting_id = ?", [meeting.id])
        db.execute("DELETE FROM meetings WHERE id = ?", [meeting.id])
    db.execute(
        "INSERT INTO bundles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            meeting.id,
            header.key.bundle_version,
            header.key.bundle_hash,
            header.results_hash,
            header.round,
            header.kit_hash,
            header.secretary_fingerprint,
            header.secretary_name,
            header.created_at.isoformat(),
            now.isoformat(),
        ],
    )
    db.execute(
        "INSERT INTO meetings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            meeting.id,
            header.key.bundle_version,
            *_pair(meeting.title),
            meeting.date.isoformat(),
            *_pair(meeting.venue),
            record.rubric_id,
            record.rubric_version,
            header.round,
            int(record.is_demo),
            record.rule_document,
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
    for application in record.applications:
        _store_application(db, meeting.id, application)
    for o in record.opinions:
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
    for absence in record.absences:
        db.execute(
            "INSERT INTO absences VALUES (?, ?, ?, ?)",
            [meeting.id, absence.expert_id, absence.application_id, absence.note],
        )
    for d in record.documents:
        db.execute(
            "INSERT INTO signed_documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                meeting.id,
                d.name,
                d.kind.value,
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
            "bundle_version": header.key.bundle_version,
            "bundle_sha256": header.key.bundle_hash,
            "results_sha256": header.results_hash,
            "replaced_version": replaced,
        },
    )


def _store_application(
    db: sqlite_utils.Database, meeting_id: str, recorded: RecordedApplication
) -> None:
    application = recorded.application
    total = recorded.total
    vote = recorded.vote
    db.execute(
        "INSERT INTO applications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?, ?)",
        [
            meeting_id,
            application.id,
            recorded.hearing_position,
            *_pair(application.applicant_unit),
            *_pair(application.platform_name),
            *_pair(application.sub_domain),
            recorded.status,
            recorded.counted_sheets,
            None if total is None else total.exact,
            None if total is None else total.presented,
            recorded.rank,
            vote.votes_for,
            vote.eligible,
            vote.needed,
            int(vote.passed),
            vote.recommend,
            vote.recommend_with_conditions,
            vote.do_not_recommend,
            vote.recused,
            vote.absent,
        ],
    )
    for position, f in enumerate(recorded.figures):
        db.execute(
            "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                meeting_id,
                application.id,
                position,
                f.subject,
                f.exact,
                f.presented,
                f.method_applied,
                int(f.fell_back),
                f.spread,
                f.spread_limit,
                int(f.flagged),
            ],
        )


def _pair(text: LocalizedText) -> tuple[str, str]:
    return text.en, text.zh_CN


# --- reading -----------------------------------------------------------------------------


def _imported(r: Sequence[Any]) -> ImportedBundle:
    return ImportedBundle(
        header=BundleHeader(
            key=BundleKey(str(r[0]), int(r[1]), str(r[2])),
            results_hash=str(r[3]),
            round=int(r[4]),
            kit_hash=str(r[5]),
            secretary_fingerprint=str(r[6]),
            secretary_name=str(r[7]),
            created_at=datetime.fromisoformat(str(r[8])),
        ),
        imported_at=datetime.fromisoformat(str(r[9])),
    )


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
        sub_domain=LocalizedText(str(r[14]), str(r[15])),
        status=str(r[13]),
        total_presented=None if r[16] is None else str(r[16]),
        rank=None if r[17] is None else int(r[17]),
        votes_for=int(r[18]),
        eligible=int(r[19]),
        needed=int(r[20]),
        passed=bool(r[21]),
        figures=tuple(figures),
        opinion_recommendation=None if r[22] is None else str(r[22]),
        opinion_approved=r[23] is not None,
        bundle_sha256=str(r[24]),
        results_sha256=str(r[25]),
        imported_at=str(r[26]),
    )


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
