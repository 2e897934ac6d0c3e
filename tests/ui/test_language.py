"""Issue 14 item 10: Qt's own dialogs in Chinese, the expert window's language switch."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from ui.common.fonts import LATIN_FAMILIES, apply_app_font, load_cjk_font
from ui.common.i18n import switch_language

ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _texts(dialog: QWidget) -> list[str]:
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    texts += [button.text() for button in dialog.findChildren(QAbstractButton)]
    texts += [button.toolTip() for button in dialog.findChildren(QAbstractButton)]
    return [t for t in texts if t]


def test_qt_file_dialog_speaks_chinese(qtbot: QtBot) -> None:
    """ "&Look in:" and "Files of &type:" have no entry in Qt's zh_CN catalog (it has them
    without the "&") and showed in English."""
    switch_language("zh_CN")
    dialog = QFileDialog(None, "选择文件")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    texts = _texts(dialog)
    assert "查找范围(&L)：" in texts and "文件类型(&T)：" in texts
    assert [t for t in texts if ENGLISH_WORD.search(t)] == []
    switch_language("en")
    english = QFileDialog(None, "Choose a file")
    english.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(english)
    assert "&Look in:" in _texts(english)


def test_english_quotes_and_ellipsis_are_not_drawn_full_width(qapp: QApplication) -> None:
    """The shipped CJK face draws “ ” and … a full em wide (they read as Chinese punctuation,
    "⋯"); in English a Latin face leads, with the CJK face behind it for any Chinese."""
    present = set(QFontDatabase.families())
    if not any(family in present for family in LATIN_FAMILIES):
        pytest.skip("no Latin face on this machine: the CJK face is the only one")
    saved = QApplication.font()
    try:
        apply_app_font(load_cjk_font())
        switch_language("en")
        english = QFontMetrics(QApplication.font())
        assert "WenQuanYi" in QApplication.font().families()[-1]
        for mark in "“”‘’":
            assert english.horizontalAdvance(mark) < 0.75 * english.horizontalAdvance("中")
        switch_language("zh_CN")
        chinese = QFontMetrics(QApplication.font())
        assert QApplication.font().families() == [load_cjk_font()]
        assert chinese.horizontalAdvance("“") == chinese.horizontalAdvance("中")
    finally:
        switch_language("en")
        QApplication.setFont(saved)


def test_the_form_redrawn_in_another_language_shows_only_that_language(qtbot: QtBot) -> None:
    """Screenshots in zh_CN after en showed both languages' form texts drawn over each other:
    the old labels stayed visible until the event loop deleted them."""
    from tests.ui.sample import sample_meeting
    from ui.expert.materials_page import FormView

    application = sample_meeting().applications[0]
    view = FormView()
    qtbot.addWidget(view)
    view.show()
    switch_language("en")
    view.set_application(application)
    switch_language("zh_CN")
    view.set_application(application)
    QApplication.processEvents()  # lays out and shows the new labels (deletes nothing)
    shown = [label.text() for label in view.body.findChildren(QLabel) if label.isVisible()]
    assert application.platform_name.en not in shown
    assert application.platform_name.zh_CN in shown
    switch_language("en")
