"""The main window shows the meeting, its roster and rubric, and switches language live."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from tests.ui.conftest import RecordingDialogs
from ui.shell.main_window import MainWindow


def _column(model: QAbstractItemModel, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _headers(model: QAbstractItemModel) -> list[str]:
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def _window(
    qtbot: QtBot, meeting: Meeting | None, rubric: Rubric | None, **kw: object
) -> MainWindow:
    window = MainWindow(meeting, rubric, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_agenda_lists_applications_in_hearing_order(
    qtbot: QtBot, meeting: Meeting, rubric: Rubric
) -> None:
    window = _window(qtbot, meeting, rubric)
    model = window.agenda_view.model()
    assert _column(model, 0) == ["1", "2", "3"]
    assert _column(model, 1) == ["09:00", "09:25", "09:50"]
    assert _column(model, 2) == [
        "State Grid Smart Energy Research Institute",
        "Shanghai Institute of Materia Medica",
        "Zhongguancun AI Industry Alliance",
    ]
    assert _column(model, 3)[0] == "Smart Grid Dispatch Innovation Platform"
    assert _column(model, 4)[1] == "Drug discovery"
    assert _column(model, 5) == ["15", "15", "15"]
    assert _column(model, 6) == ["10", "10", "10"]
    assert window.header.title.text() == "Expert review of national innovation platforms, 2025"
    assert "Conference Room 3" in window.header.details.text()
    assert window.header.badge.isVisible() and window.header.badge.text() == "DEMO"


def test_demo_badge_hidden_for_a_real_meeting(qtbot: QtBot, rubric: Rubric) -> None:
    from tests.ui.sample import sample_meeting

    window = _window(qtbot, sample_meeting(is_demo=False), rubric)
    assert not window.header.badge.isVisible()


def test_roster_marks_the_chair(qtbot: QtBot, meeting: Meeting, rubric: Rubric) -> None:
    window = _window(qtbot, meeting, rubric)
    window.tabs.setCurrentIndex(1)
    model = window.roster_view.model()
    assert _column(model, 0) == ["Wang Lihua", "Zhao Ming", "Chen Jing"]
    assert _column(model, 1) == ["Overall expert", "Domain expert", "Domain expert"]
    assert _column(model, 2) == ["Chair", "", ""]
    assert _column(model, 5)[0] == "3F2A 91C0 77D4 0B1E"
    assert _column(model, 5)[1] == "—"
    assert "Chair: Wang Lihua" in window.summary.text()


def test_rubric_tab_lists_factors_and_shows_details(
    qtbot: QtBot, meeting: Meeting, rubric: Rubric
) -> None:
    window = _window(qtbot, meeting, rubric)
    window.tabs.setCurrentIndex(2)
    page = window.rubric_page
    assert _column(page.model, 0) == ["Capability", "Construction plan", "Basic criteria"]
    assert _column(page.model, 1)[:2] == ["50", "50"]
    details = page.details.toPlainText()
    assert "Capability" in details
    # each band as a range of the factor's scores on its steps (issue 14 item 13)
    assert "Excellent — 45–50 points" in details
    assert "Good — 37.5–44.5 points" in details
    assert "Poor — 0–29.5 points" in details
    assert "Is the committed funding secured?" in details

    page.outline.setFocus()
    qtbot.keyClick(page.outline, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert "The applicant is a legal entity registered in China" in page.details.toPlainText()


def test_keyboard_switches_tabs(qtbot: QtBot, meeting: Meeting, rubric: Rubric) -> None:
    window = _window(qtbot, meeting, rubric)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 2
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1


def _menu_titles(window: MainWindow) -> list[str]:
    return [a.text() for a in window.menuBar().actions()]


def test_language_menu_switches_everything_to_chinese_and_back(
    qtbot: QtBot, meeting: Meeting, rubric: Rubric
) -> None:
    window = _window(qtbot, meeting, rubric)
    agenda, roster = window.agenda_view.model(), window.roster_view.model()
    chinese: QAction = window.language_actions["zh_CN"]
    assert window.language_actions["en"].isChecked()
    assert chinese in window.language_menu.actions()

    chinese.trigger()

    assert chinese.isChecked() and not window.language_actions["en"].isChecked()
    assert _menu_titles(window) == ["文件(&F)", "视图(&V)", "帮助(&H)"]
    assert window.language_menu.title() == "语言(&L)"
    assert window.quit_action.text() == "退出(&Q)"
    assert [window.tabs.tabText(i) for i in range(3)] == [
        "议程(&A)",
        "专家名单(&R)",
        "评分细则(&U)",
    ]
    assert _headers(agenda)[2:5] == ["申报单位", "平台名称", "细分领域"]
    assert _column(agenda, 2)[0] == "国网智能电网研究院"
    assert _column(roster, 0)[0] == "王丽华"
    assert _column(roster, 1)[0] == "综合专家"
    assert _column(roster, 2)[0] == "组长"
    assert window.header.title.text() == "2025年国家创新平台专家评审会"
    assert window.header.badge.text() == "示例"
    assert "2025年3月12日" in window.header.details.text()
    assert _column(window.rubric_page.model, 0)[0] == "建设能力"
    assert "优秀" in window.rubric_page.details.toPlainText()
    assert window.windowTitle().endswith("专家评审工作台")
    assert window.agenda_view.accessibleName() == "议程"

    window.language_actions["en"].trigger()

    assert _menu_titles(window) == ["&File", "&View", "&Help"]
    assert window.tabs.tabText(0) == "&Agenda"
    assert _headers(agenda)[2] == "Applicant unit"
    assert _column(agenda, 2)[0] == "State Grid Smart Energy Research Institute"
    assert window.header.badge.text() == "DEMO"


def test_every_action_has_text_and_menu_actions_are_enabled(
    qtbot: QtBot, meeting: Meeting, rubric: Rubric
) -> None:
    window = _window(
        qtbot,
        meeting,
        rubric,
        demo_loader=lambda: (meeting, rubric),
        workspace_loader=lambda _path: (meeting, rubric),
        kit_import=lambda _main: None,
    )
    for menu in (window.file_menu, window.view_menu, window.help_menu):
        for action in menu.actions():
            if action.isSeparator():
                continue
            assert action.isVisible(), f"a hidden menu entry: {action.text()}"
            assert action.text(), "an action without a label"
            assert action.isEnabled(), f"a dead menu entry: {action.text()}"


def test_about_goes_through_the_dialog_service(
    qtbot: QtBot, meeting: Meeting, rubric: Rubric, dialogs: RecordingDialogs
) -> None:
    window = _window(qtbot, meeting, rubric, dialogs=dialogs)
    window.about_action.trigger()
    title, text = dialogs.messages[-1]
    assert title == "About Expert Review Desk"
    assert "0.1.0" in text and "WenQuanYi Micro Hei" in text and "Apache" in text


def test_empty_state_opens_the_demo_in_the_background(
    qtbot: QtBot, meeting: Meeting, rubric: Rubric
) -> None:
    window = _window(qtbot, None, None, demo_loader=lambda: (meeting, rubric))
    assert window.pages.currentWidget() is window.empty_state
    assert not window.tab_actions[0].isEnabled()
    qtbot.mouseClick(window.empty_state.open_demo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.meeting_page)
    assert window.agenda_view.model().rowCount() == 3


def test_the_empty_state_heading_follows_the_text_size(qtbot: QtBot) -> None:
    window = _window(qtbot, None, None)
    heading = window.empty_state.heading
    window.reset_text_action.trigger()
    base = QApplication.font().pointSize()
    assert heading.font().bold() and heading.font().pointSize() == base + 4
    window.larger_text_action.trigger()
    assert QApplication.font().pointSize() > base
    assert heading.font().pointSize() == QApplication.font().pointSize() + 4
    assert heading.font().bold()


def test_open_demo_is_left_out_without_a_loader(qtbot: QtBot) -> None:
    window = _window(qtbot, None, None)
    assert not window.open_demo_action.isVisible()
    assert not window.empty_state.open_demo_button.isVisible()


def test_geometry_is_restored_by_the_next_window(
    qtbot: QtBot, meeting: Meeting, rubric: Rubric
) -> None:
    first = _window(qtbot, meeting, rubric)
    first.resize(720, 540)
    first.rubric_page.splitter.setSizes([200, 600])
    splitter_sizes = first.rubric_page.splitter.sizes()
    first.close()

    second = _window(qtbot, meeting, rubric)
    assert (second.width(), second.height()) == (720, 540)
    assert second.rubric_page.splitter.sizes() == splitter_sizes


def test_text_zoom_reaches_tables_and_the_header(
    qtbot: QtBot, meeting: Meeting, rubric: Rubric
) -> None:
    window = _window(qtbot, meeting, rubric)
    window.reset_text_action.trigger()
    before = window.agenda_view.font().pointSize()
    title_before = window.header.title.font().pointSize()
    window.larger_text_action.trigger()
    window.larger_text_action.trigger()
    assert QApplication.font().pointSize() > before
    assert window.agenda_view.font().pointSize() == QApplication.font().pointSize()
    assert window.header.title.font().pointSize() > title_before
    window.reset_text_action.trigger()
    assert window.agenda_view.font().pointSize() == before


def test_help_opens_the_user_guide(qtbot: QtBot, meeting: Meeting, rubric: Rubric) -> None:
    """Issue 14 item 8: newcomers find the user guide in the Help menu (and on F1)."""
    from ui.shell.user_guide import UserGuide

    window = _window(qtbot, meeting, rubric)
    assert window.help_menu.actions()[0] is window.user_guide_action
    assert window.user_guide_action.text() == "&User guide"
    assert window.user_guide_action.shortcut().toString() == "F1"
    window.user_guide_action.trigger()
    guide = window.user_guide
    assert isinstance(guide, UserGuide) and guide.isVisible()
    text = guide.browser.toPlainText()
    assert "Scoring" in text and "review-desk kit import" in text
    assert "## " not in text  # rendered, not shown as Markdown source
    guide.close()


def test_the_meeting_page_says_what_to_do_next(qtbot: QtBot, rubric: Rubric) -> None:
    """Issue 14 item 8: the window says what to do next; demo passphrases for the demo only."""
    from tests.ui.sample import sample_meeting

    calls: list[object] = []
    demo = _window(qtbot, sample_meeting(is_demo=True), rubric, expert_sign_in=calls.append)
    steps = demo.next_steps
    assert steps.isVisibleTo(demo)
    assert steps.text.text().startswith("Next: sign in as an expert")
    assert "demo-expert-" in steps.text.text() and "demo-secretary" in steps.text.text()
    assert "identities" in steps.text.text()
    qtbot.mouseClick(steps.sign_in_button, Qt.MouseButton.LeftButton)
    assert calls == [demo]
    assert steps.console_button.text() == "Open secretary console…"

    real = _window(qtbot, sample_meeting(is_demo=False), rubric, expert_sign_in=calls.append)
    text = real.next_steps.text.text()
    assert text.startswith("Next: sign in as an expert")
    assert "demo" not in text and "passphrase" in text  # named, never shown


def test_band_ranges_read_as_ranges_in_chinese(
    qtbot: QtBot, meeting: Meeting, rubric: Rubric
) -> None:
    window = _window(qtbot, meeting, rubric)
    window.language_actions["zh_CN"].trigger()
    window.tabs.setCurrentIndex(2)
    details = window.rubric_page.details.toPlainText()
    assert "较差 — 0–29.5 分" in details and "分及以上" not in details
