"""The report reads as an official document (issue 14): Song body and Hei headings, dates in
Chinese form in Beijing time, Chinese line breaking, headings kept with their text, figures
right-aligned, one term for the chair, dispersion notes with the figures, stamps in the
report's language."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path

import pytest
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from export.cjk_wrap import CANNOT_END, CANNOT_START
from export.fonts import FONT_NAME, SONG_FONT, SONG_FONT_NAME
from export.labels import date_text, datetime_text
from export.pdf_layout import (
    FOOTER_Y,
    MARGIN,
    PAGE_HEIGHT,
    PageDecor,
    data_paragraph,
    number_style,
    styles,
)
from export.report_pdf import build_pdf, render_report
from tests.export.conftest import Signers, run
from tests.export.report_fixtures import build_input


@pytest.fixture(scope="module")
def zh_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("official") / "zh.pdf"
    path.write_bytes(render_report(build_input("zh_CN")))
    return path


def test_body_is_set_in_the_song_face_and_headings_in_the_heavier_hei(zh_pdf: Path) -> None:
    st = styles("zh_CN")
    assert {st.body.fontName, st.cell.fontName, st.small.fontName} == {SONG_FONT_NAME}
    assert {st.title.fontName, st.h1.fontName, st.h2.fontName, st.cell_bold.fontName} == {FONT_NAME}
    # An application's page: its opinion and figures are text, and they are in UMing.
    page = run("pdffonts", "-f", "3", "-l", "3", zh_pdf)
    assert re.search(r"^[A-Z]{6}\+UMingCN\s+TrueType\s", page, re.M), page
    assert SONG_FONT.is_file() and (SONG_FONT.parent / "ARPHICPL.TXT").is_file()


def test_dates_are_in_chinese_form_and_beijing_time(zh_pdf: Path, tmp_path: Path) -> None:
    cover = run("pdftotext", "-f", "1", "-l", "1", zh_pdf, "-")
    assert "2026年4月16日" in cover  # the meeting's date
    assert "2026年4月17日 01:30（北京时间）" in cover  # 17:30 UTC the day before
    assert "2026-04-16" not in cover
    en = tmp_path / "en.pdf"
    en.write_bytes(render_report(build_input("en")))
    cover = " ".join(run("pdftotext", "-f", "1", "-l", "1", en, "-").split())
    assert "16 April 2026" in cover and "17 April 2026, 01:30 (Beijing time, UTC+8)" in cover


def test_date_forms() -> None:
    assert date_text(dt.date(2026, 1, 5), "zh_CN") == "2026年1月5日"
    assert date_text(dt.date(2026, 1, 5), "en") == "5 January 2026"
    moment = dt.datetime(2026, 12, 31, 20, 5, tzinfo=dt.UTC)
    assert datetime_text(moment, "zh_CN") == "2027年1月1日 04:05（北京时间）"


def _lines(paragraph: Paragraph) -> list[str]:
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 0:  # one fragment: (extra space, [text]) per line
        return ["".join(words) for _space, words in lines]
    return ["".join(w.text for w in line.words) for line in lines]


CRAFTED = (
    "6 个评分去掉一个最高分（乌兰，60）和一个最低分（韩雪，53.5），取其余 4 个评分的平均值。"
    "专家组认为：该平台定位清晰、方案可行；“开放共享”机制需进一步细化！是否通过？"
    "《建设方案》【附件】第 RD-2026-0416-01 号……详见附录——完。"
)


@pytest.mark.parametrize("mixed", [True, False], ids=["several-fragments", "one-fragment"])
def test_no_line_starts_with_closing_punctuation_or_ends_with_an_opening_one(
    mixed: bool,
) -> None:
    """Both reportlab paths (several fragments: Latin runs in another face; one fragment) at
    every width from 9 to 40 characters of 10 points."""
    style = styles("zh_CN").body
    for chars in range(9, 41):
        width = chars * 10.0
        para = data_paragraph(CRAFTED, style) if mixed else Paragraph(CRAFTED, style)
        para.wrap(width, 10_000)
        lines = _lines(para)
        assert "".join(lines).replace(" ", "") == CRAFTED.replace(" ", ""), chars
        for line in lines[1:]:
            assert line and line[0] not in CANNOT_START, (chars, lines)
        for line in lines[:-1]:
            assert line and line[-1] not in CANNOT_END, (chars, lines)


def test_no_line_of_the_chinese_report_starts_with_closing_punctuation(zh_pdf: Path) -> None:
    text = run("pdftotext", zh_pdf, "-")
    starts = [line for line in text.splitlines() if line and line[0] in "，。、；：？！）」』》】"]
    assert not starts


def test_a_heading_is_never_left_at_the_foot_of_a_page(tmp_path: Path) -> None:
    st = styles("zh_CN")
    for room in (14.0, 30.0, 45.0):  # what is left on page 1 for the heading (points)
        story = [
            Spacer(1, PAGE_HEIGHT - MARGIN - (FOOTER_Y + 8 * mm) - room),
            Paragraph("第二节 标题", st.h2),
            data_paragraph("正文第一段。" * 30, st.body),
        ]
        decor = PageDecor("foot", lambda n, t: f"{n}/{t}", None, dt.datetime.now(dt.UTC))
        path = tmp_path / f"keep-{room}.pdf"
        path.write_bytes(build_pdf(story, title="t", subject="s", decor=decor))
        first = run("pdftotext", "-f", "1", "-l", "1", path, "-")
        second = run("pdftotext", "-f", "2", "-l", "2", path, "-")
        assert "第二节" not in first and "第二节" in second, room


def test_figures_are_right_aligned(zh_pdf: Path) -> None:
    assert number_style(styles("zh_CN").cell).alignment == TA_RIGHT
    # The ranking's totals end at one x: pdftotext's word boxes on page 2.
    boxes = run("pdftotext", "-f", "2", "-l", "2", "-bbox", zh_pdf, "-")
    totals = {r.total.presented for r in build_input("zh_CN").result.applications if r.total}
    ends = {
        round(float(m.group(1)))
        for m in re.finditer(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]+)<', boxes
        )
        if m.group(2) in {str(t) for t in totals}
    }
    assert len(ends) == 1, ends


def test_one_term_for_the_chair_in_chinese() -> None:
    from babel.messages.pofile import read_po

    from app.paths import LOCALE

    with (LOCALE / "zh_CN" / "LC_MESSAGES" / "review_desk.po").open("rb") as fh:
        catalog = read_po(fh)
    wrong = []
    for message in catalog:
        source = " ".join(message.id) if isinstance(message.id, tuple) else message.id
        target = " ".join(message.string) if isinstance(message.string, tuple) else message.string
        if re.search(r"\bchair", str(source), re.I) and re.search(
            "主持|主席|评审组组长", str(target)
        ):
            wrong.append((source, target))
    assert not wrong


def test_dispersion_note_names_the_figure_and_by_how_much(zh_pdf: Path) -> None:
    inp = build_input("zh_CN")
    flagged = [(r, f) for r in inp.result.applications for f in r.flags]
    assert flagged
    text = "".join(run("pdftotext", zh_pdf, "-").split())
    for _r, fig in flagged:
        assert fig.spread_limit is not None
        excess = fig.spread - Fraction(fig.spread_limit)
        spread = f"{float(fig.spread):.2f}"
        assert f"极差{spread}分，超出限值{fig.spread_limit}分{float(excess):.2f}分" in text


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [("zh_CN", "专家组组长", "Chair"), ("en", "Chair of the panel", "组长")],
)
def test_signature_stamps_speak_the_report_language(
    signers: Signers, tmp_path: Path, language: str, expected: str, absent: str
) -> None:
    from export.pades import CHAIR_FIELD, report_language, stamp_pdf

    report = render_report(build_input(language))
    assert report_language(report) == language
    stamp = tmp_path / "stamp.pdf"
    when = dt.datetime(2026, 4, 16, 9, 0, tzinfo=dt.UTC)
    stamp.write_bytes(stamp_pdf(signers.chair, CHAIR_FIELD, when, (240.0, 90.0), language=language))
    text = run("pdftotext", stamp, "-")
    assert expected in text and absent not in text
    assert ("2026年4月16日 17:00" if language == "zh_CN" else "16 April 2026, 17:00") in text
