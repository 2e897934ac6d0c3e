"""The console's Outputs page, driven like a person: the gates of an unfinished meeting, and
a finished one published through both chair paths — the chair signing at the console, and
the chair signing a report-to-sign file in their own expert window (File › Sign the
meeting report…) that the secretary imports. The meeting is the publish tests' own (no
demo builder), built once per session."""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.cli import publish_exporters
from app.expert.materials import NoMaterials
from app.expert.session import unlock
from app.formats.rubric_file import load_default_rubric
from app.secretary import setup as sec_setup
from app.secretary.publish_gates import Gate
from app.secretary.publish_log import PUBLISH_FOLDER, FolderPublicationLog
from app.secretary.publish_prepare import Exporters
from storage.stores import SqliteStores
from storage.workspace.core import Workspace
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.app.secretary.publish_world import PASS, World, publish_world
from tests.ui.secretary.conftest import ConsoleDialogs
from ui.expert.sign_in import open_expert_window
from ui.expert.window import ExpertWindow
from ui.secretary.outputs_page import OutputsPage
from ui.secretary.window import SecretaryWindow


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, pkiset: PkiFixture) -> World:
    return publish_world(tmp_path_factory, pkiset)


def _click(qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isEnabled(), widget.toolTip()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


LOADED_ON: list[threading.Thread] = []
"""The threads the console loaded its exporters on (reportlab, pyHanko and openpyxl take a
good part of a second to import: never on the GUI thread)."""


def _exporters() -> Exporters:
    LOADED_ON.append(threading.current_thread())
    return publish_exporters()


def _console(
    folder: Path, world: World, qtbot: QtBot, dialogs: ConsoleDialogs
) -> tuple[SecretaryWindow, OutputsPage]:
    stores = SqliteStores()
    window = SecretaryWindow(
        folder,
        sec_setup.open_workspace(stores, folder),
        world.identity(world.secretary_p12),
        stores=stores,
        dialogs=dialogs,
        exporters=_exporters,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    bar = window.tabs.tabBar()
    index = window.pages.index(window.outputs_page)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    page = window.outputs_page
    assert window.tabs.currentWidget() is page
    qtbot.waitUntil(lambda: page.problems is not None)
    return window, page


def _prepare(qtbot: QtBot, page: OutputsPage) -> None:
    assert page.problems == [], [str(p.message) for p in page.problems or []]
    assert not page.chair_here_button.isEnabled()
    assert page.chair_here_button.toolTip() == "Prepare the report first."
    assert not page.secretary_button.isEnabled()
    LOADED_ON.clear()
    _click(qtbot, page.prepare_button)
    qtbot.waitUntil(lambda: page.prepared is not None and not page.busy)
    assert page.chair_here_button.isEnabled()
    assert LOADED_ON and threading.main_thread() not in LOADED_ON


def _write(qtbot: QtBot, page: OutputsPage, out: Path, *, choose_pem: bool) -> None:
    _click(qtbot, page.secretary_button)
    dialog = page.write_dialog
    assert dialog is not None
    if choose_pem:
        assert not dialog.write_button.isEnabled()
        assert "No ministry recipient" in dialog.write_button.toolTip()
        assert dialog.unencrypted.isVisibleTo(dialog)
        _click(qtbot, dialog.recipient_button)  # the stubbed chooser answers the .pem
    assert "科技部" in dialog.recipient.text()
    assert not dialog.unencrypted.isVisibleTo(dialog)
    qtbot.keyClicks(dialog.folder_edit, str(out))
    _click(qtbot, dialog.write_button)
    qtbot.waitUntil(lambda: page.published is not None and not page.busy)


def _check_written(page: OutputsPage, out: Path) -> None:
    done = page.published
    assert done is not None and done.encrypted
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "pub-2026-05-v1-report.pdf",
        "pub-2026-05-v1-results.xlsx",
        "pub-2026-05-v1.oibundle",
    ]
    assert page.verified.text().startswith("Verified")
    shown = page.result.text()
    assert done.results_hash in shown and str(done.report) in shown and str(done.bundle) in shown
    assert done.bundle.read_bytes().startswith(b"age-encryption.org/v1\n")


def _pdfsig(report: Path) -> str:
    return subprocess.run(
        ["pdfsig", "-nocert", str(report)], check=True, capture_output=True, text=True, timeout=180
    ).stdout


def test_the_gates_name_what_is_missing_and_jump_to_where_it_is_fixed(
    world: World, tmp_path: Path, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    window, page = _console(world.copy(world.missing_e04, tmp_path), world, qtbot, console_dialogs)
    problems = page.problems or []
    sheets = [p for p in problems if p.gate is Gate.SHEETS]
    assert {p.expert_id for p in sheets} == {"e04"}
    assert {p.application_id for p in sheets} == {"a01", "a02", "a03"}
    assert {p.application_id for p in problems if p.gate is Gate.OPINIONS} == {"a01", "a02", "a03"}
    assert "e04" in str(sheets[0].message)
    for button in page._buttons():
        assert not button.isEnabled()
    assert page.prepare_button.toolTip() == "Fix what the checklist above names first."
    assert page.why.isVisible() and "Fix what the checklist" in page.why.text()

    opinion = next(
        b for p, b in page.gate_rows if p.gate is Gate.OPINIONS and p.application_id == "a02"
    )
    _click(qtbot, opinion)
    assert window.tabs.currentWidget() is window.opinion_page
    assert window.opinion_page.current_id() == "a02"

    window.tabs.setCurrentWidget(page)
    sheet = next(b for p, b in page.gate_rows if p.gate is Gate.SHEETS)
    _click(qtbot, sheet)
    assert window.tabs.currentWidget() is window.collect_page


@pytest.mark.tool("pdfsig")
def test_the_chair_signs_at_the_console_and_the_secretary_writes_three_verified_files(
    world: World, tmp_path: Path, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    folder = world.copy(world.ready, tmp_path)
    FolderPublicationLog(folder / PUBLISH_FOLDER).set_ministry_certificate(
        world.ministry_pem.read_bytes()
    )
    _window, page = _console(folder, world, qtbot, console_dialogs)
    _prepare(qtbot, page)

    _click(qtbot, page.chair_here_button)
    dialog = page.chair_dialog
    assert dialog is not None and "e01" in dialog.intro.text()
    qtbot.keyClicks(dialog.file_edit, str(world.chair_p12))
    qtbot.keyClicks(dialog.passphrase_edit, PASS.decode())
    assert dialog.passphrase_edit.echoMode() is dialog.passphrase_edit.EchoMode.Password
    _click(qtbot, dialog.sign_button)
    qtbot.waitUntil(lambda: page.chair_signed is not None and not page.busy)
    assert page.secretary_button.isEnabled()
    assert "signed the report here" in page.state.text()

    out = tmp_path / "outputs"
    out.mkdir()
    _write(qtbot, page, out, choose_pem=False)
    _check_written(page, out)
    shown = _pdfsig(out / "pub-2026-05-v1-report.pdf")
    assert shown.count("Signature is Valid") == 2, shown
    assert shown.index("ChairSig") < shown.index("SecretarySig")
    assert console_dialogs.errors == []


def _chair_window(
    world: World, folder: Path, tmp_path: Path, dialogs: ConsoleDialogs
) -> ExpertWindow:
    """The chair's own expert window on a workspace of the meeting."""
    with sec_setup.open_workspace(SqliteStores(), folder) as ws:
        meeting = ws.meeting(ws.setup().header.meeting_id)
    path = tmp_path / "chair" / "workspace.sqlite"
    path.parent.mkdir()
    Workspace.create(
        path, meeting, load_default_rubric(), "expert", now=lambda: dt.datetime.now(dt.UTC)
    ).close()
    now = dt.datetime.now(dt.UTC)
    session = unlock(meeting, world.chair_p12.read_bytes(), PASS, now)
    return open_expert_window(
        session,
        world.chair_p12,
        path,
        stores=SqliteStores(),
        dialogs=dialogs,
        materials=NoMaterials(),
        exporters=publish_exporters,
    )


@pytest.mark.tool("pdfsig")
def test_the_chair_signs_the_report_file_in_their_expert_window(
    world: World, tmp_path: Path, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    folder = world.copy(world.ready, tmp_path)
    _window, page = _console(folder, world, qtbot, console_dialogs)
    language = page.language
    language.setCurrentIndex(language.findData("en"))
    _prepare(qtbot, page)
    assert page.prepared is not None and page.prepared.settings.language == "en"

    report = tmp_path / "for-the-chair.oireport"
    console_dialogs.saved_paths.append(report)
    _click(qtbot, page.write_report_button)
    qtbot.waitUntil(lambda: report.exists() and not page.busy)
    assert not page.secretary_button.isEnabled()
    assert _encrypted_to_two(report)  # report-to-sign v2: nothing in clear on the stick

    chair = _chair_window(world, folder, tmp_path, console_dialogs)
    qtbot.addWidget(chair)
    assert chair.sign_report_action.isEnabled()
    console_dialogs.chosen_paths.append(report)
    chair.sign_report_action.trigger()
    signer = chair.report_signer
    qtbot.waitUntil(lambda: signer.dialog is not None)
    shown = signer.dialog
    assert shown is not None and shown.report.results_hash in shown.summary.text()
    qtbot.waitUntil(lambda: shown.viewer.document.pageCount() > 0)
    qtbot.keyClicks(shown.passphrase_edit, PASS.decode())
    signed = tmp_path / "signed-by-the-chair.oireport"
    console_dialogs.saved_paths.append(signed)
    _click(qtbot, shown.sign_button)
    qtbot.waitUntil(lambda: signer.signed == signed)
    chair.close()
    assert _encrypted_to_two(signed)

    console_dialogs.chosen_paths.append(signed)
    _click(qtbot, page.import_button)
    qtbot.waitUntil(lambda: page.imported and not page.busy)
    assert "imported" in page.state.text()
    assert page.secretary_button.isEnabled()
    # what the console keeps until it signs second is the file as it came, still encrypted
    assert _encrypted_to_two(folder / PUBLISH_FOLDER / "chair-signed.oireport")

    out = tmp_path / "outputs"
    out.mkdir()
    console_dialogs.chosen_paths.append(world.ministry_pem)
    _write(qtbot, page, out, choose_pem=True)
    _check_written(page, out)
    shown_sigs = _pdfsig(out / "pub-2026-05-v1-report.pdf")
    assert shown_sigs.count("Signature is Valid") == 2, shown_sigs
    assert console_dialogs.errors == []


def _encrypted_to_two(path: Path) -> bool:
    from app.crypto.age_file import inspect_header

    with path.open("rb") as fh:
        info = inspect_header(fh)
    data = path.read_bytes()
    return info.stanza_counts == (("X25519", 2),) and b"%PDF" not in data and b"PK\x03" not in data


def test_the_chairs_window_refuses_a_damaged_report_file(
    world: World, tmp_path: Path, qtbot: QtBot, console_dialogs: ConsoleDialogs
) -> None:
    folder = world.copy(world.ready, tmp_path)
    _window, page = _console(folder, world, qtbot, console_dialogs)
    _prepare(qtbot, page)
    report = tmp_path / "for-the-chair.oireport"
    console_dialogs.saved_paths.append(report)
    _click(qtbot, page.write_report_button)
    qtbot.waitUntil(lambda: report.exists() and not page.busy)
    data = report.read_bytes()
    report.write_bytes(data[: len(data) - 1000])  # cut short on the stick

    chair = _chair_window(world, folder, tmp_path, console_dialogs)
    qtbot.addWidget(chair)
    console_dialogs.chosen_paths.append(report)
    chair.sign_report_action.trigger()
    qtbot.waitUntil(lambda: console_dialogs.errors != [])
    error = console_dialogs.errors[0]
    assert "The report to sign is refused: it is damaged" in error["message"], error
    assert chair.report_signer.dialog is None and chair.report_signer.signed is None
    chair.close()
