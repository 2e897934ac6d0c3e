"""The audit state of a meeting secretary's workspace: its own subjects (setup, roster,
agenda, packages, rounds, signed sheets, draft reports) on top of the meeting's
(:mod:`storage.workspace.audit_state`), and :func:`collected_digest` for what only the
part-by-part report of :mod:`storage.audit_verify` compares. Reads only.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from storage.audit import chain as audit
from storage.audit import subjects as subj
from storage.audit.chain import AuditReport, Checkpoint
from storage.secretary import drafts, rows, sealed
from storage.secretary import sheets as collected
from storage.workspace.audit_state import (
    FORMLESS_SCHEMA,
    UNKNOWN,
    current_digest,
    schema_version,
)


def verify_secretary_database(
    db: sqlite_utils.Database, checkpoint: Checkpoint | None = None
) -> AuditReport:
    """:func:`verify_database` of a secretary's workspace (:func:`secretary_digest`)."""
    return audit.verify_chain(
        db, current_digest=lambda s: secretary_digest(db, s), checkpoint=checkpoint
    )


def secretary_digest(db: sqlite_utils.Database, subject: str) -> str | None:
    """:func:`current_digest` of a meeting secretary's workspace: its own subjects (setup,
    roster, agenda, packages, rounds, signed sheets, draft reports) and the meeting's."""
    kind, keys = subj.parse(subject)
    state = _secretary_state(db, subject, kind, keys)
    if state is UNKNOWN:
        return current_digest(db, subject)
    return audit.digest_of(state)


def _secretary_state(
    db: sqlite_utils.Database, subject: str, kind: str, keys: tuple[str, ...]
) -> Any:
    if subject == subj.SETUP:
        found = rows.load_setup(db)
        return None if found is None else rows.setup_state(found)
    if subject == subj.ROSTER:
        return rows.roster_state(rows.load_roster(db))
    if subject == subj.AGENDA:
        return rows.agenda_state(rows.load_agenda(db))
    if kind == subj.PACKAGE and len(keys) == 1:
        match = [p for p in rows.load_packages(db) if p.file_sha256 == keys[0]]
        if not match:
            return None
        state = rows.package_state(match[0])
        if schema_version(db) < FORMLESS_SCHEMA:
            # Read without migrating: the application document as that version wrote it.
            state[rows.PACKAGE_APPLICATION] = rows.legacy_application(db, keys[0])
        return state
    if kind == subj.ROUND and len(keys) == 1:
        found_round = [r for r in rows.load_rounds(db) if str(r.number) == keys[0]]
        return rows.round_state(found_round[0]) if found_round else None
    if kind == subj.SIGNED_SHEET and len(keys) == 1:
        return collected.stored_signed_state(db, keys[0])
    if subject == subj.WORKSPACE_KEY:
        record = sealed.load_workspace_key(db)
        return None if record is None else sealed.workspace_key_state(record)
    if kind == subj.DRAFT_REPORTS and len(keys) == 2 and keys[1].isdigit():
        expert_id, round_ = keys[0], int(keys[1])
        return drafts.draft_reports_state(
            drafts.load_draft_reports(db, round=round_, expert_id=expert_id),
            drafts.latest_draft_file(db, expert_id, round_),
        )
    return UNKNOWN


def collected_digest(db: sqlite_utils.Database, subject: str) -> str | None:
    """The digests of what a secretary collected that :func:`secretary_digest` does not
    compare: recusals, sheet-file records, approvals (``None`` for another kind)."""
    kind, keys = subj.parse(subject)
    if kind == subj.RECUSAL and len(keys) == 2:
        return audit.digest_of(collected.stored_recusal_state(db, keys[0], keys[1]))
    if kind == subj.SHEET_FILE and len(keys) == 1:
        row = db.execute(
            "SELECT expert_id, round FROM secretary_sheet_files WHERE file_sha256 = ?", (keys[0],)
        ).fetchone()
        state = None if row is None else {"expert_id": str(row[0]), "round": int(row[1])}
        return audit.digest_of(state)
    if kind == subj.APPROVAL and len(keys) == 2 and keys[1].isdigit():
        return audit.digest_of(collected.stored_approval_state(db, keys[0], int(keys[1])))
    return None
