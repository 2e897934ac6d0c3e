"""Bilingual demo PDF attachments for the demo applications (reportlab, CJK font embedded).

The demo meeting's applications carry their form text; a real application also comes with
documents. These generated PDFs stand in for them so that a trainer sees a real attachment
open in the expert window. Every page is marked "DEMO / 示例" in its header: the documents
are fictional. All applicant text is escaped before it reaches reportlab's paragraph
markup (a ``<`` in a form would otherwise be read as a tag). Output is deterministic
(``invariant``), so rebuilding the demo gives the same bytes.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from app.domain.meeting import Application, FormSection
from app.i18n import LocalizedText

if TYPE_CHECKING:  # reportlab is imported when a demo file is drawn, not when this module loads
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table
from export.fonts import register_cjk_font

REPORT_NAME = "feasibility-report.pdf"
REPORT_TITLE = LocalizedText("Feasibility report", "可行性研究报告")
LETTER_NAME = "commitment-letter.pdf"
LETTER_TITLE = LocalizedText("Letter of commitment", "承诺函")
#: Form items whose figures the report's table repeats (funding, staff, the unit).
COMMITTED_KEYS = ("IV.1", "IV.2", "II.5")


def demo_attachments(application: Application) -> list[tuple[str, LocalizedText, bytes]]:
    """The demo attachments of ``application``: the feasibility report, and for about half
    of the applications a one-page letter of commitment as well (so counts differ)."""
    found = [(REPORT_NAME, REPORT_TITLE, feasibility_report(application))]
    if zlib.crc32(str(application.id).encode()) % 2 == 0:
        found.append((LETTER_NAME, LETTER_TITLE, commitment_letter(application)))
    return found


def feasibility_report(application: Application) -> bytes:
    """可行性研究报告 / Feasibility report: unit, platform, form sections, committed figures."""
    styles = _Styles()
    story: list[Flowable] = [
        styles.para("可行性研究报告", "title"),
        styles.para("Feasibility report", "subtitle"),
        _identity_table(application, styles),
    ]
    for part in application.form[:3]:
        story.append(styles.para(f"{part.key} {part.title.zh_CN} / {part.title.en}", "h1"))
        for section in part.sections:
            story.extend(_section(section, styles))
    story.append(styles.para("承诺的资金与人员 / Committed funding and staff", "h1"))
    story.append(_committed_table(application, styles))
    return _render(story, styles, "可行性研究报告 Feasibility report")


def commitment_letter(application: Application) -> bytes:
    """承诺函 / Letter of commitment: one page naming the unit, platform and commitments."""
    styles = _Styles()
    unit = application.applicant_unit
    platform = application.platform_name
    story: list[Flowable] = [
        styles.para("承诺函", "title"),
        styles.para("Letter of commitment", "subtitle"),
        styles.para(
            f"{unit.zh_CN}承诺按申报书所述投入资金与人员，建设并运营“{platform.zh_CN}”。",
            "body",
        ),
        styles.para(
            f"{unit.en} commits the funding and staff stated in its application to build "
            f"and operate the {platform.en}.",
            "en",
        ),
        _committed_table(application, styles),
        styles.para("（示例文件，无需盖章 / demo document, no seal）", "en"),
    ]
    return _render(story, styles, "承诺函 Letter of commitment")


# --- building blocks ------------------------------------------------------------------------


class _Styles:
    """Paragraph styles in the CJK font (``wordWrap='CJK'`` lets Chinese lines break)."""

    def __init__(self) -> None:
        from reportlab.lib.styles import ParagraphStyle

        self.font = register_cjk_font()
        base = ParagraphStyle("base", fontName=self.font, fontSize=10.5, leading=16, wordWrap="CJK")
        self.styles = {
            "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1),
            "subtitle": ParagraphStyle(
                "subtitle", parent=base, fontSize=13, leading=20, alignment=1, spaceAfter=12
            ),
            "h1": ParagraphStyle(
                "h1",
                parent=base,
                fontSize=13,
                leading=20,
                spaceBefore=10,
                keepWithNext=1,
                spaceAfter=4,
            ),
            "h2": ParagraphStyle("h2", parent=base, fontSize=11, leading=17, spaceBefore=6),
            "body": ParagraphStyle("body", parent=base, spaceAfter=2),
            "en": ParagraphStyle(
                "en", parent=base, fontSize=9, leading=13, spaceAfter=4, textColor="#444444"
            ),
            "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=13),
        }

    def para(self, text: str, style: str) -> Paragraph:
        """A paragraph of plain ``text`` (escaped: never read as markup); newlines break."""
        from reportlab.platypus import Paragraph

        return Paragraph(
            "<br/>".join(escape(line) for line in text.split("\n")), self.styles[style]
        )


def _section(section: FormSection, styles: _Styles) -> list[Flowable]:
    return [
        styles.para(f"{section.key} {section.title.zh_CN} / {section.title.en}", "h2"),
        styles.para(section.body.zh_CN, "body"),
        styles.para(section.body.en, "en"),
    ]


def _identity_table(application: Application, styles: _Styles) -> Table:
    rows = [
        ("申报单位 / Applicant unit", application.applicant_unit),
        ("平台名称 / Platform", application.platform_name),
        ("细分领域 / Sub-domain", application.sub_domain),
    ]
    data = [
        [styles.para(label, "cell"), styles.para(f"{text.zh_CN}\n{text.en}", "cell")]
        for label, text in rows
    ]
    return _table(data, styles, (45, 120), header=False)


def _committed_sections(application: Application) -> Sequence[FormSection]:
    sections = {s.key: s for part in application.form for s in part.sections}
    chosen = [sections[k] for k in COMMITTED_KEYS if k in sections]
    return chosen or [s for part in application.form[-1:] for s in part.sections]


def _committed_table(application: Application, styles: _Styles) -> Table:
    data = [[styles.para("项目 / Item", "cell"), styles.para("承诺内容 / Commitment", "cell")]]
    for section in _committed_sections(application):
        data.append(
            [
                styles.para(f"{section.key} {section.title.zh_CN}\n{section.title.en}", "cell"),
                styles.para(section.body.zh_CN, "cell"),
            ]
        )
    return _table(data, styles, (45, 120), header=True)


def _table(
    data: list[list[Paragraph]], styles: _Styles, widths_mm: tuple[int, int], header: bool
) -> Table:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    commands: list[tuple[object, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), styles.font),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")))
    table = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1 if header else 0)
    table.setStyle(TableStyle(commands))
    return table


def _render(story: list[Flowable], styles: _Styles, title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import SimpleDocTemplate

    def decorate(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(styles.font, 9)
        canvas.setFillColorRGB(0.75, 0.1, 0.1)
        canvas.drawString(20 * mm, A4[1] - 12 * mm, "DEMO / 示例 — 虚构材料 fictional material")
        canvas.setFillColorRGB(0.3, 0.3, 0.3)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"{doc.page}")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Expert Review Desk DEMO",
        invariant=1,
        initialFontName=styles.font,
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
