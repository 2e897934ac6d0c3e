"""Applicant and expert text made safe for reportlab markup and spreadsheet cells.

Text typed by applicants and experts is data, never markup (threat M12, CVE-2020-28463:
``<img src=...>`` in a reportlab Paragraph fetches a URL). Everything passes through
:func:`markup` before it reaches a Paragraph, and through :func:`clean` before a cell.
"""

from __future__ import annotations

import re
from typing import Final
from xml.sax.saxutils import escape

_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
"""Characters XML (XLSX) and PDF text cannot hold; tab, newline and CR are kept."""


def clean(text: str) -> str:
    """``text`` without control characters (each replaced by U+FFFD, so the loss is visible)."""
    return _CONTROL.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def markup(text: str) -> str:
    """``text`` as literal reportlab Paragraph markup: escaped, newlines as line breaks."""
    return escape(clean(text)).replace("\n", "<br/>").replace("\t", " ")


def is_latin(ch: str, language: str) -> bool:
    """Is ``ch`` set in the Latin face beside a CJK one? Letters, digits and ASCII signs
    always; general punctuation (quotes, dashes, ellipsis) only in English text, where the
    CJK face's full-width forms would look out of place."""
    code = ord(ch)
    if 0x20 <= code < 0x7F or 0xA0 <= code < 0x250:
        return True
    return language != "zh_CN" and 0x2000 <= code < 0x2070


def runs(text: str, language: str) -> list[tuple[bool, str]]:
    """``text`` cut into (is_latin, run) pieces; a newline belongs to no run's face."""
    out: list[tuple[bool, str]] = []
    for ch in text:
        latin = is_latin(ch, language) if ch != "\n" else (out[-1][0] if out else False)
        if out and out[-1][0] == latin:
            out[-1] = (latin, out[-1][1] + ch)
        else:
            out.append((latin, ch))
    return out


def mixed_markup(text: str, latin_font: str, language: str) -> str:
    """:func:`markup` with the Latin runs of ``text`` set in ``latin_font``."""
    out = []
    for latin, run in runs(clean(text), language):
        piece = markup(run)
        out.append(f'<font face="{latin_font}">{piece}</font>' if latin else piece)
    return "".join(out)
