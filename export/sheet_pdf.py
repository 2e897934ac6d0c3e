"""One expert's score sheet for one application as a PDF, for the paper file of the meeting.

Same fonts, footer and escaping as the report; the sheet's own signature is the CMS signature
in the result bundle, so this PDF carries a wet-ink line only.
"""

from __future__ import annotations

import datetime as dt

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from app.domain.meeting import Expert, Meeting
from app.domain.rubric import Rubric
from app.domain.sheet import ScoreSheet
from app.i18n import LocalizedText, Msg
from export import labels
from export.pdf_layout import PageDecor, data_paragraph, styles
from export.report_pdf import CONTENT_WIDTH, DEMO_MARK, _table, build_pdf


def render_sheet(
    sheet: ScoreSheet,
    meeting: Meeting,
    rubric: Rubric,
    expert: Expert,
    language: str,
    *,
    generated_at: dt.datetime,
    document_id: str = "",
) -> bytes:
    """The sheet as a PDF in ``language``; equal arguments give equal bytes."""
    st = styles(language)

    def tr(m: Msg | LocalizedText) -> str:
        return m.in_language(language)

    def p(text: str, style: ParagraphStyle = st.cell) -> Paragraph:
        return data_paragraph(text, style)

    app = meeting.application(sheet.application_id)
    story: list[Flowable] = [
        p(tr(meeting.title), st.subtitle),
        p(tr(Msg.of("Expert score sheet")), st.h1),
    ]
    facts = [
        (Msg.of("Application"), f"{tr(app.platform_name)}\n{tr(app.applicant_unit)}"),
        (Msg.of("Expert"), f"{tr(expert.name)} · {tr(expert.title)} · {tr(expert.organisation)}"),
        (Msg.of("Role"), tr(labels.role_text(expert))),
        (Msg.of("Round and version"), f"{sheet.round} / v{sheet.version}"),
        (Msg.of("Status"), tr(Msg.of(sheet.status.label))),
        (
            Msg.of("Submitted"),
            labels.datetime_text(sheet.submitted_at, language) if sheet.submitted_at else "",
        ),
    ]
    rows = [[p(tr(k), st.cell_bold), p(v)] for k, v in facts]
    story += [_table(rows, [35 * mm, CONTENT_WIDTH - 35 * mm], header=False)]

    if rubric.criteria:
        story.append(p(tr(Msg.of("Basic criteria")), st.h2))
        rows = [
            [
                p(tr(m), st.cell_bold)
                for m in (Msg.of("Criterion"), Msg.of("Verdict"), Msg.of("Note"))
            ]
        ]
        for c in rubric.criteria:
            answer = sheet.answer_for(c.key)
            verdict = tr(Msg.of(answer.verdict.label)) if answer and answer.verdict else labels.DASH
            rows.append([p(tr(c.text)), p(verdict), p(answer.note if answer else "")])
        story.append(_table(rows, [80 * mm, 25 * mm, CONTENT_WIDTH - 105 * mm]))

    story.append(p(tr(Msg.of("Scores")), st.h2))
    rows = [
        [p(tr(m), st.cell_bold) for m in (Msg.of("Factor"), Msg.of("Score"), Msg.of("Comment"))]
    ]
    for f in rubric.factors:
        s = sheet.score_for(f.key)
        score = labels.score_text(s.score if s else None)
        rows.append(
            [
                p(tr(f.name)),
                p(f"{score} / {labels.score_text(f.max_points)}"),
                p(s.comment if s else ""),
            ]
        )
    total = labels.expert_total(sheet, rubric)
    rows.append(
        [
            p(tr(Msg.of("Total")), st.cell_bold),
            p(labels.DASH if total is None else labels.number_text(total, 2)),
            p(""),
        ]
    )
    story.append(_table(rows, [60 * mm, 25 * mm, CONTENT_WIDTH - 85 * mm]))

    story += [
        p(tr(Msg.of("Opinion")), st.h2),
        p(sheet.opinion, st.body),
        p(
            tr(
                Msg.of(
                    "Recommendation: {recommendation}",
                    recommendation=labels.recommendation_text(sheet.recommendation),
                )
            ),
            st.body,
        ),
    ]
    if sheet.conditions.strip():
        story += [p(tr(Msg.of("Conditions")), st.h2), p(sheet.conditions, st.body)]
    story += [
        Spacer(1, 14 * mm),
        p(
            tr(Msg.of("Signature of the expert"))
            + ": ______________________    "
            + tr(Msg.of("Date"))
            + ": ______________",
            st.body,
        ),
    ]
    footer = tr(
        Msg.of(
            "Sheet {sheet_id} · {document_id}",
            sheet_id=sheet.id,
            document_id=document_id or meeting.id,
        )
    )
    decor = PageDecor(
        footer_left=footer,
        page_text=lambda n, t: Msg.of("Page {page} of {pages}", page=n, pages=t).in_language(
            language
        ),
        watermark=DEMO_MARK if meeting.is_demo else None,
        created=generated_at,
        language=language,
    )
    return build_pdf(
        story, title=tr(meeting.title), subject=tr(Msg.of("Expert score sheet")), decor=decor
    )
