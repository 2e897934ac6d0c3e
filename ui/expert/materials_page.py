"""The application materials: the form by the Appendix outline (I–IV), and the attachments.

Applicant text is data: every label is plain text, never rich text, so markup in an
application cannot change what the expert sees. Attachments are read through the
:class:`~app.expert.materials.MaterialsSource` on a worker (decryption and hash checks) and shown
from memory in :class:`~ui.expert.pdf_viewer.PdfViewer`; the issuer's verified signature is
shown beside it because QtPdf draws no signature stamps.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.ids import ApplicationId
from app.domain.meeting import Application, FormPart
from app.errors import UserFacingError
from app.expert.flow import Page
from app.expert.materials import AttachmentInfo
from app.expert.view_state import OpenAttachment
from app.formats.text import visible
from app.i18n import _, current_language
from ui.common.table_model import ObjectRole
from ui.common.tasks import BackgroundTask
from ui.expert.context import ExpertPage, PageContext, heading, plain_label
from ui.expert.models import AttachmentsModel
from ui.expert.pdf_viewer import PdfViewer


class FormView(QWidget):
    """Outline on the left, the whole form as readable sections on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outline_model = QStandardItemModel(self)
        self.outline = QTreeView()
        self.outline.setModel(self.outline_model)
        self.outline.setHeaderHidden(True)
        self.outline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.outline.activated.connect(self._go)
        self.outline.clicked.connect(self._go)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(24, 16, 24, 24)
        self.body_layout.setSpacing(6)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.body)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.anchors: dict[str, QLabel] = {}
        self.section_labels: list[QLabel] = []
        splitter = QSplitter()
        splitter.addWidget(self.outline)
        splitter.addWidget(self.scroll_area)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 800])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def set_application(
        self,
        application: Application | None,
        form: tuple[FormPart, ...] = (),
        missing: str | None = None,
    ) -> None:
        """Show ``application``'s heading and ``form``, read from its package (the workspace
        holds no form text); ``missing`` says why there is no form, if there is none."""
        lang = current_language()
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # gone at once: deleteLater waits for the event loop, and
                widget.deleteLater()  # till then both languages' texts were drawn overlapping
        self.outline_model.clear()
        self.anchors.clear()
        self.section_labels.clear()
        if application is None:
            return
        title = heading(application.platform_name.get(lang), 4)
        self.body_layout.addWidget(title)
        self.body_layout.addWidget(plain_label(application.applicant_unit.get(lang)))
        for part in form:
            part_label = heading(f"{part.key}  {part.title.get(lang)}", 2)
            part_label.setContentsMargins(0, 18, 0, 4)
            self.body_layout.addWidget(part_label)
            self.anchors[part.key] = part_label
            part_item = QStandardItem(visible(f"{part.key}  {part.title.get(lang)}"))
            part_item.setData(part.key, ObjectRole)
            for section in part.sections:
                name = heading(f"{section.key}  {section.title.get(lang)}", 1)
                name.setContentsMargins(0, 10, 0, 0)
                body = plain_label(section.body.get(lang), selectable=True)
                body.setMaximumWidth(980)
                self.body_layout.addWidget(name)
                self.body_layout.addWidget(body)
                self.anchors[section.key] = name
                self.section_labels.append(body)
                child = QStandardItem(visible(f"{section.key}  {section.title.get(lang)}"))
                child.setData(section.key, ObjectRole)
                part_item.appendRow(child)
            self.outline_model.appendRow(part_item)
        if not form:
            self.body_layout.addWidget(
                plain_label(missing or _("This application has no form text."))
            )
        self.body_layout.addStretch(1)
        self.outline.expandAll()

    def _go(self, index: QModelIndex) -> None:
        label = self.anchors.get(str(index.data(ObjectRole)))
        if label is not None:
            self.scroll_area.verticalScrollBar().setValue(label.y())


class SignaturePanel(QGroupBox):
    """Who signed the package, as verified on opening it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = plain_label(selectable=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addStretch(1)
        self.setMinimumWidth(220)
        self.setMaximumWidth(300)

    def set_signature(self, info: object) -> None:
        from app.expert.materials import IssuerSignature

        if isinstance(info, IssuerSignature):
            self.text.setText(
                _(
                    "Verified issuer signature\n\nSigner: {signer}\nOrganisation: "
                    "{organisation}\nCertificate: {fingerprint}\nPackage: {package}\n"
                    "Checked: {checked}",
                    signer=info.signer_name,
                    organisation=info.organisation,
                    fingerprint=info.fingerprint,
                    package=info.package_id,
                    checked=info.verified_at,
                )
            )
        else:
            self.text.setText(
                _(
                    "No issuer signature: these materials did not come in a signed package. "
                    "Rely on the printed copy the secretary handed out."
                )
            )


class MaterialsPage(ExpertPage):
    place_changed = Signal()
    """Another attachment, page or zoom is shown (the window remembers where the expert is)."""

    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.attachment_name: str | None = None
        """The attachment shown or being opened."""
        self._restoring: OpenAttachment | None = None
        """The page and zoom to show once the attachment being reopened has loaded."""
        self.form_view = FormView()
        self.attachments_model = AttachmentsModel()
        self.attachments = QTableView()
        self.attachments.setModel(self.attachments_model)
        self.attachments.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attachments.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.attachments.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attachments.verticalHeader().setVisible(False)
        self.attachments.horizontalHeader().setStretchLastSection(False)
        self.attachments.horizontalHeader().setSectionResizeMode(
            0, self.attachments.horizontalHeader().ResizeMode.Stretch
        )
        self.attachments.setMaximumHeight(130)
        self.attachments.activated.connect(self._open_index)
        self.attachments.clicked.connect(self._open_index)
        self.viewer = PdfViewer()
        self.viewer.loaded.connect(self._loaded)
        self.viewer.failed.connect(lambda _text: self._forget_attachment())
        self.viewer.view_changed.connect(self._view_changed)
        self.signature = SignaturePanel()
        self.opening: BackgroundTask[bytes] | None = None

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.meeting_key_button = QPushButton()
        self.meeting_key_button.setObjectName("meetingPassphrase")
        self.meeting_key_button.clicked.connect(self.use_meeting_passphrase)
        self.meeting_key_button.hide()
        self.unlocking: BackgroundTask[None] | None = None
        left_layout.addWidget(self.meeting_key_button)
        left_layout.addWidget(self.attachments)
        left_layout.addWidget(self.viewer, 1)
        attach_page = QSplitter()
        attach_page.addWidget(left)
        attach_page.addWidget(self.signature)
        attach_page.setStretchFactor(0, 1)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.form_view, "")
        self.tabs.addTab(attach_page, "")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)
        self.retranslate()

    def _tab_changed(self, index: int) -> None:
        """On the attachments tab (Alt+T) the focus goes to the list, on its first row, so
        Enter opens an attachment at once."""
        if index != 1 or not self.isVisible():
            return
        if self.attachments_model.rowCount() == 0:
            if self.meeting_key_button.isVisible():
                self.meeting_key_button.setFocus(Qt.FocusReason.TabFocusReason)
            return
        if not self.attachments.currentIndex().isValid():
            self.attachments.setCurrentIndex(self.attachments_model.index(0, 0))
        self.attachments.setFocus(Qt.FocusReason.TabFocusReason)

    def show_application(self, application: Application, state: object) -> None:
        changed = application is not self.application
        super().show_application(application, state)  # type: ignore[arg-type]
        if changed:
            self.attachment_name = None
            self._restoring = None
            self.viewer.close_document()
            self.viewer.show_message(_("Choose an attachment to read it here."))

    def refresh(self) -> None:
        app = self.application
        if app is None or self.state is None or not self.state.allowed(Page.MATERIALS):
            self.form_view.set_application(None)
            self.attachments_model.set_rows([])
            return
        try:
            form = self.ctx.materials.form(app.id)
            rows = self.ctx.materials.attachments(app.id)
            signature = self.ctx.materials.issuer_signature(app.id)
        except UserFacingError as exc:
            self.form_view.set_application(
                app,
                missing=_(
                    "The form is read from the application's package, which could not be "
                    "opened; see the Attachments tab."
                ),
            )
            self._unopened(exc)
            return
        self.form_view.set_application(app, form)
        self.meeting_key_button.hide()
        self.attachments_model.set_rows(rows)
        self.signature.set_signature(signature)

    def _unopened(self, exc: UserFacingError) -> None:
        """The package did not open: say why, and offer the meeting passphrase when the
        package is simply not addressed to this expert's own key."""
        from app.crypto.age_errors import AgeNoMatchError
        from app.expert.package_materials import PackageMaterials

        self.attachments_model.set_rows([])
        self.signature.text.setText(_("The package of this application could not be opened."))
        self.viewer.close_document()
        self.viewer.show_message(f"{exc.message}\n{exc.recommendation}".strip())
        offer = (
            isinstance(exc, AgeNoMatchError)
            and isinstance(self.ctx.materials, PackageMaterials)
            and self.ctx.desk.kit is not None
        )
        self.meeting_key_button.setVisible(offer)

    def use_meeting_passphrase(self) -> None:
        """Ask for the meeting passphrase, unlock the kit's meeting key off the GUI thread,
        and open the packages with it (in memory, for this session only)."""
        from app.expert.package_materials import PackageMaterials, add_meeting_key

        materials, kit = self.ctx.materials, self.ctx.desk.kit
        if not isinstance(materials, PackageMaterials) or kit is None:
            return
        secret = self.ctx.dialogs.passphrase(
            self,
            _("Open the materials with the meeting passphrase"),
            _("Meeting passphrase (the secretary reads it out in the room):"),
        )
        if secret is None:
            return
        passphrase = secret.decode("utf-8")
        self.unlocking = (
            BackgroundTask(
                self,
                lambda _p: add_meeting_key(materials, kit.sealed_meeting_key, passphrase),
                dialogs=self.ctx.dialogs,
            )
            .with_progress(_("Unlocking the meeting key…"))
            .success(lambda _none: self.refresh())
            .run()
        )

    def _open_index(self, index: QModelIndex) -> None:
        self.open_attachment(self.attachments_model.row_object(index.row()))

    def open_attachment(self, info: AttachmentInfo) -> None:
        """Decrypt and check the attachment on a worker, then show it from memory."""
        app = self.application
        if app is None:
            return
        if self._restoring is not None and self._restoring.name != info.name:
            self._restoring = None
        self.attachment_name = info.name
        source = self.ctx.materials
        self.viewer.show_message(_("Opening {name}…", name=info.name))
        self.opening = (
            BackgroundTask(
                self, lambda _p: source.read_attachment(app.id, info.name), dialogs=self.ctx.dialogs
            )
            .with_progress(_("Opening {name}…", name=info.name))
            .success(lambda data: self._read(app.id, info.name, data))
            .failure(lambda exc: self._open_failed(app.id, info.name, exc))
            .run()
        )
        self.place_changed.emit()

    def _read(self, application_id: ApplicationId, name: str, data: bytes) -> None:
        if self._still_wanted(application_id, name):
            self.viewer.load_bytes(data)

    def _open_failed(self, application_id: ApplicationId, name: str, exc: BaseException) -> None:
        from ui.common.errors import show_error

        if not self._still_wanted(application_id, name):
            return
        self._forget_attachment()
        self.viewer.show_message(_("This attachment could not be opened."))
        show_error(self, exc, self.ctx.dialogs)

    def _still_wanted(self, application_id: ApplicationId, name: str) -> bool:
        """False for a late answer: the expert has moved on to another attachment."""
        app = self.application
        return app is not None and app.id == application_id and self.attachment_name == name

    def _forget_attachment(self) -> None:
        self.attachment_name = None
        self._restoring = None
        self.place_changed.emit()

    # -- where the expert is ----------------------------------------------------------------
    def attachment_place(self) -> OpenAttachment | None:
        """The attachment shown (or being reopened), with its page and zoom."""
        if self.attachment_name is None:
            return None
        if self._restoring is not None:
            return self._restoring
        return OpenAttachment(
            self.attachment_name, self.viewer.current_page(), self.viewer.zoom_factor()
        )

    def restore_attachment(self, place: OpenAttachment) -> bool:
        """Reopen ``place``'s attachment at its page and zoom; False if it is not listed."""
        model = self.attachments_model
        rows = [i for i in range(model.rowCount()) if model.row_object(i).name == place.name]
        if not rows:
            return False
        self.tabs.setCurrentIndex(1)
        self.attachments.selectRow(rows[0])
        self._restoring = place
        self.open_attachment(model.row_object(rows[0]))
        return True

    def _loaded(self, _pages: int) -> None:
        place, self._restoring = self._restoring, None
        if place is not None and place.name == self.attachment_name:
            self.viewer.set_zoom(place.zoom)
            self.viewer.jump_to(place.page)
        self.place_changed.emit()

    def _view_changed(self) -> None:
        if self.attachment_name is not None and self._restoring is None:
            self.place_changed.emit()

    def retranslate(self) -> None:
        self.tabs.setTabText(0, _("Application f&orm"))
        self.tabs.setTabText(1, _("A&ttachments"))
        self.form_view.outline.setAccessibleName(_("Form outline"))
        self.form_view.scroll_area.setAccessibleName(_("Application form"))
        self.attachments.setAccessibleName(_("Attachments"))
        self.meeting_key_button.setText(_("Open with the &meeting passphrase…"))
        self.meeting_key_button.setAccessibleName(
            _("Open the materials with the meeting passphrase")
        )
        self.signature.setTitle(_("Issuer signature"))
        self.attachments_model.retranslate()
        self.viewer.retranslate()
        if self.application is not None:
            self.refresh()
