"""Page 2, collect and watch: import the experts' sheet files (each file's outcome listed)
and the progress board, experts by applications: of the current round by default, of any
earlier round on request (a round selector). A cell's tooltip, and the detail pane for the
selected cell (keyboard users), give its state, a reported draft's time and the pair's
version history."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _, ngettext
from app.secretary import board as sec_board
from app.secretary.board import CellState
from app.secretary.collect import SheetFileOutcome, import_sheet_files, imported_files
from app.secretary.ports import SecretaryStore
from ui.common.tasks import Progress
from ui.secretary.context import ConsoleContext, cancel_check, choose_files, heading
from ui.secretary.models import BoardModel, cell_details
from ui.secretary.round_selector import RoundSelector


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
        self.round_label = QLabel()
        self.round_combo = RoundSelector("boardRound")
        self.round_label.setBuddy(self.round_combo)
        self.round_combo.currentIndexChanged.connect(self._show_board)
        self.board_model = BoardModel(self)
        self.board_view = QTableView()
        self.board_view.setModel(self.board_model)
        self.board_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.board_view.horizontalHeader()
        # Fixed widths: sizing 200 columns to their contents on every refresh cost ~300 ms.
        header.setMinimumSectionSize(72)
        header.setDefaultSectionSize(96)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.board_view.selectionModel().currentChanged.connect(self._show_detail)
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("boardCellDetail")
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(120)
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
        round_row = QHBoxLayout()
        round_row.addWidget(self.board_title, 1)
        round_row.addWidget(self.round_label)
        round_row.addWidget(self.round_combo)
        right_layout.addLayout(round_row)
        right_layout.addWidget(self.board_view, 1)
        right_layout.addWidget(self.detail)
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
        current = setup.current_round if issued else None
        numbers = [r.number for r in self.ctx.ws.rounds()] if issued else []
        self.round_combo.fill(current, numbers)
        self._show_board()
        self._fill_results()

    def shown_round(self) -> int | None:
        return self.round_combo.shown_round()

    def _show_board(self) -> None:
        number = self.shown_round()
        if number is None:
            self._set_board(None)
            return
        # The board reads every sheet version of the round (and opens the sealed ones): at
        # 200x30 that is 0.2 s, so off the GUI thread, on its own connection
        # (bench/bench_secretary_ui.py measures the stall).
        self.ctx.read_on_workspace(
            self,
            lambda ws, _progress: sec_board.progress_board(ws, number),
            _("Reading the progress board…"),
            self._board_read,
        )

    def _board_read(self, board: sec_board.ProgressBoard) -> None:
        if board.round == self.shown_round():  # else another round was chosen meanwhile
            self._set_board(board)

    def _set_board(self, board: sec_board.ProgressBoard | None) -> None:
        self.board_model.set_board(board)
        self._footer()
        self._show_detail()

    def _show_detail(self) -> None:
        cell = self.board_model.cell(self.board_view.currentIndex())
        board = self.board_model.board
        if cell is None or board is None:
            self.detail.setPlainText(
                _("Select a cell of the board to see its versions.") if board else ""
            )
            return
        expert = next((e for e in board.experts if e.id == cell.expert_id), None)
        who = f"{cell.expert_id} {expert.name}" if expert is not None else cell.expert_id
        lines = [f"{who} — {cell.application_id}", *cell_details(cell)]
        self.detail.setPlainText("\n".join(lines))

    def _footer(self) -> None:
        board = self.board_model.board
        if board is None:
            self.footer.setText("")
            self.board_title.setText(_("Progress board"))
            return
        counts = board.counts()
        self.board_title.setText(
            _("Progress board — round {round}", round=board.round)
            if board.is_current
            else _("Progress board — round {round} (an earlier round)", round=board.round)
        )
        text = _(
            "Submitted {submitted} · Recused {recused} · Draft reported {drafts} · "
            "Missing {missing}",
            submitted=counts.get(CellState.SUBMITTED, 0),
            recused=counts.get(CellState.RECUSED, 0),
            drafts=counts.get(CellState.DRAFT_REPORTED, 0),
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

        def work(ws: SecretaryStore, progress: Progress) -> tuple[SheetFileOutcome, ...]:
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
        """This session's outcomes (refusals in red), then every file the board counts,
        imported in this session or before."""
        self.results.clear()
        for outcome in self.outcomes:
            item = QListWidgetItem(str(outcome.message))
            item.setToolTip(item.text())
            if outcome.refusal is not None:
                item.setForeground(QBrush(QColor("#b00020")))
            self.results.addItem(item)
        counted = imported_files(self.ctx.ws)
        title = QListWidgetItem(
            ngettext(
                "Counted on the board: {count} sheet file",
                "Counted on the board: {count} sheet files",
                len(counted),
                count=len(counted),
            )
        )
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        self.results.addItem(title)
        for line in counted:
            item = QListWidgetItem(str(line))
            item.setToolTip(item.text())
            self.results.addItem(item)

    def retranslate(self) -> None:
        self.import_button.setText(_("&Import sheet files…"))
        self.not_issued.setText(_("Sheet files can be imported once the kit is issued."))
        self.results_title.setText(_("Imported files"))
        self.results.setAccessibleName(_("Imported files"))
        self.board_view.setAccessibleName(_("Progress board"))
        self.round_label.setText(_("&Round:"))
        self.round_combo.setAccessibleName(_("Round shown on the board"))
        self.detail.setAccessibleName(_("Selected cell: state and version history"))
        self.round_combo.retranslate()
        self.board_model.refresh()
        self._footer()
        self._show_detail()
        self._fill_results()
