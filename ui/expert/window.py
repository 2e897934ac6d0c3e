"""The expert's window for one meeting: who is signed in, the agenda, and the seven pages
of an application (conflict, materials, hearing, criteria, scoring, opinion, review).

Which pages open comes from :class:`app.expert.flow.FlowState`; every edit goes through the
:class:`app.expert.desk.ExpertDesk` of the signed-in expert (so no screen can reach another
expert's records) and is committed before "Saved" shows. Where the expert is (application,
page, the attachment open and its page and zoom, the hearing clock) is saved in the
workspace as it changes (:mod:`ui.expert.view_state`) and restored at sign-in, per expert,
so reopening after a crash lands there.

A later scoring round arrives as the secretary's round notice (File › "Import round
notice…", :mod:`ui.expert.round_notice`): the agenda then shows the round of each reopened
application, opening one starts its new draft from the expert's own signed sheet of the round
before, and a banner above the pages says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QSize, Qt
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
from app.domain.rules import Violation, ViolationCode
from app.errors import UserFacingError
from app.expert.desk import ExpertDesk
from app.expert.flow import FlowState, Page
from app.expert.materials import MaterialsSource, NoMaterials
from app.expert.rounds import NoticeImport
from app.expert.session import ExpertSession
from app.expert.view_state import ExpertPlaces, ExpertViewState
from app.formats.text import visible
from app.i18n import _, current_language
from app.secretary.publish_prepare import Exporters
from ui.common.dialogs import DialogService, default_dialogs
from ui.common.fonts import FontZoom
from ui.common.geometry import place_window, restore_splitter, save_geometry, save_splitter
from ui.common.i18n import language_actions
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
from ui.expert.report_sign import ReportSigner
from ui.expert.review_page import ReviewPage
from ui.expert.round_notice import NoticeImporter, round_banner_text
from ui.expert.scoring_page import ScoringPage
from ui.expert.view_state import ViewStateKeeper

WINDOW_KEY = "expert"
Clock = Callable[[], dt.datetime]

PAGE_FOR_CODE = {
    ViolationCode.CRITERION_UNANSWERED: Page.CRITERIA,
    ViolationCode.OPINION_MISSING: Page.OPINION,
    ViolationCode.RECOMMENDATION_MISSING: Page.OPINION,
    ViolationCode.CONDITIONS_MISSING: Page.OPINION,
}


class ExpertWindow(QMainWindow):
    def __init__(
        self,
        desk: ExpertDesk,
        session: ExpertSession,
        identity_path: Path,
        workspace: Path,
        *,
        places: ExpertPlaces,
        materials: MaterialsSource | None = None,
        dialogs: DialogService | None = None,
        zoom: FontZoom | None = None,
        now: Clock = lambda: dt.datetime.now(dt.UTC),
        on_close: Callable[[], None] | None = None,
        exporters: Callable[[], Exporters] | None = None,
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
        self.notice_importer = NoticeImporter(self, self.ctx, now, self._round_opened)
        self.report_signer = ReportSigner(self, self.ctx, exporters, now)
        self.application: Application | None = None
        self.state: FlowState | None = None
        self._closed = False
        self.places = places
        self.keeper = ViewStateKeeper(places, self.view_state, self)

        self._build()
        self._build_actions()
        self.status.changed.connect(self.save_label.setText)
        self.keeper.failed.connect(self._place_not_saved)
        self.materials_page.place_changed.connect(self.keeper.save_soon)
        self.hearing_page.timer.changed.connect(self.keeper.save_now)
        place_window(self, WINDOW_KEY, QSize(1280, 800))
        restore_splitter(self.splitter, WINDOW_KEY, "agenda")
        self._fill_agenda()
        self.retranslate()
        self._restore_place()

    # -- construction ---------------------------------------------------------------------
    def _fill_agenda(self) -> None:
        rows = []
        for item in sorted(self.desk.meeting.agenda, key=lambda i: i.position):
            state = self.desk.state(item.application_id)
            application = self.desk.meeting.application(item.application_id)
            rows.append(AgendaRow(item, application, state.status, state.round))
        self.agenda.set_rows(rows)

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
        self.review_page.signed.connect(lambda _sheet: self.review_page.focus_first())
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

        self.round_banner = plain_label()
        self.round_banner.setObjectName("roundBanner")
        self.round_banner.setStyleSheet(
            "QLabel#roundBanner { background: #fff4d6; border: 1px solid #e0c26b;"
            " padding: 6px 10px; }"
        )
        self.round_banner.setVisible(False)
        pages = QWidget()
        pages_layout = QVBoxLayout(pages)
        pages_layout.setContentsMargins(0, 0, 0, 0)
        pages_layout.addWidget(self.round_banner)
        pages_layout.addWidget(self.tabs, 1)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.agenda)
        self.splitter.addWidget(pages)
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
            self._action(partial(self.show_page, page), f"Ctrl+{page.value + 1}") for page in Page
        ]
        self.previous_action = self._action(lambda: self.step_application(-1), "Alt+Left")
        self.next_action = self._action(lambda: self.step_application(1), "Alt+Right")
        self.filter_action = self._action(self._focus_filter, "Ctrl+L")
        self.import_notice_action = self._action(self.notice_importer.run)
        self.export_action = self._action(self.exporter.run, "Ctrl+E")
        self.sign_action = self._action(self.sign_sheet, "Ctrl+Return", "Ctrl+Enter")
        self.return_action = self._action(lambda: return_materials(self, self.ctx))
        self.sign_report_action = self._action(self.report_signer.run)
        self.close_action = self._action(self.close, "Ctrl+W")
        self.larger_action = self._action(
            self.zoom.larger, QKeySequence.StandardKey.ZoomIn, "Ctrl+="
        )
        self.smaller_action = self._action(self.zoom.smaller, QKeySequence.StandardKey.ZoomOut)
        self.reset_action = self._action(self.zoom.reset, "Ctrl+0")
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.file_menu.addAction(self.sign_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.import_notice_action)
        self.file_menu.addAction(self.export_action)
        self.file_menu.addAction(self.return_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.sign_report_action)
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
        self.view_menu.addSeparator()
        self.language_actions = language_actions(self)
        self.language_menu = self.view_menu.addMenu("")
        self.language_menu.addActions(list(self.language_actions.values()))

    # -- navigation -----------------------------------------------------------------------
    def open_application(self, application_id: ApplicationId, page: Page | None = None) -> None:
        """Show ``application_id``; lands on ``page`` if open, else where the flow says."""
        self.status.flush_all()
        application = self.desk.meeting.application(application_id)
        self.application = application
        self._start_round(application_id)
        self.state = self.desk.state(application_id)
        self.agenda.set_current(application_id)
        self._show_pages(full=True)
        self.go_to_page(self.state.landing(page))
        self.keeper.save_now()

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
        self.agenda.set_status(app.id, state.status, state.round)
        self._show_round_banner()
        self._update_title()

    def state_changed(self) -> None:
        """After an edit: re-read this application's state; pages follow."""
        if self.application is None:
            return
        before = self.state
        if before is not None and not before.declared:
            self._start_round(self.application.id)  # just cleared in a later round
        self.state = self.desk.state(self.application.id)
        opened = before is None or before.allowed(Page.MATERIALS) != self.state.allowed(
            Page.MATERIALS
        )
        self._show_pages(full=opened)
        if before is not None and before.status != self.state.status and opened:
            self.show_page(self.state.landing())

    # -- later rounds ---------------------------------------------------------------------
    def _start_round(self, application_id: ApplicationId) -> None:
        """In a later round, start the application's new draft from the expert's signed
        sheet of the round before (one saved edit), once: when it is opened or cleared."""
        desk = self.desk
        if desk.round_for(application_id) < 2 or desk.sheet(application_id) is not None:
            return
        declaration = desk.state(application_id).declaration
        if declaration is None or declaration.has_conflict:
            return
        self.status.run(lambda: desk.open_round(application_id))

    def _show_round_banner(self) -> None:
        app, state = self.application, self.state
        if app is None or state is None or state.round < 2:
            self.round_banner.setVisible(False)
            return
        held = self.desk.rounds.notice(state.round)
        self.round_banner.setText(
            round_banner_text(state, self.desk.versions(app.id), held.notice if held else None)
        )
        self.round_banner.setVisible(True)

    def _round_opened(self, done: NoticeImport) -> None:
        """A round notice was recorded: the agenda and the open application follow it."""
        self._fill_agenda()
        if self.application is not None:
            self.open_application(self.application.id, self.current_page())

    def go_to_page(self, page: Page) -> None:
        if self.state is None or not self.state.allowed(page):
            return
        self.tabs.setCurrentIndex(page.value)

    def show_page(self, page: Page) -> None:
        """Go to ``page`` (if open) with the keyboard focus on its first control."""
        self.go_to_page(page)
        if self.state is not None and self.state.allowed(page):
            self.pages[page].focus_first()

    def current_page(self) -> Page:
        return Page(self.tabs.currentIndex())

    def step_application(self, step: int) -> None:
        if self.application is None:
            return
        target = self.agenda.neighbour(self.application.id, step)
        if target is not None:
            self.open_application(target)

    def sign_sheet(self) -> None:
        """File › "Sign and submit this sheet…" (Ctrl+Enter, from any page): the review page
        with the whole sheet, then signing, which lists what still stops it if anything does."""
        if self.state is None or not self.state.allowed(Page.REVIEW):
            return
        self.show_page(Page.REVIEW)
        self.review_page.sign()

    def jump(self, violation: Violation) -> None:
        page = PAGE_FOR_CODE.get(violation.code, Page.SCORING)
        self.go_to_page(page)
        self.pages[page].focus_field(violation.field, violation.code)

    def _focus_filter(self) -> None:
        self.agenda.search.setFocus()
        self.agenda.search.selectAll()

    def _page_changed(self, _index: int) -> None:
        self.status.flush_all()
        self.keeper.save_now()

    # -- where the expert is --------------------------------------------------------------
    def view_state(self) -> ExpertViewState | None:
        """Where the expert is now: application, page, attachment, hearing clock."""
        if self.application is None:
            return None
        return ExpertViewState(
            application_id=self.application.id,
            page=self.current_page(),
            attachment=self.materials_page.attachment_place(),
            clock=self.hearing_page.clock_place(self.now()),
        )

    def _restore_place(self) -> None:
        """Show where this expert was when the window last saved; the first application of
        the agenda when nothing usable was saved."""
        materials = self.ctx.materials
        try:
            state = self.places.load(lambda app_id: {a.name for a in materials.attachments(app_id)})
        except UserFacingError:
            state = None  # an unreadable place is no reason to refuse the sign-in
        with self.keeper.held():
            if state is None:
                ordered = self.desk.applications()
                if ordered:
                    self.open_application(ordered[0].id)
                    self._focus_page()
                return
            self.open_application(state.application_id, state.page)
            flow = self.state
            if state.attachment is not None and flow is not None and flow.allowed(Page.MATERIALS):
                self.materials_page.restore_attachment(state.attachment)
            if state.clock is not None and flow is not None and flow.allowed(Page.HEARING):
                self.hearing_page.restore_clock(state.clock)
        self._focus_page()
        self.statusBar().showMessage(_("Reopened where you left off."), 10_000)

    def _focus_page(self) -> None:
        """At sign-in the keyboard focus starts on the page's first control (the
        declaration, say), never in the agenda filter, where a stray key filters the list."""
        if self.application is not None:
            self.pages[self.current_page()].focus_first()

    def _place_not_saved(self, exc: UserFacingError) -> None:
        self.statusBar().showMessage(
            _("Your place in the window could not be saved: {reason}", reason=exc.message),
            10_000,
        )

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
        self.import_notice_action.setText(_("&Import round notice…"))
        self.export_action.setText(_("&Export sheets for the secretary…"))
        self.sign_action.setText(_("&Sign and submit this sheet…"))
        self.return_action.setText(_("&Return materials…"))
        self.sign_report_action.setText(_("Sign the &meeting report…"))
        blocked = self.report_signer.blocked()
        self.sign_report_action.setEnabled(blocked is None)
        self.sign_report_action.setToolTip(blocked or "")
        self.sign_report_action.setStatusTip(blocked or "")
        self.close_action.setText(_("&Close"))
        self.larger_action.setText(_("Lar&ger text"))
        self.smaller_action.setText(_("&Smaller text"))
        self.reset_action.setText(_("&Reset text size"))
        self.language_menu.setTitle(_("&Language"))
        for code, action in self.language_actions.items():
            action.setChecked(code == current_language())
        self.agenda.retranslate()
        for widget in self.pages.values():
            widget.retranslate()
        self._show_round_banner()
        self.status.retranslate()
        self._update_title()

    def _update_title(self) -> None:
        lang = current_language()
        name = self.desk.expert.name.get(lang)
        if self.application is not None:
            self.setWindowTitle(
                _(
                    "{application} — {expert} — Expert Review Desk",
                    application=visible(self.application.platform_name.get(lang)),
                    expert=name,
                )
            )
        else:
            self.setWindowTitle(_("{expert} — Expert Review Desk", expert=name))

    # -- lifecycle ------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.status.flush_all()
        self.keeper.stop()
        save_geometry(self, WINDOW_KEY)
        save_splitter(self.splitter, WINDOW_KEY, "agenda")
        self.materials_page.viewer.close_document()
        if not self._closed:
            self._closed = True
            if self._on_close is not None:
                self._on_close()
        super().closeEvent(event)
