"""``saved_workbook``: the bytes depend on the content and the injected clock only, the
document's modification time included (openpyxl stamps it from the wall clock on save)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import Workbook, load_workbook

from export.workbook_file import saved_workbook

WHEN = dt.datetime(2026, 12, 1, 9, 30, 4, tzinfo=dt.UTC)  # ZIP times have 2 s steps


def test_every_date_in_the_file_is_the_injected_one() -> None:
    wb = Workbook()
    wb.properties.created = WHEN.replace(tzinfo=None)
    data = saved_workbook(wb, WHEN)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 12, 1, 9, 30, 4)}
        core = z.read("docProps/core.xml")
    assert b">2026-12-01T09:30:04Z</dcterms:modified>" in core
    assert load_workbook(io.BytesIO(data)).properties.modified == WHEN.replace(tzinfo=None)
