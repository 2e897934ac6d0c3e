"""The announcement's list as a workbook: the same confirmed platforms as the signed notice.

One sheet, one row per platform (number, platform, entrusted unit, sub-domain, meeting,
application), then the issuing body, the date and the batch it comes from. Every text is a
string cell (applicant text never becomes a formula, threat M12); equal input gives equal
bytes (:func:`export.workbook_file.saved_workbook` with the notice's own clock).
"""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from app.i18n import Msg
from export.announcement_pdf import AnnouncementInput, long_date
from export.text import clean
from export.workbook_file import saved_workbook
from export.workbook_print import WRAP, print_setup, style_header
from export.xlsx import text_cell


def render_announcement_workbook(inp: AnnouncementInput) -> bytes:
    """The workbook of ``inp``'s list."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    title = inp.tr(Msg.of("List of the confirmed open innovation platforms"))
    ws.title = inp.tr(Msg.of("Confirmed platforms"))[:31]
    headers = (
        Msg.of("No."),
        Msg.of("Platform"),
        Msg.of("Entrusted unit"),
        Msg.of("Sub-domain"),
        Msg.of("Meeting"),
        Msg.of("Application"),
    )
    for col, header in enumerate(headers, start=1):
        text_cell(ws, 1, col, inp.tr(header))
    style_header(ws, 1, [6, 48, 36, 32, 18, 12])
    lang = inp.language
    for r, e in enumerate(inp.entries, start=2):
        ws.cell(r, 1, r - 1)
        for col, value in enumerate(
            (
                e.platform_name.in_language(lang),
                e.applicant_unit.in_language(lang),
                e.sub_domain.in_language(lang),
                e.meeting_id,
                e.application_id,
            ),
            start=2,
        ):
            text_cell(ws, r, col, value).alignment = WRAP
    issued = inp.issued_at.astimezone(dt.UTC).date()
    after = len(inp.entries) + 3
    for offset, (label, value) in enumerate(
        (
            (Msg.of("Issued by"), inp.issuer),
            (Msg.of("Date"), long_date(issued, lang)),
            (
                Msg.of("Objection period"),
                Msg.ngettext(
                    "{days} day", "{days} days", inp.objection_days, days=inp.objection_days
                ).in_language(lang),
            ),
            (Msg.of("Batch"), f"{inp.batch_id} · {inp.batch_sha256}"),
        )
    ):
        text_cell(ws, after + offset, 1, inp.tr(label))
        text_cell(ws, after + offset, 2, value)
    print_setup(ws, title, lang)
    wb.properties.creator = "Expert Review Desk"
    wb.properties.title = clean(title)
    wb.properties.created = inp.issued_at.astimezone(dt.UTC).replace(tzinfo=None)
    wb.properties.modified = inp.issued_at.astimezone(dt.UTC).replace(tzinfo=None)
    return saved_workbook(wb, inp.issued_at)
