"""Typing Chinese where the desktop runs fcitx: which Qt input-method plugins to ask for.

Qt reaches the desktop's input method through a *platform input context* plugin, named by
``QT_IM_MODULE``. Such a plugin uses Qt's private API, so it must be built against the exact
Qt the program runs on (PySide6's): Debian's fcitx5-frontend-qt6, built against Qt 6.4, fails
to load into it ("undefined symbol: ...handleExtendedKeyEvent..., version
Qt_6_PRIVATE_API"), and fcitx5-qt is not published for PySide6's Qt. PySide6 (the wheel and
the one-folder build alike) carries Qt's own ``ibus`` and ``compose`` plugins and no fcitx
one. Kylin and UOS set ``QT_IM_MODULE=fcitx``; Qt would find no such plugin and fall back to
``compose``, where no Chinese can be typed. fcitx5 also speaks the ibus D-Bus protocol (its
``ibusfrontend`` addon, on by default, serves ``org.freedesktop.portal.IBus`` on the session
bus), so when fcitx is asked for, start-up gives Qt the list ``fcitx;ibus``
(``QT_IM_MODULES``, Qt 6.7+: the first plugin that loads and connects wins, then
``compose``) and points the ibus plugin at that portal. A real fcitx plugin dropped in is
still tried first. fcitx 4 (older Kylin/UOS) has no ibus frontend; there the fallback cannot
help (docs/user-guide.md, "Typing Chinese"). Standard library only: it runs before Qt starts.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from pathlib import Path

FCITX = ("fcitx", "fcitx5")
# A platform input context plugin's file name -> the QT_IM_MODULE keys it answers to.
PLUGIN_KEYS = {
    "libcomposeplatforminputcontextplugin.so": ("compose", "xim"),
    "libibusplatforminputcontextplugin.so": ("ibus",),
    "libfcitx5platforminputcontextplugin.so": FCITX,
}


def available_input_methods(plugins: Path) -> set[str]:
    """The QT_IM_MODULE keys the bundle's platforminputcontexts plugins answer to."""
    folder = plugins / "platforminputcontexts"
    found: set[str] = set()
    if folder.is_dir():
        for plugin in folder.iterdir():
            found.update(PLUGIN_KEYS.get(plugin.name, ()))
    return found


def input_method_environment(environ: Mapping[str, str], plugins: Path) -> dict[str, str]:
    """The variables to set so Qt can reach fcitx (empty: leave the environment as it is).

    Only fcitx is changed, and only when the bundle has Qt's ibus plugin; a list the user
    gave in QT_IM_MODULES, or any other module, is left alone.
    """
    if environ.get("QT_IM_MODULES"):
        return {}
    wanted = environ.get("QT_IM_MODULE", "").strip().lower()
    if not wanted:
        # No module named: XMODIFIERS=@im=fcitx (set by fcitx's session scripts) tells.
        if environ.get("XMODIFIERS", "").strip().lower() in ("@im=fcitx", "@im=fcitx5"):
            wanted = "fcitx"
        else:
            return {}
    if wanted not in FCITX or "ibus" not in available_input_methods(plugins):
        return {}
    return {
        "QT_IM_MODULES": f"{wanted};ibus",
        # Qt's ibus plugin then talks to org.freedesktop.portal.IBus on the session bus,
        # which fcitx5 serves, instead of looking for an ibus-daemon's address file.
        "IBUS_USE_PORTAL": "1",
        "REVIEW_DESK_IM_FALLBACK": f"{wanted};ibus",
    }


def prepare_input_method(environ: MutableMapping[str, str], plugins: Path) -> None:
    """Apply :func:`input_method_environment` to ``environ``; call before the QApplication."""
    environ.update(input_method_environment(environ, plugins))
