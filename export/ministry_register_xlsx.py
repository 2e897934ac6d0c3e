"""The ministry's internal register: every meeting, application, figure, outcome and decision.

Written from the ministry database (the current figures as
:class:`app.ministry.model.ApplicationRow`, the decisions as
:class:`app.ministry.deciding.DecisionState` and every signed version), never from a
bundle's own workbook. Four sheets: the register (one row per application of every
meeting's current bundle, its figures, outcome and current decision), every decision
version, the closed batches, and the meetings. Each sheet is dressed and set up for printing
as every workbook of ours (:func:`export.workbook_layout.dress`: title row, header in row 2).
Text is always a string cell (threat M12); equal input gives equal bytes.
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
from export.workbook_layout import SheetDress, dress, put_header, put_row, set_widths

Value = str | int | None
HEADER_ROW = 2
"""Row 1 is the sheet's title, row 2 the table's header."""
FIRST_ROW = HEADER_ROW + 1


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
    put_header(ws, HEADER_ROW, headers)
    for r, row in enumerate(inp.rows, start=FIRST_ROW):
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
        put_row(ws, r, values)
    _finish(
        ws,
        inp,
        title,
        [16, 30, 11, 8, 8, 10, 28, 32, 24, 10, 6, 7, 7, 7, 7]
        + [9] * len(subjects)
        + [16, 14, 8, 40, 16, 18, 7],
    )


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
    put_header(ws, HEADER_ROW, headers)
    for r, d in enumerate(inp.decisions, start=FIRST_ROW):
        rec = d.record
        put_row(
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
    _finish(ws, inp, title, [16, 10, 8, 14, 48, 8, 20, 16, 26, 18, 20, 20])


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
    put_header(ws, HEADER_ROW, headers)
    for r, b in enumerate(inp.batches, start=FIRST_ROW):
        rec = b.record
        confirmed = sum(1 for e in rec.entries if e.decision is Decision.CONFIRM)
        put_row(
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
    _finish(ws, inp, title, [8, 18, 18, 26, 10, 10, 66])


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
    put_header(ws, HEADER_ROW, headers)
    seen: dict[str, list[ApplicationRow]] = {}
    for row in inp.rows:
        seen.setdefault(row.meeting_id, []).append(row)
    for r, rows in enumerate(seen.values(), start=FIRST_ROW):
        first = rows[0]
        put_row(
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
    _finish(ws, inp, title, [16, 40, 11, 8, 6, 8, 66, 66, 24])


def _batched(batches: Sequence[RecordedBatch]) -> dict[str, int]:
    """Decision document hash -> the latest batch listing it."""
    found: dict[str, int] = {}
    for b in batches:
        for e in b.record.entries:
            found[e.decision_sha256] = b.record.batch_id
    return found


def _finish(ws: Worksheet, inp: RegisterInput, title: str, widths: Sequence[float]) -> None:
    set_widths(ws, widths)
    dress(
        ws,
        SheetDress(
            language=inp.language,
            title=clean(f"{title} · {ws.title}"),
            footer_left=clean(f"{title} · {_time(inp.generated_at)}"),
            header_row=HEADER_ROW,
        ),
    )


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
