"""The official opinion report as a PDF: cover, ranking, one opinion per application, the
appendix of expert scores and the signature page.

The bytes are a pure function of the :class:`ReportInput` (reportlab's invariant mode, the
creation date taken from ``generated_at``), so the chair's machine can regenerate the report
from the signed results and compare it byte for byte before signing
(:func:`matches_signed_results`): the defence against a secretary's machine that prepares a
different document than the numbers say (shadow attacks, reliability note finding 7).
"""

from __future__ import annotations

import io
import json
from fractions import Fraction

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.consolidation.model import ApplicationResult, Figure, Standing
from app.consolidation.rule import FINAL_TIE_BREAK, fraction_text
from app.domain.ids import ExpertId
from app.domain.meeting import Application, Expert
from app.i18n import LocalizedText, Msg
from export import labels
from export.fonts import register_heading_font, register_song_font
from export.line_cell import LineCell
from export.pdf_layout import (
    FOOTER_Y,
    GRID,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    SIGNATURE_AREA_TOP,
    SIGNATURE_BOXES,
    TABLE_HEADER_FILL,
    PageDecor,
    Styles,
    canvas_class,
    data_paragraph,
    number_style,
    styles,
)
from export.report_model import ReportInput

CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
DEMO_MARK = "DEMO 示例"
RENDERING_MARK = "review-desk-report-rendering/1 "
"""The report's Keywords start with this, then the JSON of how it was rendered: a reader
(the ministry's ``export.bundle_checks``) renders the results again with it and compares."""


def render_report(inp: ReportInput) -> bytes:
    """The unsigned report; equal inputs give equal bytes."""
    st = styles(inp.language)
    story: list[Flowable] = [
        *_cover(inp, st),
        *_summary(inp, st),
        *_applications(inp, st),
        *_appendix(inp, st),
        *_signature_page(inp, st),
    ]
    return build_pdf(
        story,
        title=inp.tr(inp.meeting.title),
        subject=inp.tr(Msg.of("Comprehensive examination opinion report")),
        decor=_decor(inp),
        signature_labels=(
            inp.tr(Msg.of("Electronic signature of the chair")),
            inp.tr(Msg.of("Electronic signature of the secretary")),
        ),
        keywords=rendering_keywords(inp),
    )


def rendering_keywords(inp: ReportInput) -> str:
    """What the report's Keywords say about how it was rendered (and which results)."""
    return RENDERING_MARK + json.dumps(
        {
            "anonymise_experts": inp.anonymise_experts,
            "document_id": inp.document_id,
            "generated_at": inp.generated_at.isoformat(),
            "language": inp.language,
            "results_sha256": inp.results_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )


def matches_signed_results(pdf: bytes, inp: ReportInput) -> bool:
    """True when ``pdf`` is exactly what ``inp`` renders to, possibly prepared and signed.

    Accepted: the bare report; or the report plus the signature-field revision of
    :func:`export.pades.prepare_for_signing` (deterministic, so rebuilt and compared byte for
    byte) followed by anything else. What follows (the signatures) is judged by
    :mod:`export.pdf_policy`; this check proves the signed content was not prepared
    differently from the results.
    """
    expected = render_report(inp)
    if pdf == expected:
        return True
    from export.pades import prepare_for_signing

    return pdf.startswith(prepare_for_signing(expected))


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    subject: str,
    decor: PageDecor,
    signature_labels: tuple[str, str] | None = None,
    keywords: str = "",
) -> bytes:
    """Lay out ``story`` on A4 with our footer; a "signatures" template if labels are given."""
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=FOOTER_Y + 8 * mm,
        title=title,
        subject=subject,
        author="Expert Review Desk",
        creator="Expert Review Desk",
        producer="Expert Review Desk (reportlab)",
        keywords=keywords,
        invariant=1,
    )
    body = Frame(
        MARGIN, doc.bottomMargin, CONTENT_WIDTH, PAGE_HEIGHT - MARGIN - doc.bottomMargin, id="body"
    )
    templates = [PageTemplate("body", [body])]
    if signature_labels is not None:
        sig_frame = Frame(
            MARGIN, SIGNATURE_AREA_TOP, CONTENT_WIDTH, PAGE_HEIGHT - MARGIN - SIGNATURE_AREA_TOP
        )
        templates.append(
            PageTemplate(
                "signatures",
                [sig_frame],
                onPage=lambda c, _d: _signature_boxes(c, signature_labels),
            )
        )
    doc.addPageTemplates(templates)
    doc.build(story, canvasmaker=canvas_class(decor))
    # The template refers to itself (its namespace, its canvas and the canvas's document):
    # emptied, reference counting frees the whole document here, in the rendering thread,
    # instead of a cyclic collection on the window's GUI thread (see pdf_layout.drawText).
    vars(doc).clear()
    return buf.getvalue()


def _signature_boxes(canvas: Canvas, captions: tuple[str, str]) -> None:
    """Captions and frames for the boxes :mod:`export.pades` turns into signature fields."""
    canvas.saveState()
    canvas.setStrokeColor(GRID)
    canvas.setDash(2, 2)
    canvas.setLineWidth(0.5)
    canvas.setFont(register_heading_font(), 9)
    for caption, (x1, y1, x2, y2) in zip(captions, SIGNATURE_BOXES.values(), strict=True):
        canvas.rect(x1, y1, x2 - x1, y2 - y1)
        canvas.drawString(x1, y2 + 3 * mm, caption)
    canvas.restoreState()


def _decor(inp: ReportInput) -> PageDecor:
    footer = inp.tr(
        Msg.of(
            "Document {document_id} · results SHA-256 {results_hash}",
            document_id=inp.document_id,
            results_hash=inp.results_hash,
        )
    )
    lang = inp.language
    return PageDecor(
        footer_left=footer,
        page_text=lambda n, total: Msg.of(
            "Page {page} of {pages}", page=n, pages=total
        ).in_language(lang),
        watermark=DEMO_MARK if inp.is_demo else None,
        created=inp.generated_at,
        language=lang,
    )


# --- helpers ------------------------------------------------------------------------------


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of *data* text: always escaped."""
    return data_paragraph(text, style)


def _table(
    rows: list[list[Flowable | str]],
    widths: list[float],
    *,
    header: bool = True,
    zebra: bool = False,
) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), register_song_font()),  # never an unembedded Helvetica
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), TABLE_HEADER_FILL))
    table.setStyle(TableStyle(commands))
    return table


def _cells(inp: ReportInput, st: Styles, *values: str | Msg | LocalizedText) -> list[LineCell]:
    return [LineCell(v if isinstance(v, str) else inp.tr(v), st.cell) for v in values]


def _head(inp: ReportInput, st: Styles, *values: str | Msg | LocalizedText) -> list[LineCell]:
    return [LineCell(v if isinstance(v, str) else inp.tr(v), st.cell_bold) for v in values]


def _num(st: Styles, text: str) -> LineCell:
    """A figure in a table: right-aligned, so the digits of a column line up."""
    return LineCell(text, number_style(st.cell))


def _num_head(inp: ReportInput, st: Styles, value: Msg | LocalizedText) -> LineCell:
    """The head of a column of figures, right-aligned like them."""
    return LineCell(inp.tr(value), number_style(st.cell_bold))


# --- cover --------------------------------------------------------------------------------


def _cover(inp: ReportInput, st: Styles) -> list[Flowable]:
    m = inp.meeting
    out: list[Flowable] = [Spacer(1, 12 * mm)]
    if inp.is_demo:
        out.append(
            _p(
                inp.tr(Msg.of("DEMO — fictional data, not an official record")),
                st.banner,
            )
        )
    out += [
        _p(inp.tr(m.title), st.title),
        _p(inp.tr(Msg.of("Comprehensive examination opinion report")), st.subtitle),
        Spacer(1, 8 * mm),
    ]
    facts = [
        (Msg.of("Date"), labels.date_text(m.date, inp.language)),
        (Msg.of("Venue"), inp.tr(m.venue)),
        (Msg.of("Round"), str(inp.result.round)),
        (Msg.of("Rubric"), f"{inp.tr(inp.rubric.title)} (v{inp.rubric.version})"),
        (Msg.of("Consolidation rule"), inp.tr(labels.rule_summary(inp.rule))),
        (Msg.of("Document id"), inp.document_id),
        (Msg.of("Results SHA-256"), inp.results_hash),
        (Msg.of("Generated"), labels.datetime_text(inp.generated_at, inp.language)),
    ]
    rows: list[list[Flowable | str]] = [[*_head(inp, st, k), *_cells(inp, st, v)] for k, v in facts]
    out += [_table(rows, [35 * mm, CONTENT_WIDTH - 35 * mm], header=False), Spacer(1, 8 * mm)]
    out.append(_p(inp.tr(Msg.of("Panel of experts")), st.h2))
    rows = [
        [
            LineCell("#", number_style(st.cell_bold)),
            *_head(inp, st, Msg.of("Name"), Msg.of("Role"), Msg.of("Title"), Msg.of("Unit")),
        ]
    ]
    for i, e in enumerate(inp.experts_in_order, start=1):
        rows.append(
            [
                _num(st, str(i)),
                *_cells(inp, st, e.name, labels.role_text(e), e.title, e.organisation),
            ]
        )
    out += [
        _table(rows, [8 * mm, 30 * mm, 34 * mm, 26 * mm, CONTENT_WIDTH - 98 * mm]),
        PageBreak(),
    ]
    return out


# --- summary ------------------------------------------------------------------------------


def _summary(inp: ReportInput, st: Styles) -> list[Flowable]:
    res = inp.result
    out: list[Flowable] = [
        _p(inp.tr(Msg.of("Summary and ranking")), st.h1),
        _p(
            inp.tr(
                Msg.of(
                    "{heard} applications were examined; {ranked} were consolidated and ranked.",
                    heard=len(res.applications),
                    ranked=len(res.ranking),
                )
            ),
            st.body,
        ),
    ]
    rows: list[list[Flowable | str]] = [
        [
            _num_head(inp, st, Msg.of("Rank")),
            _num_head(inp, st, Msg.of("No.")),
            *_head(inp, st, Msg.of("Platform and applicant unit")),
            _num_head(inp, st, Msg.of("Total")),
            _num_head(inp, st, Msg.of("Votes for")),
            *_head(inp, st, Msg.of("Panel recommendation"), Msg.of("Flags")),
        ]
    ]
    ranked = [res.application(r.application_id) for r in res.ranking]
    rest = [a for a in res.applications if a.rank is None]
    for r in [*ranked, *rest]:
        app = inp.meeting.application(r.application_id)
        rows.append(_ranking_row(inp, st, app, r))
    widths = [11 * mm, 10 * mm, CONTENT_WIDTH - 114 * mm, 16 * mm, 18 * mm, 35 * mm, 24 * mm]
    out += [_table(rows, widths), *_below_precision(inp, st), PageBreak()]
    return out


def _below_precision(inp: ReportInput, st: Styles) -> list[Flowable]:
    """A note for each rank decided by a figure whose printed values are equal: ranks compare
    exact values, so the report says where the difference lies below the printed precision."""
    res = inp.result
    notes: list[Flowable] = []
    for entry, below in zip(res.ranking, res.ranking[1:], strict=False):
        key = entry.decided_by
        if key is None or key == FINAL_TIE_BREAK:
            continue
        upper = res.application(entry.application_id).figure(key)
        lower = res.application(below.application_id).figure(key)
        if upper.presented != lower.presented:
            continue
        message = Msg.of(
            "Rank {rank} is above rank {next} on {criterion}, whose values differ only below "
            "the printed precision (exactly {upper} against {lower}).",
            rank=entry.rank,
            next=below.rank,
            criterion=labels.subject_name(key, inp.rubric),
            upper=fraction_text(upper.exact),
            lower=fraction_text(lower.exact),
        )
        notes.append(_p(inp.tr(message), st.body))
    return notes


def _ranking_row(
    inp: ReportInput, st: Styles, app: Application, r: ApplicationResult
) -> list[Flowable | str]:
    opinion = inp.opinion_for(app.id)
    name = f"{inp.tr(app.platform_name)}\n{inp.tr(app.applicant_unit)}"
    total = labels.DASH if r.total is None else str(r.total.presented)
    if r.rank is None:
        total = f"{total}\n{inp.tr(labels.status_text(r))}"
    return [
        _num(st, str(r.rank) if r.rank is not None else labels.DASH),
        _num(st, str(r.hearing_position)),
        *_cells(inp, st, name),
        _num(st, total),
        _num(st, f"{r.vote.votes_for}/{r.vote.eligible}"),
        *_cells(
            inp,
            st,
            labels.recommendation_text(opinion.recommendation) if opinion else labels.DASH,
            _flag_list(inp, r) or labels.DASH,
        ),
    ]


def _flag_list(inp: ReportInput, r: ApplicationResult) -> str:
    return "、".join(inp.tr(labels.subject_name(f.subject, inp.rubric)) for f in r.flags)


# --- one opinion per application ------------------------------------------------------------


def _applications(inp: ReportInput, st: Styles) -> list[Flowable]:
    out: list[Flowable] = []
    for app, r in inp.in_hearing_order():
        out += _application(inp, st, app, r)
        out.append(PageBreak())
    return out


def _application(
    inp: ReportInput, st: Styles, app: Application, r: ApplicationResult
) -> list[Flowable]:
    out: list[Flowable] = [
        _p(f"{r.hearing_position}. {inp.tr(app.platform_name)}", st.h1),
    ]
    facts = [
        (Msg.of("Applicant unit"), inp.tr(app.applicant_unit)),
        (Msg.of("Sub-domain"), inp.tr(app.sub_domain)),
        (Msg.of("Status"), inp.tr(labels.status_text(r))),
        (Msg.of("Rank"), str(r.rank) if r.rank is not None else labels.DASH),
    ]
    if r.reason is not None:
        facts.append((Msg.of("Reason"), inp.figure_text(r.reason)))
    rows: list[list[Flowable | str]] = [[*_head(inp, st, k), *_cells(inp, st, v)] for k, v in facts]
    out.append(_table(rows, [30 * mm, CONTENT_WIDTH - 30 * mm], header=False))

    out.append(_p(inp.tr(Msg.of("Consolidated figures")), st.h2))
    rows = [
        [
            *_head(inp, st, Msg.of("Item")),
            _num_head(inp, st, Msg.of("Figure")),
            *_head(inp, st, Msg.of("How it was obtained")),
            _num_head(inp, st, Msg.of("Spread")),
        ]
    ]
    notes: list[str] = []
    for fig in r.figures:
        rows.append(_figure_row(inp, st, fig))
        if fig.note is not None and (text := inp.figure_text(fig.note)) not in notes:
            notes.append(text)
    widths = [38 * mm, 20 * mm, CONTENT_WIDTH - 80 * mm, 22 * mm]
    out.append(_table(rows, widths))
    out += [_p(n, st.small) for n in notes]

    out.append(_p(inp.tr(Msg.of("Vote on the recommendation")), st.h2))
    v = r.vote
    tally = inp.tr(
        Msg.of(
            "Recommend {recommend}; with conditions {conditions}; against {against}; "
            "no recommendation {none}; recused {recused}; absent {absent}.",
            recommend=v.recommend,
            conditions=v.with_conditions,
            against=v.against,
            none=v.no_recommendation,
            recused=v.recused,
            absent=v.absent,
        )
    )
    out += [_p(tally, st.body), _p(inp.figure_text(v.explanation), st.body)]

    if r.flags:
        out.append(_p(inp.tr(Msg.of("Dispersion flags")), st.h2))
        for f in r.flags:
            out.append(_p(inp.tr(_dispersion_note(inp, f)), st.body))

    out += _panel_opinion(inp, st, app)
    return out


def _dispersion_note(inp: ReportInput, fig: Figure) -> Msg:
    """Which figure is flagged and by how much: its range, its spread and the excess."""
    values = [i.value for i in fig.inputs if i.value is not None]
    limit = Fraction(fig.spread_limit or 0)
    decimals = inp.rule.decimals
    return Msg.of(
        "{subject} (consolidated {figure} of {maximum}): the experts' values range from "
        "{lowest} to {highest}, a spread of {spread} points, {excess} above the limit of "
        "{limit}.",
        subject=labels.subject_name(fig.subject, inp.rubric),
        figure=str(fig.presented),
        maximum=labels.score_text(labels.subject_max(fig.subject, inp.rubric)),
        lowest=labels.number_text(min(values), decimals) if values else labels.DASH,
        highest=labels.number_text(max(values), decimals) if values else labels.DASH,
        spread=labels.number_text(fig.spread, decimals),
        excess=labels.number_text(fig.spread - limit, decimals),
        limit=labels.score_text(fig.spread_limit),
    )


def _figure_row(inp: ReportInput, st: Styles, fig: Figure) -> list[Flowable | str]:
    maximum = labels.subject_max(fig.subject, inp.rubric)
    spread = labels.number_text(fig.spread, inp.rule.decimals)
    if fig.flagged:
        spread += "\n" + inp.tr(Msg.of("above limit"))
    return [
        *_cells(inp, st, labels.subject_name(fig.subject, inp.rubric)),
        _num(st, f"{fig.presented} / {labels.score_text(maximum)}"),
        *_cells(inp, st, inp.figure_text(fig.explanation)),
        _num(st, spread),
    ]


def _panel_opinion(inp: ReportInput, st: Styles, app: Application) -> list[Flowable]:
    out: list[Flowable] = [_p(inp.tr(Msg.of("Comprehensive opinion of the panel")), st.h2)]
    opinion = inp.opinion_for(app.id)
    if opinion is None:
        return [*out, _p(inp.tr(Msg.of("No panel opinion has been recorded.")), st.body)]
    out.append(_p(opinion.opinion, st.body))
    out.append(
        _p(
            inp.tr(
                Msg.of(
                    "Recommendation of the panel: {recommendation}",
                    recommendation=labels.recommendation_text(opinion.recommendation),
                )
            ),
            st.body,
        )
    )
    if opinion.minority_opinion.strip():
        out += [
            _p(inp.tr(Msg.of("Minority opinion")), st.h2),
            _p(opinion.minority_opinion, st.body),
        ]
    return out


# --- appendix -----------------------------------------------------------------------------


def _appendix(inp: ReportInput, st: Styles) -> list[Flowable]:
    out: list[Flowable] = [_p(inp.tr(Msg.of("Appendix: scores of the individual experts")), st.h1)]
    if inp.anonymise_experts:
        out.append(
            _p(inp.tr(Msg.of("Experts are shown by letter; the panel keeps the key.")), st.small)
        )
    factors = inp.rubric.factors
    fixed = 30 * mm + 16 * mm + 30 * mm
    fw = (CONTENT_WIDTH - fixed) / max(len(factors), 1)
    for app, r in inp.in_hearing_order():
        out.append(_p(f"{r.hearing_position}. {inp.tr(app.platform_name)}", st.h2))
        rows: list[list[Flowable | str]] = [
            [
                *_head(inp, st, Msg.of("Expert")),
                *(_num_head(inp, st, f.name) for f in factors),
                _num_head(inp, st, Msg.of("Total")),
                *_head(inp, st, Msg.of("Recommendation")),
            ]
        ]
        for participant in sorted(
            r.participants,
            key=lambda p: inp.experts_in_order.index(inp.meeting.expert(p.expert_id)),
        ):
            rows.append(_appendix_row(inp, st, participant.expert_id, app, participant.standing))
        out.append(_table(rows, [30 * mm, *([fw] * len(factors)), 16 * mm, 30 * mm]))
    return out


def _appendix_row(
    inp: ReportInput, st: Styles, expert_id: ExpertId, app: Application, standing: Standing
) -> list[Flowable | str]:
    label = inp.expert_label(expert_id)
    sheet = inp.sheet_for(expert_id, app.id) if standing is Standing.SUBMITTED else None
    if sheet is None:
        blank = [_num(st, labels.DASH) for _ in inp.rubric.factors]
        return [
            *_cells(inp, st, label),
            *blank,
            _num(st, labels.DASH),
            *_cells(inp, st, Msg.of(standing.label)),
        ]
    scores: list[Flowable | str] = []
    for f in inp.rubric.factors:
        s = sheet.score_for(f.key)
        scores.append(_num(st, labels.score_text(s.score if s else None)))
    total = labels.expert_total(sheet, inp.rubric)
    return [
        *_cells(inp, st, label),
        *scores,
        _num(st, labels.DASH if total is None else labels.number_text(total, inp.rule.decimals)),
        *_cells(inp, st, labels.recommendation_text(sheet.recommendation)),
    ]


# --- signature page -----------------------------------------------------------------------


def _signature_page(inp: ReportInput, st: Styles) -> list[Flowable]:
    out: list[Flowable] = [
        NextPageTemplate("signatures"),
        PageBreak(),
        _p(inp.tr(Msg.of("Signatures of the panel")), st.h1),
        _p(
            inp.tr(
                Msg.of(
                    "The members of the panel confirm the comprehensive opinions in this report "
                    "by signing below."
                )
            ),
            st.body,
        ),
        Spacer(1, 3 * mm),
    ]
    rows = [_head(inp, st, Msg.of("Role"), Msg.of("Name"), Msg.of("Signature"), Msg.of("Date"))]
    for e in inp.experts_in_order:
        rows.append(_signature_row(inp, st, e))
    table = Table(
        rows,
        colWidths=[40 * mm, 40 * mm, CONTENT_WIDTH - 110 * mm, 30 * mm],
        rowHeights=[None, *([11 * mm] * (len(rows) - 1))],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), register_song_font()),
                ("BACKGROUND", (0, 0), (-1, 0), TABLE_HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
                ("LINEBELOW", (2, 1), (3, -1), 0.6, GRID),
                ("VALIGN", (0, 1), (-1, -1), "BOTTOM"),
            ]
        )
    )
    out.append(table)
    return out


def _signature_row(inp: ReportInput, st: Styles, e: Expert) -> list[Paragraph]:
    return _cells(inp, st, labels.role_text(e), e.name, "", "")
