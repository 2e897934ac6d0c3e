"""Rows of the draft reports collected from sheet files (migration 6,
:mod:`storage.migrations.m006_draft_reports`): per (expert, application, round) the draft state the
expert's latest file of the round reported, and per (expert, round) which file that was.
The caller owns transactions and audit entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from app.domain.ids import ApplicationId, ExpertId
from app.secretary.model import StoredDraftReport
from storage.workspace.documents import time_from, time_text


def load_draft_reports(
    db: sqlite_utils.Database, *, round: int | None = None, expert_id: str | None = None
) -> tuple[StoredDraftReport, ...]:
    """Stored draft reports ordered by (expert, application, round); filters optional."""
    where = ["1 = 1"]
    params: list[object] = []
    for column, value in (("round", round), ("expert_id", expert_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    rows = db.execute(
        "SELECT expert_id, application_id, round, updated_at, file_created_at"
        f" FROM secretary_draft_reports WHERE {' AND '.join(where)}"
        " ORDER BY expert_id, application_id, round",
        params,
    ).fetchall()
    return tuple(_report(r) for r in rows)


def _report(r: tuple[Any, ...]) -> StoredDraftReport:
    updated, created = time_from(r[3]), time_from(r[4])
    assert updated is not None and created is not None
    return StoredDraftReport(ExpertId(r[0]), ApplicationId(r[1]), int(r[2]), updated, created)


def latest_draft_file(db: sqlite_utils.Database, expert_id: str, round: int) -> dt.datetime | None:
    """When the latest file whose draft reports were kept for (expert, round) was written."""
    row = db.execute(
        "SELECT file_created_at FROM secretary_draft_sources WHERE expert_id = ? AND round = ?",
        (expert_id, round),
    ).fetchone()
    return None if row is None else time_from(row[0])


def replace_draft_reports(
    db: sqlite_utils.Database,
    expert_id: str,
    round: int,
    reports: Sequence[StoredDraftReport],
    source_file_sha256: str,
    source_created_at: dt.datetime | None,
) -> None:
    """The expert's draft reports of ``round`` become ``reports``; ``source_created_at``
    (when given) records the file they now come from as the latest one read."""
    db.execute(
        "DELETE FROM secretary_draft_reports WHERE expert_id = ? AND round = ?",
        (expert_id, round),
    )
    for r in reports:
        db.execute(
            "INSERT INTO secretary_draft_reports (expert_id, application_id, round, updated_at,"
            " file_created_at) VALUES (?, ?, ?, ?, ?)",
            (
                expert_id,
                r.application_id,
                round,
                time_text(r.updated_at),
                time_text(r.file_created_at),
            ),
        )
    if source_created_at is not None:
        db.execute(
            "INSERT INTO secretary_draft_sources (expert_id, round, file_created_at,"
            " source_file_sha256) VALUES (?, ?, ?, ?) ON CONFLICT (expert_id, round) DO UPDATE"
            " SET file_created_at = excluded.file_created_at,"
            " source_file_sha256 = excluded.source_file_sha256",
            (expert_id, round, time_text(source_created_at), source_file_sha256),
        )


def draft_reports_state(
    reports: Sequence[StoredDraftReport], latest_file: dt.datetime | None
) -> dict[str, Any]:
    """The audited state of one (expert, round): its reports and the latest file read."""
    return {
        "reports": [
            {
                "application_id": r.application_id,
                "updated_at": time_text(r.updated_at),
                "file_created_at": time_text(r.file_created_at),
            }
            for r in sorted(reports, key=lambda r: r.application_id)
        ],
        "latest_file": time_text(latest_file),
    }
