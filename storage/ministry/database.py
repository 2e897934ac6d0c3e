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

import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from app.domain.signed import SignedDocument
from app.errors import StorageError
from app.i18n import LocalizedText, Msg
from app.ministry.decisions.model import (
    BatchEntry,
    BatchRecord,
    Decision,
    DecisionRecord,
    DecisionSubject,
    RecordedBatch,
    RecordedDecision,
)
from app.ministry.model import (
    ApplicationDetail,
    ApplicationRow,
    ApprovedPlatformEntry,
    BundleHeader,
    BundleKey,
    BundleRecord,
    ExpertAppearance,
    ImportedBundle,
    PanelMember,
    PlatformDraft,
    RecordedApplication,
    RecordedFigure,
    RecordedOpinion,
    RecordedVote,
)
from storage.audit import chain as audit
from storage.database import BUSY_TIMEOUT_MS, SQLITE_HEADER, storage_error
from storage.migrations.ministry import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from storage.migrations.workspace import migrate
from storage.ministry import audit_state, platforms

DESK_VERSION = 2
"""The schema version that brought the reports, tags and approved platforms."""

_CHILD_TABLES = (
    "application_tags",
    "figures",
    "applications",
    "experts",
    "opinions",
    "absences",
    "signed_documents",
)


class MinistryDatabase:
    """The ministry database at ``path``; the first bundle added creates it.

    ``busy_timeout_ms`` is how long to wait for another program's write lock before saying
    the database is in use (short, so a held file is reported rather than waited for).
    """

    def __init__(self, path: Path, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
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
        with _connection(self.path, timeout_ms=self.busy_timeout_ms) as db:
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
        db = self._writable()
        assert self._at is not None
        _store(db, record, replaces, self._at, self._actor)

    def add_platform(self, draft: PlatformDraft, reason: str) -> ApprovedPlatformEntry:
        """Add ``draft`` to the approved-platform list, with ``reason`` and an audit entry
        (inside :meth:`transaction`)."""
        db = self._writable()
        assert self._at is not None
        return platforms.add(db, draft, reason, self._at, self._actor)

    def remove_platform(self, platform_id: int, reason: str) -> ApprovedPlatformEntry:
        """Mark entry ``platform_id`` removed, with ``reason`` and an audit entry (inside
        :meth:`transaction`); raises :class:`~app.errors.ValidationError` for an unknown or
        already removed entry, before anything is written."""
        db = self._open()
        assert self._at is not None
        if _user_version(db) >= DESK_VERSION:
            platforms.check_removable(db, platform_id)
        else:
            raise platforms.unknown_platform(platform_id)
        db = self._writable()
        return platforms.remove(db, platform_id, reason, self._at, self._actor)

    def _writable(self) -> sqlite_utils.Database:
        """The transaction's connection, the schema brought to this version first (each
        migration a savepoint of the transaction); marks the transaction as writing."""
        db = self._open()
        if _user_version(db) < SCHEMA_VERSION:
            migrate(db, MIGRATIONS)
        self._wrote = True
        return db

    # --- reading -----------------------------------------------------------------------

    def imported_bundles(self) -> tuple[ImportedBundle, ...]:
        """The import history, oldest first."""
        with self._reading() as db:
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
        with self._reading() as db:
            if _user_version(db) == 0:
                return ()
            return _application_rows(db, None)

    def application_detail(self, meeting_id: str, application_id: str) -> ApplicationDetail | None:
        """One application of a meeting's current bundle; ``None`` if there is none."""
        with self._reading() as db:
            if _user_version(db) == 0:
                return None
            rows = _application_rows(db, (meeting_id, application_id))
            if not rows:
                return None
            return _detail(db, rows[0])

    def report_pdf(self, meeting_id: str) -> bytes | None:
        """The signed report of the meeting's current bundle, if its documents were checked
        at import (and it was imported at schema version 2 or later)."""
        with self._reading() as db:
            if _user_version(db) < DESK_VERSION:
                return None
            row = db.execute(
                "SELECT r.report_pdf FROM reports r JOIN meetings m ON m.id = r.meeting_id"
                " AND m.bundle_version = r.bundle_version WHERE r.meeting_id = ?",
                [meeting_id],
            ).fetchone()
        return None if row is None else bytes(row[0])

    def expert_appearances(self, fingerprint: str | None = None) -> tuple[ExpertAppearance, ...]:
        """Every expert of every meeting's current roster (or only those with the
        certificate ``fingerprint``), by fingerprint, meeting date and meeting id: one person
        across meetings is one fingerprint."""
        with self._reading() as db:
            if _user_version(db) == 0:
                return ()
            where, params = ("WHERE e.fingerprint = ?", [fingerprint]) if fingerprint else ("", [])
            rows = db.execute(
                f"""SELECT e.fingerprint, m.id, m.title_en, m.title_zh, m.date, e.id,
                           e.name_en, e.name_zh, e.organisation_en, e.organisation_zh,
                           e.role, e.is_chair
                    FROM experts e JOIN meetings m ON m.id = e.meeting_id {where}
                    ORDER BY e.fingerprint, m.date, m.id, e.position""",
                params,
            ).fetchall()
        return tuple(
            ExpertAppearance(
                fingerprint=str(r[0]),
                meeting_id=str(r[1]),
                meeting_title=LocalizedText(str(r[2]), str(r[3])),
                meeting_date=str(r[4]),
                expert_id=str(r[5]),
                name=LocalizedText(str(r[6]), str(r[7])),
                organisation=LocalizedText(str(r[8]), str(r[9])),
                role=str(r[10]),
                is_chair=bool(r[11]),
            )
            for r in rows
        )

    def approved_platforms(
        self, *, include_removed: bool = False
    ) -> tuple[ApprovedPlatformEntry, ...]:
        """The approved-platform list by id (those removed too, if asked)."""
        if not self.path.exists():
            return ()
        with self._reading() as db:
            if _user_version(db) < DESK_VERSION:
                return ()
            return platforms.entries(db, include_removed=include_removed)

    # --- decisions (decision-v1) -----------------------------------------------------------

    def decision_subjects(self) -> tuple[DecisionSubject, ...]:
        """Every application of every meeting's current bundle, by meeting then hearing."""
        with self._reading() as db:
            if _user_version(db) == 0:
                return ()
            rows = db.execute(f"{_SUBJECTS} ORDER BY m.id, a.hearing_position").fetchall()
        return tuple(_subject(r) for r in rows)

    def decision_subject(self, meeting_id: str, application_id: str) -> DecisionSubject | None:
        """The application in its meeting's current bundle, or ``None``."""
        with self._reading() as db:
            if _user_version(db) == 0:
                return None
            row = db.execute(
                f"{_SUBJECTS} WHERE m.id = ? AND a.id = ?", [meeting_id, application_id]
            ).fetchone()
        return None if row is None else _subject(row)

    def decisions(self) -> tuple[RecordedDecision, ...]:
        """Every version of every decision, by meeting, application, then version."""
        with self._reading() as db:
            if not _has_decisions(db):
                return ()
            rows = db.execute(
                f"{_DECISIONS} ORDER BY meeting_id, application_id, version"
            ).fetchall()
        return tuple(_decision(r) for r in rows)

    def decision_versions(
        self, meeting_id: str, application_id: str
    ) -> tuple[RecordedDecision, ...]:
        """Every version of the application's decision, oldest first."""
        with self._reading() as db:
            if not _has_decisions(db):
                return ()
            rows = db.execute(
                f"{_DECISIONS} WHERE meeting_id = ? AND application_id = ? ORDER BY version",
                [meeting_id, application_id],
            ).fetchall()
        return tuple(_decision(r) for r in rows)

    def add_decision(self, decision: RecordedDecision) -> None:
        """Append ``decision`` and its audit entry (inside :meth:`transaction`)."""
        db = self._writable()
        r = decision.record
        db.execute(
            "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                r.meeting_id,
                r.application_id,
                r.version,
                r.decision.value,
                r.reason,
                r.bundle_version,
                r.bundle_sha256,
                r.previous_sha256,
                r.officer_fingerprint,
                decision.officer_name,
                r.decided_at.isoformat(),
                decision.sha256,
                decision.signed.document,
                decision.signed.signature,
            ],
        )
        assert self._at is not None
        audit.append(
            db,
            at=self._at,
            actor=self._actor,
            action="decision.record",
            subject=f"decision:{r.meeting_id}/{r.application_id}",
            state={
                "version": r.version,
                "decision": r.decision.value,
                "bundle_sha256": r.bundle_sha256,
                "document_sha256": decision.sha256,
            },
        )

    def batches(self) -> tuple[RecordedBatch, ...]:
        """Every closed batch, oldest first."""
        with self._reading() as db:
            if not _has_decisions(db):
                return ()
            rows = db.execute(
                "SELECT id, previous_sha256, closed_at, officer_fingerprint, officer_name,"
                " document, signature FROM batches ORDER BY id"
            ).fetchall()
            entries: dict[int, list[BatchEntry]] = {}
            for e in db.execute(
                "SELECT e.batch_id, e.meeting_id, e.application_id, e.version, d.decision,"
                " d.document_sha256 FROM batch_entries e JOIN decisions d"
                " ON d.meeting_id = e.meeting_id AND d.application_id = e.application_id"
                " AND d.version = e.version ORDER BY e.batch_id, e.meeting_id, e.application_id"
            ).fetchall():
                entries.setdefault(int(e[0]), []).append(
                    BatchEntry(str(e[1]), str(e[2]), int(e[3]), Decision(str(e[4])), str(e[5]))
                )
        return tuple(_batch(r, tuple(entries.get(int(r[0]), ()))) for r in rows)

    def add_batch(self, batch: RecordedBatch) -> None:
        """Append ``batch``, its entries and its audit entry (inside :meth:`transaction`)."""
        db = self._writable()
        r = batch.record
        db.execute(
            "INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                r.batch_id,
                r.previous_sha256,
                r.closed_at.isoformat(),
                r.officer_fingerprint,
                batch.officer_name,
                batch.sha256,
                batch.signed.document,
                batch.signed.signature,
            ],
        )
        for e in r.entries:
            db.execute(
                "INSERT INTO batch_entries VALUES (?, ?, ?, ?)",
                [r.batch_id, e.meeting_id, e.application_id, e.decision_version],
            )
        assert self._at is not None
        audit.append(
            db,
            at=self._at,
            actor=self._actor,
            action="batch.close",
            subject=f"batch:{r.batch_id}",
            state={"entries": len(r.entries), "document_sha256": batch.sha256},
        )

    @contextmanager
    def _reading(self) -> Iterator[sqlite_utils.Database]:
        """The transaction's connection inside one; the existing file opened otherwise."""
        if self._db is not None:
            yield self._db
        else:
            with _connection(self.path, must_exist=True, timeout_ms=self.busy_timeout_ms) as db:
                yield db


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
    conn = db.conn  # one executemany per table: the same rows, in the same transaction
    conn.executemany(
        "INSERT INTO experts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                meeting.id,
                expert.id,
                position,
                *_pair(expert.name),
                expert.role.value,
                *_pair(expert.organisation),
                int(expert.is_chair),
                expert.fingerprint,
            )
            for position, expert in enumerate(meeting.experts, start=1)
        ],
    )
    conn.executemany(
        "INSERT INTO applications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?, ?, ?, ?)",
        [_application_row(meeting.id, a) for a in record.applications],
    )
    conn.executemany(
        "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                meeting.id,
                a.application.id,
                position,
                f.subject,
                f.exact,
                f.presented,
                f.method_applied,
                int(f.fell_back),
                f.spread,
                f.spread_limit,
                int(f.flagged),
            )
            for a in record.applications
            for position, f in enumerate(a.figures)
        ],
    )
    conn.executemany(
        "INSERT INTO application_tags VALUES (?, ?, ?, ?)",
        [
            (meeting.id, a.application.id, position, tag)
            for a in record.applications
            for position, tag in enumerate(a.application.sub_domain_tags)
        ],
    )
    if record.report_pdf is not None:
        db.execute(
            "INSERT INTO reports VALUES (?, ?, ?, ?)",
            [
                meeting.id,
                header.key.bundle_version,
                record.report_pdf,
                hashlib.sha256(record.report_pdf).hexdigest(),
            ],
        )
    conn.executemany(
        "INSERT INTO opinions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                meeting.id,
                o.application_id,
                o.round,
                o.opinion,
                o.recommendation.value,
                o.minority_opinion,
                o.approved_by,
                None if o.approved_at is None else o.approved_at.isoformat(),
            )
            for o in record.opinions
        ],
    )
    conn.executemany(
        "INSERT INTO absences VALUES (?, ?, ?, ?)",
        [(meeting.id, a.expert_id, a.application_id, a.note) for a in record.absences],
    )
    conn.executemany(
        "INSERT INTO signed_documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                meeting.id,
                d.name,
                d.kind.value,
                d.expert_id,
                d.application_id,
                d.round,
                d.version,
                d.sha256,
                d.signer_fingerprint,
            )
            for d in record.documents
        ],
    )
    audit.append(
        db,
        at=now,
        actor=actor,
        action="bundle.import",
        subject=audit_state.meeting_subject(meeting.id),
        state=audit_state.meeting_state(db, meeting.id),
    )


def _application_row(meeting_id: str, recorded: RecordedApplication) -> tuple[Any, ...]:
    application = recorded.application
    total = recorded.total
    vote = recorded.vote
    return (
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


_ROW_QUERY = """SELECT m.id, m.title_en, m.title_zh, m.date, m.bundle_version, m.round,
          m.is_demo, a.id, a.hearing_position, a.applicant_unit_en,
          a.applicant_unit_zh, a.platform_name_en, a.platform_name_zh,
          a.status, a.total_presented, a.rank, a.votes_for, a.eligible,
          a.needed, a.passed, o.recommendation, o.approved_by,
          b.bundle_sha256, b.results_sha256, b.imported_at, a.sub_domain_en, a.sub_domain_zh
   FROM applications a
   JOIN meetings m ON m.id = a.meeting_id
   JOIN bundles b ON b.meeting_id = m.id AND b.bundle_version = m.bundle_version
   LEFT JOIN opinions o ON o.meeting_id = a.meeting_id
        AND o.application_id = a.id AND o.round = m.round"""


def _application_rows(
    db: sqlite_utils.Database, one: tuple[str, str] | None
) -> tuple[ApplicationRow, ...]:
    where, params = ("", []) if one is None else (" WHERE a.meeting_id = ? AND a.id = ?", list(one))
    figure_where = "" if one is None else " WHERE meeting_id = ? AND application_id = ?"
    figures: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in db.execute(
        "SELECT meeting_id, application_id, subject, presented FROM figures"
        f"{figure_where} ORDER BY meeting_id, application_id, position",
        params,
    ).fetchall():
        figures.setdefault((row[0], row[1]), []).append((str(row[2]), str(row[3])))
    tags: dict[tuple[str, str], list[str]] = {}
    if _user_version(db) >= DESK_VERSION:
        for row in db.execute(
            "SELECT meeting_id, application_id, tag FROM application_tags"
            f"{figure_where} ORDER BY meeting_id, application_id, position",
            params,
        ).fetchall():
            tags.setdefault((row[0], row[1]), []).append(str(row[2]))
    rows = db.execute(f"{_ROW_QUERY}{where} ORDER BY m.id, a.hearing_position", params).fetchall()
    return tuple(_row(r, figures.get((r[0], r[7]), []), tags.get((r[0], r[7]), [])) for r in rows)


def _detail(db: sqlite_utils.Database, row: ApplicationRow) -> ApplicationDetail:
    key = [row.meeting_id, row.application_id]
    figures = tuple(
        RecordedFigure(
            subject=str(f[0]),
            exact=str(f[1]),
            presented=str(f[2]),
            method_applied=str(f[3]),
            fell_back=bool(f[4]),
            spread=str(f[5]),
            spread_limit=None if f[6] is None else str(f[6]),
            flagged=bool(f[7]),
        )
        for f in db.execute(
            "SELECT subject, exact, presented, method_applied, fell_back, spread, spread_limit,"
            " flagged FROM figures WHERE meeting_id = ? AND application_id = ? ORDER BY position",
            key,
        ).fetchall()
    )
    a = db.execute(
        "SELECT votes_for, eligible, needed, passed, recommend, recommend_with_conditions,"
        " do_not_recommend, recused, absent, counted_sheets FROM applications"
        " WHERE meeting_id = ? AND id = ?",
        key,
    ).fetchone()
    vote = RecordedVote(
        votes_for=int(a[0]),
        eligible=int(a[1]),
        needed=int(a[2]),
        passed=bool(a[3]),
        recommend=int(a[4]),
        recommend_with_conditions=int(a[5]),
        do_not_recommend=int(a[6]),
        recused=int(a[7]),
        absent=int(a[8]),
    )
    recused = {
        str(r[0])
        for r in db.execute(
            "SELECT expert_id FROM signed_documents WHERE meeting_id = ? AND application_id = ?"
            " AND kind = 'recusal' AND round = ?",
            [*key, row.round],
        ).fetchall()
    }
    absent = {
        str(r[0])
        for r in db.execute(
            "SELECT expert_id FROM absences WHERE meeting_id = ? AND application_id = ?", key
        ).fetchall()
    }
    panel = tuple(
        PanelMember(
            expert_id=str(e[0]),
            name=LocalizedText(str(e[1]), str(e[2])),
            organisation=LocalizedText(str(e[3]), str(e[4])),
            role=str(e[5]),
            is_chair=bool(e[6]),
            fingerprint=str(e[7]),
            recused=str(e[0]) in recused,
            absent=str(e[0]) in absent,
        )
        for e in db.execute(
            "SELECT id, name_en, name_zh, organisation_en, organisation_zh, role, is_chair,"
            " fingerprint FROM experts WHERE meeting_id = ? ORDER BY position",
            [row.meeting_id],
        ).fetchall()
    )
    o = db.execute(
        "SELECT opinion, recommendation, minority_opinion, approved_by, approved_at"
        " FROM opinions WHERE meeting_id = ? AND application_id = ? AND round = ?",
        [*key, row.round],
    ).fetchone()
    opinion = (
        None
        if o is None
        else RecordedOpinion(
            str(o[0]),
            str(o[1]),
            str(o[2]),
            None if o[3] is None else str(o[3]),
            None if o[4] is None else str(o[4]),
        )
    )
    rule = db.execute(
        "SELECT rule, rubric_id, rubric_revision FROM meetings WHERE id = ?", [row.meeting_id]
    ).fetchone()
    has_report = _user_version(db) >= DESK_VERSION and (
        db.execute(
            "SELECT 1 FROM reports WHERE meeting_id = ? AND bundle_version = ?",
            [row.meeting_id, row.bundle_version],
        ).fetchone()
        is not None
    )
    return ApplicationDetail(
        row=row,
        figures=figures,
        vote=vote,
        counted_sheets=int(a[9]),
        rule_document=str(rule[0]),
        panel=panel,
        opinion=opinion,
        has_report=has_report,
        rubric_id=str(rule[1]),
        rubric_version=int(rule[2]),
    )


def _row(r: Sequence[Any], figures: list[tuple[str, str]], tags: list[str]) -> ApplicationRow:
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
        sub_domain=LocalizedText(str(r[25]), str(r[26])),
        sub_domain_tags=tuple(tags),
    )


# --- opening -----------------------------------------------------------------------------


@contextmanager
def _connection(
    path: Path, *, must_exist: bool = False, timeout_ms: int = BUSY_TIMEOUT_MS
) -> Iterator[sqlite_utils.Database]:
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
        conn = sqlite3.connect(str(path), timeout=timeout_ms / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise _ministry_error(exc, path) from exc
    db = sqlite_utils.Database(conn, execute_plugins=False, recursive_triggers=False)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(timeout_ms):d}")
        db.execute("PRAGMA foreign_keys = ON")
        version = _user_version(db)
        application_id = int(db.execute("PRAGMA application_id").fetchone()[0])
        if (version > 0 and application_id != APPLICATION_ID) or (
            version == 0 and exists and db.table_names()
        ):
            raise _not_ministry(path)
        if version > SCHEMA_VERSION:
            raise _too_new(path, version)
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
        raise _ministry_error(exc, path) from exc
    finally:
        conn.close()


def _ministry_error(exc: sqlite3.Error, path: Path) -> StorageError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StorageError(
            Msg.of(
                "The ministry database {path} is in use by another program or window.",
                path=str(path),
            ),
            Msg.of("Wait until the other import or edit has finished, then try again."),
        )
    if "not a database" in text or "file is encrypted" in text:
        return _not_ministry(path)
    return storage_error(exc, path)


def is_ministry_database(path: Path) -> bool:
    """Whether ``path`` is an SQLite file marked as a ministry database (read-only look)."""
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError:
        return False
    # The application id is the big-endian integer at offset 68 of the database header.
    return header.startswith(SQLITE_HEADER) and int.from_bytes(header[68:72]) == APPLICATION_ID


def open_read_only(path: Path) -> sqlite_utils.Database:
    """The ministry database opened read-only (``audit verify``): no migration, no change.

    A file from a newer version is refused from its header (``user_version``, offset 60),
    before a connection could leave a ``-shm`` file beside it."""
    _check_header(path)
    with path.open("rb") as fh:
        stated = int.from_bytes(fh.read(100)[60:64])
    if stated > SCHEMA_VERSION:
        raise _too_new(path, stated)
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
        db = sqlite_utils.Database(conn, execute_plugins=False)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = _user_version(db)
    except sqlite3.Error as exc:
        raise _ministry_error(exc, path) from exc
    if version > SCHEMA_VERSION:
        conn.close()
        raise _too_new(path, version)
    return db


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


def _too_new(path: Path, version: int) -> StorageError:
    return StorageError(
        Msg.of(
            "The ministry database {path} was written by a newer version of Expert "
            "Review Desk (schema {found}; this version reads up to {supported}).",
            path=str(path),
            found=version,
            supported=SCHEMA_VERSION,
        ),
        Msg.of("Use the newer version of the program; the file has not been changed."),
    )


def _not_ministry(path: Path) -> StorageError:
    return StorageError(
        Msg.of("{path} is not an Expert Review Desk ministry database.", path=str(path)),
        Msg.of("Choose the ministry database file; this file has not been changed."),
    )


# --- decisions ---------------------------------------------------------------------------

_SUBJECTS = """SELECT m.id, m.title_en, m.title_zh, m.date, m.bundle_version, b.bundle_sha256,
                      a.id, a.hearing_position, a.applicant_unit_en, a.applicant_unit_zh,
                      a.platform_name_en, a.platform_name_zh, a.sub_domain_en, a.sub_domain_zh,
                      a.status, a.total_presented, a.rank, a.passed
               FROM applications a
               JOIN meetings m ON m.id = a.meeting_id
               JOIN bundles b ON b.meeting_id = m.id AND b.bundle_version = m.bundle_version"""

_DECISIONS = """SELECT meeting_id, application_id, version, decision, reason, bundle_version,
                       bundle_sha256, previous_sha256, officer_fingerprint, officer_name,
                       decided_at, document, signature
                FROM decisions"""


def _has_decisions(db: sqlite_utils.Database) -> bool:
    return _user_version(db) > 0 and "decisions" in db.table_names()


def _subject(r: Sequence[Any]) -> DecisionSubject:
    return DecisionSubject(
        meeting_id=str(r[0]),
        meeting_title=LocalizedText(str(r[1]), str(r[2])),
        meeting_date=str(r[3]),
        bundle_version=int(r[4]),
        bundle_sha256=str(r[5]),
        application_id=str(r[6]),
        hearing_position=int(r[7]),
        applicant_unit=LocalizedText(str(r[8]), str(r[9])),
        platform_name=LocalizedText(str(r[10]), str(r[11])),
        sub_domain=LocalizedText(str(r[12]), str(r[13])),
        status=str(r[14]),
        total_presented=None if r[15] is None else str(r[15]),
        rank=None if r[16] is None else int(r[16]),
        passed=bool(r[17]),
    )


def _decision(r: Sequence[Any]) -> RecordedDecision:
    """A stored decision; its columns are the values its signed document says."""
    record = DecisionRecord(
        meeting_id=str(r[0]),
        application_id=str(r[1]),
        version=int(r[2]),
        decision=Decision(str(r[3])),
        reason=str(r[4]),
        bundle_version=int(r[5]),
        bundle_sha256=str(r[6]),
        previous_sha256=None if r[7] is None else str(r[7]),
        officer_fingerprint=str(r[8]),
        decided_at=datetime.fromisoformat(str(r[10])),
    )
    return RecordedDecision(record, SignedDocument(bytes(r[11]), bytes(r[12])), str(r[9]))


def _batch(r: Sequence[Any], entries: tuple[BatchEntry, ...]) -> RecordedBatch:
    record = BatchRecord(
        batch_id=int(r[0]),
        previous_sha256=None if r[1] is None else str(r[1]),
        closed_at=datetime.fromisoformat(str(r[2])),
        officer_fingerprint=str(r[3]),
        entries=entries,
    )
    return RecordedBatch(record, SignedDocument(bytes(r[5]), bytes(r[6])), str(r[4]))
