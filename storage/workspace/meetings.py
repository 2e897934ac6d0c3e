"""Rows for rubrics, meetings, the roster, applications and the agenda.

Functions here read and write rows only; the caller (:class:`storage.workspace.core.Workspace`)
owns the transaction and the audit entry.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.domain.meeting import AgendaItem, Application, Expert, ExpertRole, Meeting
from app.domain.rubric import Rubric
from app.formats.rubric_file import parse_rubric, rubric_to_document
from storage.workspace.documents import (
    loc,
    loc_from,
    time_from,
    time_text,
    to_json,
)


def insert_rubric(db: sqlite_utils.Database, rubric: Rubric) -> None:
    db.execute(
        "INSERT INTO rubrics (id, revision, document) VALUES (?, ?, ?)",
        (rubric.id, rubric.version, to_json(rubric_to_document(rubric))),
    )


def load_rubric(db: sqlite_utils.Database, rubric_id: str) -> Rubric | None:
    """The stored rubric; it passed the strict loader when stored, so it parses again."""
    row = db.execute("SELECT document FROM rubrics WHERE id = ?", (rubric_id,)).fetchone()
    return None if row is None else parse_rubric(json.loads(row[0]))


def insert_meeting(db: sqlite_utils.Database, m: Meeting) -> None:
    db.execute(
        "INSERT INTO meetings (id, title, date, venue, rubric_id, is_demo)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            m.id,
            to_json(loc(m.title)),
            m.date.isoformat(),
            to_json(loc(m.venue)),
            m.rubric_id,
            int(m.is_demo),
        ),
    )
    for position, e in enumerate(m.experts, start=1):
        db.execute(
            "INSERT INTO experts (meeting_id, id, position, name, role, organisation, title,"
            " is_chair, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                m.id,
                e.id,
                position,
                to_json(loc(e.name)),
                e.role.value,
                to_json(loc(e.organisation)),
                to_json(loc(e.title)),
                int(e.is_chair),
                e.fingerprint,
            ),
        )
    for position, a in enumerate(m.applications, start=1):
        db.execute(
            "INSERT INTO applications (meeting_id, id, position, applicant_unit, platform_name,"
            " sub_domain, sub_domain_tags) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                m.id,
                a.id,
                position,
                to_json(loc(a.applicant_unit)),
                to_json(loc(a.platform_name)),
                to_json(loc(a.sub_domain)),
                to_json(list(a.sub_domain_tags)),
            ),
        )
    for item in m.agenda:
        db.execute(
            "INSERT INTO agenda (meeting_id, application_id, position, report_minutes,"
            " qa_minutes, starts_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                m.id,
                item.application_id,
                item.position,
                item.report_minutes,
                item.qa_minutes,
                time_text(item.starts_at),
            ),
        )


def meeting_ids(db: sqlite_utils.Database) -> list[MeetingId]:
    return [MeetingId(r[0]) for r in db.execute("SELECT id FROM meetings ORDER BY date, id")]


def legacy_forms(db: sqlite_utils.Database, meeting_id: str) -> dict[str, Any]:
    """The form documents a database older than migration 8 still holds, by application id
    (only ``audit verify`` reads them, to check such a file as its version wrote it)."""
    return {
        str(r[0]): json.loads(r[1])
        for r in db.execute("SELECT id, form FROM applications WHERE meeting_id = ?", (meeting_id,))
    }


def load_meeting(db: sqlite_utils.Database, meeting_id: str) -> Meeting | None:
    row = db.execute(
        "SELECT id, title, date, venue, rubric_id, is_demo FROM meetings WHERE id = ?",
        (meeting_id,),
    ).fetchone()
    if row is None:
        return None
    experts = tuple(
        Expert(
            id=ExpertId(r[0]),
            name=loc_from(r[1]),
            role=ExpertRole(r[2]),
            organisation=loc_from(r[3]),
            title=loc_from(r[4]),
            is_chair=bool(r[5]),
            fingerprint=str(r[6]),
        )
        for r in db.execute(
            "SELECT id, name, role, organisation, title, is_chair, fingerprint FROM experts"
            " WHERE meeting_id = ? ORDER BY position",
            (meeting_id,),
        )
    )
    applications = tuple(
        Application(
            id=ApplicationId(r[0]),
            applicant_unit=loc_from(r[1]),
            platform_name=loc_from(r[2]),
            sub_domain=loc_from(r[3]),
            sub_domain_tags=tuple(str(t) for t in json.loads(r[4])),
        )
        for r in db.execute(
            "SELECT id, applicant_unit, platform_name, sub_domain, sub_domain_tags"
            " FROM applications WHERE meeting_id = ? ORDER BY position",
            (meeting_id,),
        )
    )
    agenda = tuple(
        AgendaItem(
            application_id=ApplicationId(r[0]),
            position=int(r[1]),
            report_minutes=int(r[2]),
            qa_minutes=int(r[3]),
            starts_at=time_from(r[4]),
        )
        for r in db.execute(
            "SELECT application_id, position, report_minutes, qa_minutes, starts_at FROM agenda"
            " WHERE meeting_id = ? ORDER BY position",
            (meeting_id,),
        )
    )
    return Meeting(
        id=MeetingId(row[0]),
        title=loc_from(row[1]),
        date=dt.date.fromisoformat(row[2]),
        venue=loc_from(row[3]),
        rubric_id=str(row[4]),
        experts=experts,
        applications=applications,
        agenda=agenda,
        is_demo=bool(row[5]),
    )
