"""M3/M4 for every signed or encrypted format of the proof meeting (package, kit, sheet
file, round notice, bundle, report to sign): bit flips of the header and of every boundary
region, truncations at and around every boundary plus a stride, extensions - each refused
with the format's typed :class:`app.errors.UserFacingError`. What is flipped and cut, and
what the suite samples, is said in :mod:`tests.proof.mutations`; the full matrix runs in
``bench/fuzz_parsers.py --tamper``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.proof.formats import formats
from tests.proof.meeting import ProofMeeting
from tests.proof.mutations import (
    Format,
    extensions,
    flips,
    metadata_flips,
    problems,
    truncations,
    zip_metadata,
)

NAMES = ["package", "kit", "sheet file", "round notice", "bundle", "report to sign"]


@pytest.fixture(scope="module")
def by_name(
    proof_meeting: ProofMeeting, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Format]:
    scratch: Path = tmp_path_factory.mktemp("tamper")
    return {f.name: f for f in formats(proof_meeting, scratch)}


@pytest.mark.parametrize("name", NAMES)
def test_the_untouched_file_is_accepted(by_name: dict[str, Format], name: str) -> None:
    by_name[name].read(by_name[name].data)


@pytest.mark.parametrize("name", NAMES)
def test_bit_flips_are_refused_typed(by_name: dict[str, Format], name: str) -> None:
    count, wrong = problems(by_name[name], flips(by_name[name]))
    assert count > 300 and wrong == []


@pytest.mark.parametrize("name", NAMES)
def test_truncations_and_extensions_are_refused_typed(
    by_name: dict[str, Format], name: str
) -> None:
    fmt = by_name[name]
    count, wrong = problems(fmt, truncations(fmt))
    more, wrong_more = problems(fmt, extensions(fmt))
    assert count > 100 and more == 2 and wrong + wrong_more == []


@pytest.mark.parametrize("name", ["kit"])  # report to sign v2: its ZIP lies inside age
def test_zip_metadata_flips_are_refused(by_name: dict[str, Format], name: str) -> None:
    """Versions, flags, time and date, attributes: fields no signature covers, held to the
    one form our writer gives them (package v1 section 2), so a flip is refused, not read as
    the same content in another file."""
    fmt = by_name[name]
    assert fmt.unchecked is zip_metadata
    count, wrong = problems(fmt, metadata_flips(fmt))
    assert count > 0 and wrong == []
