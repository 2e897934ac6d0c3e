"""A workbook's bytes that depend on its content and the injected clock only, with the values
of its formula cells cached so that viewers that do not recalculate still show figures."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final

from openpyxl import Workbook

_CACHE_ATTR: Final = "_review_desk_cached_values"
_SHEET_PART: Final = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
_MODIFIED: Final = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_FORMULA_CELL: Final = re.compile(
    rb'(?P<head><c r="(?P<ref>[A-Z]+[0-9]+)"[^>]*>\s*<f>[^<]*</f>\s*)(?:<v\s*/>|<v>\s*</v>)'
)


def set_cached_value(cell: Any, value: Decimal | int) -> None:
    """Record the value a formula ``cell`` computes, written as its cached ``<v>`` on save.

    openpyxl writes a formula with an empty value, so a viewer that does not recalculate (a
    file previewer, a phone, a reader with calculation off) shows an empty cell; Excel and
    LibreOffice still recalculate on load (``fullCalcOnLoad``).
    """
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError("a cached value is a number")
    text = str(value) if isinstance(value, int) else f"{value.normalize():f}"
    ws = cell.parent
    cached: dict[str, str] = ws.__dict__.setdefault(_CACHE_ATTR, {})
    cached[cell.coordinate] = text


def _with_cached_values(xml: bytes, cached: dict[str, str]) -> bytes:
    def fill(match: re.Match[bytes]) -> bytes:
        value = cached.get(match.group("ref").decode("ascii"))
        if value is None:
            return match.group(0)
        return match.group("head") + b"<v>" + value.encode("ascii") + b"</v>"

    return _FORMULA_CELL.sub(fill, xml)


def _w3c(when: datetime) -> bytes:
    moment = when.astimezone(UTC) if when.tzinfo is not None else when
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")


def saved_workbook(wb: Workbook, when: datetime) -> bytes:
    """``wb`` saved as XLSX bytes, every ZIP entry dated ``when`` (the injected clock).

    openpyxl dates each entry from the wall clock at save time, so two renders of equal input
    straddling a two-second boundary differed in bytes; rewriting the container with the
    input's own time makes equal input give equal bytes. Order, names, compression and
    contents stay as openpyxl wrote them, except that the "modified" property is ``when`` (openpyxl
    writes the wall clock there too) and formula cells get the cached values recorded with
    :func:`set_cached_value`.
    """
    buf = io.BytesIO()
    wb.save(buf)
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    sheets = list(wb.worksheets)
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
            part = _SHEET_PART.fullmatch(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps "modified" with the wall clock whatever the workbook says.
                data = _MODIFIED.sub(rb"\g<1>" + _w3c(when) + rb"\g<2>", data)
            if part is not None and 0 < int(part.group(1)) <= len(sheets):
                cached = sheets[int(part.group(1)) - 1].__dict__.get(_CACHE_ATTR)
                if cached:
                    data = _with_cached_values(data, cached)
            target.writestr(entry, data)
    return out.getvalue()
