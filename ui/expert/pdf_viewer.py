"""An embedded PDF viewer fed from memory: decrypted attachments never touch the disk.

The bytes go into a :class:`QBuffer` that :class:`QPdfDocument` reads; no temporary file is
ever written. Page list, zoom, page jump and text search (:class:`QPdfSearchModel`) are
all keyboard reachable. A PDF that does not render shows a message instead of crashing.
QtPdf draws no signature appearances, so the caller shows the issuer's signature beside it.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QModelIndex,
    QPointF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtPdf import QPdfDocument, QPdfSearchModel
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _

ZOOM_STEP = 1.2


class PdfViewer(QWidget):
    loaded = Signal(int)
    """The document is ready; carries its page count."""
    failed = Signal(str)
    view_changed = Signal()
    """The page shown or the zoom changed (the window remembers both)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None
        self._settled = False
        self._wanted_page: int | None = None
        """A page jumped to while hidden: fitted to the width, QPdfView lays the document out
        again when first shown and lands on page 1, so the jump is repeated then."""
        self._rejump = QTimer(self)
        self._rejump.setSingleShot(True)
        self._rejump.setInterval(0)
        self._rejump.timeout.connect(self._jump_to_wanted)
        self.document.statusChanged.connect(self._status_changed)

        self.view = self._build_view()
        self.pages = self._build_page_list()
        self.search_model = QPdfSearchModel(self)
        self.search_model.setDocument(self.document)
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(240)
        self.search_edit.returnPressed.connect(self.search)
        self.results = self._build_results()
        tools = self._build_tools()
        self.stack = self._build_stack()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.results)
        layout.addWidget(self.stack, 1)
        self.results.setVisible(False)
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self.view.zoomFactorChanged.connect(lambda _factor: self.view_changed.emit())
        self.view.zoomModeChanged.connect(lambda _mode: self.view_changed.emit())
        QShortcut(QKeySequence.StandardKey.Find, self, self.search_edit.setFocus)
        self.retranslate()
        self.show_message(_("Choose an attachment to read it here."))

    def _build_view(self) -> QPdfView:
        view = QPdfView()
        view.setDocument(self.document)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return view

    def _build_page_list(self) -> QListView:
        pages = QListView()
        pages.setModel(self.document.pageModel())
        pages.setMinimumWidth(120)
        pages.setMaximumWidth(160)
        pages.activated.connect(self._page_chosen)
        pages.clicked.connect(self._page_chosen)
        return pages

    def _build_results(self) -> QListView:
        """The search hits, shown once there are some."""
        results = QListView()
        results.setModel(self.search_model)
        results.setMaximumHeight(120)
        results.activated.connect(self._result_chosen)
        results.clicked.connect(self._result_chosen)
        return results

    def _build_tools(self) -> QHBoxLayout:
        """Page jump, zoom and the search field above the document."""
        self.zoom_out = QPushButton("−")
        self.zoom_in = QPushButton("+")
        self.fit_width = QPushButton()
        self.zoom_out.clicked.connect(lambda: self.zoom(1 / ZOOM_STEP))
        self.zoom_in.clicked.connect(lambda: self.zoom(ZOOM_STEP))
        self.fit_width.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.page_label = QLabel()
        self.page_spin = QSpinBox()
        self.page_spin.setMinimum(1)
        self.page_spin.setKeyboardTracking(False)
        self.page_spin.valueChanged.connect(lambda value: self.jump_to(value - 1))
        self.page_label.setBuddy(self.page_spin)
        self.of_pages = QLabel()
        tools = QHBoxLayout()
        tools.addWidget(self.page_label)
        tools.addWidget(self.page_spin)
        tools.addWidget(self.of_pages)
        tools.addSpacing(12)
        tools.addWidget(self.zoom_out)
        tools.addWidget(self.zoom_in)
        tools.addWidget(self.fit_width)
        tools.addStretch(1)
        tools.addWidget(self.search_edit, 1)
        return tools

    def _build_stack(self) -> QStackedWidget:
        """A message (nothing chosen, or a PDF that does not render), or the pages and view."""
        self.message = QLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        stack = QStackedWidget()
        stack.addWidget(self.message)
        splitter = QSplitter()
        splitter.addWidget(self.pages)
        splitter.addWidget(self.view)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([140, 10_000])  # the page itself gets the room: a readable width
        self.splitter = splitter
        stack.addWidget(splitter)
        return stack

    # -- loading --------------------------------------------------------------------------
    def load_bytes(self, data: bytes) -> None:
        """Show ``data`` (a PDF held in memory), fitted to the width: a new document never
        opens at the zoom the previous one was left at (a remembered place sets its own)."""
        self.close_document()
        self.set_zoom(None)
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self._settled = False
        self.document.load(buffer)
        # The status of a buffer loaded at once may or may not have been announced already.
        status = self.document.status()
        if not self._settled and status in (QPdfDocument.Status.Ready, QPdfDocument.Status.Error):
            self._status_changed(status)

    def close_document(self) -> None:
        self._wanted_page = None
        self.search_model.setSearchString("")
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.setData(QByteArray())  # drop the plaintext from memory
            self._buffer.deleteLater()
            self._buffer = None

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.stack.setCurrentWidget(self.message)

    def _status_changed(self, status: QPdfDocument.Status) -> None:
        if status in (QPdfDocument.Status.Ready, QPdfDocument.Status.Error):
            self._settled = True
        if status is QPdfDocument.Status.Ready:
            count = self.document.pageCount()
            self.page_spin.setMaximum(max(count, 1))
            self.of_pages.setText(_("of {count}", count=count))
            self.stack.setCurrentIndex(1)
            self.loaded.emit(count)
        elif status is QPdfDocument.Status.Error:
            self.close_document()
            text = _(
                "This attachment cannot be displayed: it is not a PDF this viewer can read. "
                "Ask the meeting secretary for a printed copy."
            )
            self.show_message(text)
            self.failed.emit(text)

    # -- navigation -----------------------------------------------------------------------
    def current_page(self) -> int:
        if self._wanted_page is not None:
            return self._wanted_page
        return int(self.view.pageNavigator().currentPage())

    def jump_to(self, page: int) -> None:
        if 0 <= page < self.document.pageCount():
            self._wanted_page = None if self.view.isVisible() else page
            self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())

    def zoom(self, factor: float) -> None:
        self.set_zoom(max(0.25, min(6.0, self.view.zoomFactor() * factor)))

    def zoom_factor(self) -> float | None:
        """The zoom factor, or None when the page is fitted to the width."""
        if self.view.zoomMode() is QPdfView.ZoomMode.FitToWidth:
            return None
        return float(self.view.zoomFactor())

    def set_zoom(self, factor: float | None) -> None:
        """Zoom to ``factor`` (1.0 = 100 %), or fit to the width for None."""
        if factor is None:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            return
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._wanted_page is not None:
            self._rejump.start()

    def _jump_to_wanted(self) -> None:
        page, self._wanted_page = self._wanted_page, None
        if page is not None and self.view.isVisible():
            self.jump_to(page)
        elif page is not None:
            self._wanted_page = page

    def search(self) -> None:
        self.search_model.setSearchString(self.search_edit.text())
        self.results.setVisible(bool(self.search_edit.text()))

    def _page_chosen(self, index: QModelIndex) -> None:
        self.jump_to(index.row())

    def _result_chosen(self, index: QModelIndex) -> None:
        link = self.search_model.resultAtIndex(index.row())
        self.view.setCurrentSearchResultIndex(index.row())
        self.view.pageNavigator().jump(link.page(), link.location(), self.view.zoomFactor())

    def _page_changed(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self.pages.setCurrentIndex(self.document.pageModel().index(page, 0))
        self.view_changed.emit()

    def retranslate(self) -> None:
        self.page_label.setText(_("&Page"))
        self.fit_width.setText(_("Fit &width"))
        self.search_edit.setPlaceholderText(_("Search the document (Ctrl+F)"))
        self.zoom_out.setAccessibleName(_("Zoom out"))
        self.zoom_in.setAccessibleName(_("Zoom in"))
        self.zoom_out.setToolTip(_("Zoom out"))
        self.zoom_in.setToolTip(_("Zoom in"))
        self.fit_width.setAccessibleName(_("Fit to width"))
        self.page_spin.setAccessibleName(_("Page number"))
        self.search_edit.setAccessibleName(_("Search the document"))
        self.results.setAccessibleName(_("Search results"))
        self.pages.setAccessibleName(_("Pages"))
        self.view.setAccessibleName(_("Document"))
        if self.document.status() is QPdfDocument.Status.Ready:
            self.of_pages.setText(_("of {count}", count=self.document.pageCount()))
