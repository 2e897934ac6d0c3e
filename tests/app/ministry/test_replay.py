"""The replay decision of bundle v1 section 8, as a pure function of what is held and the
incoming (meeting id, bundle version, bundle hash)."""

from __future__ import annotations

import pytest

from app.ministry.model import BundleKey
from app.ministry.replay import (
    BundleConflictError,
    BundleOlderVersionError,
    ReplayVerdict,
    decide_replay,
)
from app.results import BundleError

M = "m-2026-ai-01"
H1, H1B, H2, H3 = "11" * 32, "1b" * 32, "22" * 32, "33" * 32


def key(version: int, digest: str, meeting: str = M) -> BundleKey:
    return BundleKey(meeting, version, digest)


def test_a_first_bundle_is_imported_and_replaces_nothing() -> None:
    decision = decide_replay((), key(1, H1))
    assert decision.verdict is ReplayVerdict.IMPORT and decision.imports
    assert decision.current_version is None and decision.refusal() is None
    assert "no imported bundle yet" in decision.reason.in_language("en")


def test_a_newer_version_replaces_the_highest_held() -> None:
    decision = decide_replay((key(1, H1), key(2, H2)), key(3, H3))
    assert decision.verdict is ReplayVerdict.IMPORT and decision.current_version == 2
    assert "newer than the imported version 2" in decision.reason.in_language("en")


def test_the_same_hash_is_a_duplicate_whatever_else_is_held() -> None:
    decision = decide_replay((key(1, H1), key(2, H2)), key(1, H1))
    assert decision.verdict is ReplayVerdict.DUPLICATE
    assert not decision.imports and not decision.refused and decision.refusal() is None
    assert "already imported; nothing was changed" in decision.reason.in_language("en")


def test_an_older_version_is_refused_and_names_the_newer_one() -> None:
    decision = decide_replay((key(1, H1), key(2, H2)), key(1, H1B))
    assert decision.verdict is ReplayVerdict.OLDER and decision.refused
    refusal = decision.refusal()
    assert isinstance(refusal, BundleOlderVersionError) and isinstance(refusal, BundleError)
    assert "older than version 2" in refusal.message
    assert decision.reason == refusal.msg


def test_older_wins_over_conflict() -> None:
    """Version 1 with other bytes while 2 is held: refused as older, not as a conflict."""
    assert decide_replay((key(1, H1), key(2, H2)), key(1, H1B)).verdict is ReplayVerdict.OLDER


def test_same_version_other_bytes_is_a_conflict_naming_the_held_hash() -> None:
    decision = decide_replay((key(1, H1),), key(1, H1B))
    assert decision.verdict is ReplayVerdict.CONFLICT and decision.held_hash == H1
    refusal = decision.refusal()
    assert isinstance(refusal, BundleConflictError)
    assert H1[:16] in refusal.message and H1 in refusal.detail


def test_other_meetings_are_ignored() -> None:
    held = (key(5, H2, meeting="m-other"), key(1, H1, meeting="m-other"))
    decision = decide_replay(held, key(1, H1B))
    assert decision.verdict is ReplayVerdict.IMPORT and decision.current_version is None


def test_a_gap_in_versions_is_allowed() -> None:
    assert decide_replay((key(1, H1),), key(7, H2)).verdict is ReplayVerdict.IMPORT


@pytest.mark.parametrize(
    ("held", "incoming"),
    [
        ((), key(1, H1)),
        ((key(1, H1),), key(2, H2)),
        ((key(1, H1),), key(1, H1)),
        ((key(2, H2),), key(1, H1)),
        ((key(1, H1),), key(1, H1B)),
    ],
    ids=["first", "newer", "duplicate", "older", "conflict"],
)
def test_every_reason_reads_in_chinese(held: tuple[BundleKey, ...], incoming: BundleKey) -> None:
    decision = decide_replay(held, incoming)
    english = decision.reason.in_language("en")
    chinese = decision.reason.in_language("zh_CN")
    assert chinese != english and M in chinese
