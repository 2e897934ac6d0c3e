"""Ministry desk fixtures: two meetings' real bundles (signed report and workbook, built
once per session), a tampered one and one sealed to a ministry identity on disk, and a
dialog service that also answers the multi-file picker."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from app.crypto import pki
from app.crypto.profile import Role
from app.results import build_bundle
from tests.app.crypto.pki_fixtures import CA_PASSPHRASE, NOW, PkiFixture, shared_pki
from tests.app.results.craft import members_of, recraft
from tests.app.results.documents import with_documents
from tests.app.results.factory import SIGNED_AT, VERIFY_AT, Scenario, make_scenario
from tests.ui.conftest import RecordingDialogs
from ui.common.dialogs import set_default_dialogs

MINISTRY_PASSPHRASE = "科技部口令 ministry".encode()
SECOND_MEETING = "m-2026-bio-02"


@dataclass(frozen=True)
class DeskWorld:
    """Bundle files on disk: ``first`` and ``second`` (two meetings), ``tampered`` (the
    first with its report changed after both signatures, re-signed by the secretary),
    ``sealed`` (the second sealed to the ministry identity ``ministry_p12``)."""

    first_scenario: Scenario
    second_scenario: Scenario
    folder: Path
    """Holds ``first`` and ``second`` only."""
    first: Path
    second: Path
    tampered: Path
    sealed: Path
    roots_pem: Path
    ministry_p12: Path


@pytest.fixture(scope="session")
def desk_world(tmp_path_factory: pytest.TempPathFactory) -> DeskWorld:
    pkiset: PkiFixture = shared_pki(tmp_path_factory)
    base = tmp_path_factory.mktemp("desk")
    folder = base / "inbox"
    folder.mkdir()
    first_scenario = make_scenario(pkiset)
    second_scenario = make_scenario(pkiset, SECOND_MEETING)
    first = folder / "first.oibundle"
    build_bundle(with_documents(first_scenario), first_scenario.secretary, first, SIGNED_AT)
    second_input = with_documents(second_scenario)
    second = folder / "second.oibundle"
    build_bundle(second_input, second_scenario.secretary, second, SIGNED_AT)
    ministry_p12 = base / "ministry.p12"
    certificate = pki.issue(
        pkiset.ca_dir,
        CA_PASSPHRASE,
        Role.MINISTRY,
        "科技部 测试",
        "科技部",
        ministry_p12,
        MINISTRY_PASSPHRASE,
        NOW,
    )
    sealed = base / "sealed.oibundle"
    build_bundle(
        second_input, second_scenario.secretary, sealed, SIGNED_AT, ministry_recipient=certificate
    )
    report = members_of(first.read_bytes())["report.pdf"]
    changed = report.replace(b"/Producer", b"/Producex", 1)
    assert changed != report
    tampered = base / "tampered.oibundle"
    tampered.write_bytes(
        recraft(first.read_bytes(), first_scenario.secretary, replace={"report.pdf": changed})
    )
    return DeskWorld(
        first_scenario,
        second_scenario,
        folder,
        first,
        second,
        tampered,
        sealed,
        pkiset.root_pem,
        ministry_p12,
    )


@dataclass
class DeskDialogs(RecordingDialogs):
    chosen_files: list[list[Path]] = field(default_factory=list)

    def open_files(self, parent: QWidget | None, title: str, name_filter: str = "") -> list[Path]:
        return self.chosen_files.pop(0) if self.chosen_files else []


@pytest.fixture
def desk_dialogs() -> Iterator[DeskDialogs]:
    stub = DeskDialogs()
    previous = set_default_dialogs(stub)
    yield stub
    set_default_dialogs(previous)


VERIFY_MOMENT = VERIFY_AT
