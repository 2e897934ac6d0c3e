"""The results workbook (openpyxl): summary and ranking, factor matrix, details, votes, notes.

Figures are the *presented* decimals of the results, written as numbers with the rule's
number format, so a spreadsheet shows exactly what the report shows. The few formulas (an
expert's total, votes for) are checks that LibreOffice recomputes to the same values.
Every applicant or expert string is forced to a string cell: text such as
``=HYPERLINK(...)`` or ``@SUM(1)`` must never become a formula (OWASP CSV injection, M12).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.consolidation.model import ApplicationResult, Standing
from app.consolidation.rule import TOTAL
from app.domain.ids import ApplicationId, ExpertId
from app.i18n import LocalizedText, Msg
from export import labels
from export.report_model import ReportInput
from export.text import clean
from export.workbook_file import saved_workbook, set_cached_value
from export.workbook_layout import SheetDress, dress

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E5E7EB")
_WRAP = Alignment(wrap_text=True, vertical="top")


HEADER_ROW = 2
"""Row 1 is the sheet's title (with the demo mark), row 2 the table's header."""
FIRST_ROW = HEADER_ROW + 1


def render_workbook(inp: ReportInput) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb.create_sheet(inp.tr(Msg.of("Summary"))[:31]), inp)
    _factor_matrix(wb.create_sheet(inp.tr(Msg.of("Factor matrix"))[:31]), inp)
    _details(wb.create_sheet(inp.tr(Msg.of("Application details"))[:31]), inp)
    _votes(wb.create_sheet(inp.tr(Msg.of("Votes"))[:31]), inp)
    if inp.notes:
        _notes(wb.create_sheet(inp.tr(Msg.of("Notes digest"))[:31]), inp)
    mark = inp.tr(Msg.of("DEMO — fictional data, not an official record")) if inp.is_demo else None
    for ws in wb.worksheets:
        dress(
            ws,
            SheetDress(
                language=inp.language,
                title=clean(f"{inp.tr(inp.meeting.title)} · {ws.title}"),
                footer_left=inp.tr(Msg.of("Document {document_id}", document_id=inp.document_id)),
                demo_mark=mark,
                header_row=HEADER_ROW,
            ),
        )
    if mark is not None:
        wb.properties.keywords = "DEMO 示例"
        wb.properties.subject = mark
    wb.properties.creator = "Expert Review Desk"
    wb.properties.title = clean(inp.tr(inp.meeting.title))
    wb.properties.created = inp.generated_at.replace(tzinfo=None)
    wb.properties.modified = inp.generated_at.replace(tzinfo=None)
    return saved_workbook(wb, inp.generated_at)


# --- cells ---------------------------------------------------------------------------------


def text_cell(ws: Worksheet, row: int, col: int, value: str) -> Cell:
    """A cell that holds ``value`` as a string, whatever it starts with."""
    cell = ws.cell(row, col)
    cell.value = clean(value)
    cell.data_type = "s"  # openpyxl would turn "=..." into a formula
    return cell


def number_cell(ws: Worksheet, row: int, col: int, value: Decimal | int, fmt: str) -> Cell:
    cell = ws.cell(row, col, value)
    cell.number_format = fmt
    return cell


def formula_cell(
    ws: Worksheet,
    row: int,
    col: int,
    formula: str,
    fmt: str,
    cached: Decimal | int | None = None,
) -> Cell:
    """A check formula built by us from cell references only (never from data), with the
    value it computes cached in the file (``cached``) for viewers that do not recalculate."""
    cell = ws.cell(row, col, formula)
    cell.number_format = fmt
    if cached is not None:
        set_cached_value(cell, cached)
    return cell


def _header(ws: Worksheet, inp: ReportInput, titles: Sequence[Msg | LocalizedText | str]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = text_cell(ws, HEADER_ROW, col, title if isinstance(title, str) else inp.tr(title))
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
    ws.freeze_panes = f"A{FIRST_ROW}"


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _decimal_format(decimals: int) -> str:
    return "0." + "0" * decimals if decimals else "0"


# --- sheets --------------------------------------------------------------------------------


def _summary(ws: Worksheet, inp: ReportInput) -> None:
    fmt = _decimal_format(inp.rule.decimals)
    factors = inp.rubric.factors
    _header(
        ws,
        inp,
        [
            Msg.of("Rank"),
            Msg.of("No."),
            Msg.of("Platform"),
            Msg.of("Applicant unit"),
            Msg.of("Status"),
            Msg.of("Total"),
            *(f.name for f in factors),
            Msg.of("Votes for"),
            Msg.of("Eligible"),
            Msg.of("Vote passed"),
            Msg.of("Panel recommendation"),
            Msg.of("Flags"),
        ],
    )
    ranked = [inp.result.application(r.application_id) for r in inp.result.ranking]
    rest = [a for a in inp.result.applications if a.rank is None]
    for row, r in enumerate([*ranked, *rest], start=FIRST_ROW):
        app = inp.meeting.application(r.application_id)
        if r.rank is not None:
            number_cell(ws, row, 1, r.rank, "0")
        number_cell(ws, row, 2, r.hearing_position, "0")
        text_cell(ws, row, 3, inp.tr(app.platform_name))
        text_cell(ws, row, 4, inp.tr(app.applicant_unit))
        text_cell(ws, row, 5, inp.tr(labels.status_text(r)))
        col = 6
        for subject in (TOTAL, *(f.key for f in factors)):
            fig = next((f for f in r.figures if f.subject == subject), None)
            if fig is not None:
                number_cell(ws, row, col, fig.presented, fmt)
            col += 1
        number_cell(ws, row, col, r.vote.votes_for, "0")
        number_cell(ws, row, col + 1, r.vote.eligible, "0")
        text_cell(ws, row, col + 2, inp.tr(Msg.of("yes") if r.vote.passed else Msg.of("no")))
        opinion = inp.opinion_for(app.id)
        text_cell(
            ws,
            row,
            col + 3,
            inp.tr(labels.recommendation_text(opinion.recommendation)) if opinion else "",
        )
        flags = ", ".join(inp.tr(labels.subject_name(f.subject, inp.rubric)) for f in r.flags)
        text_cell(ws, row, col + 4, flags)
    _widths(ws, [6, 6, 24, 22, 10, 9, *([9] * len(factors)), 8, 8, 8, 12, 14])
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(ws.max_column)}{ws.max_row}"


def _factor_matrix(ws: Worksheet, inp: ReportInput) -> None:
    """One row per application × factor (and total), one column per expert.

    The total row of each expert is a SUM formula over that expert's factor rows when every
    factor's weight equals its maximum (the default rubric); LibreOffice recomputes it.
    """
    experts = inp.experts_in_order
    fmt = _decimal_format(inp.rule.decimals)
    _header(
        ws,
        inp,
        [
            Msg.of("No."),
            Msg.of("Platform"),
            Msg.of("Item"),
            *(inp.expert_label(e.id) for e in experts),
            Msg.of("Figure"),
            Msg.of("Flag"),
        ],
    )
    ws.freeze_panes = f"D{FIRST_ROW}"
    plain_sum = all(f.weight == f.max_points for f in inp.rubric.factors)
    row = FIRST_ROW
    for app, r in inp.in_hearing_order():
        first = row
        standing = {p.expert_id: p.standing for p in r.participants}
        for factor in inp.rubric.factors:
            number_cell(ws, row, 1, r.hearing_position, "0")
            text_cell(ws, row, 2, inp.tr(app.platform_name))
            text_cell(ws, row, 3, inp.tr(factor.name))
            for col, e in enumerate(experts, start=4):
                sheet = inp.sheet_for(e.id, app.id)
                score = sheet.score_for(factor.key) if sheet else None
                if standing.get(e.id) is Standing.SUBMITTED and score and score.score is not None:
                    number_cell(ws, row, col, score.score, "0.0#")
                elif standing.get(e.id) is not Standing.SUBMITTED:
                    text_cell(ws, row, col, inp.tr(Msg.of(standing[e.id].label)))
            _figure(ws, row, 4 + len(experts), r, factor.key, fmt)
            row += 1
        number_cell(ws, row, 1, r.hearing_position, "0")
        text_cell(ws, row, 2, inp.tr(app.platform_name))
        text_cell(ws, row, 3, inp.tr(Msg.of("Total"))).font = _HEADER_FONT
        for col, e in enumerate(experts, start=4):
            if standing.get(e.id) is not Standing.SUBMITTED:
                continue
            letter = get_column_letter(col)
            if plain_sum:
                formula_cell(
                    ws,
                    row,
                    col,
                    f"=SUM({letter}{first}:{letter}{row - 1})",
                    "0.0#",
                    _score_sum(inp, e.id, app.id),
                )
            else:
                sheet = inp.sheet_for(e.id, app.id)
                total = labels.expert_total(sheet, inp.rubric) if sheet else None
                if total is not None:
                    number_cell(ws, row, col, Decimal(labels.number_text(total, 6)), fmt)
        _figure(ws, row, 4 + len(experts), r, TOTAL, fmt)
        row += 1
    _widths(ws, [6, 22, 16, *([9] * len(experts)), 9, 6])


def _score_sum(inp: ReportInput, expert_id: ExpertId, application_id: ApplicationId) -> Decimal:
    """What the total row's SUM formula gives: the sum of the expert's factor scores."""
    sheet = inp.sheet_for(expert_id, application_id)
    total = Decimal(0)
    for factor in inp.rubric.factors:
        score = sheet.score_for(factor.key) if sheet else None
        if score is not None and score.score is not None:
            total += score.score
    return total


def _figure(
    ws: Worksheet, row: int, col: int, r: ApplicationResult, subject: str, fmt: str
) -> None:
    fig = next((f for f in r.figures if f.subject == subject), None)
    if fig is not None:
        number_cell(ws, row, col, fig.presented, fmt)
        if fig.flagged:
            text_cell(ws, row, col + 1, "⚑")


def _details(ws: Worksheet, inp: ReportInput) -> None:
    _header(
        ws,
        inp,
        [
            Msg.of("No."),
            Msg.of("Platform"),
            Msg.of("Item"),
            Msg.of("Figure"),
            Msg.of("Maximum"),
            Msg.of("How it was obtained"),
            Msg.of("Spread"),
            Msg.of("Panel opinion"),
            Msg.of("Minority opinion"),
        ],
    )
    fmt = _decimal_format(inp.rule.decimals)
    row = FIRST_ROW
    for app, r in inp.in_hearing_order():
        opinion = inp.opinion_for(app.id)
        for index, fig in enumerate(r.figures):
            number_cell(ws, row, 1, r.hearing_position, "0")
            text_cell(ws, row, 2, inp.tr(app.platform_name))
            text_cell(ws, row, 3, inp.tr(labels.subject_name(fig.subject, inp.rubric)))
            number_cell(ws, row, 4, fig.presented, fmt)
            number_cell(ws, row, 5, labels.subject_max(fig.subject, inp.rubric), "0.##")
            text_cell(ws, row, 6, inp.figure_text(fig.explanation)).alignment = _WRAP
            spread = Decimal(labels.number_text(fig.spread, inp.rule.decimals))
            number_cell(ws, row, 7, spread, fmt)
            if index == 0 and opinion is not None:
                text_cell(ws, row, 8, opinion.opinion).alignment = _WRAP
                text_cell(ws, row, 9, opinion.minority_opinion).alignment = _WRAP
            row += 1
    _widths(ws, [6, 20, 14, 9, 8, 40, 8, 40, 28])


def _votes(ws: Worksheet, inp: ReportInput) -> None:
    """Votes per application; "votes for" is a formula over the tally, checked by LibreOffice."""
    _header(
        ws,
        inp,
        [
            Msg.of("No."),
            Msg.of("Platform"),
            Msg.of("Recommend"),
            Msg.of("With conditions"),
            Msg.of("Against"),
            Msg.of("No recommendation"),
            Msg.of("Recused"),
            Msg.of("Absent"),
            Msg.of("Eligible"),
            Msg.of("Votes for"),
            Msg.of("Needed"),
            Msg.of("Vote passed"),
        ],
    )
    for row, (app, r) in enumerate(inp.in_hearing_order(), start=FIRST_ROW):
        v = r.vote
        number_cell(ws, row, 1, r.hearing_position, "0")
        text_cell(ws, row, 2, inp.tr(app.platform_name))
        for col, value in enumerate(
            (v.recommend, v.with_conditions, v.against, v.no_recommendation, v.recused, v.absent),
            start=3,
        ):
            number_cell(ws, row, col, value, "0")
        number_cell(ws, row, 9, v.eligible, "0")
        if inp.rule.conditions_count_for:
            formula_cell(ws, row, 10, f"=C{row}+D{row}", "0", v.recommend + v.with_conditions)
        else:
            formula_cell(ws, row, 10, f"=C{row}", "0", v.recommend)
        number_cell(ws, row, 11, v.needed, "0")
        text_cell(ws, row, 12, inp.tr(Msg.of("yes") if v.passed else Msg.of("no")))
    _widths(ws, [6, 28, *([9] * 10)])


def _notes(ws: Worksheet, inp: ReportInput) -> None:
    _header(
        ws,
        inp,
        [Msg.of("No."), Msg.of("Platform"), Msg.of("Expert"), Msg.of("Time"), Msg.of("Note")],
    )
    positions = {r.application_id: r.hearing_position for r in inp.result.applications}
    notes = sorted(inp.notes, key=lambda n: (positions.get(n.application_id, 0), n.created_at))
    for row, note in enumerate(notes, start=FIRST_ROW):
        app = inp.meeting.application(note.application_id)
        number_cell(ws, row, 1, positions.get(note.application_id, 0), "0")
        text_cell(ws, row, 2, inp.tr(app.platform_name))
        text_cell(ws, row, 3, inp.expert_label(note.expert_id))
        text_cell(ws, row, 4, labels.datetime_text(note.created_at, inp.language))
        text_cell(ws, row, 5, note.text).alignment = _WRAP
    _widths(ws, [6, 24, 12, 18, 60])
