"""The officer's identity at the desk: the .p12 and its passphrase asked once, opened off
the GUI thread by the page's task, a ministry identity remembered for the session, any other
handed on (the use case refuses it) but asked for again next time."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from app.crypto.identity import Identity, serialize_pkcs12
from app.errors import UserFacingError
from tests.app.crypto.pki_fixtures import shared_pki
from tests.app.results.factory import make_scenario
from tests.ui.ministry.desk_material import AT, SavingDialogs
from ui.ministry.officer import OfficerIdentity


def _p12(identity: Identity, path: Path) -> Path:
    path.write_bytes(
        serialize_pkcs12(identity.signing_key, identity.certificate, identity.chain, b"pass")
    )
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    scenario = make_scenario(shared_pki(tmp_path_factory))
    base = tmp_path_factory.mktemp("p12")
    return _p12(scenario.ministry, base / "officer.p12"), _p12(scenario.secretary, base / "s.p12")


def test_a_ministry_identity_is_asked_once(qtbot, files: tuple[Path, Path]) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    dialogs = SavingDialogs(chosen_paths=[files[0]], passphrases=[b"pass"])
    provider = OfficerIdentity(dialogs, lambda: AT)
    unlock = provider(parent)
    assert unlock is not None
    first = unlock()
    again = provider(parent)
    assert again is not None and again() is first and dialogs.chosen_paths == []
    provider.forget()
    assert provider(parent) is None  # asked again: the picker is cancelled


def test_another_role_is_not_remembered_and_a_wrong_passphrase_is_said(
    qtbot, files: tuple[Path, Path]
) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    dialogs = SavingDialogs(chosen_paths=[files[1], files[0]], passphrases=[b"pass", b"wrong"])
    provider = OfficerIdentity(dialogs, lambda: AT)
    unlock = provider(parent)
    assert unlock is not None and unlock().common_name  # handed on to be refused
    unlock = provider(parent)  # not remembered: asked again
    assert unlock is not None
    with pytest.raises(UserFacingError):
        unlock()
