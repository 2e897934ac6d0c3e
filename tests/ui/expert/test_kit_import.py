"""File › Import meeting kit… from the start screen, the way an expert does it.

The kit is a real meeting's, not the demo's: the secretary tests' meeting (its own CA, a
secretary, five experts, packages built by the package builder, the kit issued by the
secretary's use case) with the test PKI's PKCS#12 expert on the roster. The expert picks the
kit, their identity file and a folder (stubbed pickers), types the passphrase into the real
field, and the window opens the new workspace on the meeting's agenda. A kit changed by one
byte is refused with the kit reader's own error, in English and Chinese, and nothing is created.
"""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.meeting import Meeting
from app.expert import kit_import as core_kit_import
from app.i18n import _
from tests.app.crypto.pki_fixtures import NOW, PkiFixture
from tests.app.secretary.conftest import cast, pkiset  # noqa: F401  (fixtures)
from tests.app.secretary.helpers import Cast
from tests.app.secretary.rounds_world import MINUTE, build_meet
from tests.app.secretary.second_round_world import cast_with_p12_expert
from tests.ui.conftest import RecordingDialogs
from tests.ui.expert.helpers import PASSPHRASE, click, type_text
from ui.common.i18n import switch_language
from ui.expert import kit_import_dialog
from ui.expert.kit_import_dialog import KitImportDialog
from ui.launch import build_main_window
from ui.shell.main_window import MainWindow


@dataclass(frozen=True)
class Kit:
    path: Path
    meeting: Meeting


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory, cast: Cast, pkiset: PkiFixture) -> Kit:  # noqa: F811
    meet = build_meet(tmp_path_factory.mktemp("secretary"), cast_with_p12_expert(cast, pkiset))
    meet.ws.close()
    meet.repo.close()
    return Kit(meet.base / "kit.oikit", meet.meeting)


@pytest.fixture(autouse=True)
def _meeting_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kit is checked at a moment the test PKI's certificates are valid."""
    monkeypatch.setattr(kit_import_dialog, "utc_now", lambda: NOW + MINUTE)


@pytest.fixture
def window(qtbot: QtBot, dialogs: RecordingDialogs) -> Iterator[MainWindow]:
    made = build_main_window(demo=False, workspace=None, dialogs=dialogs)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitExposed(made)
    yield made
    if made.kit_import_dialog is not None:
        made.kit_import_dialog.close()


def start_import(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: RecordingDialogs,
    kit: Path,
    pki: PkiFixture,
    folder: Path,
) -> KitImportDialog:
    """From the start screen: the kit, the identity and the folder through the pickers, the
    passphrase typed, Import clicked."""
    assert window.pages.currentWidget() is window.empty_state
    dialogs.chosen_paths += [kit, pki.expert_p12, folder]
    click(qtbot, window.empty_state.import_kit_button)
    dialog = window.kit_import_dialog
    assert isinstance(dialog, KitImportDialog) and dialog.isVisible()
    assert dialog.kit_edit.text() == str(kit)
    assert dialog.use_identity.isChecked()  # the expert's own CA by default
    click(qtbot, dialog.identity_button)
    assert dialog.identity_edit.text() == str(pki.expert_p12)
    assert dialog.focusWidget() is dialog.passphrase_edit
    type_text(qtbot, dialog.passphrase_edit, PASSPHRASE)
    click(qtbot, dialog.folder_button)
    assert dialog.folder_edit.text() == str(folder)
    click(qtbot, dialog.import_button)
    return dialog


def test_the_start_screen_offers_the_three_ways_in(window: MainWindow) -> None:
    state = window.empty_state
    buttons = (state.import_kit_button, state.open_workspace_button, state.open_demo_button)
    assert [b.text() for b in buttons] == [
        "Import meeting kit…",
        "Open workspace…",
        "Open the demo meeting",
    ]
    assert all(b.isVisibleTo(window) for b in buttons)
    assert window.import_kit_action in window.file_menu.actions()
    assert window.import_kit_action.text() == "&Import meeting kit…"


def test_importing_a_kit_opens_its_workspace_on_the_agenda(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: RecordingDialogs,
    kit: Kit,
    pkiset: PkiFixture,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = tmp_path / "review" / "sec-2026-04"
    dialog = start_import(qtbot, window, dialogs, kit.path, pkiset, folder)
    assert dialog.passphrase_edit.text() == ""  # cleared as soon as it was read

    qtbot.waitUntil(lambda: window.meeting is not None)
    assert dialogs.errors == []
    assert not dialog.isVisible()
    assert window.workspace_path == folder / "workspace.sqlite"
    assert window.meeting is not None and window.meeting.id == kit.meeting.id
    assert not window.meeting.is_demo
    assert window.pages.currentWidget() is window.meeting_page
    model = window.agenda_model
    agenda = sorted(kit.meeting.agenda, key=lambda item: item.position)
    assert model.rowCount() == len(agenda) == 3
    for row, item in enumerate(agenda):
        application = kit.meeting.application(item.application_id)
        assert model.index(row, 2).data() == application.applicant_unit.get("en")
        assert model.index(row, 3).data() == application.platform_name.get("en")
    assert window.header.title.text() == kit.meeting.title.get("en")
    assert sorted(p.name for p in (folder / "packages").iterdir()) == [
        "a01.oipkg",
        "a02.oipkg",
        "a03.oipkg",
    ]
    assert "Meeting kit imported into" in window.statusBar().currentMessage()
    assert window.expert_sign_in_action.isEnabled()  # next: sign in as the expert


def flipped(kit: Path, member: str, out: Path) -> Path:
    """A copy of ``kit`` with one byte of ``member``'s stored data flipped."""
    data = bytearray(kit.read_bytes())
    with zipfile.ZipFile(kit) as zf:
        info = zf.getinfo(member)
        assert info.compress_type == zipfile.ZIP_STORED
        content = zf.read(member)
    start = data.find(content, info.header_offset)
    assert start > 0
    data[start + len(content) // 2] ^= 0x01
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_tampered_kit_is_refused_and_creates_nothing(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: RecordingDialogs,
    kit: Kit,
    pkiset: PkiFixture,  # noqa: F811
    tmp_path: Path,
    language: str,
) -> None:
    switch_language(language)
    tampered = flipped(kit.path, "meeting.json", tmp_path / "tampered.oikit")
    folder = tmp_path / "new" / "workspace"
    dialog = start_import(qtbot, window, dialogs, tampered, pkiset, folder)

    qtbot.waitUntil(lambda: bool(dialogs.errors) and dialog.task is None)
    error = dialogs.errors[0]
    expected = {
        "en": "The meeting kit is malformed: the member “meeting.json” fails its CRC-32 check.",
        "zh_CN": "会议材料包格式错误：成员“meeting.json”未通过 CRC-32 校验。",
    }
    assert error["message"] == expected[language]
    assert error["recommendation"]
    assert not (tmp_path / "new").exists()
    assert window.meeting is None and window.pages.currentWidget() is window.empty_state
    assert dialog.isVisible() and dialog.import_button.isEnabled()  # the expert can try again
    assert dialog.focusWidget() is dialog.passphrase_edit
    assert _("Import meeting kit") == dialog.windowTitle()


def test_a_cancelled_import_leaves_the_folder_as_it_was(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: RecordingDialogs,
    kit: Kit,
    pkiset: PkiFixture,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cancel pressed while the import runs: what it created is removed again, and files
    that were in the folder before stay."""
    folder = tmp_path / "chosen"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    imported, resume = threading.Event(), threading.Event()

    def import_then_wait(*args: object, **kwargs: object) -> object:
        outcome = core_kit_import.import_kit(*args, **kwargs)  # type: ignore[arg-type]
        imported.set()
        resume.wait()
        return outcome

    monkeypatch.setattr(kit_import_dialog, "import_kit", import_then_wait)
    dialog = start_import(qtbot, window, dialogs, kit.path, pkiset, folder)
    qtbot.waitUntil(imported.is_set)
    assert (folder / "workspace.sqlite").exists()  # the core finished; Cancel comes now
    task = dialog.task
    assert task is not None
    task.cancel()
    resume.set()

    qtbot.waitUntil(lambda: dialog.task is None)
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
    assert dialogs.errors == []
    assert window.meeting is None


def test_a_trust_file_can_stand_in_for_the_identity(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: RecordingDialogs,
    kit: Kit,
    pkiset: PkiFixture,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A trust file from another CA: the kit's signature is not accepted, nothing made."""
    folder = tmp_path / "other"
    dialogs.chosen_paths += [kit.path, pkiset.other_root_pem, folder]
    click(qtbot, window.empty_state.import_kit_button)
    dialog = window.kit_import_dialog
    assert isinstance(dialog, KitImportDialog)
    click(qtbot, dialog.use_trust_file)
    assert not dialog.passphrase_edit.isEnabled() and dialog.trust_edit.isEnabled()
    click(qtbot, dialog.trust_button)
    click(qtbot, dialog.folder_button)
    qtbot.keyClick(dialog.folder_edit, Qt.Key.Key_Return)  # Enter imports

    qtbot.waitUntil(lambda: bool(dialogs.errors) and dialog.task is None)
    assert dialogs.errors[0]["message"].startswith(
        "The meeting kit's secretary signature is not accepted"
    )
    assert not folder.exists()
    assert window.meeting is None


def test_a_trust_file_with_a_crl_revoking_the_secretary_refuses_the_kit(
    kit: Kit,
    pkiset: PkiFixture,  # noqa: F811
    tmp_path: Path,
) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    from app.crypto import pki
    from app.kit.errors import KitSignatureError
    from app.kit.reader import open_kit
    from storage.stores import SqliteStores
    from ui.common.tasks import Progress

    now = NOW + MINUTE
    with open_kit(kit.path, [pkiset.ca.certificate], now) as opened:
        secretary = opened.signer.certificate
    pki.revoke(pkiset.ca, tmp_path, secretary, now)
    crl = pki.sign_crl(pkiset.ca, tmp_path, now)
    trust = tmp_path / "roots.pem"
    trust.write_bytes(pkiset.root_pem.read_bytes() + crl.public_bytes(Encoding.PEM))
    request = kit_import_dialog.KitImportRequest(
        kit=kit.path, folder=tmp_path / "ws", trust_file=trust
    )
    with pytest.raises(KitSignatureError, match="revoked on"):
        kit_import_dialog.run_kit_import(
            SqliteStores(), request, now + MINUTE, Progress(lambda *a: None)
        )
    assert not (tmp_path / "ws" / core_kit_import.WORKSPACE_FILE).exists()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_kits_own_list_refuses_a_revoked_secretary_in_the_window(
    qtbot: QtBot,
    window: MainWindow,
    dialogs: RecordingDialogs,
    cast: Cast,  # noqa: F811
    pkiset: PkiFixture,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
) -> None:
    """The expert checks the kit with their identity only (no trust file): the revocation
    list the kit carries refuses its secretary, revoked since yesterday, with the date, in the
    expert's language; nothing is created."""
    import datetime as dt

    from tests.app.secretary.revocation_world import issued_meeting, revocation_list

    day = dt.timedelta(days=1)
    people = cast_with_p12_expert(cast, pkiset)
    secretary = people.secretary.certificate
    crl = revocation_list(people, tmp_path / "ca", [(secretary, NOW + day)], NOW)
    world = issued_meeting(tmp_path / "meeting", people, crl)
    world.ws.close()
    monkeypatch.setattr(kit_import_dialog, "utc_now", lambda: NOW + 2 * day)
    switch_language(language)
    folder = tmp_path / "new" / "workspace"
    dialog = start_import(qtbot, window, dialogs, world.kit_path, pkiset, folder)

    qtbot.waitUntil(lambda: bool(dialogs.errors) and dialog.task is None)
    message = dialogs.errors[0]["message"]
    expected = {
        "en": "The meeting kit's secretary signature is not accepted: The signer ",
        "zh_CN": "会议材料包的秘书签名未被接受：签名人 ",
    }
    assert message.startswith(expected[language])
    assert {
        "en": "the certificate was revoked on 2026-03-03 09:00 UTC.",
        "zh_CN": "其证书已于 2026-03-03 09:00 UTC 被吊销。",
    }[language] in message
    assert not (tmp_path / "new").exists()
    assert window.meeting is None
