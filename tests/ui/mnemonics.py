"""Issue 14 item 6: walk a window's visible controls and find Alt letters taken twice."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabBar,
    QTabWidget,
    QWidget,
)


def mnemonic(text: str) -> str | None:
    """The Alt letter of ``text`` ("&File" → "f", "文件(&F)" → "f"; "&&" is a plain "&")."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].lower()
        i += 1
    return None


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.isVisible()


def _taken(window: QWidget) -> dict[str, list[str]]:
    """Alt letter → what takes it, among the window's controls on screen now."""
    found: dict[str, list[str]] = defaultdict(list)

    def add(text: str, what: str) -> None:
        letter = mnemonic(text)
        if letter is not None:
            found[letter].append(f"{what} {text!r}")

    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            if action.isVisible():
                add(action.text(), "menu")
    for widget in window.findChildren(QWidget):
        if not _shown(widget, window):
            continue
        if isinstance(widget, QAbstractButton):
            add(widget.text(), type(widget).__name__)
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            add(widget.text(), "label")
        elif isinstance(widget, QGroupBox):
            add(widget.title(), "group")
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                if widget.isTabVisible(i):
                    add(widget.tabText(i), "tab")
    return found


def clashes(window: QWidget, where: str, main: QTabWidget | None = None) -> list[str]:
    """Alt letters taken twice on the window as it is now, and on each tab of any nested tab
    widget inside the page (its sub-tabs show different controls under the same menus and
    tabs); ``main`` is the window's own page tabs, which the caller walks."""
    QApplication.processEvents()
    states = [where]
    problems = _clashes(window, where)
    for tabs in window.findChildren(QTabWidget):
        if tabs is main or not _shown(tabs, window):
            continue
        if tabs.count() < 2 or any(
            isinstance(p, QTabWidget) and p is not tabs for p in _ancestors(tabs, window)
        ):
            continue
        current = tabs.currentIndex()
        for i in range(tabs.count()):
            if tabs.isTabEnabled(i) and i != current:
                tabs.setCurrentIndex(i)
                QApplication.processEvents()
                label = f"{where} / {tabs.tabText(i)}"
                states.append(label)
                problems += _clashes(window, label)
        tabs.setCurrentIndex(current)
    return problems


def _ancestors(widget: QWidget, top: QWidget) -> list[QWidget]:
    out = []
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        out.append(parent)
        parent = parent.parentWidget()
    return out


def _clashes(window: QWidget, where: str) -> list[str]:
    return [
        f"{where}: Alt+{letter.upper()} taken by {', '.join(whats)}"
        for letter, whats in sorted(_taken(window).items())
        if len(whats) > 1
    ]


def menu_clashes(window: QMainWindow, where: str) -> list[str]:
    """Alt letters taken twice inside one menu of ``window``'s menu bar (its submenus each
    checked on their own); separators and actions hidden from the menu do not count."""
    problems: list[str] = []

    def check(menu: object, path: str) -> None:
        from PySide6.QtWidgets import QMenu

        assert isinstance(menu, QMenu)
        found: dict[str, list[str]] = defaultdict(list)
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            letter = mnemonic(action.text())
            if letter is not None:
                found[letter].append(action.text())
            if action.menu() is not None:
                check(action.menu(), f"{path} › {action.text()}")
        problems.extend(
            f"{where} {path}: Alt+{letter.upper()} taken by " + ", ".join(repr(t) for t in texts)
            for letter, texts in found.items()
            if len(texts) > 1
        )

    for action in window.menuBar().actions():
        if action.menu() is not None:
            check(action.menu(), action.text())
    return problems
