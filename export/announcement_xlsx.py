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
from export.announcement_pdf import AnnouncementInput
from export.labels import date_text
from export.text import clean
from export.workbook_file import saved_workbook
from export.workbook_layout import SheetDress, dress, put_header, put_row, set_widths

HEADER_ROW = 2
"""Row 1 is the title, row 2 the table's header."""


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
    put_header(ws, HEADER_ROW, [inp.tr(h) for h in headers])
    set_widths(ws, [6, 48, 36, 32, 18, 12])
    lang = inp.language
    for number, e in enumerate(inp.entries, start=1):
        put_row(
            ws,
            HEADER_ROW + number,
            [
                number,
                e.platform_name.in_language(lang),
                e.applicant_unit.in_language(lang),
                e.sub_domain.in_language(lang),
                e.meeting_id,
                e.application_id,
            ],
        )
    table_end = HEADER_ROW + len(inp.entries)
    issued = inp.issued_at.astimezone(dt.UTC).date()
    for offset, (label, value) in enumerate(
        (
            (Msg.of("Issued by"), inp.issuer),
            (Msg.of("Date"), date_text(issued, lang)),
            (
                Msg.of("Objection period"),
                Msg.ngettext(
                    "{days} day", "{days} days", inp.objection_days, days=inp.objection_days
                ).in_language(lang),
            ),
            (Msg.of("Batch"), f"{inp.batch_id}\nSHA-256 {inp.batch_sha256}"),
        ),
        start=table_end + 2,
    ):
        put_row(ws, offset, [None, inp.tr(label), value])  # beside the list, not in "No."
    dress(
        ws,
        SheetDress(
            language=lang,
            title=clean(title),
            footer_left=inp.tr(
                Msg.of(
                    "Batch {batch} · SHA-256 {sha256}", batch=inp.batch_id, sha256=inp.batch_sha256
                )
            ),
            header_row=HEADER_ROW,
            last_table_row=table_end,
        ),
    )
    wb.properties.creator = "Expert Review Desk"
    wb.properties.title = clean(title)
    wb.properties.created = inp.issued_at.astimezone(dt.UTC).replace(tzinfo=None)
    wb.properties.modified = inp.issued_at.astimezone(dt.UTC).replace(tzinfo=None)
    return saved_workbook(wb, inp.issued_at)
