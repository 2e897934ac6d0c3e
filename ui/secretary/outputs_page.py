"""Page 6, Outputs · 正式输出: the publish gates as a checklist, then the steps of
:mod:`app.secretary.publish` — Prepare, the chair's signature (here, or through a *report to
sign* file for the chair's machine), the secretary's signature and the three files.

The page computes nothing itself: every step is a call into the core, run off the GUI
thread on a second connection (:meth:`ConsoleContext.read_on_workspace`). The exporters
(reportlab, pyHanko, openpyxl) come from the console's composition root (``ui.launch``).
Every button that cannot be used yet is disabled and says why (its tooltip and the line
under the buttons).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from cryptography import x509
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.crypto.identity import load_identity, read_identity_file
from app.errors import UserFacingError, ValidationError
from app.i18n import Msg, _
from app.secretary.ports import PublicationRecords, PublishWorkspace, SecretaryStore
from app.secretary.publish import (
    Exporters,
    PreparedReport,
    Published,
    chair_signs_here,
    import_signed_report,
    ministry_certificate,
    next_bundle_version,
    outcome_of,
    prepare_report,
    prepared_from_signed_report,
    secretary_signs_and_writes,
    write_report_to_sign,
)
from app.secretary.publish_gates import Gate, GateProblem, gate_problems
from app.secretary.report_to_sign import EXTENSION, read_report_to_sign
from app.secretary.trust import meeting_revocations
from ui.common.tasks import Progress
from ui.secretary.context import ConsoleContext, heading
from ui.secretary.outputs_dialogs import ChairSignDialog, WriteOutputsDialog

T = TypeVar("T")
MAX_SHOWN = 40
"""Problems listed one by one; the rest are counted."""


def _plain(text: str = "", *, selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _without_mnemonic(text: str) -> str:
    """A button's text as a sentence names it: no "&", no "(&X)" of a translation."""
    text = re.sub(r"\(&[^&)]\)", "", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _publish_ws(ws: SecretaryStore) -> PublishWorkspace:
    """The secretary workspace the console opened is the one the publish sequence reads."""
    return ws  # type: ignore[return-value]


class OutputsPage(QWidget):
    def __init__(
        self,
        ctx: ConsoleContext,
        jump: Callable[[GateProblem], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("outputsPage")
        self.ctx = ctx
        self.jump = jump
        self.problems: list[GateProblem] | None = None
        self.prepared: PreparedReport | None = None
        self.chair_signed: bytes | None = None
        self.imported: bool = False
        self.published: Published | None = None
        self.chair_dialog: ChairSignDialog | None = None
        self.write_dialog: WriteOutputsDialog | None = None
        self.busy = False
        self.closed = False
        """Set when the console closes (its workspace with it): late results are dropped."""
        self._loaded = False
        ctx.changes.changed.connect(self._forget_prepared)

        self.gates_title = heading()
        self.gates_host = QWidget()
        self.gates_layout = QVBoxLayout(self.gates_host)
        self.gates_layout.setContentsMargins(0, 0, 0, 0)
        self.gates_layout.addStretch(1)
        self.gate_rows: list[tuple[GateProblem, QPushButton]] = []
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.gates_host)

        self.steps_title = heading()
        self.language_label = QLabel()
        self.language = QComboBox()
        self.language.addItem("", "zh_CN")
        self.language.addItem("", "en")
        self.language_label.setBuddy(self.language)
        self.prepare_button = QPushButton()
        self.prepare_button.clicked.connect(self.prepare)
        self.chair_here_button = QPushButton()
        self.chair_here_button.clicked.connect(self.chair_signs_here)
        self.write_report_button = QPushButton()
        self.write_report_button.clicked.connect(self.write_report)
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_signed)
        self.secretary_button = QPushButton()
        self.secretary_button.clicked.connect(self.secretary_signs)
        self.state = _plain()
        self.state.setObjectName("outputsState")
        self.why = _plain()
        self.why.setObjectName("outputsWhy")
        self.why.setStyleSheet("QLabel#outputsWhy { color: palette(dark); }")

        steps = QGridLayout()
        steps.addWidget(QLabel("1"), 0, 0)
        prepare_row = QHBoxLayout()
        prepare_row.addWidget(self.language_label)
        prepare_row.addWidget(self.language)
        prepare_row.addWidget(self.prepare_button)
        prepare_row.addStretch(1)
        steps.addLayout(prepare_row, 0, 1)
        steps.addWidget(QLabel("2"), 1, 0)
        chair_row = QHBoxLayout()
        for button in (self.chair_here_button, self.write_report_button, self.import_button):
            chair_row.addWidget(button)
        chair_row.addStretch(1)
        steps.addLayout(chair_row, 1, 1)
        steps.addWidget(QLabel("3"), 2, 0)
        secretary_row = QHBoxLayout()
        secretary_row.addWidget(self.secretary_button)
        secretary_row.addStretch(1)
        steps.addLayout(secretary_row, 2, 1)
        steps.setColumnStretch(1, 1)

        self.result_title = heading()
        self.verified = _plain()
        self.verified.setObjectName("outputsVerified")
        self.verified.setStyleSheet("QLabel#outputsVerified { color: #1b7a32; font-weight: bold; }")
        self.result = _plain(selectable=True)
        self.result.setObjectName("outputsResult")

        layout = QVBoxLayout(self)
        layout.addWidget(self.gates_title)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.steps_title)
        layout.addLayout(steps)
        layout.addWidget(self.state)
        layout.addWidget(self.why)
        layout.addWidget(self.result_title)
        layout.addWidget(self.verified)
        layout.addWidget(self.result)
        self.retranslate()

    # -- state -----------------------------------------------------------------------------
    @property
    def records(self) -> PublicationRecords:
        records = self.ctx.records
        assert records is not None  # the context makes the folder's log
        return records

    def _forget_prepared(self) -> None:
        """A change to the workspace may change the results: prepare again."""
        self.prepared = None
        self.chair_signed = None

    def reload(self) -> None:
        """Check the gates again (off the GUI thread: it consolidates the round)."""
        if self.closed:
            return
        self._loaded = True
        try:
            self.imported = self.records.chair_signed_report() is not None
        except UserFacingError:
            self.imported = False
        self._show_result()
        if self.ctx.ws.setup().kit is None:
            self.problems = None
            self._show_gates()
            return
        self.task = self.ctx.read_on_workspace(
            self,
            lambda ws, _progress: gate_problems(outcome_of(_publish_ws(ws))),
            _("Checking the publish gates…"),
            self._gates_checked,
        )

    def _gates_checked(self, problems: list[GateProblem]) -> None:
        if self.closed:
            return
        self.problems = problems
        self._show_gates()

    def _show_gates(self) -> None:
        while self.gates_layout.count() > 1:
            item = self.gates_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # gone at once, not when the event loop deletes it
                widget.deleteLater()
        self.gate_rows = []
        rows: list[QWidget] = []
        if self.ctx.ws.setup().kit is None:
            rows.append(_plain(_("Publishing opens once the kit is issued (Setup).")))
        elif self.problems is None:
            rows.append(_plain(_("Checking the publish gates…")))
        else:
            shown = 0
            for gate in Gate:
                mine = [p for p in self.problems if p.gate is gate]
                mark = "✗" if mine else "✓"
                title = _plain(f"{mark}  {gate.label}")
                title.setObjectName(f"gate-{gate.value}")
                font = title.font()
                font.setBold(True)
                title.setFont(font)
                rows.append(title)
                for problem in mine:
                    if shown >= MAX_SHOWN:
                        break
                    shown += 1
                    rows.append(self._problem_row(problem))
            if len(self.problems) > shown:
                rows.append(_plain(_("… and {count} more.", count=len(self.problems) - shown)))
            if not self.problems:
                rows.append(_plain(_("Ready to publish: every gate passes.")))
        for i, row in enumerate(rows):
            self.gates_layout.insertWidget(i, row)
        self._update()

    def _problem_row(self, problem: GateProblem) -> QWidget:
        row = QWidget()
        row.setObjectName("gateProblem")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(24, 0, 0, 0)
        text = _plain(f"{problem.message}\n{problem.where}")
        layout.addWidget(text, 1)
        button = QPushButton(
            _("Go to Panel opinion")
            if problem.gate is Gate.OPINIONS
            else _("Go to Collect && board")
        )
        button.clicked.connect(lambda _checked=False, p=problem: self.jump(p))
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.gate_rows.append((problem, button))
        return row

    def _reasons(self) -> dict[QPushButton, str | None]:
        """Why each step cannot run now (None: it can)."""
        if self.busy:
            waiting: str | None = _("Wait for the step that is running.")
            return dict.fromkeys(self._buttons(), waiting)
        if self.ctx.ws.setup().kit is None:
            gates: str | None = _("Issue the meeting kit first (Setup).")
        elif self.problems is None:
            gates = _("The publish gates are being checked.")
        elif self.problems:
            gates = _("Fix what the checklist above names first.")
        else:
            gates = None
        prepared = gates or (None if self.prepared is not None else _("Prepare the report first."))
        chair_signed = self.chair_signed is not None or self.imported
        if gates is not None:
            secretary = gates
        elif not chair_signed:
            secretary = _("The chair signs first: here, or on their own machine and imported here.")
        else:
            secretary = None
        return {
            self.prepare_button: gates,
            self.chair_here_button: prepared,
            self.write_report_button: prepared,
            self.import_button: gates,
            self.secretary_button: secretary,
        }

    def _buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.prepare_button,
            self.chair_here_button,
            self.write_report_button,
            self.import_button,
            self.secretary_button,
        )

    def _update(self) -> None:
        reasons = self._reasons()
        for button, reason in reasons.items():
            button.setEnabled(reason is None)
            button.setToolTip(reason or "")
        first = next((f"{b.text().replace('&', '')}: {r}" for b, r in reasons.items() if r), "")
        self.why.setText(first)
        self.why.setVisible(bool(first))
        state = self._state_text()
        self.state.setText(state)
        self.state.setVisible(bool(state))

    def _state_text(self) -> str:
        parts = []
        if self.prepared is not None:
            parts.append(
                _(
                    "Prepared: bundle version {version}, report in {language}, results "
                    "SHA-256 {hash}.",
                    version=self.prepared.bundle.bundle_version,
                    language=self.prepared.settings.language,
                    hash=self.prepared.results_hash,
                )
            )
        if self.chair_signed is not None:
            parts.append(_("The chair has signed the report here."))
        elif self.imported:
            parts.append(_("A chair-signed report is imported and waits for your signature."))
        return "\n".join(parts)

    # -- the steps -------------------------------------------------------------------------
    def _exporters(self) -> Callable[[], Exporters]:
        """The exporters' loader, for the worker to call: loading them imports reportlab,
        pyHanko and openpyxl, which would stop the window for a good part of a second."""
        factory = self.ctx.exporters

        def load() -> Exporters:
            if factory is None:
                raise ValidationError(
                    Msg.of("This console was opened without the report exporters."),
                    Msg.of("Open the console from the main window."),
                )
            return factory()

        return load

    def _run(
        self,
        fn: Callable[[SecretaryStore, Progress], T],
        label: str,
        done: Callable[[T], object],
    ) -> None:
        """One step off the GUI thread; the buttons wait for it."""
        self.busy = True
        self._update()
        # Python's cyclic collector never runs in the worker (ui.common.collector), so no
        # Qt wrapper is freed off the GUI thread however much rendering allocates.

        def finished(result: T) -> None:
            self.busy = False
            if self.closed:
                return
            done(result)
            self._update()

        def failed(exc: BaseException) -> None:
            self.busy = False
            if self.closed:
                return
            self._update()
            from ui.common.errors import show_error

            show_error(self, exc, self.ctx.dialogs)

        self.task = self.ctx.read_on_workspace(self, fn, label, finished)
        self.task.failure(failed)

    def prepare(self) -> None:
        ctx, records = self.ctx, self.records
        language = str(self.language.currentData())
        exporters = self._exporters()

        def work(ws: SecretaryStore, _progress: Progress) -> PreparedReport:
            return prepare_report(
                _publish_ws(ws),
                ctx.identity,
                exporters(),
                ctx.now(),
                bundle_version=next_bundle_version(records),
                language=language,
            )

        def done(prepared: PreparedReport) -> None:
            self.prepared = prepared
            self.chair_signed = None

        self._run(work, _("Preparing the report and the workbook…"), done)

    def chair_signs_here(self) -> None:
        if self.prepared is None:
            return
        chair = self.prepared.chair
        dialog = ChairSignDialog(self.ctx.dialogs, f"{chair.name} ({chair.id})", self)
        self.chair_dialog = dialog
        dialog.accepted.connect(lambda: self._chair_unlocked(dialog))
        dialog.open()

    def _chair_unlocked(self, dialog: ChairSignDialog) -> None:
        prepared, path, secret = self.prepared, dialog.identity_path, dialog.passphrase
        if prepared is None or path is None:
            return
        ctx, exporters = self.ctx, self._exporters()
        p12: Path = path

        def work(ws: SecretaryStore, progress: Progress) -> bytes:
            progress.report(0, 2, _("Unlocking the chair's identity…"))
            chair = load_identity(read_identity_file(p12), secret)
            progress.report(1, 2, _("The chair signs the report…"))
            return chair_signs_here(_publish_ws(ws), prepared, chair, exporters(), ctx.now())

        def done(signed: bytes) -> None:
            self.chair_signed = signed

        self._run(work, _("The chair signs the report…"), done)

    def write_report(self) -> None:
        prepared = self.prepared
        if prepared is None:
            return
        meeting = prepared.verified.meeting
        suggested = f"{meeting.id}-v{prepared.bundle.bundle_version}{EXTENSION}"
        path = self.ctx.dialogs.save_file(
            self,
            _("Write the report for the chair's machine"),
            _("Report to sign (*{ext})", ext=EXTENSION),
            str(self.ctx.folder.parent / suggested),
        )
        if path is None:
            return
        ctx = self.ctx
        target: Path = path

        def work(ws: SecretaryStore, _progress: Progress) -> Path:
            return write_report_to_sign(_publish_ws(ws), prepared, ctx.identity, target, ctx.now())

        def done(written: Path) -> None:
            ctx.dialogs.information(
                self,
                _("Report to sign written"),
                _(
                    "Wrote {path}. The chair signs it in their expert window (File › Sign "
                    "the meeting report…) or with “review-desk report sign”; then import it "
                    "here.",
                    path=str(written),
                ),
            )

        self._run(work, _("Writing the report to sign…"), done)

    def import_signed(self) -> None:
        path = self.ctx.dialogs.open_file(
            self,
            _("Import the chair-signed report"),
            _("Report to sign (*{ext})", ext=EXTENSION),
        )
        if path is None:
            return
        ctx, records, exporters = self.ctx, self.records, self._exporters()
        source: Path = path

        def work(ws: SecretaryStore, _progress: Progress) -> str:
            report = import_signed_report(
                _publish_ws(ws), records, source, ctx.identity, exporters(), ctx.now()
            )
            return report.results_hash

        def done(_hash: str) -> None:
            self.imported = True
            self.chair_signed = None  # the imported report is the one to sign now

        self._run(work, _("Checking the chair-signed report…"), done)

    def secretary_signs(self) -> None:
        records = self.records
        try:
            pem = records.ministry_certificate()
            configured = None if pem is None else x509.load_pem_x509_certificate(pem)
        except (ValueError, UserFacingError):
            configured = None
        dialog = WriteOutputsDialog(
            self.ctx.dialogs,
            configured,
            is_demo=self.ctx.ws.setup().header.is_demo,
            parent=self,
        )
        self.write_dialog = dialog
        dialog.accepted.connect(lambda: self._write(dialog))
        dialog.open()

    def _write(self, dialog: WriteOutputsDialog) -> None:
        ctx, records, exporters = self.ctx, self.records, self._exporters()
        given, out = dialog.chosen, dialog.folder
        unencrypted = dialog.unencrypted.isChecked()
        console = (self.prepared, self.chair_signed) if self.chair_signed is not None else None

        def work(ws: SecretaryStore, _progress: Progress) -> Published:
            pws, loaded = _publish_ws(ws), exporters()
            now = ctx.now()
            if console is not None and console[0] is not None:
                prepared, signed = console[0], console[1]
                assert signed is not None
            else:
                data = records.chair_signed_report()
                if data is None:
                    raise ValidationError(
                        Msg.of("No chair-signed report has been imported."),
                        Msg.of("Have the chair sign the report first."),
                    )
                setup = ws.setup()
                report = read_report_to_sign(
                    data,
                    ctx.identity,
                    setup.trust_roots(),
                    now,
                    revocations=meeting_revocations(setup, now),
                )
                prepared, signed = prepared_from_signed_report(pws, report, loaded, now)
            return secretary_signs_and_writes(
                pws,
                records,
                prepared,
                signed,
                ctx.identity,
                out,
                loaded,
                now,
                ministry=ministry_certificate(records, given),
                allow_unencrypted=unencrypted,
            )

        def done(published: Published) -> None:
            self.published = published
            self.prepared = None
            self.chair_signed = None
            self.imported = False
            self._show_result()
            self.reload()

        self._run(work, _("Signing and writing the outputs…"), done)

    def _show_result(self) -> None:
        done = self.published
        if done is None:
            self.verified.clear()
            self.verified.setVisible(False)
            self._show_earlier()
            return
        self.verified.setVisible(True)
        self.verified.setText(
            _(
                "Verified: the bundle reads back with the ministry's verifier (version {version}).",
                version=done.bundle_version,
            )
        )
        bundle = (
            _("Result bundle (encrypted to the ministry): {path}", path=str(done.bundle))
            if done.encrypted
            else _("Result bundle (NOT encrypted): {path}", path=str(done.bundle))
        )
        self.result.setText(
            "\n".join(
                (
                    _("Results SHA-256 (printed in the report): {hash}", hash=done.results_hash),
                    _("Signed report (chair, then secretary): {path}", path=str(done.report)),
                    _("Workbook: {path}", path=str(done.workbook)),
                    bundle,
                )
            )
        )

    def _show_earlier(self) -> None:
        """Before anything is written in this session: what was published before."""
        try:
            earlier = self.records.publications()
        except UserFacingError:
            earlier = ()
        if not earlier:
            self.result.setText(_("Nothing published yet."))
            return
        self.result.setText(
            "\n".join(
                _(
                    "Bundle version {version} (round {round}), results SHA-256 {hash}: {bundle}",
                    version=p.bundle_version,
                    round=p.round,
                    hash=p.results_hash,
                    bundle=p.bundle,
                )
                for p in earlier
            )
        )

    # -- language --------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.gates_title.setText(_("Before publishing"))
        self.steps_title.setText(_("Publish"))
        self.result_title.setText(_("Outputs written"))
        self.language_label.setText(_("Report &language:"))
        self.language.setItemText(0, _("Chinese (zh_CN)"))
        self.language.setItemText(1, _("English (en)"))
        self.language.setAccessibleName(_("Report language"))
        self.prepare_button.setText(_("&Prepare"))
        self.chair_here_button.setText(_("C&hair signs here…"))
        self.write_report_button.setText(_("&Write report for the chair's machine…"))
        self.import_button.setText(_("I&mport the chair-signed report…"))
        self.secretary_button.setText(_("&Secretary signs and writes…"))
        self._show_result()
        if self._loaded:
            self._show_gates()
        else:
            self._update()
