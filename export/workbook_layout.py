"""What makes a worksheet a printable document: title row, fonts, borders, wrapped text with
row heights that show every line, and the print setup (A4, landscape when wide, fit to width,
the title and header rows repeated, page numbers in the footer).

Shared by every workbook we write. The font is named so that both spreadsheet programs find a
Song face: "SimSun" (宋体) with the GB2312 character set, the face Chinese Excel uses, which
Windows and Office for Mac have, and which LibreOffice's font substitution table lists as a
simplified-Chinese font and fontconfig aliases to the installed Song/Ming face (AR PL UMing,
Noto Serif CJK SC, …). English workbooks use "Times New Roman", which LibreOffice maps to the
metric-equal Liberation Serif; Chinese names in them fall back glyph by glyph.
"""

from __future__ import annotations

import copy
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from app.i18n import Msg
from export.text import clean

CJK_FONT_NAME: Final = "SimSun"
"""宋体: see the module's note on why this name."""
CJK_CHARSET: Final = 134
"""GB2312, as Chinese Excel writes it beside 宋体."""
LATIN_FONT_NAME: Final = "Times New Roman"
FONT_SIZE: Final = 10.0
LINE_HEIGHT: Final = 13.5
"""Points per line of 10-point text (Excel's row height for one line of it)."""
DEFAULT_WIDTH: Final = 8.43
WIDE: Final = 110.0
"""A sheet whose columns add up to more character widths than this prints landscape."""

_THIN: Final = Side(style="thin", color="9CA3AF")
BORDER: Final = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL: Final = PatternFill("solid", fgColor="E5E7EB")
DEMO_COLOR: Final = "B91C1C"


@dataclass(frozen=True)
class SheetDress:
    """How one sheet is dressed; the table's header is row ``header_row``."""

    language: str
    title: str
    """The title row's text (the meeting and the sheet)."""
    footer_left: str
    """The document's id, printed at the left of every page's foot."""
    demo_mark: str | None = None
    header_row: int = 2
    last_table_row: int | None = None
    """Rows below it (notes under the table) get the font and wrapping, no grid or fill;
    ``None``: the table runs to the sheet's last row."""


def font_for(
    language: str, *, bold: bool = False, color: str | None = None, size: float = FONT_SIZE
) -> Font:
    """The cell font of a workbook in ``language``."""
    if language == "zh_CN":
        return Font(
            name=CJK_FONT_NAME, charset=CJK_CHARSET, family=3, size=size, bold=bold, color=color
        )
    return Font(name=LATIN_FONT_NAME, family=1, size=size, bold=bold, color=color)


def text_width(text: str) -> float:
    """``text``'s width in column units: about 1.8 per CJK character at 10 points, 0.9 per other."""
    return float(sum(1.8 if unicodedata.east_asian_width(c) in "WF" else 0.9 for c in text))


_BREAK_UNITS: Final = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]\s*|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\s+"
)
"""What a spreadsheet moves to the next line whole: a CJK character, or a run of other
characters up to and with the spaces after it (a word)."""


_EPSILON: Final = 1e-9
"""Ten letters at 0.9 fill nine units exactly, however the floats add up."""


def line_count(text: str, column_width: float) -> int:
    """How many lines ``text`` wraps to in a column ``column_width`` units wide.

    As a spreadsheet wraps: a word that does not fit the rest of a line starts the next one,
    and only a word longer than the whole line (a hash) is broken inside.
    """
    room = max(column_width - 1.0, 1.0)
    total = 0
    for part in text.split("\n"):
        lines, used = 1, 0.0
        for unit in _BREAK_UNITS.findall(part):
            width = text_width(unit.rstrip())
            if used and used + width > room + _EPSILON:
                lines, used = lines + 1, 0.0
            if width > room + _EPSILON:
                extra = math.ceil(width / room - _EPSILON) - 1
                lines, used = lines + extra, width - extra * room
            else:
                used += text_width(unit)
        total += lines
    return total


def column_width(ws: Any, col: int) -> float:
    width = ws.column_dimensions[get_column_letter(col)].width
    return float(width) if width else DEFAULT_WIDTH


def _header_footer_text(text: str) -> str:
    """``text`` for a header or footer, where "&" starts a code."""
    return text.replace("&", "&&")


def page_footer(language: str) -> str:
    """Page X of Y in the header/footer codes (&P, &N)."""
    return Msg.of("Page {page} of {pages}", page="&P", pages="&N").in_language(language)


def dress(ws: Any, how: SheetDress) -> None:
    """Title row, fonts, borders, wrapping, row heights and print setup of ``ws``.

    Call it once the table (header in ``how.header_row``, data below) is complete.
    """
    last_col = max(ws.max_column, 1)
    last_row = max(ws.max_row, how.header_row)
    table_end = last_row if how.last_table_row is None else how.last_table_row
    letter = get_column_letter(last_col)
    # The title row, across the table: inside the print area and repeated on every page.
    title = ws.cell(1, 1)
    title.value = f"{how.demo_mark}  {how.title}" if how.demo_mark else how.title
    title.data_type = "s"
    color = DEMO_COLOR if how.demo_mark else None
    title.font = font_for(how.language, bold=True, color=color, size=13)
    title.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    if last_col > 1:
        ws.merge_cells(f"A1:{letter}1")
    total_width = sum(column_width(ws, c) for c in range(1, last_col + 1))
    ws.row_dimensions[1].height = 20.0 * line_count(str(title.value), total_width)

    # Equal styles before give equal styles after: dress the first cell of each kind, copy its
    # style array to the others (assigning openpyxl style objects cell by cell is slow).
    dressed: dict[tuple[object, ...], Any] = {}
    for row in ws.iter_rows(min_row=how.header_row, max_row=last_row, max_col=last_col):
        lines = 1
        for cell in row:
            is_text = cell.data_type == "s" and isinstance(cell.value, str)
            if is_text:
                lines = max(lines, line_count(cell.value, column_width(ws, cell.column)))
            before = tuple(cell._style) if cell._style is not None else ()
            in_table = cell.row <= table_end
            key = (before, is_text, cell.row == how.header_row, in_table)
            known = dressed.get(key)
            if known is not None:
                cell._style = copy.copy(known)
                continue
            old = cell.font
            cell.font = font_for(how.language, bold=bool(old.b), color=_rgb(old.color))
            if in_table:
                cell.border = BORDER
            if cell.row == how.header_row:
                cell.fill = HEADER_FILL
            if is_text:
                horizontal = cell.alignment.horizontal if cell.alignment else None
                cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal=horizontal)
            else:
                cell.alignment = Alignment(vertical="top", horizontal="right", indent=1)
            dressed[key] = copy.copy(cell._style)
        ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines + 3.0

    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape" if total_width > WIDE else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.7, bottom=0.7, header=0.3, footer=0.3)
    ws.print_title_rows = f"1:{how.header_row}"
    ws.freeze_panes = ws.cell(how.header_row + 1, 1)
    ws.print_area = f"A1:{letter}{last_row}"
    face = CJK_FONT_NAME if how.language == "zh_CN" else LATIN_FONT_NAME
    for part, text in (
        (ws.oddFooter.left, _header_footer_text(how.footer_left)),
        (ws.oddFooter.right, page_footer(how.language)),
    ):
        part.text = text
        part.font = face
        part.size = 8
    if how.demo_mark:
        ws.oddHeader.center.text = _header_footer_text(how.demo_mark)
        ws.oddHeader.center.font = f"{face},Bold"
        ws.oddHeader.center.color = DEMO_COLOR


def _rgb(color: Any) -> str | None:
    rgb = getattr(color, "rgb", None)
    return rgb if isinstance(rgb, str) else None


def put_header(ws: Any, row: int, headers: Sequence[str]) -> None:
    """A table's header row from column A, in bold (:func:`dress` shades it)."""
    put_row(ws, row, headers)
    for col in range(1, len(headers) + 1):
        ws.cell(row, col).font = Font(bold=True)


def put_row(ws: Any, row: int, values: Sequence[str | int | None]) -> None:
    """One row of a table from column A: integers as numbers, every text as a string cell
    (``=HYPERLINK(…)`` from an applicant stays text, threat M12), ``None`` left empty."""
    for col, value in enumerate(values, start=1):
        if isinstance(value, int):
            ws.cell(row, col, value)
        elif value is not None:
            cell = ws.cell(row, col)
            cell.value = clean(value)
            cell.data_type = "s"


def set_widths(ws: Any, widths: Sequence[float]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
