"""Switching the language at runtime: our gettext catalog, Qt's own translator, the windows.

Our strings come from :mod:`app.i18n` (gettext, one catalog for the whole program); Qt's
built-in dialogs (file dialogs, standard buttons, "About Qt") come from Qt's ``qt_zh_CN.qm``,
which ships in the PySide6 wheel. After a switch every top-level window that has a
``retranslate()`` method redraws its texts, so nothing needs restarting.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QApplication

from app.i18n import current_language, normalize, set_language
from ui.common.fonts import apply_language_font

QT_CATALOGS = ("qt_zh_CN", "qtbase_zh_CN")

LANGUAGES = (("en", "English"), ("zh_CN", "中文"))
"""Each language is named in itself, so anyone can find their own; never translated."""

_installed: list[QTranslator] = []


class MnemonicFallback(QTranslator):
    """Qt's strings that gained an Alt letter after its Chinese catalog was written ("&Look
    in:", "Files of &type:" in the file dialog) have no entry there and showed in English:
    this looks up the text without its "&" and gives the letter back the Chinese way
    ("查找范围(&L)：")."""

    def __init__(self, base: QTranslator) -> None:
        super().__init__()
        self.base = base

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None, not "": Qt asks the next translator only for a null string.
        if "&" not in source or self.base.translate(context, source, disambiguation, n):
            return None  # none to add, or Qt's catalog has it: the next translator answers
        plain, letter = _without_mnemonic(source)
        if letter is None:
            return None
        found = self.base.translate(context, plain, disambiguation, n)
        if not found:
            return None
        body = found.rstrip(":：")
        return f"{body}(&{letter.upper()}){found[len(body) :]}"

    def isEmpty(self) -> bool:
        return False


def _without_mnemonic(text: str) -> tuple[str, str | None]:
    """``text`` without its mnemonic marker, and the marked letter ("&&" is a plain "&")."""
    out: list[str] = []
    letter: str | None = None
    i = 0
    while i < len(text):
        if text[i] == "&" and i + 1 < len(text):
            if text[i + 1] == "&":
                out.append("&&")
            elif letter is None:
                letter = text[i + 1]
                out.append(text[i + 1])
            else:
                out.append(text[i + 1])
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out), letter


@runtime_checkable
class Retranslatable(Protocol):
    """A window that can redraw all its texts in the current language."""

    def retranslate(self) -> None: ...


def qt_translations_dir() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def install_qt_translator(language: str) -> QTranslator | None:
    """Swap Qt's own translator to ``language``; returns it, or None for English."""
    app = QCoreApplication.instance()
    for old in _installed:
        if app is not None:
            app.removeTranslator(old)
    _installed.clear()
    if normalize(language) != "zh_CN":
        return None
    translator = QTranslator()
    # qt_zh_CN.qm only lists the module catalogs; it fails to load when any of them (say
    # qtmultimedia) is absent, as in PySide6-Essentials, so fall back to qtbase itself.
    if not any(translator.load(name, qt_translations_dir()) for name in QT_CATALOGS):
        return None  # a trimmed bundle without Qt's catalogs: our own strings still switch
    fallback = MnemonicFallback(translator)
    if app is not None:
        app.installTranslator(translator)
        app.installTranslator(fallback)  # asked first: the one installed last is
    _installed.extend((translator, fallback))
    return translator


def qlocale(language: str) -> QLocale:
    """The Qt locale matching our language, for dates and numbers."""
    if normalize(language) == "zh_CN":
        return QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    return QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def switch_language(language: str) -> str:
    """Switch the whole program to ``language`` and retranslate every open window."""
    lang = set_language(language)
    install_qt_translator(lang)
    QLocale.setDefault(qlocale(lang))
    apply_language_font(lang)
    if QApplication.instance() is not None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, Retranslatable):
                widget.retranslate()
    return lang


def language_actions(parent: QObject) -> dict[str, QAction]:
    """View › Language: one checkable action per language, switching the whole program."""
    group = QActionGroup(parent)
    group.setExclusive(True)
    actions: dict[str, QAction] = {}
    for code, name in LANGUAGES:
        action = QAction(name, group)
        action.setCheckable(True)
        action.setData(code)
        action.setChecked(code == current_language())
        action.triggered.connect(lambda _checked=False, c=code: switch_language(c))
        actions[code] = action
    return actions
