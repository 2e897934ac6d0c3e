"""Session fixtures: one PKI, one set of people and one meeting for every sheet test."""

from __future__ import annotations

import pytest

from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from tests.app.crypto.pki_fixtures import PkiFixture, shared_pki
from tests.app.sheets.factory import People, make_meeting, make_people, make_rubric


@pytest.fixture(scope="session")
def pkiset(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


@pytest.fixture(scope="session")
def people(pkiset: PkiFixture) -> People:
    return make_people(pkiset)


@pytest.fixture(scope="session")
def meeting(people: People) -> Meeting:
    return make_meeting(people)


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return make_rubric()
