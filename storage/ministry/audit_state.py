"""The state documents of the ministry database's audit entries, rebuilt from the stored rows.

An import's entry (subject ``meeting:<id>``) records the bundle that became current and,
from schema version 2 on, ``content_sha256``: the SHA-256 of every stored row of the
meeting (meeting, roster, applications, tags, figures, opinions, absences, signed documents,
the signed report), so ``review-desk audit verify`` notices a figure edited behind the
program's back. Entries written at version 1 carry the bundle fields only
(:func:`meeting_state_v1`); a meeting whose latest entry is one of those is compared on them.

A platform's entry (subject ``platform:<id>``) records the whole row, its removal mark
included.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

import sqlite_utils

from storage.audit import chain as audit
from storage.audit import subjects as subj

PLATFORM: Final = "platform"
_CONTENT: Final = (
    ("meetings", "id", "id"),
    ("experts", "meeting_id", "id"),
    ("applications", "meeting_id", "id"),
    ("application_tags", "meeting_id", "application_id, position"),
    ("figures", "meeting_id", "application_id, position"),
    ("opinions", "meeting_id", "application_id, round"),
    ("absences", "meeting_id", "expert_id, application_id"),
    ("signed_documents", "meeting_id", "name"),
)


def meeting_subject(meeting_id: str) -> str:
    return subj.subject(subj.MEETING, meeting_id)


def platform_subject(platform_id: int) -> str:
    return subj.subject(PLATFORM, platform_id)


def meeting_state_v1(db: sqlite_utils.Database, meeting_id: str) -> dict[str, Any] | None:
    """The bundle fields of the meeting's current import (what version 1 recorded)."""
    row = db.execute(
        "SELECT b.bundle_version, b.bundle_sha256, b.results_sha256 FROM meetings m"
        " JOIN bundles b ON b.meeting_id = m.id AND b.bundle_version = m.bundle_version"
        " WHERE m.id = ?",
        [meeting_id],
    ).fetchone()
    if row is None:
        return None
    replaced = db.execute(
        "SELECT max(bundle_version) FROM bundles WHERE meeting_id = ? AND bundle_version < ?",
        [meeting_id, int(row[0])],
    ).fetchone()[0]
    return {
        "bundle_version": int(row[0]),
        "bundle_sha256": str(row[1]),
        "results_sha256": str(row[2]),
        "replaced_version": None if replaced is None else int(replaced),
    }


def meeting_state(db: sqlite_utils.Database, meeting_id: str) -> dict[str, Any] | None:
    """The state of an import's entry: the bundle fields and the digest of every stored row."""
    state = meeting_state_v1(db, meeting_id)
    if state is None:
        return None
    return {**state, "content_sha256": _content_digest(db, meeting_id, state["bundle_version"])}


def _content_digest(db: sqlite_utils.Database, meeting_id: str, version: int) -> str:
    content: dict[str, Any] = {}
    for table, key, order in _CONTENT:
        rows = db.execute(
            f"SELECT * FROM {table} WHERE {key} = ? ORDER BY {order}", [meeting_id]
        ).fetchall()
        content[table] = [[_plain(v) for v in r] for r in rows]
    report = db.execute(
        "SELECT report_sha256, report_pdf FROM reports WHERE meeting_id = ? AND bundle_version = ?",
        [meeting_id, version],
    ).fetchone()
    content["report"] = (
        None if report is None else [str(report[0]), hashlib.sha256(report[1]).hexdigest()]
    )
    return hashlib.sha256(audit.canonical_json(content)).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, float):
        return repr(value)
    return value


def platform_state(db: sqlite_utils.Database, platform_id: int) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM approved_platforms WHERE id = ?", [platform_id]).fetchone()
    if row is None:
        return None
    names = [d[1] for d in db.execute("PRAGMA table_info(approved_platforms)").fetchall()]
    return dict(zip(names, row, strict=True))


def matches(db: sqlite_utils.Database, subject: str, logged_digest: str) -> bool | None:
    """Whether the stored data of ``subject`` matches the digest of its latest entry;
    ``None`` for a subject kind this database does not hold."""
    kind, keys = subj.parse(subject)
    if kind == subj.MEETING and keys:
        if "reports" in db.table_names() and (
            audit.digest_of(meeting_state(db, keys[0])) == logged_digest
        ):
            return True
        return audit.digest_of(meeting_state_v1(db, keys[0])) == logged_digest
    if kind == PLATFORM and keys and keys[0].isdigit():
        if "approved_platforms" not in db.table_names():
            return False
        return audit.digest_of(platform_state(db, int(keys[0]))) == logged_digest
    return None
