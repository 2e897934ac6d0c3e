"""The announcement dialog of the ministry desk: the public notice of the latest closed
batch's confirmed platforms, PAdES-signed by the officer (and its list as a workbook), and
the internal register workbook.

It makes the same calls as ``review-desk ministry announce|export``
(:func:`app.ministry.announcing.prepare_notice` then
:func:`export.ministry_documents.write_notice`; :func:`~app.ministry.announcing.
register_contents` then :func:`~export.ministry_documents.write_register`), off the GUI
thread. A blank issuing body is the organisation in the officer's certificate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, current_language
from app.ministry.announcing import (
    MAX_ISSUER,
    MAX_OBJECTION_DAYS,
    MIN_OBJECTION_DAYS,
    Notice,
    RegisterStore,
    prepare_notice,
    register_contents,
)
from export.ministry_documents import write_notice, write_register
from ui.common.dialogs import DialogService
from ui.common.errors import show_error
from ui.common.tasks import BackgroundTask, Progress, run_step
from ui.ministry.officer import Clock, IdentityProvider, utc_now

DEFAULT_OBJECTION_DAYS = 10


@dataclass(frozen=True)
class Written:
    """What a run wrote: the notice (``None`` for the register) and the files."""

    notice: Notice | None
    files: tuple[Path, ...]


class _Events(QObject):
    written = Signal(object)
    refused = Signal(object)


def _with_suffix(text: str, suffix: str) -> Path | None:
    name = text.strip()
    if not name:
        return None
    path = Path(name)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


class AnnounceDialog(QDialog):
    """Write the signed public notice, or export the internal register."""

    def __init__(
        self,
        store: RegisterStore,
        identity: IdentityProvider,
        dialogs: DialogService,
        now: Clock = utc_now,
        pool: QThreadPool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("announceDialog")
        self._store = store
        self._identity = identity
        self._dialogs = dialogs
        self._now = now
        self._pool = pool
        self.events = _Events(self)
        self._task: BackgroundTask[Written] | None = None

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.PlainText)
        self.issuer = QLineEdit()
        self.issuer.setMaxLength(MAX_ISSUER)
        self.days = QSpinBox()
        self.days.setRange(MIN_OBJECTION_DAYS, MAX_OBJECTION_DAYS)
        self.days.setValue(DEFAULT_OBJECTION_DAYS)
        self.language = QComboBox()
        self.language.addItem("中文（简体）", "zh_CN")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(0 if current_language() == "zh_CN" else 1)
        self.pdf = QLineEdit()
        self.pdf.textChanged.connect(self._update_buttons)
        self.pdf_browse = QPushButton()
        self.pdf_browse.clicked.connect(self.choose_pdf)
        self.xlsx = QLineEdit()
        self.xlsx_browse = QPushButton()
        self.xlsx_browse.clicked.connect(self.choose_xlsx)
        self.labels = [QLabel() for _i in range(5)]
        form = QFormLayout()
        for label, field in zip(
            self.labels,
            (
                self.issuer,
                self.days,
                self.language,
                self._row(self.pdf, self.pdf_browse),
                self._row(self.xlsx, self.xlsx_browse),
            ),
            strict=True,
        ):
            form.addRow(label, field)
        for label, buddy in zip(
            self.labels, (self.issuer, self.days, self.language, self.pdf, self.xlsx), strict=True
        ):
            label.setBuddy(buddy)
        self.status = QLabel()
        self.status.setObjectName("announceStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.write_button = QPushButton()
        self.write_button.setDefault(True)
        self.write_button.clicked.connect(self.write)
        self.register_button = QPushButton()
        self.register_button.clicked.connect(self.export_register)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.write_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.register_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(680, self.sizeHint().height())
        self.retranslate()
        self._update_buttons()

    @staticmethod
    def _row(edit: QLineEdit, button: QPushButton) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        layout.addWidget(button)
        return row

    @property
    def busy(self) -> bool:
        return self._task is not None

    # --- choosing files -----------------------------------------------------------------

    def choose_pdf(self) -> None:
        path = self._dialogs.save_file(
            self, _("Save the public notice"), _("PDF documents (*.pdf)"), self.pdf.text()
        )
        if path is not None:
            self.pdf.setText(str(path))

    def choose_xlsx(self) -> None:
        path = self._dialogs.save_file(
            self, _("Save the notice's list"), _("Workbooks (*.xlsx)"), self.xlsx.text()
        )
        if path is not None:
            self.xlsx.setText(str(path))

    # --- writing ------------------------------------------------------------------------

    def write(self) -> None:
        """Check the request, sign the notice as the officer and write the files."""
        pdf = _with_suffix(self.pdf.text(), ".pdf")
        if self.busy or pdf is None:
            return
        xlsx = _with_suffix(self.xlsx.text(), ".xlsx")
        unlock = self._identity(self)
        if unlock is None:
            return
        store, now = self._store, self._now()
        issuer = self.issuer.text().strip() or None
        days = self.days.value()
        language = str(self.language.currentData())

        def work(_progress: Progress) -> Written:
            identity = unlock()
            notice = prepare_notice(store, identity, issuer, days, language, now)
            write_notice(notice, identity, pdf, xlsx)
            return Written(notice, (pdf,) if xlsx is None else (pdf, xlsx))

        self._run(work)

    def export_register(self) -> None:
        """Ask where, then write the internal register workbook."""
        if self.busy:
            return
        path = self._dialogs.save_file(
            self, _("Export the internal register"), _("Workbooks (*.xlsx)"), "register.xlsx"
        )
        if path is None:
            return
        target = _with_suffix(str(path), ".xlsx")
        assert target is not None
        store, now = self._store, self._now()
        language = str(self.language.currentData())

        def work(_progress: Progress) -> Written:
            write_register(register_contents(store, language, now), target)
            return Written(None, (target,))

        self._run(work)

    def _run(self, work: Callable[[Progress], Written]) -> None:
        run_step(
            self,
            work,
            self._written,
            busy=self._busy,
            dialogs=self._dialogs,
            pool=self._pool,
            failed=self._failed,
        )

    def _busy(self, task: BackgroundTask[Written] | None) -> None:
        self._task = task
        self.status.setText("" if task is None else _("Working…"))
        self._update_buttons()

    def _written(self, result: Written) -> None:
        files = ", ".join(str(p) for p in result.files)
        notice = result.notice
        if notice is None:
            self.status.setText(_("The internal register was written to {files}.", files=files))
        else:
            self.status.setText(
                _(
                    "The notice of batch {batch}, issued by {issuer}, lists {count} confirmed "
                    "platforms; written to {files}.",
                    batch=notice.batch_id,
                    issuer=notice.issuer,
                    count=len(notice.entries),
                    files=files,
                )
            )
        self.events.written.emit(result)

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc, self._dialogs)
        self.events.refused.emit(exc)

    def _update_buttons(self) -> None:
        idle = not self.busy
        self.write_button.setEnabled(idle and bool(self.pdf.text().strip()))
        self.register_button.setEnabled(idle)
        for widget in (self.pdf_browse, self.xlsx_browse):
            widget.setEnabled(idle)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Announcement"))
        self.intro.setText(
            _(
                "The notice lists the platforms the latest closed batch confirms, with their "
                "entrusted units and sub-domains, and the period for objections. It is signed "
                "with your ministry officer identity."
            )
        )
        self.issuer.setPlaceholderText(_("the organisation in your certificate"))
        self.days.setSuffix(_(" days"))
        for label, text in zip(
            self.labels,
            (
                _("&Issuing body:"),
                _("&Objection period:"),
                _("&Language of the notice:"),
                _("&Notice (PDF):"),
                _("List as &workbook (optional):"),
            ),
            strict=True,
        ):
            label.setText(text)
        self.pdf_browse.setText(_("&Browse…"))
        self.xlsx_browse.setText(_("Brows&e…"))
        self.write_button.setText(_("Sign and wri&te notice"))
        self.register_button.setText(_("Export &register…"))
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(_("&Close"))
