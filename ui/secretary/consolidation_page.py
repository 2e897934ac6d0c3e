"""Page 3, consolidation: per application its figures (factor, figure, flagged), the chosen
figure's explanation with every expert's input (included, or excluded and why), the ranking,
and opening a further round for the flagged applications.

A round selector shows the current round by default and any earlier round read-only: its
figures, flags and explanations computed again from that round's own sheets (versions are
added by later rounds, never overwritten), off the GUI thread like the current round's.

Opening a round is followed by writing its signed round notice (round-notice-v1) into a
folder the secretary chooses; "Write round notice…" writes it again for the round shown."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.consolidation import listing
from app.consolidation.model import ApplicationResult, Figure, MeetingResult, RankEntry
from app.formats.text import visible
from app.i18n import LocalizedText, _, ngettext
from app.round_notice import WrittenRoundNotice
from app.secretary import rounds
from app.secretary.model import RoundInfo
from app.secretary.notices import export_round_notice
from app.secretary.ports import SecretaryStore
from app.secretary.setup import current_meeting
from ui.common.tasks import Progress
from ui.secretary.context import ConsoleContext, heading
from ui.secretary.models import Column, RowsModel
from ui.secretary.round_selector import RoundSelector

FLAG_COLOUR = QColor("#f6d7d2")


@dataclass(frozen=True)
class FigureRow:
    name: str
    figure: Figure


class ConsolidationPage(QWidget):
    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result: MeetingResult | None = None
        self.names: dict[str, str] = {}
        self.experts: dict[str, LocalizedText] = {}
        """Roster names by expert id (read once per reload, shown in the explanation)."""
        self.status = QLabel()
        self.status.setWordWrap(True)
        self._loaded = False
        top = self._build_top_row()
        self.splitter = QSplitter()
        self.splitter.addWidget(self._build_tables())
        self.splitter.addWidget(self._build_explanation())
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.retranslate()

    def _build_top_row(self) -> QHBoxLayout:
        """The round and the application shown, and the round actions."""
        self.round_label = QLabel()
        self.round_combo = RoundSelector("consolidationRound")
        self.round_label.setBuddy(self.round_combo)
        self.round_combo.currentIndexChanged.connect(self._round_chosen)
        self.app_label = QLabel()
        self.app_combo = QComboBox()
        self.app_label.setBuddy(self.app_combo)
        self.app_combo.currentIndexChanged.connect(self._show_application)
        self.round_button = QPushButton()
        self.round_button.clicked.connect(self.open_next_round)
        self.notice_button = QPushButton()
        self.notice_button.setObjectName("writeRoundNotice")
        self.notice_button.clicked.connect(lambda: self.write_notice(self.shown_round()))
        top = QHBoxLayout()
        top.addWidget(self.round_label)
        top.addWidget(self.round_combo)
        top.addWidget(self.app_label)
        top.addWidget(self.app_combo, 1)
        top.addWidget(self.round_button)
        top.addWidget(self.notice_button)
        return top

    def _build_tables(self) -> QWidget:
        """The chosen application's figures above the ranking."""
        self.figures_title = heading()
        self.figures_model: RowsModel[FigureRow] = RowsModel(
            [
                Column(lambda: _("Factor"), lambda r: r.name),
                Column(lambda: _("Figure"), lambda r: str(r.figure.presented)),
                Column(
                    lambda: _("Flagged"),
                    lambda r: _("Flagged") if r.figure.flagged else "",
                    lambda r: FLAG_COLOUR if r.figure.flagged else None,
                ),
            ],
            self,
        )
        self.figures_view = QTableView()
        self.figures_view.setModel(self.figures_model)
        self.figures_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.figures_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.figures_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.figures_view.horizontalHeader().setStretchLastSection(True)
        self.figures_view.selectionModel().currentRowChanged.connect(self._show_explanation)
        self.ranking_title = heading()
        self.ranking_model: RowsModel[RankEntry] = RowsModel(
            [
                Column(lambda: _("Rank"), lambda r: str(r.rank)),
                Column(
                    lambda: _("Application"),
                    lambda r: (
                        self.names.get(r.application_id, r.application_id)
                        + (" " + listing.FLAG if self._flag_note(r.application_id) else "")
                    ),
                    lambda r: FLAG_COLOUR if self._flag_note(r.application_id) else None,
                ),
                Column(lambda: _("Total"), lambda r: self._total_text(r.application_id)),
                Column(
                    lambda: _("Flagged"),
                    lambda r: self._flag_note(r.application_id),
                    lambda r: FLAG_COLOUR if self._flag_note(r.application_id) else None,
                ),
                Column(lambda: _("Note"), lambda r: str(r.explanation) if r.explanation else ""),
            ],
            self,
        )
        self.ranking_view = QTableView()
        self.ranking_view.setModel(self.ranking_model)
        self.ranking_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ranking_view.horizontalHeader().setStretchLastSection(True)
        self.ranking_view.verticalHeader().setVisible(False)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.figures_title)
        ll.addWidget(self.figures_view, 1)
        ll.addWidget(self.ranking_title)
        ll.addWidget(self.ranking_view, 2)  # the ranking is the longer list
        return left

    def _build_explanation(self) -> QWidget:
        """The chosen figure's explanation, with every expert's input."""
        self.explanation_title = heading()
        self.explanation = QPlainTextEdit()
        self.explanation.setObjectName("figureExplanation")
        self.explanation.setReadOnly(True)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.explanation_title)
        rl.addWidget(self.explanation, 1)
        return right

    # -- reading ----------------------------------------------------------------------------
    def reload(self) -> None:
        self._loaded = True
        ws = self.ctx.ws
        setup = ws.setup()
        self.round_button.setEnabled(setup.kit is not None)
        self.notice_button.setEnabled(False)
        if setup.kit is None:
            self.result = None
            self.round_combo.fill(None, [])
            self.app_combo.clear()
            self.figures_model.set_rows([])
            self.ranking_model.set_rows([])
            self.explanation.clear()
            self.status.setText(_("Consolidation starts once the kit is issued."))
            return
        meeting = current_meeting(ws)
        self.rubric = setup.rubric
        self.names = {a.id: visible(f"{a.id} {a.platform_name}") for a in meeting.applications}
        self.experts = {e.id: e.name for e in meeting.experts}
        self.round_combo.fill(setup.current_round, [r.number for r in ws.rounds()])
        self._load_round()

    # -- rounds -----------------------------------------------------------------------------
    def shown_round(self) -> int | None:
        return self.round_combo.shown_round()

    def showing_current(self) -> bool:
        return self.round_combo.showing_current()

    def _round_chosen(self) -> None:
        if self.round_combo.current_round is not None:
            self._load_round()

    def _load_round(self) -> None:
        number = self.shown_round()
        if number is None:
            return
        current = self.showing_current()
        self.round_button.setEnabled(current)
        self.notice_button.setEnabled(number > 1)  # round 1 is opened by the kit itself
        if current and self.ctx.result is not None:
            self._show_result(self.ctx.result)
            return
        # Consolidating a large meeting takes a noticeable time: off the GUI thread, on its
        # own connection (bench/bench_secretary_ui.py measures the stall).
        self.status.setText(_("Consolidating…"))
        self.ctx.read_on_workspace(
            self,
            lambda ws, _progress: rounds.consolidate_round(ws, number),
            _("Consolidating…"),
            self._consolidated,
        )

    def _consolidated(self, result: MeetingResult) -> None:
        if result.round == self.round_combo.current_round:
            self.ctx.result = result  # shared with the opinion page: the current round only
        if result.round != self.shown_round():
            return  # another round was chosen meanwhile; its own result follows
        self._show_result(result)

    def _show_result(self, result: MeetingResult) -> None:
        self.result = result
        flagged = rounds.flagged_applications(self.result)
        if self.showing_current():
            text = ngettext(
                "Round {round}: {count} application flagged for disagreement.",
                "Round {round}: {count} applications flagged for disagreement.",
                len(flagged),
                round=self.result.round,
                count=len(flagged),
            )
        else:
            text = ngettext(
                "Round {round}, an earlier round (read-only, as computed from that round's "
                "sheets): {count} application flagged for disagreement.",
                "Round {round}, an earlier round (read-only, as computed from that round's "
                "sheets): {count} applications flagged for disagreement.",
                len(flagged),
                round=self.result.round,
                count=len(flagged),
            )
        self.status.setText(text)
        chosen = self.app_combo.currentData()
        self.app_combo.blockSignals(True)
        self.app_combo.clear()
        for a in self.result.applications:
            mark = " ⚑" if a.flags else ""
            self.app_combo.addItem(
                self.names.get(a.application_id, a.application_id) + mark, a.application_id
            )
        index = max(self.app_combo.findData(chosen), 0)
        self.app_combo.setCurrentIndex(index)
        self.app_combo.blockSignals(False)
        self.ranking_model.set_rows(self.result.ranking)
        self._show_application()

    def selected(self) -> ApplicationResult | None:
        app_id = self.app_combo.currentData()
        if self.result is None or app_id is None:
            return None
        return self.result.application(app_id)

    def _factor_name(self, figure: Figure) -> str:
        if figure.is_total:
            return _("Total")
        try:
            return str(self.rubric.factor(figure.subject).name)
        except (KeyError, LookupError, AttributeError):
            return figure.subject

    def _show_application(self) -> None:
        app = self.selected()
        rows = [] if app is None else [FigureRow(self._factor_name(f), f) for f in app.figures]
        self.figures_model.set_rows(rows)
        if app is not None and app.reason is not None and not rows:
            self.explanation.setPlainText(str(app.reason))
        else:
            self.explanation.clear()
        if rows:
            self.figures_view.selectRow(0)

    def _show_explanation(self) -> None:
        index = self.figures_view.currentIndex()
        if not index.isValid():
            return
        figure = self.figures_model.row_object(index.row()).figure
        experts = {k: str(v) for k, v in self.experts.items()}
        lines = [str(figure.explanation), *(str(tie) for tie in figure.ties)]
        if figure.note is not None:
            lines.append(str(figure.note))
        if figure.flagged:
            lines.append(
                _(
                    "Flagged: the spread {spread} is above the limit {limit}.",
                    spread=f"{float(figure.spread):.2f}",
                    limit=str(figure.spread_limit),
                )
            )
        lines.append("")
        lines.append(_("Inputs:"))
        for item in figure.inputs:
            value = "—" if item.value is None else f"{float(item.value):g}"
            lines.append(
                _(
                    "{expert}: {value} — {inclusion}",
                    expert=experts.get(item.expert_id, item.expert_id),
                    value=value,
                    inclusion=_(item.inclusion.label),
                )
            )
        if self.result is not None:
            lines += ["", _("Consolidation rule:")]
            lines += [
                str(sentence) for sentence in listing.rule_text(self.result.rule, self.rubric)
            ]
        self.explanation.setPlainText("\n".join(lines))

    def _flag_note(self, app_id: str) -> str:
        """Which figures of the application are flagged ("" when none)."""
        if self.result is None:
            return ""
        note = listing.flag_note(self.result.application(app_id), self.rubric)
        return "" if note is None else str(note)

    def _total_text(self, app_id: str) -> str:
        if self.result is None:
            return ""
        total = self.result.application(app_id).total
        return "" if total is None else str(total.presented)

    # -- actions ----------------------------------------------------------------------------
    def open_next_round(self) -> None:
        if self.result is None or not self.showing_current():
            return
        ids = list(rounds.flagged_applications(self.result))
        if not ids:
            app = self.selected()
            ids = [app.application_id] if app is not None else []
        if not ids:
            return
        names = ", ".join(self.names.get(i, i) for i in ids)
        if not self.ctx.dialogs.confirm(
            self,
            _("Open a new round"),
            _(
                "Open round {round} for {names}? Experts then score these applications "
                "again; sheet files for earlier rounds are no longer accepted.",
                round=self.result.round + 1,
                names=names,
            ),
        ):
            return
        ctx, reason = self.ctx, str(rounds.flag_reason(self.result, ids))

        def work(ws: SecretaryStore, _progress: Progress) -> RoundInfo:
            # Off the GUI thread: recording the round hashes the workspace's rows for the
            # audit chain, a good part of a second at 200x30. A refusal is shown, and every
            # page re-reads, by run_on_workspace.
            return rounds.open_round(ws, ids, actor=ctx.actor, now=ctx.now(), reason=reason)

        self.round_task = ctx.run_on_workspace(
            self,
            work,
            _("Opening round {round}…", round=self.result.round + 1),
            lambda info: self.write_notice(info.number),
        )

    def write_notice(self, number: int | None) -> None:
        """Ask for a folder (the USB stick) and write round ``number``'s signed notice there,
        off the GUI thread (signing and the read-back verification take a moment)."""
        if number is None or number < 2:
            return
        folder = self.ctx.dialogs.open_directory(
            self,
            _(
                "Choose the folder for the notice of round {round} (e.g. the USB stick for "
                "the experts)",
                round=number,
            ),
        )
        if folder is None:
            return
        ctx = self.ctx
        self.notice_task = ctx.read_on_workspace(
            self,
            lambda ws, _progress: export_round_notice(
                ws, ctx.identity, folder, now=ctx.now(), round=number
            ),
            _("Writing the round notice…"),
            self._notice_written,
        )

    def _notice_written(self, written: WrittenRoundNotice) -> None:
        self.ctx.dialogs.information(
            self,
            _("Round notice written"),
            _(
                "Wrote {file} for round {round} ({applications}). Give it to every expert: "
                "they import it with File › Import round notice… and then score these "
                "applications again.",
                file=str(written.path),
                round=written.notice.round,
                applications=", ".join(written.notice.application_ids),
            ),
        )

    def retranslate(self) -> None:
        self.round_label.setText(_("&Round:"))
        self.round_combo.setAccessibleName(_("Round to consolidate"))
        self.round_combo.retranslate()
        self.app_label.setText(_("&Application:"))
        self.app_combo.setAccessibleName(_("Application"))
        self.figures_title.setText(_("Figures"))
        self.figures_view.setAccessibleName(_("Figures"))
        self.explanation_title.setText(_("How this figure was computed"))
        self.explanation.setAccessibleName(_("How this figure was computed"))
        self.ranking_title.setText(_("Ranking"))
        self.ranking_view.setAccessibleName(_("Ranking"))
        self.round_button.setText(_("Open &next round for flagged…"))
        self.notice_button.setText(_("&Write round notice…"))
        self.notice_button.setToolTip(
            _("Write the signed notice of the round shown, for the experts' workspaces")
        )
        if self._loaded:  # first loaded when shown (the window marks hidden pages stale)
            self.reload()
