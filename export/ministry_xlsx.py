"""The ministry's summary workbook: every imported meeting × application on one sheet.

Written from the ministry database's rows (:class:`app.ministry.model.ApplicationRow`), never
from a bundle's own workbook. Every text - applicant names included - is written as a string cell
(``data_type = "s"``), so ``=HYPERLINK(…)`` or ``+cmd`` stays text (threat M12); there are
no formulas. Written atomically.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

from app.errors import UserFacingError
from app.formats.atomic_file import atomic_write
from app.i18n import Msg, _, current_language
from app.ministry.model import ApplicationRow
from export.text import clean
from export.workbook_file import saved_workbook
from export.workbook_layout import SheetDress, dress, put_header, put_row, set_widths

HEADER_ROW = 2
"""Row 1 is the title, row 2 the table's header."""


def export_xlsx(
    rows: Sequence[ApplicationRow], out: Path, *, generated_at: datetime | None = None
) -> int:
    """Write the summary workbook of ``rows`` to ``out``; returns how many rows."""
    data = workbook_bytes(rows, generated_at)
    try:
        atomic_write(out, data, mode=0o644)
    except OSError as exc:
        raise UserFacingError(
            Msg.of("Cannot write {path}.", path=str(out)),
            Msg.of("Check that the folder exists and is writable."),
        ) from exc
    return len(rows)


def workbook_bytes(rows: Sequence[ApplicationRow], generated_at: datetime | None = None) -> bytes:
    language = current_language()
    subjects: list[str] = []
    for row in rows:
        for subject, _value in row.figures:
            if subject not in subjects:
                subjects.append(subject)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Summary")
    headers = [
        _("Meeting"),
        _("Meeting title"),
        _("Date"),
        _("Bundle version"),
        _("Round"),
        _("Demo"),
        _("Hearing position"),
        _("Application"),
        _("Applicant unit"),
        _("Platform"),
        _("Status"),
        _("Rank"),
        _("Votes for"),
        _("Eligible"),
        _("Needed"),
        _("Passed"),
        *subjects,
        _("Panel recommendation"),
        _("Opinion approved by the chair"),
        _("Results hash"),
        _("Bundle hash"),
        _("Imported at"),
    ]
    put_header(ws, HEADER_ROW, headers)
    yes, no = _("yes"), _("no")
    for r, row in enumerate(rows, start=HEADER_ROW + 1):
        figures = dict(row.figures)
        values: list[str | int | None] = [
            row.meeting_id,
            row.meeting_title.get(language),
            row.meeting_date,
            row.bundle_version,
            row.round,
            yes if row.is_demo else no,
            row.hearing_position,
            row.application_id,
            row.applicant_unit.get(language),
            row.platform_name.get(language),
            row.status,
            row.rank,
            row.votes_for,
            row.eligible,
            row.needed,
            yes if row.passed else no,
            *(figures.get(s) for s in subjects),
            row.opinion_recommendation,
            yes if row.opinion_approved else no,
            row.results_sha256,
            row.bundle_sha256,
            row.imported_at,
        ]
        put_row(ws, r, values)
    set_widths(ws, [16, 30, 11, 8, 6, 6, 8, 10, 28, 32, 10, 6, 7, 7, 7, 7])
    dress(
        ws,
        SheetDress(
            language=language,
            title=clean(f"{_('Imported results')} · {ws.title}"),
            footer_left=_("Imported results"),
            header_row=HEADER_ROW,
        ),
    )
    if generated_at is None:
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    wb.properties.created = generated_at.replace(tzinfo=None)
    wb.properties.modified = generated_at.replace(tzinfo=None)
    return saved_workbook(wb, generated_at)
