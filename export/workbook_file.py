"""A workbook's bytes that depend on its content and the injected clock only."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

from openpyxl import Workbook


def saved_workbook(wb: Workbook, when: datetime) -> bytes:
    """``wb`` saved as XLSX bytes, every ZIP entry dated ``when`` (the injected clock).

    openpyxl dates each entry from the wall clock at save time, so two renders of equal input
    straddling a two-second boundary differed in bytes; rewriting the container with the
    input's own time makes equal input give equal bytes. Order, names, compression and
    contents stay as openpyxl wrote them, except the document's modification time, which
    openpyxl also takes from the wall clock on save: it becomes ``when`` too.
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
            data = source.read(info)
            if info.filename == _CORE_PROPERTIES:
                data = _MODIFIED.sub(rb"\g<1>" + _w3c(when) + rb"\g<2>", data, count=1)
            target.writestr(entry, data)
    return out.getvalue()


_CORE_PROPERTIES = "docProps/core.xml"
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _w3c(when: datetime) -> bytes:
    """``when`` as the core properties write a time (W3CDTF, UTC)."""
    moment = when.astimezone(UTC) if when.tzinfo is not None else when
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
