"""Typing Chinese on fcitx desktops: with no fcitx plugin, Qt is pointed at fcitx5's ibus
frontend; every other input-method setting is left as the desktop made it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.common.input_method import input_method_environment, prepare_input_method


def _plugins(tmp_path: Path, *names: str) -> Path:
    folder = tmp_path / "plugins" / "platforminputcontexts"
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_bytes(b"")
    return tmp_path / "plugins"


IBUS = "libibusplatforminputcontextplugin.so"
COMPOSE = "libcomposeplatforminputcontextplugin.so"
FCITX5 = "libfcitx5platforminputcontextplugin.so"


@pytest.mark.parametrize("wanted", ["fcitx", "fcitx5", "FCITX"])
def test_fcitx_without_a_fcitx_plugin_goes_to_fcitx5s_ibus_frontend(
    tmp_path: Path, wanted: str
) -> None:
    plugins = _plugins(tmp_path, IBUS, COMPOSE)
    changes = input_method_environment({"QT_IM_MODULE": wanted}, plugins)
    assert changes["QT_IM_MODULES"] == f"{wanted.lower()};ibus"
    assert changes["IBUS_USE_PORTAL"] == "1"


def test_a_fcitx_plugin_in_the_bundle_is_tried_first_then_ibus(tmp_path: Path) -> None:
    plugins = _plugins(tmp_path, IBUS, COMPOSE, FCITX5)
    changes = input_method_environment({"QT_IM_MODULE": "fcitx"}, plugins)
    assert changes["QT_IM_MODULES"] == "fcitx;ibus"


def test_fcitx_named_only_by_xmodifiers_goes_to_ibus(tmp_path: Path) -> None:
    plugins = _plugins(tmp_path, IBUS, COMPOSE)
    env = {"XMODIFIERS": "@im=fcitx"}
    assert input_method_environment(env, plugins)["QT_IM_MODULES"] == "fcitx;ibus"


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({"QT_IM_MODULE": "fcitx"}, (COMPOSE,)),  # no ibus plugin: nothing to gain
        ({"QT_IM_MODULE": "ibus"}, (IBUS, COMPOSE)),
        ({"QT_IM_MODULE": "compose"}, (IBUS, COMPOSE)),
        ({"QT_IM_MODULES": "fcitx;ibus", "QT_IM_MODULE": "fcitx"}, (IBUS, COMPOSE)),
        ({}, (IBUS, COMPOSE)),
        ({"XMODIFIERS": "@im=ibus"}, (IBUS, COMPOSE)),
    ],
)
def test_other_input_method_settings_are_left_alone(
    tmp_path: Path, environ: dict[str, str], names: tuple[str, ...]
) -> None:
    assert input_method_environment(environ, _plugins(tmp_path, *names)) == {}


def test_prepare_changes_the_environment_it_is_given(tmp_path: Path) -> None:
    plugins = _plugins(tmp_path, IBUS)
    environ = {"QT_IM_MODULE": "fcitx"}
    prepare_input_method(environ, plugins)
    assert environ["QT_IM_MODULES"] == "fcitx;ibus"
    assert environ["QT_IM_MODULE"] == "fcitx"  # left as the desktop set it


def test_the_window_start_up_applies_it_before_qt_reads_the_variables(tmp_path: Path) -> None:
    """In a process of its own (Qt reads QT_IM_MODULES once): the real PySide6 plugins."""
    code = (
        "import os, sys; from ui.launch import prepare_application; "
        "prepare_application('en'); print(os.environ.get('QT_IM_MODULES'))"
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QT_IM_MODULE": "fcitx",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path),
    }
    env.pop("QT_IM_MODULES", None)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert out.strip().splitlines()[-1] == "fcitx;ibus"
