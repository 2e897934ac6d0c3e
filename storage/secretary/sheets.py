"""Rows of what the secretary collects: signed sheet versions (in the migration-1 ``sheets``
table plus their exact signed bytes), signed recusals, the sheet files seen, and the chair's
approvals of panel opinions. Loaders read in bulk (one query per table), so a 200 x 30
meeting loads in a few queries. The caller owns transactions and audit entries."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import sqlite_utils

from app.domain.ids import ApplicationId, CriterionKey, ExpertId, FactorKey, MeetingId, SheetId
from app.domain.sheet import (
    ConflictDeclaration,
    CriterionAnswer,
    CriterionVerdict,
    FactorScore,
    Recommendation,
    ScoreSheet,
    SheetStatus,
)
from app.domain.signed import SignedDocument
from app.secretary.model import OpinionApproval, SheetFileRecord, StoredRecusal, StoredSheet
from storage.workspace import sheets as sheet_rows
from storage.workspace.documents import time_from, time_text

_SHEET_COLUMNS = (
    "s.id, s.meeting_id, s.expert_id, s.application_id, s.round, s.version, s.status,"
    " s.opinion, s.recommendation, s.conditions, s.updated_at, s.submitted_at,"
    " g.document, g.signature, g.signer_fingerprint, g.imported_at"
)


def insert_signed_sheet(
    db: sqlite_utils.Database, stored: StoredSheet, source_file_sha256: str
) -> None:
    """Insert a submitted version: as a draft first (the migration-1 triggers refuse child
    rows of a frozen sheet), then frozen with the sheet's own ``submitted_at``."""
    sheet = stored.sheet
    draft = dataclasses.replace(sheet, status=SheetStatus.DRAFT, submitted_at=None)
    sheet_rows.insert_sheet(db, draft)
    sheet_rows.set_status(db, sheet.id, SheetStatus.SUBMITTED, sheet.submitted_at)
    db.execute(
        "INSERT INTO secretary_signed_sheets (sheet_id, document, signature, document_sha256,"
        " signer_fingerprint, source_file_sha256, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            sheet.id,
            stored.signed.document,
            stored.signed.signature,
            stored.signed.sha256,
            stored.signer_fingerprint,
            source_file_sha256,
            time_text(stored.imported_at),
        ),
    )


def supersede(db: sqlite_utils.Database, sheet: ScoreSheet) -> None:
    sheet_rows.set_status(db, sheet.id, SheetStatus.SUPERSEDED, sheet.submitted_at)


def load_signed_sheets(
    db: sqlite_utils.Database,
    *,
    round: int | None = None,
    expert_id: str | None = None,
    application_id: str | None = None,
    current_only: bool = False,
) -> tuple[StoredSheet, ...]:
    """Stored versions ordered by (expert, application, round, version); filters optional."""
    where = ["1 = 1"]
    params: list[object] = []
    for column, value in (
        ("s.round", round),
        ("s.expert_id", expert_id),
        ("s.application_id", application_id),
    ):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if current_only:
        where.append("s.status = 'submitted'")
    clause = " AND ".join(where)
    rows = db.execute(
        f"SELECT {_SHEET_COLUMNS} FROM sheets s JOIN secretary_signed_sheets g"
        f" ON g.sheet_id = s.id WHERE {clause}"
        " ORDER BY s.expert_id, s.application_id, s.round, s.version",
        params,
    ).fetchall()
    scores: dict[str, list[FactorScore]] = defaultdict(list)
    for r in db.execute(
        "SELECT c.sheet_id, c.factor, c.score, c.comment FROM sheet_scores c"
        f" JOIN sheets s ON s.id = c.sheet_id JOIN secretary_signed_sheets g"
        f" ON g.sheet_id = s.id WHERE {clause} ORDER BY c.sheet_id, c.position",
        params,
    ):
        scores[r[0]].append(
            FactorScore(FactorKey(r[1]), None if r[2] is None else Decimal(r[2]), r[3])
        )
    criteria: dict[str, list[CriterionAnswer]] = defaultdict(list)
    for r in db.execute(
        "SELECT c.sheet_id, c.criterion, c.verdict, c.note FROM sheet_criteria c"
        f" JOIN sheets s ON s.id = c.sheet_id JOIN secretary_signed_sheets g"
        f" ON g.sheet_id = s.id WHERE {clause} ORDER BY c.sheet_id, c.position",
        params,
    ):
        criteria[r[0]].append(
            CriterionAnswer(
                CriterionKey(r[1]), None if r[2] is None else CriterionVerdict(r[2]), r[3]
            )
        )
    return tuple(_stored(r, scores, criteria) for r in rows)


def _stored(
    r: tuple[Any, ...],
    scores: dict[str, list[FactorScore]],
    criteria: dict[str, list[CriterionAnswer]],
) -> StoredSheet:
    updated = time_from(r[10])
    imported = time_from(r[15])
    assert updated is not None and imported is not None
    sheet = ScoreSheet(
        id=SheetId(r[0]),
        meeting_id=MeetingId(r[1]),
        expert_id=ExpertId(r[2]),
        application_id=ApplicationId(r[3]),
        round=int(r[4]),
        version=int(r[5]),
        status=SheetStatus(r[6]),
        scores=tuple(scores.get(r[0], ())),
        criteria=tuple(criteria.get(r[0], ())),
        opinion=r[7],
        recommendation=None if r[8] is None else Recommendation(r[8]),
        conditions=r[9],
        updated_at=updated,
        submitted_at=time_from(r[11]),
    )
    return StoredSheet(sheet, SignedDocument(bytes(r[12]), bytes(r[13])), str(r[14]), imported)


def version_index(
    db: sqlite_utils.Database, up_to_round: int
) -> list[tuple[str, str, int, int, str, dt.datetime | None]]:
    """(expert, application, round, version, status, submitted_at) of every collected version
    of rounds 1..``up_to_round``, ordered by round and version: what the progress board and
    its version history need, without loading documents or scores."""
    return [
        (str(r[0]), str(r[1]), int(r[2]), int(r[3]), str(r[4]), time_from(r[5]))
        for r in db.execute(
            "SELECT s.expert_id, s.application_id, s.round, s.version, s.status, s.submitted_at"
            " FROM sheets s JOIN secretary_signed_sheets g ON g.sheet_id = s.id"
            " WHERE s.round <= ? ORDER BY s.round, s.version",
            (up_to_round,),
        )
    ]


def signed_state(stored: StoredSheet) -> dict[str, Any]:
    return {
        "sheet_id": stored.sheet.id,
        "document_sha256": stored.signed.sha256,
        "signer_fingerprint": stored.signer_fingerprint,
    }


# -- recusals ---------------------------------------------------------------------------------


def insert_recusal(db: sqlite_utils.Database, r: StoredRecusal, source_file_sha256: str) -> None:
    d = r.declaration
    db.execute(
        "INSERT INTO secretary_recusals (expert_id, application_id, round, reason, declared_at,"
        " document, signature, document_sha256, signer_fingerprint, source_file_sha256)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            d.expert_id,
            d.application_id,
            r.round,
            d.reason,
            time_text(d.declared_at),
            r.signed.document,
            r.signed.signature,
            r.signed.sha256,
            r.signer_fingerprint,
            source_file_sha256,
        ),
    )


def load_recusals(db: sqlite_utils.Database, meeting_id: str) -> tuple[StoredRecusal, ...]:
    rows = db.execute(
        "SELECT expert_id, application_id, round, reason, declared_at, document, signature,"
        " signer_fingerprint FROM secretary_recusals ORDER BY expert_id, application_id"
    ).fetchall()
    out = []
    for r in rows:
        declared = time_from(r[4])
        assert declared is not None
        declaration = ConflictDeclaration(
            MeetingId(meeting_id), ExpertId(r[0]), ApplicationId(r[1]), True, r[3], declared
        )
        out.append(
            StoredRecusal(declaration, int(r[2]), SignedDocument(bytes(r[5]), bytes(r[6])), r[7])
        )
    return tuple(out)


def recusal_state(r: StoredRecusal) -> dict[str, Any]:
    return {
        "expert_id": r.declaration.expert_id,
        "application_id": r.declaration.application_id,
        "round": r.round,
        "document_sha256": r.signed.sha256,
    }


# -- sheet files ------------------------------------------------------------------------------


def sheet_file_seen(db: sqlite_utils.Database, file_sha256: str) -> bool:
    row = db.execute(
        "SELECT 1 FROM secretary_sheet_files WHERE file_sha256 = ?", (file_sha256,)
    ).fetchone()
    return row is not None


def load_sheet_files(db: sqlite_utils.Database) -> tuple[SheetFileRecord, ...]:
    rows = db.execute(
        "SELECT file_sha256, expert_id, round, created_at, imported_at"
        " FROM secretary_sheet_files ORDER BY imported_at DESC, expert_id, round"
    ).fetchall()
    return tuple(
        SheetFileRecord(
            str(sha), ExpertId(str(expert)), int(number), _time(created), _time(imported)
        )
        for sha, expert, number, created, imported in rows
    )


def _time(text: str) -> dt.datetime:
    moment = time_from(text)
    assert moment is not None  # NOT NULL columns
    return moment


def insert_sheet_file(
    db: sqlite_utils.Database,
    file_sha256: str,
    expert_id: str,
    round: int,
    created_at: str,
    imported_at: str,
) -> None:
    db.execute(
        "INSERT INTO secretary_sheet_files (file_sha256, expert_id, round, created_at,"
        " imported_at) VALUES (?, ?, ?, ?, ?)",
        (file_sha256, expert_id, round, created_at, imported_at),
    )


def note_ids(db: sqlite_utils.Database) -> set[str]:
    return {str(r[0]) for r in db.execute("SELECT id FROM notes")}


def note_counts(db: sqlite_utils.Database) -> dict[tuple[str, str], int]:
    return {
        (str(r[0]), str(r[1])): int(r[2])
        for r in db.execute("SELECT expert_id, application_id, count(*) FROM notes GROUP BY 1, 2")
    }


# -- panel-opinion approvals ------------------------------------------------------------------


def replace_approval(
    db: sqlite_utils.Database, application_id: str, round: int, a: OpinionApproval | None
) -> None:
    db.execute(
        "DELETE FROM secretary_opinion_approvals WHERE application_id = ? AND round = ?",
        (application_id, round),
    )
    if a is not None:
        db.execute(
            "INSERT INTO secretary_opinion_approvals (application_id, round, chair_id,"
            " chair_fingerprint, approved_at, document, signature) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                application_id,
                round,
                a.chair_id,
                a.chair_fingerprint,
                time_text(a.approved_at),
                a.signed.document,
                a.signed.signature,
            ),
        )


def load_approvals(db: sqlite_utils.Database) -> dict[tuple[str, int], OpinionApproval]:
    out: dict[tuple[str, int], OpinionApproval] = {}
    for r in db.execute(
        "SELECT application_id, round, chair_id, chair_fingerprint, approved_at, document,"
        " signature FROM secretary_opinion_approvals"
    ):
        approved = time_from(r[4])
        assert approved is not None
        out[(str(r[0]), int(r[1]))] = OpinionApproval(
            SignedDocument(bytes(r[5]), bytes(r[6])), ExpertId(r[2]), str(r[3]), approved
        )
    return out


def opinion_keys(db: sqlite_utils.Database) -> list[tuple[str, int]]:
    return [
        (str(r[0]), int(r[1]))
        for r in db.execute(
            "SELECT application_id, round FROM panel_opinions ORDER BY round, application_id"
        )
    ]
