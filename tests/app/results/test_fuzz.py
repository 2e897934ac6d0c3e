"""M6 for bundles: any mutation of a bundle raises one of the typed bundle errors - never a
built-in exception - whether it breaks the outer bytes or content re-signed by a secretary."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.results import BundleError, build_bundle, verify_bundle
from tests.app.results.craft import members_of, recraft
from tests.app.results.factory import SIGNED_AT, VERIFY_AT, Scenario

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def good(scenario: Scenario, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out: Path = tmp_path_factory.mktemp("fuzz") / "b.oibundle"
    build_bundle(scenario.bundle_input(), scenario.secretary, out, SIGNED_AT)
    return out.read_bytes()


def _mutate(data: bytes, kind: int, position: int, value: int, length: int) -> bytes:
    at = position % (len(data) + 1)
    if kind == 0:  # flip one byte
        at = min(at, len(data) - 1)
        return data[:at] + bytes([data[at] ^ (value or 1)]) + data[at + 1 :]
    if kind == 1:  # truncate
        return data[:at]
    if kind == 2:  # insert
        return data[:at] + bytes([value]) * length + data[at:]
    return data[:at] + data[at + length :]  # delete a run


@FUZZ
@given(
    kind=st.integers(0, 3),
    position=st.integers(0, 10**7),
    value=st.integers(0, 255),
    length=st.integers(1, 64),
)
def test_outer_mutations_raise_typed_errors(
    scenario: Scenario, good: bytes, kind: int, position: int, value: int, length: int
) -> None:
    mutated = _mutate(good, kind, position, value, length)
    with pytest.raises(BundleError):
        verify_bundle(mutated, scenario.roots, VERIFY_AT)


@settings(FUZZ, max_examples=60)
@given(
    member=st.integers(0, 1000),
    kind=st.integers(0, 3),
    position=st.integers(0, 10**6),
    value=st.integers(0, 255),
    length=st.integers(1, 16),
)
def test_resigned_member_mutations_raise_typed_errors(
    scenario: Scenario,
    good: bytes,
    member: int,
    kind: int,
    position: int,
    value: int,
    length: int,
) -> None:
    members = members_of(good)
    names = [n for n in members if not n.startswith("manifest.json")]
    name = names[member % len(names)]
    mutated = _mutate(members[name], kind, position, value, length)
    if mutated == members[name]:
        return
    crafted = recraft(good, scenario.secretary, replace={name: mutated})
    try:
        verified = verify_bundle(crafted, scenario.roots, VERIFY_AT)
    except BundleError:
        return
    # Accepted only: the optional, unverified attachments, or a signature whose change is
    # in its unsigned parts (a spare copy of the CA certificate) - same document, same signer.
    if name.endswith(".p7s"):
        original = verify_bundle(good, scenario.roots, VERIFY_AT)
        assert verified.sheets == original.sheets and verified.recusals == original.recusals
        assert verified.opinions == original.opinions
        return
    assert name in ("report.pdf", "workbook.xlsx"), name
