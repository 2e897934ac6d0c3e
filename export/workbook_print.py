"""Print setup for the ministry's workbooks: what a sheet looks like when it is printed.

A4 landscape, every column on one page width (as many pages down as it takes), the header
rows repeated on every printed page, the sheet's title in the page header and "Page N of M"
in the footer, so a printed register reads as a document without a spreadsheet.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app.i18n import Msg
from export.text import clean

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E5E7EB")
WRAP = Alignment(wrap_text=True, vertical="top")


def print_setup(ws: Worksheet, title: str, language: str, *, header_rows: int = 1) -> None:
    """Set ``ws`` up for printing (see the module docstring); ``title`` heads each page."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"1:{header_rows}"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddHeader.center.text = _escaped(clean(title))
    ws.oddFooter.center.text = Msg.of("Page {page} of {pages}", page="&P", pages="&N").in_language(
        language
    )
    ws.freeze_panes = ws.cell(header_rows + 1, 1)


def style_header(ws: Worksheet, row: int, widths: list[int]) -> None:
    """Bold, shaded, wrapped header cells in ``row`` and the columns' widths."""
    for col, width in enumerate(widths, start=1):
        cell = ws.cell(row, col)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        ws.column_dimensions[get_column_letter(col)].width = width


def _escaped(text: str) -> str:
    """``&`` starts a code in a header or footer; a literal one is written ``&&``."""
    return text.replace("&", "&&")
