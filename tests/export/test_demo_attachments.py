"""Demo attachments: the CJK font is embedded, Chinese text extracts, markup is escaped."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

from app.demo.meeting import load_demo
from app.domain.meeting import FormPart, FormSection
from app.i18n import LocalizedText
from export.demo_attachments import demo_attachments, feasibility_report


def test_font_is_embedded_and_chinese_extracts(tmp_path: Path) -> None:
    meeting, _ = load_demo()
    application = meeting.applications[0]
    made = demo_attachments(application)
    assert made[0][0] == "feasibility-report.pdf" and made[0][2].startswith(b"%PDF-")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(made[0][2])
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = [line for line in fonts.stdout.splitlines()[2:] if line.strip()]
    assert rows and all("WenQuanYiMicroHei" in r and " yes yes " in r for r in rows), fonts.stdout
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert "可行性研究报告" in text.stdout and "示例" in text.stdout and "DEMO" in text.stdout
    assert application.applicant_unit.zh_CN in text.stdout
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert any(f"Pages:{' ' * n}{p}" in pages.stdout for n in range(1, 20) for p in (2, 3))


def test_markup_in_the_form_is_shown_as_text(tmp_path: Path) -> None:
    meeting, _ = load_demo()
    application = meeting.applications[1]
    hostile = LocalizedText("<b>bold</b> & <font name='x'>", "<b>粗体</b> & <para>")
    part = FormPart("I", application.form[0].title, (FormSection("I.1", hostile, hostile),))
    data = feasibility_report(replace(application, form=(part, *application.form[1:])))
    pdf = tmp_path / "h.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert "<b>粗体</b> & <para>" in text.stdout


def test_output_is_deterministic() -> None:
    meeting, _ = load_demo()
    application = meeting.applications[2]
    assert feasibility_report(application) == feasibility_report(application)
