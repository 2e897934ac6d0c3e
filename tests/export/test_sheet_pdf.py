"""The per-expert sheet PDF renders in both languages, reproducibly, with literal text."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from export.sheet_pdf import render_sheet
from tests.export.conftest import run
from tests.export.report_fixtures import AT, EVIL, build_input


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_sheet_pdf(language: str, tmp_path: Path) -> None:
    inp = build_input(language)
    sheet = dataclasses.replace(inp.sheets[0], opinion=EVIL, conditions="需补充数据合规说明")
    expert = inp.meeting.expert(sheet.expert_id)
    pdf = render_sheet(sheet, inp.meeting, inp.rubric, expert, language, generated_at=AT)
    again = render_sheet(sheet, inp.meeting, inp.rubric, expert, language, generated_at=AT)
    assert pdf == again
    path = tmp_path / "s.pdf"
    path.write_bytes(pdf)
    text = " ".join(run("pdftotext", path, "-").split())
    assert inp.tr(expert.name) in text
    assert '<img src="http://127.0.0.1:9/x.png"/>' in text
    app = inp.meeting.application(sheet.application_id)
    assert inp.tr(app.platform_name).replace(" ", "")[:8] in text.replace(" ", "")
