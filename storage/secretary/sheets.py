"""Rows of what the secretary collects: signed sheet versions (in the migration-1 ``sheets``
table plus their exact signed bytes), signed recusals, the sheet files seen, and the chair's
approvals of panel opinions. Loaders read in bulk (one query per table), so a 200 x 30
meeting loads in a few queries. The caller owns transactions and audit entries.

From schema version 9 what the experts wrote is sealed under the workspace key
(secretary-workspace-v1): writers take sealed values, loaders take the opener of the
session's :class:`storage.secretary.sealed.Sealing`; rows still in plaintext (written before
version 9, until the secretary's first unlock seals them) are read as they are. The audited
states read only clear columns and sealed bytes, so ``audit verify`` needs no key."""

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
from storage.secretary import sealed as sealing
from storage.secretary.sealed import Sealing, blob, with_sealed
from storage.workspace import sealed_content, sealed_rows
from storage.workspace import sheets as sheet_rows
from storage.workspace.documents import time_from, time_text
from storage.workspace.sealed_rows import SheetRow

_SHEET_COLUMNS = (
    "s.id, s.meeting_id, s.expert_id, s.application_id, s.round, s.version, s.status,"
    " s.opinion, s.recommendation, s.conditions, s.updated_at, s.submitted_at,"
    " g.document, g.signature, g.signer_fingerprint, g.imported_at, CAST(s.sealed AS BLOB),"
    " g.document_sha256, CAST(g.sealed AS BLOB)"
)


def _has_sealed(db: sqlite_utils.Database, table: str) -> bool:
    """Whether ``table`` has its ``sealed`` column (not in a file older than version 9 that
    ``audit verify`` reads without migrating)."""
    return any(c.name == "sealed" for c in db[table].columns)


def insert_signed_sheet(
    db: sqlite_utils.Database, stored: StoredSheet, source_file_sha256: str, sealer: Sealing
) -> None:
    """Insert a submitted version, sealed: as a draft first, then frozen with the sheet's own
    ``submitted_at``; its signed bytes sealed beside it."""
    sheet = stored.sheet
    row = SheetRow(
        sheet.id,
        sheet.meeting_id,
        sheet.expert_id,
        sheet.application_id,
        sheet.round,
        sheet.version,
        SheetStatus.DRAFT,
        _text_of(sheet.updated_at),
        None,
        None,
    )
    sealed_sheet = sealer.seal(
        sealing.SHEET, sealing.sheet_bound(row), sealed_content.sheet_content(sheet)
    )
    sealed_rows.insert_sheet(db, dataclasses.replace(row, sealed=sealed_sheet))
    sheet_rows.set_status(db, sheet.id, SheetStatus.SUBMITTED, sheet.submitted_at)
    bound = sealing.signed_bound(
        sheet.id, sheet.expert_id, stored.signed.sha256, stored.signer_fingerprint
    )
    sealed_signed = sealer.seal(
        sealing.SIGNED_SHEET, bound, sealed_content.signed_content(stored.signed)
    )
    db.execute(
        "INSERT INTO secretary_signed_sheets (sheet_id, document, signature, document_sha256,"
        " signer_fingerprint, source_file_sha256, imported_at, sealed)"
        " VALUES (?, x'', x'', ?, ?, ?, ?, ?)",
        (
            sheet.id,
            stored.signed.sha256,
            stored.signer_fingerprint,
            source_file_sha256,
            time_text(stored.imported_at),
            sealed_signed,
        ),
    )


def _text_of(moment: dt.datetime) -> str:
    text = time_text(moment)
    assert text is not None
    return text


def supersede(db: sqlite_utils.Database, sheet: ScoreSheet) -> None:
    sheet_rows.set_status(db, sheet.id, SheetStatus.SUPERSEDED, sheet.submitted_at)


def load_signed_sheets(
    db: sqlite_utils.Database,
    sealer: Sealing,
    *,
    round: int | None = None,
    expert_id: str | None = None,
    application_id: str | None = None,
    current_only: bool = False,
    plaintext_only: bool = False,
) -> tuple[StoredSheet, ...]:
    """Stored versions ordered by (expert, application, round, version); filters optional
    (``plaintext_only``: the versions whose signed bytes are not sealed yet)."""
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
    if plaintext_only:
        where.append("g.sealed IS NULL")
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
    return tuple(_stored(r, scores, criteria, sealer) for r in rows)


def _stored(
    r: tuple[Any, ...],
    scores: dict[str, list[FactorScore]],
    criteria: dict[str, list[CriterionAnswer]],
    sealer: Sealing,
) -> StoredSheet:
    updated = time_from(r[10])
    imported = time_from(r[15])
    assert updated is not None and imported is not None
    sealed_sheet, sealed_signed = blob(r[16]), blob(r[18])
    if sealed_signed is None:
        signed = SignedDocument(bytes(r[12]), bytes(r[13]))
    else:
        bound = sealing.signed_bound(str(r[0]), str(r[2]), str(r[17]), str(r[14]))
        signed = sealer.open(sealing.SIGNED_SHEET, bound, sealed_signed, sealed_content.signed_from)
    if sealed_sheet is not None:
        row = SheetRow(
            SheetId(r[0]),
            MeetingId(r[1]),
            ExpertId(r[2]),
            ApplicationId(r[3]),
            int(r[4]),
            int(r[5]),
            SheetStatus(r[6]),
            str(r[10]),
            None if r[11] is None else str(r[11]),
            sealed_sheet,
        )
        sheet = sealer.open(
            sealing.SHEET,
            sealing.sheet_bound(row),
            sealed_sheet,
            lambda data: sealed_content.sheet_from(row, data),
        )
        return StoredSheet(sheet, signed, str(r[14]), imported)
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
    return StoredSheet(sheet, signed, str(r[14]), imported)


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


def signed_state(stored: StoredSheet, sealed: bytes | None = None) -> dict[str, Any]:
    return with_sealed(
        {
            "sheet_id": stored.sheet.id,
            "document_sha256": stored.signed.sha256,
            "signer_fingerprint": stored.signer_fingerprint,
        },
        sealed,
    )


def stored_signed_state(db: sqlite_utils.Database, sheet_id: str) -> dict[str, Any] | None:
    """The audited state of a collected signed sheet as stored, read without any key."""
    sealed = ", CAST(sealed AS BLOB)" if _has_sealed(db, "secretary_signed_sheets") else ""
    row = db.execute(
        f"SELECT document_sha256, signer_fingerprint{sealed} FROM secretary_signed_sheets"
        " WHERE sheet_id = ?",
        (sheet_id,),
    ).fetchone()
    if row is None:
        return None
    state = {"sheet_id": sheet_id, "document_sha256": str(row[0]), "signer_fingerprint": row[1]}
    return with_sealed(state, blob(row[2]) if sealed else None)


def signed_sealed(db: sqlite_utils.Database, sheet_id: str) -> bytes | None:
    row = db.execute(
        "SELECT CAST(sealed AS BLOB) FROM secretary_signed_sheets WHERE sheet_id = ?", (sheet_id,)
    ).fetchone()
    return None if row is None else blob(row[0])


# -- recusals ---------------------------------------------------------------------------------


def insert_recusal(
    db: sqlite_utils.Database, r: StoredRecusal, source_file_sha256: str, sealer: Sealing
) -> bytes:
    """Insert the recusal sealed; returns the sealed value (for its audited state)."""
    d = r.declaration
    declared = _text_of(d.declared_at)
    bound = sealing.recusal_bound(
        d.expert_id, d.application_id, r.round, declared, r.signed.sha256, r.signer_fingerprint
    )
    value = sealer.seal(sealing.RECUSAL, bound, sealing.recusal_content(d.reason, r.signed))
    db.execute(
        "INSERT INTO secretary_recusals (expert_id, application_id, round, reason, declared_at,"
        " document, signature, document_sha256, signer_fingerprint, source_file_sha256, sealed)"
        " VALUES (?, ?, ?, '', ?, x'', x'', ?, ?, ?, ?)",
        (
            d.expert_id,
            d.application_id,
            r.round,
            declared,
            r.signed.sha256,
            r.signer_fingerprint,
            source_file_sha256,
            value,
        ),
    )
    return value


_RECUSAL_COLUMNS = (
    "expert_id, application_id, round, reason, declared_at, document, signature,"
    " signer_fingerprint, document_sha256"
)


def load_recusals(
    db: sqlite_utils.Database, meeting_id: str, sealer: Sealing, *, plaintext_only: bool = False
) -> tuple[StoredRecusal, ...]:
    where = " WHERE sealed IS NULL" if plaintext_only else ""
    rows = db.execute(
        f"SELECT {_RECUSAL_COLUMNS}, CAST(sealed AS BLOB) FROM secretary_recusals{where}"
        " ORDER BY expert_id, application_id"
    ).fetchall()
    out = []
    for r in rows:
        declared = time_from(r[4])
        assert declared is not None
        value = blob(r[9])
        if value is None:
            reason, signed = str(r[3]), SignedDocument(bytes(r[5]), bytes(r[6]))
        else:
            bound = sealing.recusal_bound(
                str(r[0]), str(r[1]), int(r[2]), str(r[4]), str(r[8]), str(r[7])
            )
            reason, signed = sealer.open(sealing.RECUSAL, bound, value, sealing.recusal_from)
        declaration = ConflictDeclaration(
            MeetingId(meeting_id), ExpertId(r[0]), ApplicationId(r[1]), True, reason, declared
        )
        out.append(StoredRecusal(declaration, int(r[2]), signed, r[7]))
    return tuple(out)


def recusal_state(r: StoredRecusal, sealed: bytes | None = None) -> dict[str, Any]:
    return with_sealed(
        {
            "expert_id": r.declaration.expert_id,
            "application_id": r.declaration.application_id,
            "round": r.round,
            "document_sha256": r.signed.sha256,
        },
        sealed,
    )


def stored_recusal_state(
    db: sqlite_utils.Database, expert_id: str, application_id: str
) -> dict[str, Any] | None:
    """The audited state of a collected recusal as stored, read without any key."""
    sealed = ", CAST(sealed AS BLOB)" if _has_sealed(db, "secretary_recusals") else ""
    row = db.execute(
        f"SELECT round, document_sha256{sealed} FROM secretary_recusals"
        " WHERE expert_id = ? AND application_id = ?",
        (expert_id, application_id),
    ).fetchone()
    if row is None:
        return None
    state = {
        "expert_id": expert_id,
        "application_id": application_id,
        "round": int(row[0]),
        "document_sha256": str(row[1]),
    }
    return with_sealed(state, blob(row[2]) if sealed else None)


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
    db: sqlite_utils.Database,
    application_id: str,
    round: int,
    a: OpinionApproval | None,
    sealer: Sealing,
) -> bytes | None:
    """The approval of (application, round) becomes ``a``, sealed; returns the sealed value."""
    db.execute(
        "DELETE FROM secretary_opinion_approvals WHERE application_id = ? AND round = ?",
        (application_id, round),
    )
    if a is None:
        return None
    approved = _text_of(a.approved_at)
    bound = sealing.approval_bound(
        application_id, round, a.chair_id, a.chair_fingerprint, approved, a.signed.sha256
    )
    value = sealer.seal(sealing.APPROVAL, bound, sealed_content.signed_content(a.signed))
    db.execute(
        "INSERT INTO secretary_opinion_approvals (application_id, round, chair_id,"
        " chair_fingerprint, approved_at, document, signature, document_sha256, sealed)"
        " VALUES (?, ?, ?, ?, ?, x'', x'', ?, ?)",
        (
            application_id,
            round,
            a.chair_id,
            a.chair_fingerprint,
            approved,
            a.signed.sha256,
            value,
        ),
    )
    return value


def load_approvals(
    db: sqlite_utils.Database,
    sealer: Sealing,
    *,
    plaintext_only: bool = False,
    key: tuple[str, int] | None = None,
) -> dict[tuple[str, int], OpinionApproval]:
    """Every approval, or only the (application, round) ``key``'s: opening one is a
    decryption, so a caller that needs one does not open them all."""
    out: dict[tuple[str, int], OpinionApproval] = {}
    where: list[str] = []
    params: list[object] = []
    if plaintext_only:
        where.append("sealed IS NULL")
    if key is not None:
        where.append("application_id = ? AND round = ?")
        params += [key[0], key[1]]
    for r in db.execute(
        "SELECT application_id, round, chair_id, chair_fingerprint, approved_at, document,"
        " signature, document_sha256, CAST(sealed AS BLOB) FROM secretary_opinion_approvals"
        + (" WHERE " + " AND ".join(where) if where else ""),
        params,
    ):
        approved = time_from(r[4])
        assert approved is not None
        value = blob(r[8])
        if value is None:
            signed = SignedDocument(bytes(r[5]), bytes(r[6]))
        else:
            bound = sealing.approval_bound(
                str(r[0]), int(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[7])
            )
            signed = sealer.open(sealing.APPROVAL, bound, value, sealed_content.signed_from)
        out[(str(r[0]), int(r[1]))] = OpinionApproval(signed, ExpertId(r[2]), str(r[3]), approved)
    return out


def approval_state(a: OpinionApproval, sealed: bytes | None = None) -> dict[str, Any]:
    return with_sealed(
        {
            "chair_id": a.chair_id,
            "chair_fingerprint": a.chair_fingerprint,
            "document_sha256": a.signed.sha256,
        },
        sealed,
    )


def stored_approval_state(
    db: sqlite_utils.Database, application_id: str, round: int
) -> dict[str, Any] | None:
    """The audited state of an approval as stored, read without any key (a plaintext row's
    document hash is computed from its document, as before version 9)."""
    sealed = (
        ", document_sha256, CAST(sealed AS BLOB)"
        if _has_sealed(db, "secretary_opinion_approvals")
        else ""
    )
    row = db.execute(
        f"SELECT chair_id, chair_fingerprint, document{sealed} FROM secretary_opinion_approvals"
        " WHERE application_id = ? AND round = ?",
        (application_id, round),
    ).fetchone()
    if row is None:
        return None
    value = blob(row[4]) if sealed else None
    digest = str(row[3]) if value is not None else SignedDocument(bytes(row[2]), b"").sha256
    state = {"chair_id": row[0], "chair_fingerprint": row[1], "document_sha256": digest}
    return with_sealed(state, value)


def opinion_keys(db: sqlite_utils.Database) -> list[tuple[str, int]]:
    return [
        (str(r[0]), int(r[1]))
        for r in db.execute(
            "SELECT application_id, round FROM panel_opinions ORDER BY round, application_id"
        )
    ]


# -- rows written before schema version 9 ------------------------------------------------------

_PLAINTEXT = {
    "sheets": "SELECT id FROM sheets WHERE sealed IS NULL ORDER BY round, version, id",
    "signed": "SELECT sheet_id FROM secretary_signed_sheets WHERE sealed IS NULL",
    "recusals": "SELECT expert_id, application_id FROM secretary_recusals WHERE sealed IS NULL",
    "conflicts": "SELECT meeting_id, expert_id, application_id FROM conflicts"
    " WHERE sealed IS NULL ORDER BY expert_id, application_id",
    "notes": "SELECT id FROM notes WHERE sealed IS NULL ORDER BY created_at, rowid",
    "opinions": "SELECT meeting_id, application_id, round FROM panel_opinions"
    " WHERE sealed IS NULL ORDER BY round, application_id",
    "approvals": "SELECT application_id, round FROM secretary_opinion_approvals"
    " WHERE sealed IS NULL",
}


def plaintext_rows(db: sqlite_utils.Database) -> dict[str, list[tuple[str, ...]]]:
    """The keys of every row of secretary-workspace-v1 §4 still in plaintext, by table."""
    return {
        name: [tuple(str(v) for v in r) for r in db.execute(query)]
        for name, query in _PLAINTEXT.items()
    }


def seal_signed_sheet(db: sqlite_utils.Database, sheet_id: str, sealed: bytes) -> None:
    """Seal a plaintext collected version's signed bytes (the one update the triggers allow)."""
    db.execute(
        "UPDATE secretary_signed_sheets SET sealed = ?, document = x'', signature = x''"
        " WHERE sheet_id = ?",
        (sealed, sheet_id),
    )


def seal_recusal(db: sqlite_utils.Database, r: StoredRecusal, sealer: Sealing) -> bytes:
    """Seal a plaintext recusal in place; returns the sealed value."""
    d = r.declaration
    bound = sealing.recusal_bound(
        d.expert_id,
        d.application_id,
        r.round,
        _text_of(d.declared_at),
        r.signed.sha256,
        r.signer_fingerprint,
    )
    value = sealer.seal(sealing.RECUSAL, bound, sealing.recusal_content(d.reason, r.signed))
    db.execute(
        "UPDATE secretary_recusals SET sealed = ?, reason = '', document = x'', signature = x''"
        " WHERE expert_id = ? AND application_id = ?",
        (value, d.expert_id, d.application_id),
    )
    return value
