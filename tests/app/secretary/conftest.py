"""One PKI and cast for the secretary tests (PBKDF2 and key generation are slow)."""

from __future__ import annotations

import pytest

from tests.app.crypto.pki_fixtures import PkiFixture, shared_pki
from tests.app.secretary.helpers import Cast, make_cast


@pytest.fixture(scope="session")
def pkiset(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


@pytest.fixture(scope="session")
def cast(pkiset: PkiFixture) -> Cast:
    return make_cast(pkiset)
