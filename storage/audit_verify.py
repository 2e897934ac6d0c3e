"""``review-desk audit verify``, part by part: the hash chain, then the stored data of each
kind of workspace the file holds, each compared with the latest audit entry of its subjects.

One file, one chain. An expert's workspace holds the meeting tables of migrations 1-2 (the
meeting, rubric, kit, sheets, notes, conflicts, opinions; sealed drafts); a meeting
secretary's workspace holds the same tables (the issued meeting and the collected sheets)
*and* the secretary's own (setup, roster, packages, agenda, rounds, collected signed
documents, approvals). So a secretary's file is checked in three parts and an expert's in two,
the ministry database (its own application id) in two: its chain, then its imported meetings
and approved platforms (:mod:`storage.ministry.audit_state`),
and every part is checked even when an earlier one failed, so the report names everything
that was changed, not only the first thing.

The file is opened read-only (:func:`storage.database.open_read_only`) and never changed.
Subjects whose kind no checker here knows are counted, not silently passed.
"""

from __future__ import annotations

import enum
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from app.errors import UserFacingError
from storage import database
from storage.audit import chain as audit
from storage.audit import subjects as subj
from storage.audit.chain import AuditEntry, AuditProblem, AuditReport, Checkpoint
from storage.ministry import audit_state as ministry_audit
from storage.ministry import database as ministry_database
from storage.secretary import audit_state as secretary_state
from storage.workspace import audit_state

SECRETARY_PREFIX = "secretary-"
"""Every subject of the secretary's own tables is named ``secretary-...``."""
UNREADABLE = "unreadable"
"""The digest of stored data that no longer even loads: it matches no entry."""


class WorkspaceKind(enum.Enum):
    EXPERT = "expert"
    SECRETARY = "secretary"
    MINISTRY = "ministry"
    """The ministry's database of imported bundles (not a workspace, one chain as well)."""


class Part(enum.Enum):
    CHAIN = "chain"
    """The log itself: every entry intact, in order, none missing (and the checkpoint)."""
    MEETING = "meeting"
    """The meeting tables: meeting, rubric, kit, sheets, notes, conflicts, opinions."""
    SECRETARY = "secretary"
    """The secretary's tables: setup, roster, packages, agenda, rounds, collected documents."""
    MINISTRY = "ministry"
    """The ministry database's imported meetings and approved-platform list."""


@dataclass(frozen=True)
class PartReport:
    """One part's outcome. ``report`` is the chain's own for :attr:`Part.CHAIN`; for a data
    part, the first subject (by its latest entry) whose stored data no longer matches.
    ``subjects`` counts the subjects compared, ``unchecked`` the kinds nobody here knows."""

    part: Part
    report: AuditReport
    subjects: int = 0
    unchecked: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.report.ok


@dataclass(frozen=True)
class WorkspaceAudit:
    kind: WorkspaceKind
    count: int
    head_hash: str
    parts: tuple[PartReport, ...]

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.parts)


def verify_workspace_file(path: Path, checkpoint: Checkpoint | None = None) -> WorkspaceAudit:
    """Check ``path`` (an expert's or a secretary's workspace, or the ministry database)
    part by part, read-only."""
    if ministry_database.is_ministry_database(path):
        db = ministry_database.open_read_only(path)
        try:
            return verify_ministry(db, checkpoint)
        except sqlite3.Error as exc:
            raise database.storage_error(exc, path) from exc
        finally:
            db.close()
    db = database.open_read_only(path)
    try:
        return verify_workspace(db, checkpoint)
    except sqlite3.Error as exc:
        raise database.storage_error(exc, path) from exc
    finally:
        db.close()


def verify_workspace(
    db: sqlite_utils.Database, checkpoint: Checkpoint | None = None
) -> WorkspaceAudit:
    kind = workspace_kind(db)
    chain = audit.verify_chain(db, checkpoint=checkpoint)
    log = audit.entries(db)
    digest = _secretary_digest(db) if kind is WorkspaceKind.SECRETARY else _expert_digest(db)
    parts = [PartReport(Part.CHAIN, chain)]
    wanted = (Part.MEETING, Part.SECRETARY) if kind is WorkspaceKind.SECRETARY else (Part.MEETING,)
    for part in wanted:
        parts.append(_compare(log, chain, part, digest))
    return WorkspaceAudit(kind, chain.count, chain.head_hash, tuple(parts))


def verify_ministry(
    db: sqlite_utils.Database, checkpoint: Checkpoint | None = None
) -> WorkspaceAudit:
    """The ministry database: its chain, then each imported meeting and approved-platform
    entry against the latest audit entry of its subject."""
    chain = audit.verify_chain(db, checkpoint=checkpoint)
    log = audit.entries(db)
    latest = {entry.subject: entry.digest for entry in log}

    def digest(subject: str) -> str | None:
        try:
            found = ministry_audit.matches(db, subject, latest[subject])
        except (ValueError, KeyError, TypeError, sqlite3.Error):
            return UNREADABLE
        if found is None:
            return None
        return latest[subject] if found else UNREADABLE

    part = _compare(log, chain, Part.MINISTRY, digest, every=True)
    return WorkspaceAudit(
        WorkspaceKind.MINISTRY, chain.count, chain.head_hash, (PartReport(Part.CHAIN, chain), part)
    )


def workspace_kind(db: sqlite_utils.Database) -> WorkspaceKind:
    """A secretary's workspace has its setup row; an expert's has the (empty) tables at most."""
    if "secretary_setup" not in db.table_names():
        return WorkspaceKind.EXPERT
    row = db.execute("SELECT count(*) FROM secretary_setup").fetchone()
    return WorkspaceKind.SECRETARY if row is not None and int(row[0]) > 0 else WorkspaceKind.EXPERT


def part_of(subject: str) -> Part:
    return Part.SECRETARY if subject.startswith(SECRETARY_PREFIX) else Part.MEETING


def _compare(
    log: list[AuditEntry],
    chain: AuditReport,
    part: Part,
    digest: Callable[[str], str | None],
    *,
    every: bool = False,
) -> PartReport:
    """``every``: the part holds every subject of the log (the ministry's one part)."""
    latest: dict[str, AuditEntry] = {}
    for entry in log:
        if every or part_of(entry.subject) is part:
            latest[entry.subject] = entry
    unchecked: set[str] = set()
    compared = 0
    for subject, entry in sorted(latest.items(), key=lambda item: item[1].seq):
        now = digest(subject)
        if now is None:
            unchecked.add(subj.parse(subject)[0])
            continue
        compared += 1
        if now != entry.digest:
            report = AuditReport(
                False,
                chain.count,
                chain.head_hash,
                entry.seq,
                AuditProblem.STATE_CHANGED,
                subject,
            )
            return PartReport(part, report, compared, tuple(sorted(unchecked)))
    ok = AuditReport(True, chain.count, chain.head_hash)
    return PartReport(part, ok, compared, tuple(sorted(unchecked)))


def _expert_digest(db: sqlite_utils.Database) -> Callable[[str], str | None]:
    return lambda subject: audit_state.current_digest(db, subject)


def _secretary_digest(db: sqlite_utils.Database) -> Callable[[str], str | None]:
    """The secretary workspace's own digests (those ``SecretaryWorkspace.verify_audit``
    compares; that check stops at the first problem of any part, and this report wants each
    part's), completed with the kinds it does not compare (recusals, sheet-file records,
    approvals) so that no secretary table goes unchecked."""

    def digest(subject: str) -> str | None:
        try:
            found = secretary_state.secretary_digest(db, subject)
            if found is None:
                found = secretary_state.collected_digest(db, subject)
        except (ValueError, KeyError, TypeError, AssertionError, UserFacingError):
            return UNREADABLE
        return found

    return digest


__all__ = [
    "Part",
    "PartReport",
    "WorkspaceAudit",
    "WorkspaceKind",
    "part_of",
    "verify_ministry",
    "verify_workspace",
    "verify_workspace_file",
    "workspace_kind",
]
