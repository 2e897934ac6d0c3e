"""Line breaking of Chinese paragraphs by the rules of Chinese typesetting (避头尾).

reportlab's CJK wrap (``paragraph.cjkFragSplit``) breaks before the character that overflows
and, when that character may not start a line, hangs it in the margin; it does nothing about
the character after it. So "（吴立新，12）" at the end of a line put the "）" in the margin and
started the next line with "，" (issue 14). Its list of such characters is also Japanese.

:func:`install` replaces that function with :func:`cjk_frag_split`, which picks the break
point by the rules:

* a closing mark or a pause (:data:`CANNOT_START`: ，。、；：？！）」』… and their ASCII forms)
  never starts a line, an opening mark (:data:`CANNOT_END`: （「『《“…) never ends one: the
  break moves back, taking characters to the next line, as Chinese typesetting does
  (rather than hanging them outside the text block, which would cross a table's rule);
* a run of Latin letters and digits ("RD-2026", "12.5", "SHA-256") is not split while a
  break point exists in the last half of the line;
* spaces at a break are dropped.

A line that has no allowed break point at all (a long word) is broken where it overflows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final

from export.fonts import text_width

CANNOT_START: Final = frozenset(
    "，。、；：？！）》」』】〕〉〗〙〛”’％‰·…—～・"
    "ー々〻ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    "!%),.:;?]}¢°′″℃"
    "\uff09\uff3d\uff5d\uff0e\uff1a\uff1b\uff1f\uff01\uff0c\uff05"
)
"""Characters that must not begin a line."""
CANNOT_END: Final = frozenset("（《「『【〔〈〖〘〚“‘([{$£¥＄￥\uff08\uff3b\uff5b")
"""Characters that must not end a line."""
_FUZZ: Final = 1e-6


def _is_word(ch: str) -> bool:
    """Part of a Latin word or a number, which a line should not split."""
    return ord(ch) < 0x2E80 and (ch.isalnum() or ch in "._-/+#@&'")


def _is_space(ch: str) -> bool:
    return unicodedata.category(ch) == "Zs" if ch else False


def allowed_between(before: str, after: str, *, words: bool = True) -> bool:
    """May a line end after ``before`` and the next begin with ``after``?"""
    if after in CANNOT_START or before in CANNOT_END:
        return False
    return not (words and _is_word(before) and _is_word(after))


def break_index(chars: Sequence[str], start: int, over: int) -> int:
    """Where to break a line that begins at ``start`` and overflows at ``over``.

    Returns the index of the first character of the next line (``start < result <= over``),
    before any spaces there are skipped.
    """
    if over <= start + 1:
        return over
    for words in (True, False):
        # Keep Latin words whole only while that costs less than half the line.
        floor = (start + over + 1) // 2 if words else start + 1
        for k in range(over, floor - 1, -1):
            if _is_space(chars[k]) or _is_space(chars[k - 1]):
                return k
            if allowed_between(chars[k - 1], chars[k], words=words):
                return k
    return over


def line_spans(
    chars: Sequence[str],
    widths: Sequence[float],
    max_widths: Sequence[float],
    hard: Sequence[bool] | None = None,
) -> list[tuple[int, int, bool]]:
    """The lines of ``chars`` as (start, end, ends_with_hard_break) index spans.

    ``hard[i]`` marks a forced break after ``chars[i]`` (a ``<br/>``). Spaces at a soft break
    are left out of both lines.
    """

    def room(line_number: int) -> float:
        return float(max_widths[min(line_number, len(max_widths) - 1)])

    spans: list[tuple[int, int, bool]] = []
    count = len(chars)
    start = i = 0
    used = 0.0
    while i < count:
        forced = bool(hard[i]) if hard is not None else False
        if not forced and used + widths[i] > room(len(spans)) + _FUZZ and i > start:
            k = break_index(chars, start, i)
            end = k
            while end > start + 1 and _is_space(chars[end - 1]):
                end -= 1
            spans.append((start, end, False))
            while k < count and _is_space(chars[k]) and not (hard is not None and hard[k]):
                k += 1
            start = i = k
            used = 0.0
            continue
        used += widths[i]
        i += 1
        if forced:
            spans.append((start, i, True))
            start = i
            used = 0.0
    if start < count:
        spans.append((start, count, False))
    return spans


def _glyphs(text: str, frag: Any, encoding: str) -> list[Any]:
    """``[cjkU(ch, frag, encoding) for ch in text]``, each width measured once per face and
    size (:func:`export.fonts.text_width`; ``cjkU`` holds its fragment and width as
    ``_frag`` and ``_width``): a report builds hundreds of thousands of them."""
    from reportlab.platypus import paragraph as rl

    if hasattr(frag, "cbDefn"):  # an inline object: its own width, as cjkU gives it
        return [rl.cjkU(ch, frag, encoding) for ch in text]
    font, size = frag.fontName, frag.fontSize
    out = []
    for ch in text:
        glyph = str.__new__(rl.cjkU, ch)
        glyph._frag = frag
        glyph._width = text_width(ch, font, size)
        out.append(glyph)
    return out


def cjk_frag_split(frags: Any, max_widths_in: Any, calc_bounds: Any, encoding: str = "utf8") -> Any:
    """A drop-in for reportlab's ``cjkFragSplit`` (paragraphs of several fragments)."""
    from reportlab.platypus import paragraph as rl

    glyphs: list[Any] = []
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            glyphs.extend(_glyphs(text, f, encoding))
        else:
            glyphs.append(rl.cjkU(text, f, encoding))
    max_widths = [float(w) for w in max_widths_in]
    widths: list[float] = []
    for u in glyphs:
        w = u.width
        if hasattr(w, "normalizedValue"):
            w._normalizer = max_widths[0]
            w = w.normalizedValue(max_widths[0])
        widths.append(float(w))
    hard = [hasattr(u.frag, "lineBreak") for u in glyphs]
    lines = []
    for n, (start, end, forced) in enumerate(line_spans(glyphs, widths, max_widths, hard)):
        room = max_widths[min(n, len(max_widths) - 1)]
        used = sum(widths[start:end])
        lines.append(
            rl.makeCJKParaLine(glyphs[start:end], room, used, room - used, forced, calc_bounds)
        )
    return rl.ParaLines(kind=1, lines=lines)


def word_split(
    word: str,
    max_widths_in: Any,
    font_name: str,
    font_size: float,
    encoding: str = "utf8",
) -> list[list[Any]]:
    """A drop-in for reportlab's ``textsplit.wordSplit`` (paragraphs of one fragment):
    ``[[extra_space, line_text], ...]``."""
    if isinstance(word, bytes):
        word = word.decode(encoding)
    if not isinstance(max_widths_in, (list, tuple)):
        max_widths_in = [max_widths_in]
    max_widths = [float(w) for w in max_widths_in]
    widths = [text_width(c, font_name, font_size) for c in word]
    out: list[list[Any]] = []
    for n, (start, end, _forced) in enumerate(line_spans(word, widths, max_widths)):
        room = max_widths[min(n, len(max_widths) - 1)]
        out.append([room - sum(widths[start:end]), word[start:end]])
    return out


_REPORTLAB_OWN: list[Any] = []
"""reportlab's own ``cjkFragSplit`` and ``wordSplit``, kept by :func:`install`."""


def install() -> None:
    """Make every CJK-wrapped reportlab Paragraph break with :func:`cjk_frag_split`.

    reportlab's ``Paragraph.breakLinesCJK`` calls the module-level ``cjkFragSplit`` (several
    fragments) or ``wordSplit`` (one), always positionally; both are replaced (idempotent).
    Its Japanese ``ALL_CANNOT_START`` is extended too, for any other code that reads it.
    """
    from reportlab.platypus import paragraph

    if paragraph.cjkFragSplit is not cjk_frag_split:
        _REPORTLAB_OWN[:] = [paragraph.cjkFragSplit, paragraph.wordSplit]
    paragraph.cjkFragSplit = cjk_frag_split
    paragraph.wordSplit = word_split
    extra = "".join(sorted(c for c in CANNOT_START if c not in paragraph.ALL_CANNOT_START))
    paragraph.ALL_CANNOT_START += extra


@contextmanager
def reportlab_line_breaking() -> Iterator[None]:
    """reportlab's own CJK line breaking while inside (a benchmark's bare reportlab
    baseline: :func:`install` replaces it for the whole process)."""
    from reportlab.platypus import paragraph

    if not _REPORTLAB_OWN:
        yield
        return
    ours = paragraph.cjkFragSplit, paragraph.wordSplit
    paragraph.cjkFragSplit, paragraph.wordSplit = _REPORTLAB_OWN
    try:
        yield
    finally:
        paragraph.cjkFragSplit, paragraph.wordSplit = ours
