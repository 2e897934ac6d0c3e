"""Demo and rubric texts are in the language they claim: Chinese is Chinese, English is English.

A swapped pair or an untranslated placeholder would show up on screen and in the signed PDF,
so every bilingual text shipped as data is checked here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest

from app.demo.meeting import load_demo
from app.i18n import LocalizedText

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Typographic marks an English sentence may carry; anything else outside ASCII is suspect.
ENGLISH_EXTRA = set("–—‘’“”")


def _texts(value: object, where: str) -> Iterator[tuple[str, LocalizedText]]:
    """Every LocalizedText inside a tree of dataclasses and tuples, with its path."""
    if isinstance(value, LocalizedText):
        yield where, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _texts(getattr(value, field.name), f"{where}.{field.name}")
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            yield from _texts(item, f"{where}[{i}]")


def _all_texts() -> list[tuple[str, LocalizedText]]:
    meeting, rubric = load_demo()
    return [*_texts(meeting, "meeting"), *_texts(rubric, "rubric")]


TEXTS = _all_texts()


def test_there_is_plenty_to_check() -> None:
    assert len(TEXTS) > 250


@pytest.mark.parametrize(("where", "text"), TEXTS, ids=[w for w, _ in TEXTS])
def test_chinese_is_chinese_and_english_is_english(where: str, text: LocalizedText) -> None:
    assert CJK.search(text.zh_CN), f"{where}: no Chinese characters in {text.zh_CN!r}"
    assert not CJK.search(text.en), f"{where}: Chinese characters in the English {text.en!r}"
    odd = {ch for ch in text.en if ord(ch) > 127 and ch not in ENGLISH_EXTRA}
    assert not odd, f"{where}: unexpected characters {odd} in the English text"
    assert text.en != text.zh_CN


def test_chinese_texts_use_full_width_punctuation() -> None:
    """Half-width commas between Chinese characters betray a hasty translation."""
    bad = [w for w, t in TEXTS if re.search(r"[\u4e00-\u9fff],[\u4e00-\u9fff]", t.zh_CN)]
    assert bad == []
