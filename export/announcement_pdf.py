"""The ministry's announcement: a public notice of the confirmed platforms, PAdES-signed.

The notice lists what the latest closed batch confirms (:func:`app.ministry.deciding.
announcement_list`): platform, entrusted unit and sub-domain, one row each, with the issuing
body, the date in the language's own form, and the objection period. It is rendered in the
embedded CJK font (Chinese and English alike) and deterministically from its input, the
injected clock included, so equal input gives equal unsigned bytes; the officer's signature
field is added (:func:`export.pades.prepare_for_signing`) and signed by the officer
(:func:`export.pades.sign_pdf`), level B-B like the report.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Final

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer
from reportlab.platypus.tables import Table, TableStyle

from app.crypto.identity import Identity
from app.i18n import Msg
from app.ministry.decisions import DecisionSubject
from export.fonts import register_cjk_font
from export.labels import date_text
from export.pades import OFFICER_BOX, OFFICER_FIELD, prepare_for_signing, sign_pdf
from export.pdf_layout import (
    GRID,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SIGNATURE_AREA_TOP,
    TABLE_HEADER_FILL,
    PageDecor,
    Styles,
    canvas_class,
    styles,
)
from export.text import markup

CONTENT_WIDTH: Final = PAGE_WIDTH - 2 * MARGIN
MAX_OBJECTION_DAYS: Final = 365


@dataclass(frozen=True)
class AnnouncementInput:
    """Everything the notice shows; ``issued_at`` is the injected clock (date and PDF dates)."""

    entries: tuple[DecisionSubject, ...]
    issuer: str
    objection_days: int
    batch_id: int
    batch_sha256: str
    language: str
    issued_at: dt.datetime

    def __post_init__(self) -> None:
        if not self.entries:
            raise ValueError("an announcement lists at least one platform")
        if not 1 <= self.objection_days <= MAX_OBJECTION_DAYS:
            raise ValueError("the objection period is 1 to 365 days")
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be timezone-aware")

    def tr(self, message: Msg) -> str:
        return message.in_language(self.language)


def render_announcement(inp: AnnouncementInput) -> bytes:
    """The unsigned notice; equal input gives equal bytes."""
    st = styles(inp.language)
    issued = inp.issued_at.astimezone(dt.UTC).date()
    deadline = issued + dt.timedelta(days=inp.objection_days)
    story: list[Flowable] = [
        Paragraph(markup(inp.tr(Msg.of("Public notice"))), st.subtitle),
        Paragraph(
            markup(inp.tr(Msg.of("List of the confirmed open innovation platforms"))), st.title
        ),
        Paragraph(markup(inp.issuer), st.subtitle),
        Paragraph(markup(date_text(issued, inp.language)), st.subtitle),
        Spacer(1, 4 * mm),
        Paragraph(
            markup(
                inp.tr(
                    Msg.of(
                        "Following the comprehensive examination of the applications and "
                        "in view of the overall arrangement, {issuer} has confirmed the "
                        "platforms listed below and the units entrusted with building them. "
                        "The list is made public so that anyone may comment on it.",
                        issuer=inp.issuer,
                    )
                )
            ),
            st.body,
        ),
        Spacer(1, 2 * mm),
        _table(inp, st),
        Spacer(1, 5 * mm),
        Paragraph(markup(inp.tr(Msg.of("Objections"))), st.h2),
        Paragraph(
            markup(
                inp.tr(
                    Msg.ngettext(
                        "The list is open for objections for {days} day from the date of this "
                        "notice, until {deadline}. Anyone who disagrees with an entry may write "
                        "to {issuer} within that time, giving the entry, the reasons and the "
                        "evidence, with their real name and a way to reach them. Objections "
                        "sent later, or without a name, will not be considered.",
                        "The list is open for objections for {days} days from the date of this "
                        "notice, until {deadline}. Anyone who disagrees with an entry may write "
                        "to {issuer} within that time, giving the entry, the reasons and the "
                        "evidence, with their real name and a way to reach them. Objections "
                        "sent later, or without a name, will not be considered.",
                        inp.objection_days,
                        days=inp.objection_days,
                        deadline=date_text(deadline, inp.language),
                        issuer=inp.issuer,
                    )
                )
            ),
            st.body,
        ),
        Spacer(1, 6 * mm),
        Paragraph(markup(inp.issuer), _right(st)),
        Paragraph(markup(date_text(issued, inp.language)), _right(st)),
        _SignatureBox(inp.tr(Msg.of("Electronic signature of the issuing body"))),
    ]
    return _build(inp, story)


def sign_announcement(pdf: bytes, identity: Identity, issuer: str, now: dt.datetime) -> bytes:
    """``pdf`` with the officer's signature field added and signed (PAdES B-B)."""
    prepared = prepare_for_signing(pdf, (OFFICER_FIELD,))
    return sign_pdf(prepared, OFFICER_FIELD, identity, "公示 Public notice", issuer, now)


def signed_announcement(inp: AnnouncementInput, identity: Identity) -> bytes:
    """The notice rendered and signed by ``identity`` at ``inp.issued_at``."""
    return sign_announcement(render_announcement(inp), identity, inp.issuer, inp.issued_at)


# --- layout ----------------------------------------------------------------------------------


def _table(inp: AnnouncementInput, st: Styles) -> Table:
    head = [
        Paragraph(markup(inp.tr(m)), st.cell_bold)
        for m in (
            Msg.of("No."),
            Msg.of("Platform"),
            Msg.of("Entrusted unit"),
            Msg.of("Sub-domain"),
        )
    ]
    rows: list[list[Paragraph]] = [head]
    for number, e in enumerate(inp.entries, start=1):
        rows.append(
            [
                Paragraph(str(number), st.cell),
                Paragraph(markup(e.platform_name.in_language(inp.language)), st.cell),
                Paragraph(markup(e.applicant_unit.in_language(inp.language)), st.cell),
                Paragraph(markup(e.sub_domain.in_language(inp.language)), st.cell),
            ]
        )
    rest = CONTENT_WIDTH - 12 * mm
    table = Table(rows, colWidths=[12 * mm, rest * 0.4, rest * 0.32, rest * 0.28], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),
                ("BACKGROUND", (0, 0), (-1, 0), TABLE_HEADER_FILL),
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _right(st: Styles) -> ParagraphStyle:
    return ParagraphStyle("right", parent=st.body, alignment=TA_RIGHT)


def _build(inp: AnnouncementInput, story: list[Flowable]) -> bytes:
    buf = io.BytesIO()
    title = inp.tr(Msg.of("List of the confirmed open innovation platforms"))
    doc = BaseDocTemplate(
        buf,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=SIGNATURE_AREA_TOP,
        title=title,
        subject=inp.tr(Msg.of("Public notice")),
        author=inp.issuer,
        creator="Expert Review Desk",
        producer="Expert Review Desk (reportlab)",
        invariant=1,
    )
    frame = Frame(
        MARGIN, SIGNATURE_AREA_TOP, CONTENT_WIDTH, PAGE_HEIGHT - MARGIN - SIGNATURE_AREA_TOP
    )
    doc.addPageTemplates([PageTemplate("notice", [frame])])
    language = inp.language
    decor = PageDecor(
        footer_left=inp.tr(
            Msg.of(
                "Batch {batch} · SHA-256 {sha256}",
                batch=inp.batch_id,
                sha256=inp.batch_sha256,
            )
        ),
        page_text=lambda n, total: Msg.of(
            "Page {page} of {pages}", page=n, pages=total
        ).in_language(language),
        watermark=None,
        created=inp.issued_at,
    )
    doc.build(story, canvasmaker=canvas_class(decor))
    return buf.getvalue()


class _SignatureBox(Flowable):  # type: ignore[misc]  # reportlab has no stubs
    """The frame and caption of the officer's signature field, drawn at the fixed place on
    the page where the story ends (the last page), below the text frame; takes no room."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.caption = caption

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(self, canvas: Canvas, _x: float, _y: float, _sW: float = 0) -> None:  # noqa: N802, N803 - reportlab's names
        x1, y1, x2, y2 = OFFICER_BOX
        canvas.saveState()
        canvas.setStrokeColor(GRID)
        canvas.setDash(2, 2)
        canvas.setLineWidth(0.5)
        canvas.setFont(register_cjk_font(), 8.5)
        canvas.rect(x1, y1, x2 - x1, y2 - y1)
        canvas.drawString(x1, y2 + 3 * mm, self.caption)
        canvas.restoreState()


__all__ = [
    "AnnouncementInput",
    "render_announcement",
    "sign_announcement",
    "signed_announcement",
]
