"""Canonical JSON out (RFC 8785), strict JSON in: what a signer wrote is what a reader reads."""

from __future__ import annotations

import json
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import UserFacingError
from app.formats.canonical_json import (
    I_JSON_MAX_INT,
    JsonFormatError,
    dumps_canonical,
    loads_strict,
)

# --- writing -----------------------------------------------------------------------------


def test_output_is_rfc8785() -> None:
    value = {"b": 1, "a": [True, None, "€", "\n\u001f"], "": {}, "é": -0}
    assert dumps_canonical(value) == (
        '{"":{},"a":[true,null,"€","\\n\\u001f"],"b":1,"é":0}'.encode()
    )


def test_keys_sort_by_utf16_code_units_as_rfc8785_requires() -> None:
    # U+1F600 is D83D DE00 in UTF-16, so it sorts *before* U+FB01 (code-point order differs).
    assert dumps_canonical({"\ufb01": 1, "\U0001f600": 2}) == '{"😀":2,"ﬁ":1}'.encode()


def test_tuples_are_arrays() -> None:
    assert dumps_canonical({"t": (1, "2")}) == b'{"t":[1,"2"]}'


@pytest.mark.parametrize(
    ("value", "path", "reason"),
    [
        (1.5, "$", "floating-point"),
        (1.0, "$", "floating-point"),
        ({"score": float("nan")}, "$.score", "floating-point"),
        ([0, 2**53], "$[1]", "outside the range"),
        ({"a": {"b c": -(2**53)}}, '$.a["b c"]', "outside the range"),
        ({1: "x"}, "$", "keys must be strings"),
        ({"x": "\ud800"}, "$.x", "lone surrogate"),
        ({"\udfff": 1}, '$["\udfff"]', "lone surrogate"),
        ({"s": {1, 2}}, "$.s", "type set"),
        (b"bytes", "$", "type bytes"),
    ],
)
def test_dumps_refuses_what_loads_would_refuse(value: object, path: str, reason: str) -> None:
    with pytest.raises(JsonFormatError, match=reason) as caught:
        dumps_canonical(value)
    assert caught.value.path == path
    assert isinstance(caught.value, UserFacingError)
    assert caught.value.recommendation


def test_dumps_limits_depth() -> None:
    deep: list[Any] = []
    for _ in range(64):
        deep = [deep]
    with pytest.raises(JsonFormatError, match="deeper than 64"):
        dumps_canonical(deep)
    assert dumps_canonical(deep[0]) == b"[" * 64 + b"]" * 64


def test_integer_boundaries() -> None:
    assert (
        dumps_canonical([I_JSON_MAX_INT, -I_JSON_MAX_INT])
        == b"[9007199254740991,-9007199254740991]"
    )
    assert loads_strict(b"[9007199254740991,-9007199254740991]") == [
        I_JSON_MAX_INT,
        -I_JSON_MAX_INT,
    ]


# --- reading -----------------------------------------------------------------------------


def test_reads_plain_values() -> None:
    assert loads_strict(b' {"a": [1, -0, true, false, null, "\\u00e9\xe4\xb8\xad"]}\n') == {
        "a": [1, 0, True, False, None, "é中"]
    }


@pytest.mark.parametrize(
    ("data", "reason", "path"),
    [
        (b"\xff", "not valid UTF-8", ""),
        (b'"\xc0\xaf"', "not valid UTF-8", ""),  # overlong "/"
        (b'"\xed\xa0\x80"', "not valid UTF-8", ""),  # a surrogate encoded in UTF-8
        (b"\xef\xbb\xbf{}", "byte-order mark", ""),
        (b"", "syntax error", ""),
        (b"{} {}", "syntax error", ""),
        (b"[1,]", "syntax error", ""),
        (b"{'a': 1}", "syntax error", ""),
        (b'"tab\there"', "syntax error", ""),
        (b"[1] x", "syntax error", ""),
        (b'{"a": 1, "a": 2}', 'duplicate key "a"', "$"),
        (b'{"x": [{"k": 1, "k": 1}]}', 'duplicate key "k"', "$.x[0]"),
        (b'{"\\u0061": 1, "a": 2}', 'duplicate key "a"', "$"),
        (b"NaN", "NaN is not a JSON number", "$"),
        (b'{"s": Infinity}', "Infinity is not a JSON number", "$.s"),
        (b"[-Infinity]", "-Infinity is not a JSON number", "$[0]"),
        (b"1.0", "fraction or exponent", "$"),
        (b'{"score": 87.5}', "fraction or exponent", "$.score"),
        (b"[1e3]", "fraction or exponent", "$[0]"),
        (b"-0.0", "fraction or exponent", "$"),
        (b"1e400", "fraction or exponent", "$"),
        (b"9007199254740992", "outside the range", "$"),
        (b"[-9007199254740992]", "outside the range", "$[0]"),
        (b"1" * 5000, "outside the range", "$"),
        (b'"\\ud800"', "lone surrogate", "$"),
        (b'{"\\udc00x": 1}', "lone surrogate", '$["\udc00x"]'),
    ],
)
def test_loads_refuses(data: bytes, reason: str, path: str) -> None:
    with pytest.raises(JsonFormatError, match=reason) as caught:
        loads_strict(data)
    assert caught.value.path == path
    if path:
        assert path in caught.value.message


def test_depth_limit_without_recursion_error() -> None:
    assert loads_strict(b"[" * 64 + b"]" * 64) is not None
    with pytest.raises(JsonFormatError, match="deeper than 64"):
        loads_strict(b"[" * 65 + b"]" * 65)
    with pytest.raises(JsonFormatError, match="deeper than 64"):
        loads_strict(b'{"a":' * 65 + b"1" + b"}" * 65)
    with pytest.raises(JsonFormatError, match="deeper than"):
        loads_strict(b"[" * 1_000_000)  # far past the interpreter's recursion limit
    # brackets inside strings do not count
    assert loads_strict(b'["' + b"[" * 100 + b'\\"]"]') == ["[" * 100 + '"]']
    assert loads_strict(b"[[[1]]]", max_depth=3) == [[[1]]]
    with pytest.raises(JsonFormatError):
        loads_strict(b"[[[1]]]", max_depth=2)
    # with and without escapes (two ways of skipping strings); text outside strings that
    # is not ASCII is a syntax error, never a crash of the depth check
    assert loads_strict('["因[[", "[[\\"[["]'.encode(), max_depth=1) == ["因[[", '[["[[']
    assert loads_strict('{"因": ["[[[["]}'.encode(), max_depth=2) == {"因": ["[[[["]}
    with pytest.raises(JsonFormatError, match="syntax error"):
        loads_strict("[1, 因 [[1]]]".encode(), max_depth=3)
    with pytest.raises(JsonFormatError, match="deeper than 2"):
        loads_strict("[1, 因 [[1]]]".encode(), max_depth=2)


def test_size_limit() -> None:
    with pytest.raises(JsonFormatError, match="more than the limit of 4"):
        loads_strict(b'"abc"', max_size=4)
    assert loads_strict(b'"abc"', max_size=5) == "abc"


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError):
        loads_strict(b"1", max_depth=0)
    with pytest.raises(ValueError):
        dumps_canonical(1, max_depth=10_000)
    with pytest.raises(TypeError):
        loads_strict("1")  # type: ignore[arg-type]


# --- properties --------------------------------------------------------------------------

_ints = st.integers(-I_JSON_MAX_INT, I_JSON_MAX_INT)
_scalars = st.none() | st.booleans() | _ints | st.text()
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300)
@given(_json)
def test_round_trip(value: Any) -> None:
    data = dumps_canonical(value)
    assert loads_strict(data) == value
    assert dumps_canonical(loads_strict(data)) == data  # canonical is a fixed point
    assert json.loads(data) == value  # and ordinary readers agree


@settings(max_examples=500)
@given(st.binary(max_size=200))
def test_random_bytes_only_raise_json_format_error(data: bytes) -> None:
    try:
        loads_strict(data)
    except JsonFormatError:
        pass


_json_alphabet = st.sampled_from([*list('{}[]",:0123456789-+.eE \\u"tfnrlsaINfy\t\n'), "\ufeff"])


@settings(max_examples=500)
@given(st.lists(_json_alphabet, max_size=80).map("".join))
def test_json_like_text_only_raises_json_format_error(text: str) -> None:
    try:
        value = loads_strict(text.encode("utf-8"))
    except JsonFormatError:
        return
    assert loads_strict(dumps_canonical(value)) == value


_keys = st.text(st.sampled_from(["a", "Z", "é", "中", "\uff0c", "\ufb01", "\U0001f600", "\x1f"]))
_mixed = st.recursive(
    _scalars | _keys,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=150)
@given(_mixed)
def test_same_bytes_as_the_reference_implementation(value: Any) -> None:
    # dumps_canonical takes the standard library's encoder for BMP-only text: the bytes
    # must be the reference's, with keys that sort differently in UTF-16 and code points.
    assert dumps_canonical(value) == rfc8785.dumps(value)
    assert loads_strict(dumps_canonical(value)) == value


@pytest.mark.parametrize(
    "value",
    [
        {"b": "专家", "a": [1, "x"]},
        {"emoji": "评分 \U0001f600", "n": 2},
        ["\U00010000", "\uffff"],
        {"k": "\U0010ffff"},
        "ascii only",
    ],
)
def test_canonical_of_parsed_is_the_reference_canonical_form(value: object) -> None:
    """The stdlib fast path is taken only where it writes RFC 8785's bytes (BMP text); a
    character beyond the BMP goes through the reference implementation."""
    import rfc8785

    from app.formats.canonical_json import canonical_of_parsed

    assert canonical_of_parsed(value) == rfc8785.dumps(value)


@settings(max_examples=150)
@given(st.dictionaries(_keys, _mixed, max_size=6))
def test_an_objects_members_join_to_its_canonical_bytes(value: dict[str, Any]) -> None:
    """The object's bytes from its members' (keys that sort differently in UTF-16 and
    code points, text beyond the BMP in keys and values): the reference's bytes, and each
    member's bytes its value's own canonical bytes."""
    from app.formats.canonical_json import canonical_members_of_parsed, canonical_of_parsed

    whole, members = canonical_members_of_parsed(value)
    assert whole == rfc8785.dumps(value) == canonical_of_parsed(value)
    assert members == {key: rfc8785.dumps(item) for key, item in value.items()}
