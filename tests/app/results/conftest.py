"""Session fixtures: one PKI and one meeting scenario for every bundle test."""

from __future__ import annotations

import pytest

from tests.app.crypto.pki_fixtures import PkiFixture, shared_pki
from tests.app.results.factory import Scenario, make_scenario


@pytest.fixture(scope="session")
def pkiset(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


@pytest.fixture(scope="session")
def scenario(pkiset: PkiFixture) -> Scenario:
    return make_scenario(pkiset)
