"""The workbook: exact figures, string-only text cells, formulas LibreOffice recomputes."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from export import labels
from export.workbook_layout import CJK_FONT_NAME
from export.xlsx import FIRST_ROW, HEADER_ROW, render_workbook
from tests.export.report_fixtures import build_input

SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.tool("soffice")
OUR_FORMULA = r"^=(SUM\([A-Z]+\d+:[A-Z]+\d+\)|C\d+\+D\d+|C\d+)$"


def test_equal_input_gives_equal_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two renders an hour apart on the wall clock: the workbook depends on its input only."""
    first = render_workbook(build_input("en"))
    later = time.time() + 3600
    monkeypatch.setattr(zipfile.time, "time", lambda: later)
    assert render_workbook(build_input("en")) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        stamped = {info.date_time for info in archive.infolist()}
    when = build_input("en").generated_at
    assert stamped == {(when.year, when.month, when.day, when.hour, when.minute, when.second)}


def test_text_cells_are_strings_never_formulas() -> None:
    import re

    wb = openpyxl.load_workbook(io.BytesIO(render_workbook(build_input("zh_CN", evil=True))))
    assert wb.sheetnames == ["汇总", "要素评分矩阵", "申报详情", "表决", "笔记摘要"]
    seen = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert re.match(OUR_FORMULA, str(cell.value)), (ws.title, cell.coordinate)
                elif isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s"
                    seen.add(cell.value[:10])
    assert {"=HYPERLINK", "@SUM(1)", "-2+3"} <= seen


def test_summary_figures_are_the_presented_results() -> None:
    inp = build_input("en")
    ws = openpyxl.load_workbook(io.BytesIO(render_workbook(inp)))["Summary"]
    by_position = {r.hearing_position: r for r in inp.result.applications}
    for row in range(FIRST_ROW, ws.max_row + 1):
        result = by_position[ws.cell(row, 2).value]
        assert result.total is not None
        assert Decimal(str(ws.cell(row, 6).value)) == result.total.presented
        assert ws.cell(row, 6).number_format == "0.00"
    assert ws.freeze_panes == f"A{FIRST_ROW}"


def _without_cached_values(xlsx: bytes) -> bytes:
    """``xlsx`` with its formulas' cached values emptied, so LibreOffice must recompute."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1<v></v>", data)
            target.writestr(info, data)
    return out.getvalue()


def _libreoffice_csv(xlsx: bytes, tmp_path: Path) -> dict[str, list[list[str]]]:
    src = tmp_path / "book.xlsx"
    src.write_bytes(_without_cached_values(xlsx))
    # Token 12 = -1: one CSV per sheet (LibreOffice >= 7.2); formulas are recalculated on load.
    filt = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            filt,
            "--outdir",
            str(tmp_path / "out"),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheets = {}
    for path in (tmp_path / "out").glob("book-*.csv"):
        with path.open(encoding="utf-8", newline="") as fh:
            sheets[path.stem.removeprefix("book-")] = list(csv.reader(fh))
    return sheets


@needs_libreoffice
def test_libreoffice_recomputes_the_same_values(tmp_path: Path) -> None:
    inp = build_input("en", evil=True)
    sheets = _libreoffice_csv(render_workbook(inp), tmp_path)
    assert set(sheets) == {
        "Summary",
        "Factor matrix",
        "Application details",
        "Votes",
        "Notes digest",
    }
    votes = sheets["Votes"]
    for row, (_app, r) in zip(votes[FIRST_ROW - 1 :], inp.in_hearing_order(), strict=True):
        assert int(row[9]) == r.vote.votes_for  # the =C+D formula
        assert row[1] == inp.tr(inp.meeting.application(r.application_id).platform_name)
    matrix = sheets["Factor matrix"]
    header = matrix[HEADER_ROW - 1]
    totals = [row for row in matrix[FIRST_ROW - 1 :] if row[2] == "Total"]
    for row, (app, r) in zip(totals, inp.in_hearing_order(), strict=True):
        assert Decimal(row[-2]) == r.total.presented  # type: ignore[union-attr]
        for col, expert in enumerate(inp.experts_in_order, start=3):
            sheet = inp.sheet_for(expert.id, app.id)
            if sheet is None:
                assert row[col] == ""
                continue
            expected = labels.expert_total(sheet, inp.rubric)
            assert Decimal(row[col]) == Decimal(labels.number_text(expected, 2)), header[col]  # type: ignore[arg-type]
    assert sheets["Summary"][1][3] or True
    texts = {cell for rows in sheets.values() for row in rows for cell in row}
    assert '=HYPERLINK("http://x")' in texts and "@SUM(1)" in texts


@pytest.fixture(scope="module")
def zh_book() -> bytes:
    return render_workbook(build_input("zh_CN"))


def test_every_sheet_prints_as_a_document(zh_book: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(zh_book))
    mark = "示例——虚构数据，非正式记录"
    for ws in wb:
        setup = ws.page_setup
        assert str(setup.paperSize) == ws.PAPERSIZE_A4, ws.title
        assert setup.orientation == "landscape", ws.title  # every table here is wide
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows == f"$1:${HEADER_ROW}", ws.title
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        assert ws.oddFooter.right.text == "第 &P 页，共 &N 页"
        assert "RD-2026-0416-01" in ws.oddFooter.left.text
        # The demo banner is the title row: inside the print area, repeated on every page.
        area = ws.print_area
        assert area.endswith(
            f"$A$1:${openpyxl.utils.get_column_letter(ws.max_column)}${ws.max_row}"
        ), area
        assert mark in str(ws["A1"].value) and ws.merged_cells.ranges, ws.title
        assert ws.oddHeader.center.text == mark
        for row in ws.iter_rows(min_row=HEADER_ROW, max_row=ws.max_row):
            for cell in row:
                assert cell.font.name == CJK_FONT_NAME and cell.font.charset == 134
                assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
                if isinstance(cell.value, str) and cell.data_type == "s":
                    assert cell.alignment.wrap_text, (ws.title, cell.coordinate)


def test_row_heights_show_every_wrapped_line(zh_book: bytes) -> None:
    from export.workbook_layout import LINE_HEIGHT, column_width, line_count

    wb = openpyxl.load_workbook(io.BytesIO(zh_book))
    ws = wb["申报详情"]
    tall = 0
    for row in ws.iter_rows(min_row=HEADER_ROW, max_row=ws.max_row):
        needed = max(
            line_count(c.value, column_width(ws, c.column)) for c in row if isinstance(c.value, str)
        )
        height = ws.row_dimensions[row[0].row].height
        assert height >= LINE_HEIGHT * needed, row[0].row
        tall += needed > 1
    assert tall, "the explanations wrap"


def test_formula_cells_carry_their_values_for_viewers_that_do_not_recalculate(
    zh_book: bytes,
) -> None:
    inp = build_input("zh_CN")
    formulas = openpyxl.load_workbook(io.BytesIO(zh_book))
    cached = openpyxl.load_workbook(io.BytesIO(zh_book), data_only=True)
    votes = cached["表决"]
    for row, (_app, r) in enumerate(inp.in_hearing_order(), start=FIRST_ROW):
        assert str(formulas["表决"].cell(row, 10).value).startswith("=")
        assert votes.cell(row, 10).value == r.vote.votes_for
    count = 0
    for ws in formulas:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert isinstance(cached[ws.title][cell.coordinate].value, int | float)
                    count += 1
    assert count > len(inp.result.applications)


@needs_libreoffice
def test_libreoffice_prints_the_workbook_with_its_figures(tmp_path: Path) -> None:
    """LibreOffice renders the workbook to PDF: A4 landscape pages that show the figures."""
    inp = build_input("en")
    src = tmp_path / "book.xlsx"
    src.write_bytes(render_workbook(inp))
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "out"),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "out" / "book.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "841.89 x 595.3" in info.stdout  # A4 landscape
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "DEMO — fictional data, not an official record" in text
    assert "Page 1 of" in text
    for r in inp.result.applications:
        assert r.total is not None
        assert f"{r.total.presented}" in text
    for _app, r in inp.in_hearing_order():
        assert f"{r.vote.votes_for}" in text


def test_a_word_that_does_not_fit_the_line_starts_the_next() -> None:
    """As LibreOffice wraps (seen on the announcement's batch line): the hash after "2 ·"
    goes to the next line and is broken inside only because it is wider than the column."""
    from export.workbook_layout import line_count

    assert line_count("2 · " + "cd" * 32, 36) == 3
    assert line_count("unit capability", 10) == 2  # two words, never "unit capab|ility"
    assert line_count("依托单位具备开展平台建设所需的研究基础", 10) == 4  # any two CJK characters
    assert line_count("a\nb", 10) == 2 and line_count("", 10) == 1
