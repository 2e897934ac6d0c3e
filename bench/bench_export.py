"""Time the official outputs for a 200-application, 30-expert meeting against bare baselines.

    .venv/bin/python bench/bench_export.py [--applications 200] [--experts 30] [--repeat 3]

- ``render_report`` vs a bare reportlab document of the same volume (same font, the same
  number of tables, rows and paragraphs per application and in the appendix, no logic);
- ``render_workbook`` vs a bare openpyxl workbook writing the same number of cells;
- signing: ``prepare_for_signing`` and the two ``sign_pdf`` calls, and ``validate_report``.
Both sides of each ratio are measured in the same run, interleaved (min and median of
``--repeat``). Target: the report at most 1.2x the bare reportlab document.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

from app.formats.rubric_file import load_default_rubric
from export.report_model import ReportInput
from tests.export.report_fixtures import big_meeting, build_input


def big_input(apps: int, experts: int) -> ReportInput:
    rubric = load_default_rubric()
    meeting = big_meeting(rubric, apps, experts)
    return build_input("zh_CN", meeting=meeting, rubric=rubric)


def bare_report(inp: ReportInput) -> bytes:
    """The same flowables without the model: fixed strings, same font, same table shapes."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    from export.cjk_wrap import reportlab_line_breaking
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
    with reportlab_line_breaking():  # bare reportlab: its own CJK breaking, not ours
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


def measure(argv: list[str]) -> list[benchlib.Row]:
    parser = benchlib.parser(__doc__)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--experts", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    args = parser.parse_args(argv)
    if args.quick:
        args.applications, args.experts, args.repeat = 2, 3, 1
    size = f"{args.applications}x{args.experts}"
    t = time.perf_counter()
    inp = big_input(args.applications, args.experts)
    print(f"meeting {size}, input built in {time.perf_counter() - t:.1f} s")

    from export.report_pdf import render_report
    from export.xlsx import render_workbook

    pdf = render_report(inp)  # warm-up (fonts, imports); also the document signed below
    bare_report(inp)
    times = benchlib.interleaved(
        args.repeat, {"ours": lambda: render_report(inp), "bare": lambda: bare_report(inp)}
    )
    rows = [
        benchlib.ratio_row(
            "export",
            f"render_report ({size}, {len(pdf) // 1024} KiB)",
            times["ours"],
            times["bare"],
            "bare reportlab, same volume",
            scale=1,
            unit="s",
            max_ratio=1.2,
        )
    ]
    book = render_workbook(inp)
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(book))
    shape = [(ws.max_row, ws.max_column) for ws in wb]
    cells = sum(r * c for r, c in shape)
    times = benchlib.interleaved(
        args.repeat,
        {"ours": lambda: render_workbook(inp), "bare": lambda: bare_workbook(shape)},
    )
    rows.append(
        benchlib.ratio_row(
            "export",
            f"render_workbook ({size}, {cells} cells)",
            times["ours"],
            times["bare"],
            "bare openpyxl, same cells",
            scale=1,
            unit="s",
        )
    )

    from app.crypto.profile import Role
    from export.pades import prepare_for_signing, sign_pdf
    from export.pdf_policy import validate_report
    from tests.app.crypto.pki_fixtures import NOW, in_memory_identity

    ca = benchlib.bench_ca()
    chair = in_memory_identity(ca, Role.EXPERT, "周明远")
    sec = in_memory_identity(ca, Role.SECRETARY, "王秘书")
    when = NOW + dt.timedelta(days=1)
    stages: dict[str, list[float]] = {"prepare": [], "chair": [], "secretary": [], "validate": []}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        prepared = prepare_for_signing(pdf)
        t1 = time.perf_counter()
        one = sign_pdf(prepared, "ChairSig", chair, "chair", "Beijing", when)
        t2 = time.perf_counter()
        two = sign_pdf(one, "SecretarySig", sec, "secretary", "Beijing", when)
        t3 = time.perf_counter()
        result = validate_report(two, [ca.certificate])
        t4 = time.perf_counter()
        if not result.accepted:
            raise SystemExit(f"the signed report is refused: {result.problems}")
        for name, seconds in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            stages[name].append(seconds)
    for name, label in (
        ("prepare", "prepare_for_signing"),
        ("chair", "sign_pdf (chair)"),
        ("secretary", "sign_pdf (secretary)"),
        ("validate", "validate_report"),
    ):
        rows.append(benchlib.value_row("export", f"{label} ({size})", stages[name], "s"))
    return rows


if __name__ == "__main__":
    raise SystemExit(benchlib.main(measure))
