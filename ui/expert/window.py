"""The expert's window for one meeting: who is signed in, the agenda, and the seven pages
of an application (conflict, materials, hearing, criteria, scoring, opinion, review).

Which pages open comes from :class:`app.expert_flow.FlowState`; every edit goes through the
:class:`app.expert_desk.ExpertDesk` of the signed-in expert (so no screen can reach another
expert's records) and is committed before "Saved" shows. Where the expert was (application
and page) is remembered per workspace and expert, so reopening after a crash lands there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.ids import ApplicationId
from app.domain.meeting import Application
from app.expert_desk import ExpertDesk
from app.expert_flow import FlowState, Page
from app.expert_session import ExpertSession
from app.i18n import _, current_language
from app.materials import MaterialsSource, NoMaterials
from app.rules import Violation, ViolationCode
from ui.common.dialogs import DialogService, default_dialogs
from ui.common.fonts import FontZoom
from ui.common.geometry import restore_geometry, restore_splitter, save_geometry, save_splitter
from ui.expert.agenda import AgendaPanel
from ui.expert.autosave import SaveStatus
from ui.expert.conflict_page import ConflictPage
from ui.expert.context import ExpertPage, PageContext, plain_label
from ui.expert.criteria_page import CriteriaPage
from ui.expert.export import Exporter, return_materials
from ui.expert.hearing_page import HearingPage
from ui.expert.materials_page import MaterialsPage
from ui.expert.models import AgendaRow
from ui.expert.opinion_page import OpinionPage
from ui.expert.review_page import ReviewPage
from ui.expert.scoring_page import ScoringPage

WINDOW_KEY = "expert"
Clock = Callable[[], dt.datetime]

PAGE_FOR_CODE = {
    ViolationCode.CRITERION_UNANSWERED: Page.CRITERIA,
    ViolationCode.OPINION_MISSING: Page.OPINION,
    ViolationCode.RECOMMENDATION_MISSING: Page.OPINION,
    ViolationCode.CONDITIONS_MISSING: Page.OPINION,
}


def position_key(workspace: Path, expert_id: str) -> str:
    digest = hashlib.sha256(str(workspace.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"expert_position/{digest}/{expert_id}"


class ExpertWindow(QMainWindow):
    def __init__(
        self,
        desk: ExpertDesk,
        session: ExpertSession,
        identity_path: Path,
        workspace: Path,
        *,
        materials: MaterialsSource | None = None,
        dialogs: DialogService | None = None,
        zoom: FontZoom | None = None,
        now: Clock = lambda: dt.datetime.now(dt.UTC),
        on_close: Callable[[], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("expertWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.desk = desk
        self.session = session
        self.dialogs = dialogs if dialogs is not None else default_dialogs()
        self.zoom = zoom if zoom is not None else FontZoom()
        self._on_close = on_close
        self.now = now
        self.status = SaveStatus(self, self.dialogs)
        self.ctx = PageContext(
            desk=desk,
            status=self.status,
            dialogs=self.dialogs,
            materials=materials if materials is not None else NoMaterials(),
            state_changed=self.state_changed,
            jump=self.jump,
            session=session,
            identity_path=identity_path,
            workspace=workspace,
        )
        self.exporter = Exporter(self, self.ctx, now)
        self.application: Application | None = None
        self.state: FlowState | None = None
        self._closed = False

        self._build()
        self._build_actions()
        self.status.changed.connect(self.save_label.setText)
        if not restore_geometry(self, WINDOW_KEY):
            self.resize(1280, 800)
        restore_splitter(self.splitter, WINDOW_KEY, "agenda")
        self.agenda.set_rows(
            [
                AgendaRow(
                    item,
                    desk.meeting.application(item.application_id),
                    desk.state(item.application_id).status,
                )
                for item in sorted(desk.meeting.agenda, key=lambda i: i.position)
            ]
        )
        self.retranslate()
        self._restore_position()

    # -- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.who = plain_label()
        font = self.who.font()
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.who.setFont(font)
        self.who_detail = plain_label()
        self.meeting_label = plain_label()
        header = QFrame()
        header.setObjectName("expertHeader")
        header.setStyleSheet("QFrame#expertHeader { border-bottom: 1px solid palette(mid); }")
        head = QHBoxLayout(header)
        head.setContentsMargins(16, 10, 16, 10)
        left = QVBoxLayout()
        left.addWidget(self.who)
        left.addWidget(self.who_detail)
        head.addLayout(left, 1)
        head.addWidget(self.meeting_label, 1)

        self.agenda = AgendaPanel()
        self.agenda.chosen.connect(lambda app_id: self.open_application(ApplicationId(app_id)))
        self.conflict_page = ConflictPage(self.ctx)
        self.materials_page = MaterialsPage(self.ctx)
        self.hearing_page = HearingPage(self.ctx)
        self.criteria_page = CriteriaPage(self.ctx)
        self.scoring_page = ScoringPage(self.ctx)
        self.opinion_page = OpinionPage(self.ctx)
        self.review_page = ReviewPage(self.ctx, self.now)
        self.pages: dict[Page, ExpertPage] = {
            Page.CONFLICT: self.conflict_page,
            Page.MATERIALS: self.materials_page,
            Page.HEARING: self.hearing_page,
            Page.CRITERIA: self.criteria_page,
            Page.SCORING: self.scoring_page,
            Page.OPINION: self.opinion_page,
            Page.REVIEW: self.review_page,
        }
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for page in Page:
            self.tabs.addTab(self.pages[page], "")
        self.tabs.currentChanged.connect(self._page_changed)
        self.empty = plain_label()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.agenda)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([320, 960])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        body = QVBoxLayout()
        body.setContentsMargins(8, 8, 8, 0)
        body.addWidget(self.splitter)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)
        self.save_label = QLabel()
        self.save_label.setMinimumWidth(160)
        self.statusBar().addPermanentWidget(self.save_label)

    def _action(self, slot: Callable[[], object], *keys: str | QKeySequence.StandardKey) -> QAction:
        action = QAction(self)
        action.triggered.connect(slot)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.page_actions = [
            self._action(partial(self.go_to_page, page), f"Ctrl+{page.value + 1}") for page in Page
        ]
        self.previous_action = self._action(lambda: self.step_application(-1), "Alt+Left")
        self.next_action = self._action(lambda: self.step_application(1), "Alt+Right")
        self.filter_action = self._action(self._focus_filter, "Ctrl+L")
        self.export_action = self._action(self.exporter.run, "Ctrl+E")
        self.return_action = self._action(lambda: return_materials(self, self.ctx))
        self.close_action = self._action(self.close, "Ctrl+W")
        self.larger_action = self._action(
            self.zoom.larger, QKeySequence.StandardKey.ZoomIn, "Ctrl+="
        )
        self.smaller_action = self._action(self.zoom.smaller, QKeySequence.StandardKey.ZoomOut)
        self.reset_action = self._action(self.zoom.reset, "Ctrl+0")
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addAction(self.export_action)
        self.file_menu.addAction(self.return_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.close_action)
        self.go_menu = bar.addMenu("")
        self.go_menu.addActions(self.page_actions)
        self.go_menu.addSeparator()
        self.go_menu.addAction(self.previous_action)
        self.go_menu.addAction(self.next_action)
        self.go_menu.addAction(self.filter_action)
        self.view_menu = bar.addMenu("")
        self.view_menu.addAction(self.larger_action)
        self.view_menu.addAction(self.smaller_action)
        self.view_menu.addAction(self.reset_action)

    # -- navigation -----------------------------------------------------------------------
    def open_application(self, application_id: ApplicationId, page: Page | None = None) -> None:
        """Show ``application_id``; lands on ``page`` if open, else where the flow says."""
        self.status.flush_all()
        application = self.desk.meeting.application(application_id)
        self.application = application
        self.state = self.desk.state(application_id)
        self.agenda.set_current(application_id)
        self._show_pages(full=True)
        self.go_to_page(self.state.landing(page))
        self._save_position()

    def _show_pages(self, *, full: bool) -> None:
        app, state = self.application, self.state
        if app is None or state is None:
            return
        for page, widget in self.pages.items():
            self.tabs.setTabEnabled(page.value, state.allowed(page))
            if page is Page.MATERIALS and not full:
                widget.state = state
                continue
            widget.show_application(app, state)
        self.agenda.set_status(app.id, state.status)
        self._update_title()

    def state_changed(self) -> None:
        """After an edit: re-read this application's state; pages follow."""
        if self.application is None:
            return
        before = self.state
        self.state = self.desk.state(self.application.id)
        opened = before is None or before.allowed(Page.MATERIALS) != self.state.allowed(
            Page.MATERIALS
        )
        self._show_pages(full=opened)
        if before is not None and before.status != self.state.status and opened:
            self.go_to_page(self.state.landing())

    def go_to_page(self, page: Page) -> None:
        if self.state is None or not self.state.allowed(page):
            return
        self.tabs.setCurrentIndex(page.value)

    def current_page(self) -> Page:
        return Page(self.tabs.currentIndex())

    def step_application(self, step: int) -> None:
        if self.application is None:
            return
        target = self.agenda.neighbour(self.application.id, step)
        if target is not None:
            self.open_application(target)

    def jump(self, violation: Violation) -> None:
        page = PAGE_FOR_CODE.get(violation.code, Page.SCORING)
        self.go_to_page(page)
        self.pages[page].focus_field(violation.field, violation.code)

    def _focus_filter(self) -> None:
        self.agenda.search.setFocus()
        self.agenda.search.selectAll()

    def _page_changed(self, _index: int) -> None:
        self.status.flush_all()
        self._save_position()

    # -- remembering where the expert was -------------------------------------------------
    def _save_position(self) -> None:
        if self.application is None:
            return
        key = position_key(self.ctx.workspace, self.desk.expert.id)
        settings = QSettings()
        settings.setValue(f"{key}/application", self.application.id)
        settings.setValue(f"{key}/page", self.current_page().name)
        settings.sync()

    def _restore_position(self) -> None:
        key = position_key(self.ctx.workspace, self.desk.expert.id)
        settings = QSettings()
        app_id = str(settings.value(f"{key}/application", "") or "")
        page_name = str(settings.value(f"{key}/page", "") or "")
        known = {a.id for a in self.desk.meeting.applications}
        if app_id not in known:
            ordered = self.desk.applications()
            if not ordered:
                return
            app_id = ordered[0].id
        page = Page[page_name] if page_name in Page.__members__ else None
        self.open_application(ApplicationId(app_id), page)

    # -- language -------------------------------------------------------------------------
    def retranslate(self) -> None:
        if self._closed:
            return  # its workspace is closed; a closed window is never shown again
        lang = current_language()
        expert = self.desk.expert
        role = _(expert.role.label)
        if expert.is_chair:
            role = _("{role}, panel chair", role=role)
        self.who.setText(_("Signed in: {name} ({role})", name=expert.name.get(lang), role=role))
        self.who_detail.setText(
            _(
                "{organisation} · certificate {fingerprint}",
                organisation=expert.organisation.get(lang),
                fingerprint=self.session.fingerprint,
            )
        )
        meeting = self.desk.meeting
        self.meeting_label.setText(
            f"{meeting.title.get(lang)}\n{meeting.date.isoformat()} · {meeting.venue.get(lang)}"
        )
        for page in Page:
            title = f"{page.value + 1} {_(page.label)}"
            self.tabs.setTabText(page.value, title)
            self.page_actions[page.value].setText(_(page.label))
        self.tabs.setAccessibleName(_("Pages of the application"))
        self.file_menu.setTitle(_("&File"))
        self.go_menu.setTitle(_("&Go"))
        self.view_menu.setTitle(_("&View"))
        self.previous_action.setText(_("&Previous application"))
        self.next_action.setText(_("&Next application"))
        self.filter_action.setText(_("&Filter the agenda"))
        self.export_action.setText(_("&Export sheets for the secretary…"))
        self.return_action.setText(_("&Return materials…"))
        self.close_action.setText(_("&Close"))
        self.larger_action.setText(_("&Larger text"))
        self.smaller_action.setText(_("&Smaller text"))
        self.reset_action.setText(_("&Reset text size"))
        self.agenda.retranslate()
        for widget in self.pages.values():
            widget.retranslate()
        self.status.retranslate()
        self._update_title()

    def _update_title(self) -> None:
        lang = current_language()
        name = self.desk.expert.name.get(lang)
        if self.application is not None:
            self.setWindowTitle(
                _(
                    "{application} — {expert} — Expert Review Desk",
                    application=self.application.platform_name.get(lang),
                    expert=name,
                )
            )
        else:
            self.setWindowTitle(_("{expert} — Expert Review Desk", expert=name))

    # -- lifecycle ------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.status.flush_all()
        self._save_position()
        save_geometry(self, WINDOW_KEY)
        save_splitter(self.splitter, WINDOW_KEY, "agenda")
        self.materials_page.viewer.close_document()
        if not self._closed:
            self._closed = True
            if self._on_close is not None:
                self._on_close()
        super().closeEvent(event)
