"""The announcement (a PAdES-signed public notice and its workbook) and the ministry's
internal register: poppler accepts the signature and reads the list and the issuer, in
Chinese and English; the workbooks open, hold the list and are set up for printing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.crypto.identity import Identity
from app.crypto.profile import Role
from app.domain.signed import SignedDocument
from app.i18n import LocalizedText
from app.ministry.deciding import DecisionState
from app.ministry.decisions import (
    BatchEntry,
    BatchRecord,
    Decision,
    DecisionRecord,
    DecisionSubject,
    RecordedBatch,
    RecordedDecision,
)
from app.ministry.model import ApplicationRow
from export.announcement_pdf import (
    AnnouncementInput,
    render_announcement,
    signed_announcement,
)
from export.announcement_xlsx import render_announcement_workbook
from export.labels import date_text
from export.ministry_register_xlsx import RegisterInput, render_register
from tests.app.crypto.pki_fixtures import in_memory_identity
from tests.export.conftest import SIGNED_AT, Signers, run

ISSUER_ZH = "中华人民共和国科学技术部"
ISSUER_EN = "Ministry of Science and Technology"
FORMULA = '=HYPERLINK("http://127.0.0.1/","x")'


def _subject(n: int, unit: str | None = None) -> DecisionSubject:
    return DecisionSubject(
        meeting_id="m-2026-ai-01",
        meeting_title=LocalizedText("AI platforms 2026", "2026 人工智能平台"),
        meeting_date="2026-03-01",
        bundle_version=1,
        bundle_sha256="ab" * 32,
        application_id=f"a{n}",
        hearing_position=n,
        applicant_unit=LocalizedText(unit or f"Unit {n} Ltd.", unit or f"第{n}单位有限公司"),
        platform_name=LocalizedText(f"Platform {n} for imaging", f"医学影像平台{n}"),
        sub_domain=LocalizedText(f"sub-domain {n}", f"子领域{n}"),
        status="ranked",
        total_presented="80.5",
        rank=n,
        passed=True,
    )


ENTRIES = (_subject(1), _subject(2), _subject(3, FORMULA))


def _input(language: str) -> AnnouncementInput:
    return AnnouncementInput(
        entries=ENTRIES,
        issuer=ISSUER_ZH if language == "zh_CN" else ISSUER_EN,
        objection_days=15,
        batch_id=2,
        batch_sha256="cd" * 32,
        language=language,
        issued_at=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
    )


@pytest.fixture(scope="module")
def officer(signers: Signers) -> Identity:
    return in_memory_identity(signers.ca, Role.MINISTRY, "李司长")


def test_dates_read_in_each_language() -> None:
    assert date_text(dt.date(2026, 12, 1), "zh_CN") == "2026年12月1日"
    assert date_text(dt.date(2026, 12, 1), "en") == "1 December 2026"


def test_equal_input_gives_equal_unsigned_bytes() -> None:
    assert render_announcement(_input("en")) == render_announcement(_input("en"))
    with pytest.raises(ValueError):
        dataclasses.replace(_input("en"), objection_days=0)


@pytest.mark.tool("pdfsig", "pdftotext")
@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_the_signed_notice_passes_pdfsig_and_reads_as_a_notice(
    language: str, officer: Identity, tmp_path: Path
) -> None:
    inp = dataclasses.replace(_input(language), issued_at=SIGNED_AT)
    path = tmp_path / "notice.pdf"
    path.write_bytes(signed_announcement(inp, officer))
    out = run("pdfsig", "-nocert", path)
    assert out.count("Signature is Valid") == 1, out
    assert "Signature Field Name: OfficerSig" in out and "李司长" in out
    text = " ".join(run("pdftotext", "-layout", path, "-").split())
    assert inp.issuer in text
    # a cell's text may wrap onto a second line: read the cells in reading order
    unbroken = "".join(run("pdftotext", path, "-").split())
    for e in ENTRIES:
        for value in (e.platform_name, e.applicant_unit, e.sub_domain):
            assert "".join(value.in_language(language).split()) in unbroken, value
    assert date_text(SIGNED_AT.date(), language) in text
    deadline = date_text(SIGNED_AT.date() + dt.timedelta(days=15), language)
    assert deadline in text
    if language == "zh_CN":
        assert "公示" in text and "异议" in text
    else:
        assert "Public notice" in text and "15 days" in text


def test_the_announcement_workbook_holds_the_list_as_text() -> None:
    data = render_announcement_workbook(_input("zh_CN"))
    assert data == render_announcement_workbook(_input("zh_CN"))
    ws = load_workbook(io.BytesIO(data)).active
    assert ws is not None
    assert ws.cell(2, 2).value == "平台名称"  # the header, under the title row
    assert [ws.cell(r, 2).value for r in (3, 4, 5)] == [e.platform_name.zh_CN for e in ENTRIES]
    assert ws.cell(5, 3).value == FORMULA and ws.cell(5, 3).data_type == "s"
    assert ws.cell(3, 2).font.name == "SimSun" and ws.cell(3, 2).border.left.style == "thin"
    values = [c.value for row in ws.iter_rows() for c in row]
    assert ISSUER_ZH in values and "2026年12月1日" in values
    _assert_printable(ws)


def _assert_printable(ws: object) -> None:
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    assert ws.page_setup.orientation == "landscape"  # every one of these sheets is wide
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$1:$2"  # the title and the header on every page
    assert ws.cell(1, 1).value and ws.freeze_panes == "A3"
    assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text


def _decision(subject: DecisionSubject, version: int, decision: Decision) -> RecordedDecision:
    record = DecisionRecord(
        meeting_id=subject.meeting_id,
        application_id=subject.application_id,
        bundle_version=1,
        bundle_sha256=subject.bundle_sha256,
        decision=decision,
        reason=f"理由 {version}",
        version=version,
        previous_sha256=None if version == 1 else "ee" * 32,
        officer_fingerprint="K3QF-9ZPA-0000-0000-0000",
        decided_at=SIGNED_AT,
    )
    return RecordedDecision(
        record, SignedDocument(f"doc {subject.application_id} {version}".encode(), b"sig"), "李"
    )


def _row(subject: DecisionSubject) -> ApplicationRow:
    return ApplicationRow(
        meeting_id=subject.meeting_id,
        meeting_title=subject.meeting_title,
        meeting_date=subject.meeting_date,
        bundle_version=1,
        round=1,
        is_demo=False,
        application_id=subject.application_id,
        hearing_position=subject.hearing_position,
        applicant_unit=subject.applicant_unit,
        platform_name=subject.platform_name,
        status="ranked",
        total_presented="80.5",
        rank=subject.rank,
        votes_for=3,
        eligible=4,
        needed=3,
        passed=True,
        figures=(("concept_logic", "21.5"), ("total", "80.5")),
        opinion_recommendation="recommend",
        opinion_approved=True,
        bundle_sha256=subject.bundle_sha256,
        results_sha256="ef" * 32,
        imported_at=SIGNED_AT.isoformat(),
    )


def test_the_register_holds_every_application_and_decision_and_prints() -> None:
    first = _decision(ENTRIES[0], 1, Decision.DEFER)
    second = _decision(ENTRIES[0], 2, Decision.CONFIRM)
    batch_record = BatchRecord(
        1,
        None,
        SIGNED_AT,
        "K3QF-9ZPA-0000-0000-0000",
        (BatchEntry("m-2026-ai-01", "a1", 2, Decision.CONFIRM, second.sha256),),
    )
    batch = RecordedBatch(batch_record, SignedDocument(b"batch", b"sig"), "李")
    states = (
        DecisionState(ENTRIES[0], second),
        DecisionState(ENTRIES[1], None),
        DecisionState(ENTRIES[2], None),
    )
    inp = RegisterInput(
        rows=tuple(_row(s) for s in ENTRIES),
        states=states,
        decisions=(first, second),
        batches=(batch,),
        language="en",
        generated_at=SIGNED_AT,
    )
    data = render_register(inp)
    assert data == render_register(inp)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Register", "Decisions", "Batches", "Meetings"]
    register = wb["Register"]
    header = [c.value for c in register[2]]
    for name in ("Sub-domain", "concept_logic", "total", "Decision", "Reason", "Batch"):
        assert name in header
    a1 = {h: register.cell(3, i + 1).value for i, h in enumerate(header)}
    assert a1["Decision"] == "confirmed" and a1["Decision version"] == 2
    assert a1["Batch"] == 1 and a1["total"] == "80.5" and a1["Sub-domain"] == "sub-domain 1"
    assert register.cell(5, header.index("Applicant unit") + 1).data_type == "s"
    assert register.max_row == 5
    assert wb["Decisions"].max_row == 4 and wb["Meetings"].max_row == 3
    for ws in wb.worksheets:
        _assert_printable(ws)
