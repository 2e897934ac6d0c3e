"""The opinion report PDF: reproducible bytes, embedded fonts, literal applicant text, both
languages, anonymity, and the chair's regenerate-and-compare check (checked with poppler)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
from pathlib import Path

import pytest

from export.pades import prepare_for_signing
from export.report_pdf import matches_signed_results, render_report
from tests.export.conftest import run
from tests.export.report_fixtures import AT, EVIL, build_input


def _text(pdf: bytes, tmp_path: Path, first: int | None = None, last: int | None = None) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    return run("pdftotext", *pages, path, "-")


def _pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    line = next(x for x in run("pdfinfo", path).splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_equal_input_gives_equal_bytes_and_the_clock_changes_them(language: str) -> None:
    inp = build_input(language)
    first = render_report(inp)
    assert render_report(build_input(language)) == first
    later = dataclasses.replace(inp, generated_at=AT + dt.timedelta(minutes=1))
    assert render_report(later) != first


def test_fonts_are_embedded_subsets_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "r.pdf"
    path.write_bytes(render_report(build_input("zh_CN")))
    rows = run("pdffonts", path).splitlines()[2:]
    assert rows, "no fonts listed"
    faces = set()
    for row in rows:
        cols = row.split()
        faces.add(cols[0].split("+", 1)[1])
        assert cols[-5:-2] == ["yes", "yes", "yes"], row  # emb sub uni
    # The shipped faces only: Song body, Hei headings, the Latin serif of letters and digits.
    assert faces == {"UMingCN", "WenQuanYiMicroHei", "LiberationSerif"}


def test_chinese_report_text_is_extractable(tmp_path: Path) -> None:
    inp = build_input("zh_CN")
    text = _text(render_report(inp), tmp_path)
    assert "国家新一代人工智能开放创新平台综合评审会" in text.replace("\n", "")
    for app in inp.meeting.applications:
        assert app.applicant_unit.zh_CN in text.replace("\n", "")
    assert "综合评审意见报告" in text
    assert "专家组综合意见" in text


def test_english_report_is_in_english(tmp_path: Path) -> None:
    inp = build_input("en")
    text = " ".join(_text(render_report(inp), tmp_path).split())
    assert "Comprehensive examination opinion report" in text
    assert inp.meeting.applications[0].applicant_unit.en in text
    assert "综合评审意见报告" not in text


def test_every_page_has_numbers_document_id_and_results_hash(tmp_path: Path) -> None:
    inp = build_input("zh_CN")
    pdf = render_report(inp)
    total = _pages(pdf, tmp_path)
    for page in range(1, total + 1):
        text = _text(pdf, tmp_path, page, page)
        assert f"第 {page} 页，共 {total} 页" in text
        assert inp.document_id in text and inp.results_hash in text


def test_applicant_text_is_shown_literally_and_fetches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    text = " ".join(_text(render_report(build_input("en", evil=True)), tmp_path).split())
    assert '<img src="http://127.0.0.1:9/x.png"/>' in text
    assert "<b>bold</b> &" in text
    assert '=HYPERLINK("http://x")' in text
    assert attempts == []
    assert EVIL.split()[0] in text


def test_anonymised_report_names_nobody_next_to_a_score(tmp_path: Path) -> None:
    inp = build_input("zh_CN", anonymise=True)
    pdf = render_report(inp)
    total = _pages(pdf, tmp_path)
    inner = _text(pdf, tmp_path, 2, total - 1)  # not the cover nor the signature page
    assert "专家A" in inner
    for expert in inp.meeting.experts:
        assert expert.name.zh_CN not in inner, expert.name.zh_CN
    named = _text(render_report(build_input("zh_CN")), tmp_path, 2, total - 1)
    assert any(e.name.zh_CN in named for e in inp.meeting.experts)


def test_chair_regenerates_and_compares() -> None:
    inp = build_input("zh_CN")
    pdf = render_report(inp)
    assert matches_signed_results(pdf, inp)
    prepared = prepare_for_signing(pdf)
    assert prepare_for_signing(pdf) == prepared  # deterministic
    assert matches_signed_results(prepared, inp)
    # A report prepared from other numbers, or with other words, does not match.
    assert not matches_signed_results(render_report(build_input("zh_CN", seed=8)), inp)
    changed = dataclasses.replace(
        inp, opinions=(dataclasses.replace(inp.opinions[0], opinion="另一意见"), *inp.opinions[1:])
    )
    assert not matches_signed_results(render_report(changed), inp)
    # Content slipped into the field revision is caught too.
    assert not matches_signed_results(
        pdf + prepared[len(pdf) :].replace(b"ChairSig", b"ChairSih"), inp
    )


def test_a_rank_decided_below_the_printed_precision_is_explained(tmp_path: Path) -> None:
    """Ranks compare exact values: where the deciding totals print the same, the report
    says so and gives the exact values (docs/consolidation.md, section 7)."""
    from decimal import Decimal
    from fractions import Fraction

    inp = build_input("en")
    res = inp.result
    first, second = res.ranking[0], res.ranking[1]
    exact = {first.application_id: Fraction(6417, 80), second.application_id: Fraction(1925, 24)}

    def tied(app):  # type: ignore[no-untyped-def]
        if app.application_id not in exact or app.total is None:
            return app
        total = dataclasses.replace(
            app.total, exact=exact[app.application_id], presented=Decimal("80.21")
        )
        return dataclasses.replace(app, total=total)

    ranking = (dataclasses.replace(first, decided_by="total"), *res.ranking[1:])
    result = dataclasses.replace(
        res, applications=tuple(tied(a) for a in res.applications), ranking=ranking
    )
    text = _text(render_report(dataclasses.replace(inp, result=result)), tmp_path, 2, 3)
    flat = " ".join(text.split())
    assert "Rank 1 is above rank 2 on Total, whose values differ only below the printed" in flat
    assert "exactly 6417/80 against 1925/24" in flat
    plain = " ".join(_text(render_report(inp), tmp_path, 2, 3).split())
    assert "below the printed precision" not in plain


def test_a_rendered_report_is_freed_without_the_cyclic_collector() -> None:
    """Reference counting frees what rendering built, in the thread that rendered: reportlab
    leaves each drawn paragraph's text object bound to itself and its document template
    referring to itself, which made a 200x30 report 58,000 objects of cyclic garbage that
    only a collection on the window's GUI thread could free (a 100 ms pause)."""
    import gc

    inp = build_input("zh_CN")
    render_report(inp)  # fonts and caches that live on
    enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        render_report(inp)
        left = gc.collect()
    finally:
        if enabled:
            gc.enable()
    assert left < 50, f"{left} objects were left to the cyclic collector"
