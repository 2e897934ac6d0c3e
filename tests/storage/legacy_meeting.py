"""A meeting written as the program wrote it before schema 8 (``m008_no_form_text``): the
applications' forms in ``applications.form``, and the meeting's audit state with them.

Today's row functions write no form column, so a test that builds a database of an older
version (to migrate it) writes its meeting with these instead."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlite_utils

from app.domain.meeting import Application, FormPart, Meeting
from storage.workspace import meetings
from storage.workspace.documents import loc, meeting_state, to_json


def _form_doc(parts: tuple[FormPart, ...]) -> list[dict[str, Any]]:
    return [
        {
            "key": p.key,
            "title": loc(p.title),
            "sections": [
                {"key": s.key, "title": loc(s.title), "body": loc(s.body)} for s in p.sections
            ],
        }
        for p in parts
    ]


def insert_meeting_with_forms(db: sqlite_utils.Database, m: Meeting) -> None:
    """:func:`storage.workspace.meetings.insert_meeting` on a schema older than 8."""
    meetings.insert_meeting(db, replace(m, applications=(), agenda=()))
    for position, a in enumerate(m.applications, start=1):
        db.execute(
            "INSERT INTO applications (meeting_id, id, position, applicant_unit, platform_name,"
            " sub_domain, sub_domain_tags, form) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                m.id,
                a.id,
                position,
                to_json(loc(a.applicant_unit)),
                to_json(loc(a.platform_name)),
                to_json(loc(a.sub_domain)),
                to_json(list(a.sub_domain_tags)),
                to_json(_form_doc(a.form)),
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
                None if item.starts_at is None else item.starts_at.isoformat(),
            ),
        )


def meeting_state_with_forms(m: Meeting) -> dict[str, Any]:
    """The meeting's audit state as versions before 8 recorded it (forms included)."""
    state = meeting_state(m)
    forms = {a.id: a for a in m.applications}
    for application in state["applications"]:
        found: Application = forms[application["id"]]
        application["form"] = _form_doc(found.form)
    return state
