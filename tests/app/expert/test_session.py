"""Unlocking: the right person with the right passphrase, on the roster, as an expert."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from app.crypto.identity import IdentityExpiredError, IdentityPassphraseError
from app.crypto.profile import Role
from app.demo.meeting import load_demo
from app.domain.meeting import Meeting
from app.expert.session import NotOnRosterError, WrongRoleError, session_for, unlock
from tests.app.crypto.pki_fixtures import (
    EXPERT_PASSPHRASE,
    NOW,
    PkiFixture,
    in_memory_identity,
    shared_pki,
)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


def _meeting_with(pki: PkiFixture, position: int = 2) -> Meeting:
    meeting, _rubric = load_demo()
    experts = list(meeting.experts)
    experts[position] = dataclasses.replace(experts[position], fingerprint=pki.expert.fingerprint)
    return dataclasses.replace(meeting, experts=tuple(experts))


def test_the_expert_on_the_roster_unlocks(pki: PkiFixture) -> None:
    meeting = _meeting_with(pki)
    session = unlock(meeting, pki.expert_p12.read_bytes(), EXPERT_PASSPHRASE, NOW)
    assert session.expert == meeting.experts[2]
    assert session.fingerprint == pki.expert.fingerprint
    assert "signing_key" not in repr(session) and "identity" not in repr(session)


def test_a_wrong_passphrase_is_refused(pki: PkiFixture) -> None:
    with pytest.raises(IdentityPassphraseError) as caught:
        unlock(_meeting_with(pki), pki.expert_p12.read_bytes(), b"wrong", NOW)
    assert "passphrase" in caught.value.message


def test_a_genuine_expert_not_on_this_roster_is_refused(pki: PkiFixture) -> None:
    meeting, _rubric = load_demo()
    with pytest.raises(NotOnRosterError) as caught:
        unlock(meeting, pki.expert_p12.read_bytes(), EXPERT_PASSPHRASE, NOW)
    assert pki.expert.fingerprint in caught.value.message
    assert caught.value.recommendation


def test_a_lookalike_with_the_same_name_but_another_key_is_refused(pki: PkiFixture) -> None:
    twin = in_memory_identity(pki.ca, Role.EXPERT, pki.expert.common_name)
    with pytest.raises(NotOnRosterError):
        session_for(_meeting_with(pki), twin, NOW)


def test_a_secretary_cannot_open_an_expert_session(pki: PkiFixture) -> None:
    with pytest.raises(WrongRoleError):
        session_for(_meeting_with(pki), pki.people[Role.SECRETARY], NOW)


def test_an_expired_certificate_is_refused(pki: PkiFixture) -> None:
    with pytest.raises(IdentityExpiredError):
        unlock(
            _meeting_with(pki),
            pki.expert_p12.read_bytes(),
            EXPERT_PASSPHRASE,
            NOW + timedelta(days=3 * 365),
        )
