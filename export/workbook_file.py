"""A workbook's bytes that depend on its content and the injected clock only."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from openpyxl import Workbook


def saved_workbook(wb: Workbook, when: datetime) -> bytes:
    """``wb`` saved as XLSX bytes, every ZIP entry dated ``when`` (the injected clock).

    openpyxl dates each entry from the wall clock at save time, so two renders of equal input
    straddling a two-second boundary differed in bytes; rewriting the container with the
    input's own time makes equal input give equal bytes. Order, names, compression and
    contents stay as openpyxl wrote them.
    """
    buf = io.BytesIO()
    wb.save(buf)
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buf.getvalue())) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info))
    return out.getvalue()
