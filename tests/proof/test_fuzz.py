"""M6: derandomised hypothesis fuzz (the ``review-desk`` profile of ``tests/conftest.py``)
of every parser of :mod:`tests.proof.parsers`, seeded with the proof meeting's real bytes.
Each input is accepted or refused with the parser's typed ``UserFacingError``;
``RecursionError``, ``MemoryError``, ``UnicodeDecodeError`` and any other exception fail.
Modest ``max_examples`` keep the suite fast; ``bench/fuzz_parsers.py`` runs millions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.proof.fuzz import inputs
from tests.proof.meeting import ProofMeeting
from tests.proof.parsers import Parser, outcome, parsers

NAMES = [
    "age header",
    "zip reader",
    "canonical json",
    "package manifest",
    "package form",
    "kit manifest",
    "kit meeting",
    "rubric",
    "bundle manifest",
    "results",
    "sheet document",
    "round notice document",
    "report-to-sign header",
    "cms loader",
]
EXAMPLES = 120


@pytest.fixture(scope="module")
def by_name(proof_meeting: ProofMeeting) -> dict[str, Parser]:
    found = {p.name: p for p in parsers(proof_meeting)}
    assert sorted(found) == sorted(NAMES)
    return found


@pytest.mark.parametrize("name", NAMES)
def test_the_seed_is_accepted(by_name: dict[str, Parser], name: str) -> None:
    assert outcome(by_name[name], by_name[name].seed) == "accepted"


@pytest.mark.parametrize("name", NAMES)
def test_fuzzed_inputs_give_only_typed_errors(by_name: dict[str, Parser], name: str) -> None:
    parser = by_name[name]

    @settings(max_examples=EXAMPLES, database=None)
    @given(data=inputs(parser.seed))
    def check(data: bytes) -> None:
        result = outcome(parser, data)
        assert not result.startswith("unhandled"), result

    check()


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("name", ["canonical json", "kit manifest", "results", "sheet document"])
def test_deep_nesting_is_refused_typed(by_name: dict[str, Parser], name: str, depth: int) -> None:
    """Python's json raises RecursionError on deep input (reliability note, finding 6)."""
    for data in (b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth):
        assert outcome(by_name[name], data) == "refused"


@given(st.binary(max_size=64).map(lambda b: b"{" + b))
@settings(max_examples=50, database=None)
def test_invalid_utf8_json_is_refused_typed(data: bytes) -> None:
    from app.formats.canonical_json import JsonFormatError, loads_strict

    with pytest.raises(JsonFormatError):
        loads_strict(data + b'"\xff\xfe"}')
