"""The ministry's summary workbook, written from ``app.ministry.model.ApplicationRow`` values:
one row per meeting × application, every text a string cell and no formula (threat M12)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.errors import UserFacingError
from app.i18n import LocalizedText
from app.ministry.model import ApplicationRow
from export.ministry_xlsx import export_xlsx

INJECTION = '=HYPERLINK("http://127.0.0.1/","x")'
AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def _row(
    meeting: str, application: str, position: int, unit: str, **changes: object
) -> ApplicationRow:
    row = ApplicationRow(
        meeting_id=meeting,
        meeting_title=LocalizedText("Review " + meeting, "评审 " + meeting),
        meeting_date="2026-03-01",
        bundle_version=1,
        round=1,
        is_demo=False,
        application_id=application,
        hearing_position=position,
        applicant_unit=LocalizedText(unit, unit),
        platform_name=LocalizedText("+cmd|' /C calc'!A0", "平台"),
        sub_domain=LocalizedText("Robotics", "机器人"),
        status="ranked",
        total_presented="81.25",
        rank=position,
        votes_for=3,
        eligible=4,
        needed=3,
        passed=True,
        figures=(("concept_logic", "20.50"), ("total", "81.25")),
        opinion_recommendation="recommend",
        opinion_approved=position == 1,
        bundle_sha256="ab" * 32,
        results_sha256="cd" * 32,
        imported_at=AT.isoformat(),
    )
    return dataclasses.replace(row, **changes)  # type: ignore[arg-type]


ROWS = (
    _row("m-1", "a1", 1, INJECTION),
    _row("m-1", "a2", 2, "Unit two"),
    _row("m-2", "a1", 1, "@SUM(1+1)", total_presented=None, rank=None, figures=()),
)


def test_every_row_is_written_and_every_text_is_a_string(tmp_path: Path) -> None:
    out = tmp_path / "summary.xlsx"
    assert export_xlsx(ROWS, out, generated_at=AT) == 3
    sheet = load_workbook(out).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    injected = [c for c in cells if c.value == INJECTION]
    assert len(injected) == 1 and injected[0].data_type == "s"
    assert [sheet.cell(r, 1).value for r in range(3, 6)] == ["m-1", "m-1", "m-2"]
    headers = [c.value for c in sheet[2]]
    assert "concept_logic" in headers and "total" in headers


def test_no_rows_give_a_workbook_with_headers_only(tmp_path: Path) -> None:
    out = tmp_path / "empty.xlsx"
    assert export_xlsx((), out, generated_at=AT) == 0
    sheet = load_workbook(out).active
    assert sheet is not None and sheet.max_row == 2 and sheet.cell(2, 1).value


def test_an_unwritable_target_is_a_user_facing_error(tmp_path: Path) -> None:
    with pytest.raises(UserFacingError) as caught:
        export_xlsx(ROWS, tmp_path / "missing" / "summary.xlsx", generated_at=AT)
    assert "Cannot write" in caught.value.message


def test_equal_rows_give_equal_bytes_whatever_the_wall_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time
    import zipfile

    rows = [_row("m1", "a01", 1, "Unit A")]
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    export_xlsx(rows, first, generated_at=AT)
    later = time.time() + 3600
    monkeypatch.setattr(zipfile.time, "time", lambda: later)
    export_xlsx(rows, second, generated_at=AT)
    assert first.read_bytes() == second.read_bytes()
