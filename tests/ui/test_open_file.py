"""``review-desk open FILE``, what a double-click in the file manager runs: the file is
checked before any window starts, then a kit opens in the expert's kit import, a bundle in
the ministry desk's import, and the other kinds name where they are used."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.cli import main
from app.file_kinds import FileKind, kind_of, where_opened
from app.i18n import set_language
from tests.ui.conftest import RecordingDialogs
from ui import launch
from ui.expert.kit_import_dialog import KitImportDialog
from ui.ministry.window import MinistryWindow


def test_each_kind_is_known_by_its_extension_in_any_case(tmp_path: Path) -> None:
    assert kind_of(tmp_path / "m.oikit") is FileKind.KIT
    assert kind_of(tmp_path / "R.OIBUNDLE") is FileKind.BUNDLE
    assert kind_of(tmp_path / "notes.txt") is None
    assert kind_of(tmp_path / "oikit") is None
    assert {kind.extension for kind in FileKind} == {
        ".oipkg",
        ".oikit",
        ".oisheet",
        ".oibundle",
        ".oiround",
        ".oireport",
    }


def test_a_kit_opens_in_the_experts_kit_import(
    tmp_path: Path, qtbot: QtBot, dialogs: RecordingDialogs
) -> None:
    kit = tmp_path / "meeting.oikit"
    kit.write_bytes(b"PK")  # the dialog reads the kit only when Import is pressed
    window = launch.build_main_window(demo=False, workspace=None, dialogs=dialogs, file=kit)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(window.findChildren(KitImportDialog)))
    (dialog,) = window.findChildren(KitImportDialog)
    assert dialog.kit_edit.text() == str(kit)
    assert dialog.isVisible() and dialogs.errors == []


def test_a_bundle_opens_in_the_ministry_desks_import(
    tmp_path: Path, qtbot: QtBot, dialogs: RecordingDialogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    bundle = tmp_path / "results.oibundle"
    bundle.write_bytes(b"age")
    window = launch.build_main_window(demo=False, workspace=None, dialogs=dialogs, file=bundle)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(window.secretary_consoles))
    (desk,) = window.secretary_consoles
    assert isinstance(desk, MinistryWindow)
    qtbot.addWidget(desk)
    qtbot.waitUntil(lambda: desk.loading is None)
    assert desk.import_dialog is not None and desk.import_dialog.isVisible()
    assert desk.import_dialog.files == [bundle]
    assert dialogs.errors == []


@pytest.mark.parametrize(
    ("name", "menu"),
    [
        ("A-1.oisheet", "Import sheet files…"),
        ("A-1.oipkg", "Import packages…"),
        ("m-round-2.oiround", "Import round notice…"),
        ("chair.oireport", "Sign the meeting report…"),
    ],
)
def test_the_other_kinds_say_where_they_are_used(
    tmp_path: Path, qtbot: QtBot, dialogs: RecordingDialogs, name: str, menu: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"x")
    window = launch.build_main_window(demo=False, workspace=None, dialogs=dialogs, file=path)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(dialogs.messages))
    assert dialogs.messages == [(name, str(where_opened(kind_of(path) or FileKind.KIT)))]
    assert menu in dialogs.messages[0][1]
    assert window.secretary_consoles == [] and not window.findChildren(KitImportDialog)


def test_every_kind_has_a_chinese_explanation() -> None:
    for kind in FileKind:
        english = where_opened(kind).in_language("en")
        chinese = where_opened(kind).in_language("zh_CN")
        assert chinese != english and "›" in chinese


def test_review_desk_open_starts_the_window_on_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[dict[str, object]] = []

    def run(**kwargs: object) -> int:
        started.append(kwargs)
        return 0

    monkeypatch.setattr(launch, "run", run)
    kit = tmp_path / "meeting.oikit"
    kit.write_bytes(b"PK")
    monkeypatch.chdir(tmp_path)
    try:
        assert main(["open", "meeting.oikit", "--lang", "zh_CN"]) == 0
    finally:
        set_language("en")
    assert started == [
        {"language": "zh_CN", "demo": False, "workspace": None, "open_file": str(kit)}
    ]


@pytest.mark.parametrize(
    ("name", "make", "said"),
    [
        ("notes.txt", True, "notes.txt is not a file of Expert Review Desk."),
        ("missing.oikit", False, "missing.oikit: there is no such file."),
    ],
)
def test_review_desk_open_refuses_a_wrong_file_before_any_window(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    make: bool,
    said: str,
) -> None:
    monkeypatch.setattr(launch, "run", lambda **_kwargs: pytest.fail("a window started"))
    if make:
        (tmp_path / name).write_text("x")
    monkeypatch.chdir(tmp_path)
    assert main(["open", name]) == 2
    err = capsys.readouterr().err
    assert said in err
    if not make:
        assert "Check the file name" in err
    else:
        assert "*.oikit" in err and "*.oibundle" in err


def test_review_desk_open_without_a_file_is_the_start_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The menu entry's ``Exec=review-desk open %f`` with no file chosen."""
    started: list[dict[str, object]] = []

    def run(**kwargs: object) -> int:
        started.append(kwargs)
        return 0

    monkeypatch.setattr(launch, "run", run)
    assert main(["open"]) == 0
    assert started == [{"language": None, "demo": False, "workspace": None, "open_file": None}]
