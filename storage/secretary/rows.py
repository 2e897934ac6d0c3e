"""Rows of the secretary's setup: the meeting header, rubric and rule, the roster, the
packages, the agenda and the rounds. Row functions only; :class:`storage.secretary.workspace.
SecretaryWorkspace` owns the transaction and the audit entry of every change."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from app.consolidation.rule import parse_rule, rule_to_document
from app.domain.ids import ApplicationId, ExpertId, MeetingId
from app.domain.meeting import AgendaItem, Application, Expert, ExpertRole
from app.formats.meeting_file import agenda_application_document, parse_agenda_application
from app.formats.rubric_file import parse_rubric, rubric_to_document
from app.secretary.model import (
    IssuedKit,
    MeetingHeader,
    PackageRecord,
    PackageStatus,
    RosterEntry,
    RoundInfo,
    SecretarySetup,
)
from storage.workspace.documents import loc, loc_from, time_from, time_text, to_json

_SETUP_COLUMNS = (
    "meeting_id, title, date, venue, is_demo, rubric, rule, anonymise_experts,"
    " secretary_certificate, trust_roots, sealed_meeting_key, meeting_key_recipient,"
    " kit_hash, kit_id, kit_issued_at, kit_file_name, current_round"
)


def setup_values(s: SecretarySetup) -> tuple[object, ...]:
    kit = s.kit
    return (
        s.header.meeting_id,
        to_json(loc(s.header.title)),
        s.header.date.isoformat(),
        to_json(loc(s.header.venue)),
        int(s.header.is_demo),
        to_json(rubric_to_document(s.rubric)),
        to_json(rule_to_document(s.rule)),
        int(s.anonymise_experts),
        s.secretary_certificate_pem,
        s.trust_roots_pem,
        s.sealed_meeting_key,
        s.meeting_key_recipient,
        None if kit is None else kit.kit_hash,
        None if kit is None else kit.kit_id,
        None if kit is None else time_text(kit.issued_at),
        None if kit is None else kit.file_name,
        s.current_round,
    )


def insert_setup(db: sqlite_utils.Database, s: SecretarySetup) -> None:
    db.execute(
        f"INSERT INTO secretary_setup (singleton, {_SETUP_COLUMNS})"
        " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        setup_values(s),
    )


def update_setup(db: sqlite_utils.Database, s: SecretarySetup) -> None:
    assignments = ", ".join(f"{c.strip()} = ?" for c in _SETUP_COLUMNS.split(","))
    db.execute(f"UPDATE secretary_setup SET {assignments} WHERE singleton = 1", setup_values(s))


def load_setup(db: sqlite_utils.Database) -> SecretarySetup | None:
    row = db.execute(f"SELECT {_SETUP_COLUMNS} FROM secretary_setup WHERE singleton = 1").fetchone()
    if row is None:
        return None
    kit = None
    if row[12] is not None:
        issued = time_from(row[14])
        assert issued is not None
        kit = IssuedKit(str(row[12]), str(row[13]), issued, str(row[15]))
    return SecretarySetup(
        header=MeetingHeader(
            meeting_id=MeetingId(str(row[0])),
            title=loc_from(row[1]),
            date=dt.date.fromisoformat(row[2]),
            venue=loc_from(row[3]),
            is_demo=bool(row[4]),
        ),
        rubric=parse_rubric(json.loads(row[5])),
        rule=parse_rule(json.loads(row[6])),
        anonymise_experts=bool(row[7]),
        secretary_certificate_pem=str(row[8]),
        trust_roots_pem=str(row[9]),
        sealed_meeting_key=None if row[10] is None else bytes(row[10]),
        meeting_key_recipient=None if row[11] is None else str(row[11]),
        kit=kit,
        current_round=int(row[16]),
    )


def setup_state(s: SecretarySetup) -> dict[str, Any]:
    """The audited state of the setup (the sealed key by its presence only)."""
    values = setup_values(s)
    names = [c.strip() for c in _SETUP_COLUMNS.split(",")]
    state = dict(zip(names, values, strict=True))
    state["sealed_meeting_key"] = s.sealed_meeting_key is not None
    return state


# -- roster -----------------------------------------------------------------------------------

_ROSTER_COLUMNS = "expert_id, fingerprint, certificate, role, is_chair, name, organisation, title"


def replace_roster(db: sqlite_utils.Database, roster: tuple[RosterEntry, ...]) -> None:
    """The roster is small (<= 200) and edited as a whole list: rewrite it."""
    db.execute("DELETE FROM secretary_roster")
    for position, entry in enumerate(roster, start=1):
        e = entry.expert
        db.execute(
            f"INSERT INTO secretary_roster (position, {_ROSTER_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                position,
                e.id,
                e.fingerprint,
                entry.certificate_pem,
                e.role.value,
                int(e.is_chair),
                to_json(loc(e.name)),
                to_json(loc(e.organisation)),
                to_json(loc(e.title)),
            ),
        )


def load_roster(db: sqlite_utils.Database) -> tuple[RosterEntry, ...]:
    rows = db.execute(
        f"SELECT {_ROSTER_COLUMNS} FROM secretary_roster ORDER BY position"
    ).fetchall()
    return tuple(
        RosterEntry(
            expert=Expert(
                id=ExpertId(str(r[0])),
                name=loc_from(r[5]),
                role=ExpertRole(r[3]),
                organisation=loc_from(r[6]),
                title=loc_from(r[7]),
                is_chair=bool(r[4]),
                fingerprint=str(r[1]),
            ),
            certificate_pem=str(r[2]),
        )
        for r in rows
    )


def roster_state(roster: tuple[RosterEntry, ...]) -> list[dict[str, Any]]:
    return [
        {
            "id": r.expert.id,
            "fingerprint": r.fingerprint,
            "role": r.expert.role.value,
            "is_chair": r.expert.is_chair,
            "name": loc(r.expert.name),
            "organisation": loc(r.expert.organisation),
            "title": loc(r.expert.title),
            "certificate": r.certificate_pem,
        }
        for r in roster
    ]


# -- packages ---------------------------------------------------------------------------------

_PACKAGE_COLUMNS = (
    "file_sha256, source_name, size, status, imported_at, application_id, application,"
    " stored_name, package_id, issuer_name, issuer_fingerprint, reason"
)


def insert_package(db: sqlite_utils.Database, p: PackageRecord) -> None:
    db.execute(
        f"INSERT INTO secretary_packages ({_PACKAGE_COLUMNS})"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        package_values(p),
    )


def package_values(p: PackageRecord) -> tuple[object, ...]:
    return (
        p.file_sha256,
        p.source_name,
        p.size,
        p.status.value,
        time_text(p.imported_at),
        p.application_id,
        None if p.application is None else to_json(agenda_application_document(p.application)),
        p.stored_name,
        p.package_id,
        p.issuer_name,
        p.issuer_fingerprint,
        None if p.reason is None else to_json(loc(p.reason)),
    )


PACKAGE_APPLICATION = 6
"""Where :func:`package_values` holds the application document."""


def legacy_application(db: sqlite_utils.Database, file_sha256: str) -> str | None:
    """The stored application document of a package, re-encoded as written, form and all
    (a database older than migration 8, checked by ``audit verify`` without migrating)."""
    row = db.execute(
        "SELECT application FROM secretary_packages WHERE file_sha256 = ?", (file_sha256,)
    ).fetchone()
    return None if row is None or row[0] is None else to_json(json.loads(row[0]))


def load_packages(db: sqlite_utils.Database) -> tuple[PackageRecord, ...]:
    rows = db.execute(
        f"SELECT {_PACKAGE_COLUMNS} FROM secretary_packages ORDER BY imported_at, rowid"
    ).fetchall()
    return tuple(_package(r) for r in rows)


def _package(r: tuple[Any, ...]) -> PackageRecord:
    imported = time_from(r[4])
    assert imported is not None
    return PackageRecord(
        file_sha256=str(r[0]),
        source_name=str(r[1]),
        size=int(r[2]),
        status=PackageStatus(r[3]),
        imported_at=imported,
        application=None if r[6] is None else _agenda_application(r[6]),
        stored_name=r[7],
        package_id=r[8],
        issuer_name=r[9],
        issuer_fingerprint=r[10],
        reason=None if r[11] is None else loc_from(r[11]),
    )


def _agenda_application(column: str) -> Application:
    """The stored application's agenda metadata; a file older than migration 8 (read
    without migrating, by ``audit verify``) still holds its form, which is left unread."""
    document = json.loads(column)
    if isinstance(document, dict):
        document.pop("form", None)
    return parse_agenda_application(document)


def package_state(p: PackageRecord) -> list[object]:
    return list(package_values(p))


# -- agenda -----------------------------------------------------------------------------------


def replace_agenda(db: sqlite_utils.Database, items: tuple[AgendaItem, ...]) -> None:
    db.execute("DELETE FROM secretary_agenda")
    for item in items:
        db.execute(
            "INSERT INTO secretary_agenda (application_id, position, report_minutes,"
            " qa_minutes, starts_at) VALUES (?, ?, ?, ?, ?)",
            (
                item.application_id,
                item.position,
                item.report_minutes,
                item.qa_minutes,
                time_text(item.starts_at),
            ),
        )


def load_agenda(db: sqlite_utils.Database) -> tuple[AgendaItem, ...]:
    rows = db.execute(
        "SELECT application_id, position, report_minutes, qa_minutes, starts_at"
        " FROM secretary_agenda ORDER BY position"
    ).fetchall()
    return tuple(
        AgendaItem(ApplicationId(str(r[0])), int(r[1]), int(r[2]), int(r[3]), time_from(r[4]))
        for r in rows
    )


def agenda_state(items: tuple[AgendaItem, ...]) -> list[list[object]]:
    return [
        [i.application_id, i.position, i.report_minutes, i.qa_minutes, time_text(i.starts_at)]
        for i in items
    ]


# -- rounds -----------------------------------------------------------------------------------


def insert_round(db: sqlite_utils.Database, r: RoundInfo) -> None:
    db.execute(
        "INSERT INTO secretary_rounds (number, opened_at, applications, reason)"
        " VALUES (?, ?, ?, ?)",
        (
            r.number,
            time_text(r.opened_at),
            None if r.applications is None else to_json(list(r.applications)),
            r.reason,
        ),
    )


def load_rounds(db: sqlite_utils.Database) -> tuple[RoundInfo, ...]:
    rows = db.execute(
        "SELECT number, opened_at, applications, reason FROM secretary_rounds ORDER BY number"
    ).fetchall()
    out = []
    for r in rows:
        opened = time_from(r[1])
        assert opened is not None
        apps = None if r[2] is None else tuple(ApplicationId(a) for a in json.loads(r[2]))
        out.append(RoundInfo(int(r[0]), opened, apps, str(r[3])))
    return tuple(out)


def round_state(r: RoundInfo) -> dict[str, Any]:
    return {
        "number": r.number,
        "opened_at": time_text(r.opened_at),
        "applications": None if r.applications is None else list(r.applications),
        "reason": r.reason,
    }
