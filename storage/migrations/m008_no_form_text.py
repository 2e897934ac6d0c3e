"""Migration 8 (``m008_no_form_text``): no application form text outside the packages.

Until now a workspace kept every application's whole form (parts I-IV) in plaintext: an
expert's in ``applications.form`` (copied from the kit's meeting definition), a secretary's
in ``applications.form`` and in the form document of ``secretary_packages.application``.
DESIGN section 3 and ``docs/threat-model.md``: a workspace holds the agenda metadata only
(ids, applicant unit, platform name, sub-domain and its tags, hearing order and times); the
forms are read from the encrypted packages, into memory. This migration

- drops ``applications.form``;
- removes ``form`` from each ``secretary_packages.application`` document (re-encoded as the
  program writes it: sorted keys, no spaces, UTF-8);
- appends one audit entry per changed subject (``meeting.forms_removed``,
  ``package.forms_removed``, by ``migration``) whose digest is that of the subject's state
  *after* the change, so ``audit verify`` still finds every subject as its latest entry says.

The state documents are built here, frozen as they are at version 8, rather than imported:
a migration must keep doing what it did when later versions change the live code. SQLite
cannot VACUUM inside the migration's transaction: the database opener rewrites the file once
the ladder has run (:data:`storage.migrations.workspace.SCRUB_AFTER`), so the removed text is
gone from free pages and from the write-ahead log too.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from storage.audit import chain as audit
from storage.audit import subjects as subj

ACTOR = "migration"


def m008_no_form_text(db: sqlite_utils.Database) -> None:
    """Drop the form text of every application, recording the new states in the audit log."""
    at = dt.datetime.now(dt.UTC)
    had_forms = [
        str(r[0]) for r in db.execute("SELECT DISTINCT meeting_id FROM applications ORDER BY 1")
    ]
    db.execute("ALTER TABLE applications DROP COLUMN form")
    for meeting_id in had_forms:
        audit.append(
            db,
            at=at,
            actor=ACTOR,
            action="meeting.forms_removed",
            subject=subj.subject(subj.MEETING, meeting_id),
            state=_meeting_state(db, meeting_id),
        )
    if "secretary_packages" not in db.table_names():
        return
    rows = db.execute(
        "SELECT rowid, application FROM secretary_packages WHERE application IS NOT NULL"
        " ORDER BY rowid"
    ).fetchall()
    for rowid, column in rows:
        document = json.loads(column)
        if "form" not in document:
            continue
        del document["form"]
        db.execute(
            "UPDATE secretary_packages SET application = ? WHERE rowid = ?",
            (_to_json(document), rowid),
        )
        state = list(
            db.execute(
                "SELECT file_sha256, source_name, size, status, imported_at, application_id,"
                " application, stored_name, package_id, issuer_name, issuer_fingerprint, reason"
                " FROM secretary_packages WHERE rowid = ?",
                (rowid,),
            ).fetchone()
        )
        audit.append(
            db,
            at=at,
            actor=ACTOR,
            action="package.forms_removed",
            subject=subj.subject(subj.PACKAGE, state[0]),
            state=state,
        )


def _meeting_state(db: sqlite_utils.Database, meeting_id: str) -> dict[str, Any]:
    """The meeting's state document as version 8 writes it (no ``form``)."""
    row = db.execute(
        "SELECT id, title, date, venue, rubric_id, is_demo FROM meetings WHERE id = ?",
        (meeting_id,),
    ).fetchone()
    experts = [
        {
            "id": r[0],
            "name": _loc(r[1]),
            "role": r[2],
            "organisation": _loc(r[3]),
            "title": _loc(r[4]),
            "is_chair": bool(r[5]),
            "fingerprint": str(r[6]),
        }
        for r in db.execute(
            "SELECT id, name, role, organisation, title, is_chair, fingerprint FROM experts"
            " WHERE meeting_id = ? ORDER BY position",
            (meeting_id,),
        )
    ]
    applications = [
        {
            "id": r[0],
            "applicant_unit": _loc(r[1]),
            "platform_name": _loc(r[2]),
            "sub_domain": _loc(r[3]),
            "sub_domain_tags": [str(t) for t in json.loads(r[4])],
        }
        for r in db.execute(
            "SELECT id, applicant_unit, platform_name, sub_domain, sub_domain_tags"
            " FROM applications WHERE meeting_id = ? ORDER BY position",
            (meeting_id,),
        )
    ]
    agenda = [
        {
            "application_id": r[0],
            "position": int(r[1]),
            "report_minutes": int(r[2]),
            "qa_minutes": int(r[3]),
            "starts_at": None if r[4] is None else dt.datetime.fromisoformat(r[4]).isoformat(),
        }
        for r in db.execute(
            "SELECT application_id, position, report_minutes, qa_minutes, starts_at FROM agenda"
            " WHERE meeting_id = ? ORDER BY position",
            (meeting_id,),
        )
    ]
    return {
        "id": row[0],
        "title": _loc(row[1]),
        "date": dt.date.fromisoformat(row[2]).isoformat(),
        "venue": _loc(row[3]),
        "rubric_id": str(row[4]),
        "is_demo": bool(row[5]),
        "experts": experts,
        "applications": applications,
        "agenda": agenda,
    }


def _loc(column: str) -> dict[str, str]:
    doc = json.loads(column)
    return {"en": str(doc["en"]), "zh_CN": str(doc["zh_CN"])}


def _to_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
