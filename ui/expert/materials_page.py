"""The application materials: the form by the Appendix outline (I–IV), and the attachments.

Applicant text is data: every label is plain text, never rich text, so markup in an
application cannot change what the expert sees. Attachments are read through the
:class:`~app.materials.MaterialsSource` on a worker (decryption and hash checks) and shown
from memory in :class:`~ui.expert.pdf_viewer.PdfViewer`; the issuer's verified signature is
shown beside it because QtPdf draws no signature stamps.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.meeting import Application
from app.expert_flow import Page
from app.i18n import _, current_language
from app.materials import AttachmentInfo
from ui.common.tasks import BackgroundTask
from ui.expert.context import ExpertPage, PageContext, heading, plain_label
from ui.expert.models import AttachmentsModel, ObjectRole
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

    def set_application(self, application: Application | None) -> None:
        lang = current_language()
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.outline_model.clear()
        self.anchors.clear()
        self.section_labels.clear()
        if application is None:
            return
        title = heading(application.platform_name.get(lang), 4)
        self.body_layout.addWidget(title)
        self.body_layout.addWidget(plain_label(application.applicant_unit.get(lang)))
        for part in application.form:
            part_label = heading(f"{part.key}  {part.title.get(lang)}", 2)
            part_label.setContentsMargins(0, 18, 0, 4)
            self.body_layout.addWidget(part_label)
            self.anchors[part.key] = part_label
            part_item = QStandardItem(f"{part.key}  {part.title.get(lang)}")
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
                child = QStandardItem(f"{section.key}  {section.title.get(lang)}")
                child.setData(section.key, ObjectRole)
                part_item.appendRow(child)
            self.outline_model.appendRow(part_item)
        if not application.form:
            self.body_layout.addWidget(plain_label(_("This application has no form text.")))
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
        from app.materials import IssuerSignature

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
    def __init__(self, ctx: PageContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
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
        self.signature = SignaturePanel()
        self.opening: BackgroundTask[bytes] | None = None

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)
        self.retranslate()

    def show_application(self, application: Application, state: object) -> None:
        changed = application is not self.application
        super().show_application(application, state)  # type: ignore[arg-type]
        if changed:
            self.viewer.close_document()
            self.viewer.show_message(_("Choose an attachment to read it here."))

    def refresh(self) -> None:
        app = self.application
        if app is None or self.state is None or not self.state.allowed(Page.MATERIALS):
            self.form_view.set_application(None)
            self.attachments_model.set_rows([])
            return
        self.form_view.set_application(app)
        self.attachments_model.set_rows(self.ctx.materials.attachments(app.id))
        self.signature.set_signature(self.ctx.materials.issuer_signature(app.id))

    def _open_index(self, index: QModelIndex) -> None:
        self.open_attachment(self.attachments_model.row_object(index.row()))

    def open_attachment(self, info: AttachmentInfo) -> None:
        """Decrypt and check the attachment on a worker, then show it from memory."""
        app = self.application
        if app is None:
            return
        source = self.ctx.materials
        self.viewer.show_message(_("Opening {name}…", name=info.name))
        self.opening = (
            BackgroundTask(
                self, lambda _p: source.read_attachment(app.id, info.name), dialogs=self.ctx.dialogs
            )
            .with_progress(_("Opening {name}…", name=info.name))
            .success(self.viewer.load_bytes)
            .failure(self._open_failed)
            .run()
        )

    def _open_failed(self, exc: BaseException) -> None:
        from ui.common.errors import show_error

        self.viewer.show_message(_("This attachment could not be opened."))
        show_error(self, exc, self.ctx.dialogs)

    def retranslate(self) -> None:
        self.tabs.setTabText(0, _("Application &form"))
        self.tabs.setTabText(1, _("A&ttachments"))
        self.form_view.outline.setAccessibleName(_("Form outline"))
        self.form_view.scroll_area.setAccessibleName(_("Application form"))
        self.attachments.setAccessibleName(_("Attachments"))
        self.signature.setTitle(_("Issuer signature"))
        self.attachments_model.retranslate()
        self.viewer.retranslate()
        if self.application is not None:
            self.refresh()
