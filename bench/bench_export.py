"""Time the official outputs for a 200-application, 30-expert meeting against bare baselines.

    .venv/bin/python bench/bench_export.py [APPLICATIONS] [EXPERTS]

- ``render_report`` vs a bare reportlab document of the same volume (same font, the same
  number of tables, rows and paragraphs per application and in the appendix, no logic);
- ``render_workbook`` vs a bare openpyxl workbook writing the same number of cells;
- signing: ``prepare_for_signing`` and the two ``sign_pdf`` calls, and ``validate_report``.
Both sides of each ratio are measured in the same run (best of 3).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.formats.rubric_file import load_default_rubric
from export.report_model import ReportInput
from tests.export.report_fixtures import big_meeting, build_input


def best(fn: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def big_input(apps: int, experts: int) -> ReportInput:
    rubric = load_default_rubric()
    meeting = big_meeting(rubric, apps, experts)
    return build_input("zh_CN", meeting=meeting, rubric=rubric)


def bare_report(inp: ReportInput) -> bytes:
    """The same flowables without the model: fixed strings, same font, same table shapes."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    from export.pdf_layout import styles

    st = styles("zh_CN")
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "grey")])
    text = "6 个评分去掉一个最高分（专家，20）和一个最低分（专家，5），取其余 4 个评分的平均值。"
    n_apps, n_experts = len(inp.meeting.applications), len(inp.meeting.experts)
    n_factors = len(inp.rubric.factors)

    def table(rows: int, cols: int, width: float) -> Table:
        t = Table(
            [[Paragraph("单元格 cell", st.cell)] * cols for _ in range(rows)],
            colWidths=[width / cols] * cols,
            repeatRows=1,
        )
        t.setStyle(grid)
        return t

    story: list[object] = [Paragraph("标题", st.title), table(9, 2, 170 * mm)]
    story += [table(n_experts + 1, 5, 170 * mm), PageBreak(), table(n_apps + 1, 7, 170 * mm)]
    for _ in range(n_apps):
        story += [PageBreak(), Paragraph("平台名称", st.h1), table(4, 2, 170 * mm)]
        story += [Paragraph("汇总得分", st.h2), table(n_factors + 2, 4, 170 * mm)]
        story += [Paragraph(text, st.body) for _ in range(6)]
    for _ in range(n_apps):
        story += [Paragraph("平台名称", st.h2), table(n_experts + 1, n_factors + 3, 170 * mm)]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, invariant=1).build(story)
    return buf.getvalue()


def bare_workbook(cells_per_sheet: list[tuple[int, int]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for index, (rows, cols) in enumerate(cells_per_sheet):
        ws = wb.create_sheet(f"S{index}")
        for r in range(1, rows + 1):
            for c in range(1, cols + 1):
                ws.cell(r, c, r * c if c % 2 else "text")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main() -> None:
    apps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    experts = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    t = time.perf_counter()
    inp = big_input(apps, experts)
    print(
        f"meeting {apps} applications × {experts} experts, input built in "
        f"{time.perf_counter() - t:.1f} s"
    )

    from export.report_pdf import render_report
    from export.xlsx import render_workbook

    ours, pdf = best(lambda: render_report(inp))
    bare, _ = best(lambda: bare_report(inp))
    assert isinstance(pdf, bytes)
    print(
        f"render_report   {ours:6.2f} s ({len(pdf) / 1024:.0f} KiB)   bare reportlab "
        f"{bare:6.2f} s   ratio {ours / bare:.2f}"
    )

    ours_x, book = best(lambda: render_workbook(inp))
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(book))  # type: ignore[arg-type]
    shape = [(ws.max_row, ws.max_column) for ws in wb]
    bare_x, _ = best(lambda: bare_workbook(shape))
    cells = sum(r * c for r, c in shape)
    print(
        f"render_workbook {ours_x:6.2f} s ({cells} cells)   bare openpyxl {bare_x:6.2f} s   "
        f"ratio {ours_x / bare_x:.2f}"
    )

    import tempfile

    from app.crypto import pki
    from app.crypto.profile import Role
    from export.pades import prepare_for_signing, sign_pdf
    from export.pdf_policy import validate_report
    from tests.app.crypto.pki_fixtures import NOW, in_memory_identity

    with tempfile.TemporaryDirectory() as d:
        pki.init_ca(Path(d) / "ca", "Bench CA", b"pw", NOW)
        ca = pki.load_ca(Path(d) / "ca", b"pw")
    chair = in_memory_identity(ca, Role.EXPERT, "周明远")
    sec = in_memory_identity(ca, Role.SECRETARY, "王秘书")
    when = NOW + dt.timedelta(days=1)
    t0 = time.perf_counter()
    prepared = prepare_for_signing(pdf)
    t1 = time.perf_counter()
    one = sign_pdf(prepared, "ChairSig", chair, "chair", "Beijing", when)
    t2 = time.perf_counter()
    two = sign_pdf(one, "SecretarySig", sec, "secretary", "Beijing", when)
    t3 = time.perf_counter()
    result = validate_report(two, [ca.certificate])
    t4 = time.perf_counter()
    assert result.accepted, result.problems
    print(
        f"prepare_for_signing {t1 - t0:.2f} s   sign chair {t2 - t1:.2f} s   "
        f"sign secretary {t3 - t2:.2f} s   validate_report {t4 - t3:.2f} s"
    )


if __name__ == "__main__":
    main()
