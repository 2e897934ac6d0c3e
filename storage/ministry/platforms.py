"""The ministry's approved-platform list (``approved_platforms``, ministry schema 2): rows in,
:class:`app.ministry.model.ApprovedPlatformEntry` out, one audit entry per change."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from app.errors import ValidationError
from app.i18n import LocalizedText, Msg
from app.ministry.model import ApprovedPlatformEntry, PlatformDraft, PlatformSource
from storage.audit import chain as audit
from storage.ministry import audit_state

_COLUMNS = (
    "id, platform_name_en, platform_name_zh, entrusted_unit_en, entrusted_unit_zh,"
    " sub_domain_en, sub_domain_zh, sub_domain_tags, approved_year, reference, source,"
    " added_at, added_by, added_reason, removed_at, removed_by, removed_reason"
)


def add(
    db: sqlite_utils.Database, draft: PlatformDraft, reason: str, at: datetime, actor: str
) -> ApprovedPlatformEntry:
    cursor = db.execute(
        "INSERT INTO approved_platforms (platform_name_en, platform_name_zh, entrusted_unit_en,"
        " entrusted_unit_zh, sub_domain_en, sub_domain_zh, sub_domain_tags, approved_year,"
        " reference, source, added_at, added_by, added_reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            draft.platform_name.en,
            draft.platform_name.zh_CN,
            draft.entrusted_unit.en,
            draft.entrusted_unit.zh_CN,
            draft.sub_domain.en,
            draft.sub_domain.zh_CN,
            json.dumps(list(draft.sub_domain_tags), ensure_ascii=False),
            draft.approved_year,
            draft.reference,
            draft.source.value,
            at.isoformat(),
            actor,
            reason,
        ],
    )
    platform_id = int(cursor.lastrowid or 0)
    _record(db, "platform.add", platform_id, at, actor)
    return _entry(db, platform_id)


def check_removable(db: sqlite_utils.Database, platform_id: int) -> None:
    row = db.execute(
        "SELECT removed_at FROM approved_platforms WHERE id = ?", [platform_id]
    ).fetchone()
    if row is None:
        raise unknown_platform(platform_id)
    if row[0] is not None:
        raise ValidationError(
            Msg.of("Approved platform {id} was already removed.", id=platform_id),
            Msg.of("Nothing was changed."),
        )


def unknown_platform(platform_id: int) -> ValidationError:
    return ValidationError(
        Msg.of("There is no approved platform {id} in this database.", id=platform_id),
        Msg.of("List the approved platforms to see their numbers; nothing was changed."),
    )


def remove(
    db: sqlite_utils.Database, platform_id: int, reason: str, at: datetime, actor: str
) -> ApprovedPlatformEntry:
    db.execute(
        "UPDATE approved_platforms SET removed_at = ?, removed_by = ?, removed_reason = ?"
        " WHERE id = ?",
        [at.isoformat(), actor, reason, platform_id],
    )
    _record(db, "platform.remove", platform_id, at, actor)
    return _entry(db, platform_id)


def entries(
    db: sqlite_utils.Database, *, include_removed: bool
) -> tuple[ApprovedPlatformEntry, ...]:
    where = "" if include_removed else " WHERE removed_at IS NULL"
    rows = db.execute(f"SELECT {_COLUMNS} FROM approved_platforms{where} ORDER BY id").fetchall()
    return tuple(_from_row(r) for r in rows)


def _record(
    db: sqlite_utils.Database, action: str, platform_id: int, at: datetime, actor: str
) -> None:
    audit.append(
        db,
        at=at,
        actor=actor,
        action=action,
        subject=audit_state.platform_subject(platform_id),
        state=audit_state.platform_state(db, platform_id),
    )


def _entry(db: sqlite_utils.Database, platform_id: int) -> ApprovedPlatformEntry:
    row = db.execute(
        f"SELECT {_COLUMNS} FROM approved_platforms WHERE id = ?", [platform_id]
    ).fetchone()
    return _from_row(row)


def _from_row(r: Sequence[Any]) -> ApprovedPlatformEntry:
    return ApprovedPlatformEntry(
        id=int(r[0]),
        platform=PlatformDraft(
            platform_name=LocalizedText(str(r[1]), str(r[2])),
            entrusted_unit=LocalizedText(str(r[3]), str(r[4])),
            sub_domain=LocalizedText(str(r[5]), str(r[6])),
            sub_domain_tags=tuple(str(t) for t in json.loads(str(r[7]))),
            approved_year=int(r[8]),
            reference=str(r[9]),
            source=PlatformSource(str(r[10])),
        ),
        added_at=str(r[11]),
        added_by=str(r[12]),
        added_reason=str(r[13]),
        removed_at=None if r[14] is None else str(r[14]),
        removed_by=None if r[15] is None else str(r[15]),
        removed_reason=None if r[16] is None else str(r[16]),
    )
