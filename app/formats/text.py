"""Applicant text as data: characters that change how text looks are refused or made visible.

Two kinds of characters in outside text (application forms, titles, names) can make what is
shown differ from what was written:

* **C0 and C1 controls and DEL** (U+0000–U+001F, U+007F–U+009F). C1 controls such as
  U+0085 (next line) and U+009B (CSI, the 8-bit escape sequence introducer) are interpreted
  by terminals; tab and line breaks are ordinary text.
* **Bidirectional embeddings, overrides and isolates** (U+202A–U+202E, U+2066–U+2069):
  U+202E (right-to-left override) makes ``-2+3`` display as ``3+2-`` in Qt and in
  terminals ("Trojan Source", CVE-2021-42574).

The issuer's package builder refuses both in every applicant text field
(:func:`first_unsafe`), naming the field; a reader never refuses a signed package for them
but shows any that arrive as visible escapes: :func:`visible` in the window (line breaks and
tabs kept), :func:`terminal` for the command line (every control escaped but tab and line
feed; the command line passes all it prints through it).
The escapes are Python's: ``\\x85``, ``\\u202e``.
"""

from __future__ import annotations

import re
from typing import Final

_BIDI: Final = "\u202a-\u202e\u2066-\u2069"
_UNSAFE: Final = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
"""Refused by the builder: controls other than tab, line feed and carriage return; bidi."""
_SURROGATES: Final = "\ud800-\udfff"
"""Lone surrogates (a file name that is not UTF-8, as Python decodes it) cannot be encoded
for display; shown as escapes too."""
_WINDOW: Final = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}{_SURROGATES}]")
"""Escaped in the window: what the builder refuses (tab and line breaks display as such in
Qt), and lone surrogates."""
_TERMINAL: Final = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_SURROGATES}]")
"""Escaped at a terminal: every control but tab and line feed (a carriage return could
overwrite what was printed before it on the line, an escape sequence restyle the screen),
bidi formatting and lone surrogates."""


def escape(char: str) -> str:
    """``\\x85`` for a character below U+0100, ``\\u202e`` above."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def codepoint(char: str) -> str:
    """``U+202E``: how a refusal names the character."""
    return f"U+{ord(char):04X}"


def first_unsafe(text: str) -> str | None:
    """The first control or bidi formatting character in ``text``, or ``None``."""
    found = _UNSAFE.search(text)
    return found.group() if found else None


def visible(text: str) -> str:
    """``text`` for display in the window: controls and bidi formatting as escapes."""
    return _WINDOW.sub(lambda m: escape(m.group()), text)


def terminal(text: str) -> str:
    """``text`` for printing to a terminal: every control but tab and line feed, and bidi
    formatting, as escapes."""
    return _TERMINAL.sub(lambda m: escape(m.group()), text)
