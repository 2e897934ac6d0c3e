"""A one-line table cell looks exactly as the Paragraph it replaces (judged by pdftoppm on the
rendered pages), and text that does not fit one line still wraps as a Paragraph."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Table, TableStyle

from export.line_cell import LineCell
from export.pdf_layout import data_paragraph, number_style, styles
from tests.export.conftest import run

CELLS = [
    "专家A",
    "18.25",
    "—",
    "Unit capability 依托单位基础与能力",
    "建议支持",
    "Concept logic",
    "(a01) 平台",
]
LONG = "依托单位具备开展平台建设所需的研究基础、人才队伍和算力资源，建设方案总体可行。" * 2


def _page(
    cell: Callable[[str, ParagraphStyle], Flowable], language: str, texts: list[str]
) -> bytes:
    """One table: each text in the body face, right-aligned, and in the heading face."""
    st = styles(language)
    rows = [
        [cell(t, st.cell), cell(t, number_style(st.cell)), cell(t, st.cell_bold)] for t in texts
    ]
    table = Table(rows, colWidths=[60 * mm, 40 * mm, 60 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "grey")]))
    buf = io.BytesIO()
    SimpleDocTemplate(buf, invariant=1).build([table])
    return buf.getvalue()


def _pixels(pdf: bytes, tmp_path: Path, name: str) -> bytes:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    run("pdftoppm", "-r", "150", "-gray", "-singlefile", path, tmp_path / name)
    return (tmp_path / f"{name}.pgm").read_bytes()


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_one_line_cells_render_exactly_as_paragraphs(language: str, tmp_path: Path) -> None:
    ours = _pixels(_page(LineCell, language, CELLS), tmp_path, "ours")
    theirs = _pixels(_page(data_paragraph, language, CELLS), tmp_path, "theirs")
    assert len(ours) > 100_000 and ours == theirs


def test_text_that_does_not_fit_wraps_as_a_paragraph(tmp_path: Path) -> None:
    st = styles("zh_CN")
    wide, narrow = LineCell("18.25", st.cell), LineCell(LONG, st.cell)
    assert wide.wrap(40 * mm, 100 * mm) == (40 * mm, st.cell.leading) and wide.is_one_line
    _, height = narrow.wrap(40 * mm, 200 * mm)
    assert not narrow.is_one_line and height >= 5 * st.cell.leading
    texts = [LONG, "第一行\n第二行", "two  spaces"]
    ours = _pixels(_page(LineCell, "zh_CN", texts), tmp_path, "ours")
    theirs = _pixels(_page(data_paragraph, "zh_CN", texts), tmp_path, "theirs")
    assert ours == theirs
