"""The announcement request the desk and the command line share: a period outside 1 to 365
days is refused before the store is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.ministry.announcing import AnnouncementRequestError, prepare_notice
from storage.ministry.database import MinistryDatabase
from tests.app.crypto.pki_fixtures import shared_pki
from tests.app.results.factory import VERIFY_AT, make_scenario


@pytest.mark.parametrize("days", [0, 366])
def test_the_objection_period_is_checked_first(
    days: int, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    officer = make_scenario(shared_pki(tmp_path_factory)).ministry
    db = tmp_path / "absent.db"
    with pytest.raises(AnnouncementRequestError, match="1 to 365 days"):
        prepare_notice(MinistryDatabase(db), officer, None, days, "en", VERIFY_AT)
    assert not db.exists()
