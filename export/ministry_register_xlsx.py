"""The ministry's internal register: every meeting, application, figure, outcome and decision.

Written from the ministry database (the current figures as
:class:`app.ministry.model.ApplicationRow`, the decisions as
:class:`app.ministry.deciding.DecisionState` and every signed version), never from a
bundle's own workbook. Four sheets: the register (one row per application of every
meeting's current bundle, its figures, outcome and current decision), every decision
version, the closed batches, and the meetings. Each sheet is set up for printing
(:func:`export.workbook_print.print_setup`). Text is always a string cell (threat M12);
equal input gives equal bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.i18n import Msg
from app.ministry.deciding import DecisionState
from app.ministry.decisions import Decision, RecordedBatch, RecordedDecision
from app.ministry.model import ApplicationRow
from export.text import clean
from export.workbook_file import saved_workbook
from export.workbook_print import WRAP, print_setup, style_header
from export.xlsx import text_cell

Value = str | int | None


@dataclass(frozen=True)
class RegisterInput:
    """What the register shows; ``generated_at`` is the injected clock."""

    rows: tuple[ApplicationRow, ...]
    states: tuple[DecisionState, ...]
    decisions: tuple[RecordedDecision, ...]
    batches: tuple[RecordedBatch, ...]
    language: str
    generated_at: dt.datetime

    def tr(self, message: Msg) -> str:
        return message.in_language(self.language)


def render_register(inp: RegisterInput) -> bytes:
    """The register workbook's bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    title = inp.tr(Msg.of("Register of the ministry desk"))
    _register(wb.create_sheet(inp.tr(Msg.of("Register"))[:31]), inp, title)
    _decisions(wb.create_sheet(inp.tr(Msg.of("Decisions"))[:31]), inp, title)
    _batches(wb.create_sheet(inp.tr(Msg.of("Batches"))[:31]), inp, title)
    _meetings(wb.create_sheet(inp.tr(Msg.of("Meetings"))[:31]), inp, title)
    when = inp.generated_at.astimezone(dt.UTC)
    wb.properties.creator = "Expert Review Desk"
    wb.properties.title = clean(title)
    wb.properties.created = when.replace(tzinfo=None)
    wb.properties.modified = when.replace(tzinfo=None)
    return saved_workbook(wb, when)


def _register(ws: Worksheet, inp: RegisterInput, title: str) -> None:
    lang = inp.language
    subjects: list[str] = []
    for row in inp.rows:
        for subject, _value in row.figures:
            if subject not in subjects:
                subjects.append(subject)
    states = {s.subject.key: s for s in inp.states}
    batched = _batched(inp.batches)
    yes, no = inp.tr(Msg.of("yes")), inp.tr(Msg.of("no"))
    headers = [
        inp.tr(m)
        for m in (
            Msg.of("Meeting"),
            Msg.of("Meeting title"),
            Msg.of("Date"),
            Msg.of("Bundle version"),
            Msg.of("Hearing position"),
            Msg.of("Application"),
            Msg.of("Applicant unit"),
            Msg.of("Platform"),
            Msg.of("Sub-domain"),
            Msg.of("Status"),
            Msg.of("Rank"),
            Msg.of("Votes for"),
            Msg.of("Eligible"),
            Msg.of("Needed"),
            Msg.of("Passed"),
        )
    ]
    headers += subjects
    headers += [
        inp.tr(m)
        for m in (
            Msg.of("Panel recommendation"),
            Msg.of("Decision"),
            Msg.of("Decision version"),
            Msg.of("Reason"),
            Msg.of("Officer"),
            Msg.of("Decided at"),
            Msg.of("Batch"),
        )
    ]
    _headers(ws, headers)
    for r, row in enumerate(inp.rows, start=2):
        figures = dict(row.figures)
        state = states.get((row.meeting_id, row.application_id))
        latest = state.latest if state is not None else None
        decision: Value = None
        if latest is not None:
            decision = inp.tr(latest.record.decision.label)
            if state is not None and state.stale:
                decision = inp.tr(
                    Msg.of(
                        "{decision} (on bundle version {version}: to be decided again)",
                        decision=latest.record.decision.label,
                        version=latest.record.bundle_version,
                    )
                )
        sub_domain = state.subject.sub_domain.in_language(lang) if state is not None else None
        values: list[Value] = [
            row.meeting_id,
            row.meeting_title.in_language(lang),
            row.meeting_date,
            row.bundle_version,
            row.hearing_position,
            row.application_id,
            row.applicant_unit.in_language(lang),
            row.platform_name.in_language(lang),
            sub_domain,
            row.status,
            row.rank,
            row.votes_for,
            row.eligible,
            row.needed,
            yes if row.passed else no,
            *(figures.get(s) for s in subjects),
            row.opinion_recommendation,
            decision,
            None if latest is None else latest.record.version,
            None if latest is None else latest.record.reason,
            None if latest is None else latest.officer_name,
            None if latest is None else _time(latest.record.decided_at),
            None if latest is None else batched.get(latest.sha256),
        ]
        _row(ws, r, values)
    style_header(
        ws,
        1,
        [16, 30, 11, 8, 8, 10, 28, 32, 24, 10, 6, 7, 7, 7, 7]
        + [9] * len(subjects)
        + [16, 14, 8, 40, 16, 18, 7],
    )
    print_setup(ws, title, lang)


def _decisions(ws: Worksheet, inp: RegisterInput, title: str) -> None:
    headers = [
        inp.tr(m)
        for m in (
            Msg.of("Meeting"),
            Msg.of("Application"),
            Msg.of("Decision version"),
            Msg.of("Decision"),
            Msg.of("Reason"),
            Msg.of("Bundle version"),
            Msg.of("Bundle hash"),
            Msg.of("Officer"),
            Msg.of("Officer fingerprint"),
            Msg.of("Decided at"),
            Msg.of("Document SHA-256"),
            Msg.of("Previous version SHA-256"),
        )
    ]
    _headers(ws, headers)
    for r, d in enumerate(inp.decisions, start=2):
        rec = d.record
        _row(
            ws,
            r,
            [
                rec.meeting_id,
                rec.application_id,
                rec.version,
                inp.tr(rec.decision.label),
                rec.reason,
                rec.bundle_version,
                rec.bundle_sha256,
                d.officer_name,
                rec.officer_fingerprint,
                _time(rec.decided_at),
                d.sha256,
                rec.previous_sha256,
            ],
        )
    style_header(ws, 1, [16, 10, 8, 14, 48, 8, 20, 16, 26, 18, 20, 20])
    print_setup(ws, title, inp.language)


def _batches(ws: Worksheet, inp: RegisterInput, title: str) -> None:
    headers = [
        inp.tr(m)
        for m in (
            Msg.of("Batch"),
            Msg.of("Closed at"),
            Msg.of("Officer"),
            Msg.of("Officer fingerprint"),
            Msg.of("Decisions"),
            Msg.of("Confirmed"),
            Msg.of("Document SHA-256"),
        )
    ]
    _headers(ws, headers)
    for r, b in enumerate(inp.batches, start=2):
        rec = b.record
        confirmed = sum(1 for e in rec.entries if e.decision is Decision.CONFIRM)
        _row(
            ws,
            r,
            [
                rec.batch_id,
                _time(rec.closed_at),
                b.officer_name,
                rec.officer_fingerprint,
                len(rec.entries),
                confirmed,
                b.sha256,
            ],
        )
    style_header(ws, 1, [8, 18, 18, 26, 10, 10, 66])
    print_setup(ws, title, inp.language)


def _meetings(ws: Worksheet, inp: RegisterInput, title: str) -> None:
    headers = [
        inp.tr(m)
        for m in (
            Msg.of("Meeting"),
            Msg.of("Meeting title"),
            Msg.of("Date"),
            Msg.of("Bundle version"),
            Msg.of("Round"),
            Msg.of("Applications"),
            Msg.of("Bundle hash"),
            Msg.of("Results hash"),
            Msg.of("Imported at"),
        )
    ]
    _headers(ws, headers)
    seen: dict[str, list[ApplicationRow]] = {}
    for row in inp.rows:
        seen.setdefault(row.meeting_id, []).append(row)
    for r, rows in enumerate(seen.values(), start=2):
        first = rows[0]
        _row(
            ws,
            r,
            [
                first.meeting_id,
                first.meeting_title.in_language(inp.language),
                first.meeting_date,
                first.bundle_version,
                first.round,
                len(rows),
                first.bundle_sha256,
                first.results_sha256,
                first.imported_at,
            ],
        )
    style_header(ws, 1, [16, 40, 11, 8, 6, 8, 66, 66, 24])
    print_setup(ws, title, inp.language)


def _batched(batches: Sequence[RecordedBatch]) -> dict[str, int]:
    """Decision document hash -> the latest batch listing it."""
    found: dict[str, int] = {}
    for b in batches:
        for e in b.record.entries:
            found[e.decision_sha256] = b.record.batch_id
    return found


def _headers(ws: Worksheet, headers: list[str]) -> None:
    for col, header in enumerate(headers, start=1):
        text_cell(ws, 1, col, header)


def _row(ws: Worksheet, r: int, values: Sequence[Value]) -> None:
    for col, value in enumerate(values, start=1):
        if isinstance(value, int):
            ws.cell(r, col, value)
        elif value is not None:
            text_cell(ws, r, col, value).alignment = WRAP


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
