"""Page 2, collect and watch: import the experts' sheet files (each file's outcome listed)
and the progress board of the current round, experts by applications."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.secretary import board as sec_board
from app.secretary.board import CellState
from app.secretary.collect import SheetFileOutcome, import_sheet_files
from storage.secretary import SecretaryWorkspace
from ui.common.tasks import Progress
from ui.secretary.context import ConsoleContext, cancel_check, choose_files, heading
from ui.secretary.models import BoardModel


class CollectPage(QWidget):
    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.outcomes: list[SheetFileOutcome] = []
        self.import_button = QPushButton()
        self.import_button.clicked.connect(self.import_sheets)
        self.not_issued = QLabel()
        self.results_title = heading()
        self.results = QListWidget()
        self.results.setObjectName("sheetImportResults")
        self.results.setWordWrap(True)
        self.board_title = heading()
        self.board_model = BoardModel(self)
        self.board_view = QTableView()
        self.board_view.setModel(self.board_model)
        self.board_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.board_view.horizontalHeader()
        # Fixed widths: sizing 200 columns to their contents on every refresh cost ~300 ms.
        header.setMinimumSectionSize(72)
        header.setDefaultSectionSize(96)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.footer = QLabel()
        self.footer.setObjectName("boardCounts")

        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addWidget(self.not_issued, 1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.results_title)
        left_layout.addWidget(self.results)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.board_title)
        right_layout.addWidget(self.board_view, 1)
        right_layout.addWidget(self.footer)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.retranslate()

    def reload(self) -> None:
        setup = self.ctx.ws.setup()
        issued = setup.kit is not None
        self.import_button.setEnabled(issued)
        self.not_issued.setVisible(not issued)
        self.board_model.set_board(sec_board.progress_board(self.ctx.ws) if issued else None)
        self._footer()

    def _footer(self) -> None:
        board = self.board_model.board
        if board is None:
            self.footer.setText("")
            self.board_title.setText(_("Progress board"))
            return
        counts = board.counts()
        self.board_title.setText(_("Progress board — round {round}", round=board.round))
        text = _(
            "Submitted {submitted} · Recused {recused} · Missing {missing}",
            submitted=counts.get(CellState.SUBMITTED, 0),
            recused=counts.get(CellState.RECUSED, 0),
            missing=counts.get(CellState.MISSING, 0),
        )
        if board.complete:
            text += " — " + _("complete")
        self.footer.setText(text)

    def import_sheets(self) -> None:
        paths = choose_files(
            self.ctx.dialogs, self, _("Choose sheet files"), _("Sheet files (*.oisheet)")
        )
        if not paths:
            return
        ctx = self.ctx

        def work(ws: SecretaryWorkspace, progress: Progress) -> tuple[SheetFileOutcome, ...]:
            return tuple(
                import_sheet_files(
                    ws,
                    ctx.identity,
                    paths,
                    actor=ctx.actor,
                    now=ctx.now(),
                    progress=progress.report,
                    cancel=cancel_check(progress),
                )
            )

        self.task = ctx.run_on_workspace(self, work, _("Importing sheet files…"), self.show_results)

    def show_results(self, outcomes: tuple[SheetFileOutcome, ...]) -> None:
        self.outcomes = list(outcomes) + self.outcomes
        self._fill_results()

    def _fill_results(self) -> None:
        self.results.clear()
        for outcome in self.outcomes:
            item = QListWidgetItem(str(outcome.message))
            if outcome.refusal is not None:
                item.setForeground(QBrush(QColor("#b00020")))
            self.results.addItem(item)

    def retranslate(self) -> None:
        self.import_button.setText(_("&Import sheet files…"))
        self.not_issued.setText(_("Sheet files can be imported once the kit is issued."))
        self.results_title.setText(_("Imported files"))
        self.results.setAccessibleName(_("Imported files"))
        self.board_view.setAccessibleName(_("Progress board"))
        self.board_model.refresh()
        self._footer()
        self._fill_results()
