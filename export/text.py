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
