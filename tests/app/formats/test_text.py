"""Controls and bidi formatting in outside text: found, and shown as visible escapes."""

from __future__ import annotations

import pytest

from app.formats.text import codepoint, first_unsafe, terminal, visible

BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
C1 = [chr(c) for c in range(0x80, 0xA0)]
C0 = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)]


@pytest.mark.parametrize("char", BIDI + C1 + C0)
def test_every_unsafe_character_is_found_and_escaped(char: str) -> None:
    text = f"a{char}b"
    assert first_unsafe(text) == char
    for shown in (visible(text), terminal(text)):
        assert char not in shown and shown.startswith("a\\") and shown.endswith("b")


def test_the_escapes_read_like_python() -> None:
    assert visible("-2+3\u202e") == "-2+3\\u202e"
    assert terminal("\u009b31m\u0085") == "\\x9b31m\\x85"
    assert codepoint("\u202e") == "U+202E" and codepoint("\x85") == "U+0085"


def test_ordinary_text_is_left_alone() -> None:
    text = "智能平台 Platform — 1\t2\n3 «»\u00a0é\u200b"
    assert first_unsafe(text) is None
    assert visible(text) == text and terminal(text) == text
    assert first_unsafe("a\r\nb") is None and visible("a\r\nb") == "a\r\nb"
    assert terminal("a\r\nb") == "a\\x0d\nb"  # a carriage return could overwrite a line


def test_lone_surrogates_are_shown_as_escapes() -> None:
    """A file name that is not UTF-8 reaches Python as lone surrogates; printing them raw
    to a strict UTF-8 stream would raise."""
    name = b"z\x9b.p12".decode("utf-8", "surrogateescape")
    assert terminal(name) == "z\\udc9b.p12" and visible(name) == "z\\udc9b.p12"
    terminal(name).encode("utf-8")
