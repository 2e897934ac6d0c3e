"""Page 4, panel opinion: the application, the panel's opinion, recommendation and minority
opinion, every expert's comments side by side (read-only), Save, and the chair's approval
(the chair's identity is unlocked and signs off the GUI thread)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.consolidation.model import MeetingResult
from app.crypto.identity import load_identity, read_identity_file
from app.domain.meeting import Expert
from app.domain.sheet import Recommendation
from app.errors import UserFacingError
from app.formats.text import visible
from app.i18n import _
from app.secretary import opinions, rounds
from app.secretary.model import PanelOpinionView
from app.secretary.ports import SecretaryStore
from app.secretary.setup import current_meeting
from ui.common.errors import show_error
from ui.common.table_model import add_list_line
from ui.common.tasks import Progress
from ui.secretary.context import ConsoleContext, heading


class OpinionPage(QWidget):
    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.apps = QListWidget()
        self.apps.currentRowChanged.connect(self._show)
        self.app_ids: list[str] = []
        self._loaded = False
        self.state = QLabel()
        self.state.setObjectName("opinionState")
        self.state.setWordWrap(True)
        self.opinion = QPlainTextEdit()
        self.recommendation = QComboBox()
        for rec in Recommendation:
            self.recommendation.addItem("", rec)
        self.minority = QPlainTextEdit()
        self.minority.setMaximumHeight(90)
        self._view: PanelOpinionView | None = None
        self._round = 1
        self.opinion.textChanged.connect(self._refresh_state)
        self.minority.textChanged.connect(self._refresh_state)
        self.recommendation.currentIndexChanged.connect(self._refresh_state)
        self.save_button = QPushButton()
        self.save_button.clicked.connect(self.save)
        self.approve_button = QPushButton()
        self.approve_button.clicked.connect(self.approve)
        self.comments_title = heading()
        self.comments_host = QWidget()
        self.comments_layout = QHBoxLayout(self.comments_host)
        self.comment_boxes: list[QPlainTextEdit] = []
        self.no_comments = QLabel()
        self.no_comments.hide()
        self.comments_layout.addWidget(self.no_comments)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.comments_host)

        self.form = QFormLayout()
        self.labels = [QLabel() for _i in range(3)]
        for label, field in zip(
            self.labels, (self.opinion, self.recommendation, self.minority), strict=True
        ):
            label.setBuddy(field)
            self.form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.approve_button)
        editor = QWidget()
        el = QVBoxLayout(editor)
        el.setContentsMargins(0, 0, 0, 0)
        el.addWidget(self.state)
        el.addLayout(self.form, 1)
        el.addLayout(buttons)
        el.addWidget(self.comments_title)
        el.addWidget(scroll, 1)
        self.apps_title = heading()
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.apps_title)
        sl.addWidget(self.apps)
        splitter = QSplitter()
        splitter.addWidget(side)
        splitter.addWidget(editor)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.retranslate()

    def current_id(self) -> str | None:
        row = self.apps.currentRow()
        return self.app_ids[row] if 0 <= row < len(self.app_ids) else None

    def reload(self) -> None:
        self._loaded = True
        ws = self.ctx.ws
        setup = ws.setup()
        chosen = self.current_id()
        self.apps.blockSignals(True)
        self.apps.clear()
        self.app_ids = []
        if setup.kit is not None:
            info = next(r for r in ws.rounds() if r.number == setup.current_round)
            for a in current_meeting(ws).applications_in_order():
                if info.includes(a.id):
                    self.app_ids.append(a.id)
                    add_list_line(self.apps, visible(f"{a.id} {a.platform_name}"))
        self.apps.blockSignals(False)
        enabled = bool(self.app_ids)
        for w in (self.opinion, self.recommendation, self.minority, self.save_button):
            w.setEnabled(enabled)
        if enabled:
            row = self.app_ids.index(chosen) if chosen in self.app_ids else 0
            if self.ctx.result is None:
                # The experts' comments sit beside the consolidated figures; consolidating a
                # large meeting takes long, so it runs off the GUI thread and is shared.
                self.ctx.read_on_workspace(
                    self,
                    lambda ws, _progress: rounds.consolidate_round(ws),
                    _("Consolidating…"),
                    lambda result: self._consolidated(result, row),
                )
            else:
                self.apps.setCurrentRow(row)
        else:
            self.approve_button.setEnabled(False)
            self.state.setText(_("Panel opinions are written once the kit is issued."))

    def _consolidated(self, result: MeetingResult, row: int) -> None:
        self.ctx.result = result
        if 0 <= row < len(self.app_ids):
            self.apps.setCurrentRow(row)

    def _show(self) -> None:
        app_id = self.current_id()
        if app_id is None:
            return
        bench = opinions.opinion_workbench(self.ctx.ws, app_id, result=self.ctx.result)
        view = bench.opinion
        self._view, self._round = None, bench.round  # no "edited" while the texts are set
        self.opinion.setPlainText(view.opinion.opinion if view else "")
        self.minority.setPlainText(view.opinion.minority_opinion if view else "")
        if view is not None:
            self.recommendation.setCurrentIndex(
                self.recommendation.findData(view.opinion.recommendation)
            )
        self._view = view
        self._refresh_state()
        # One read-only box per expert, kept between applications (building 30 boxes anew at
        # every choice of application stalled the window at 200x30); unused ones hidden.
        names = {f.key: str(f.name) for f in self.ctx.ws.setup().rubric.factors}
        for i, c in enumerate(bench.comments):
            text = self._comment_box(i)
            text.setAccessibleName(_("Comments of {expert}", expert=str(c.expert.name)))
            rec = _(c.recommendation.label) if c.recommendation else "—"
            parts = [f"{c.expert.name}", _("Recommendation: {rec}", rec=rec), "", c.opinion]
            if c.conditions:
                parts += ["", _("Conditions: {text}", text=c.conditions)]
            parts.append("")
            parts += [
                f"{names.get(key, key)}: {score if score is not None else '—'}  {comment}"
                for key, score, comment in c.factors
            ]
            text.setPlainText("\n".join(parts))
            text.show()
        for unused in self.comment_boxes[len(bench.comments) :]:
            unused.hide()
        self.no_comments.setVisible(not bench.comments)

    def shown_comments(self) -> list[str]:
        """The experts' comments on screen, one text per expert, in the panel's order."""
        return [box.toPlainText() for box in self.comment_boxes if not box.isHidden()]

    def _comment_box(self, index: int) -> QPlainTextEdit:
        while len(self.comment_boxes) <= index:
            box = QPlainTextEdit()
            box.setReadOnly(True)
            box.setMinimumWidth(220)
            self.comments_layout.insertWidget(len(self.comment_boxes), box)
            self.comment_boxes.append(box)
        return self.comment_boxes[index]

    def _chair(self) -> Expert | None:
        return current_meeting(self.ctx.ws).chair

    def _edited(self) -> bool:
        view, rec = self._view, self.recommendation.currentData()
        return (
            view is not None
            and isinstance(rec, Recommendation)
            and not opinions.same_text(
                view, self.opinion.toPlainText(), rec, self.minority.toPlainText()
            )
        )

    def _refresh_state(self) -> None:
        """The state line: none saved, waiting for the chair, or approved by whom and when,
        and whether the texts on screen would remove that approval when saved."""
        if self.current_id() is None:
            return
        view = self._view
        edited = self._edited()
        self.approve_button.setEnabled(view is not None and not view.approved and not edited)
        self.state.setText(
            str(opinions.approval_state(view, self._round, self._chair(), edited=edited))
        )
        self.state.setProperty("approved", view is not None and view.approved and not edited)

    def save(self) -> None:
        app_id = self.current_id()
        rec = self.recommendation.currentData()
        if app_id is None or not isinstance(rec, Recommendation):
            return
        view = self._view
        if view is not None and opinions.save_revokes_approval(
            view, self.opinion.toPlainText(), rec, self.minority.toPlainText()
        ):
            confirmed = self.ctx.dialogs.confirm(
                self,
                _("Remove the chair's approval?"),
                str(opinions.revoke_warning(view, self._chair())),
            )
            if not confirmed:
                return  # nothing saved; the edited texts stay on screen
        try:
            opinions.save_panel_opinion(
                self.ctx.ws,
                app_id,
                self.opinion.toPlainText(),
                rec,
                minority_opinion=self.minority.toPlainText(),
                actor=self.ctx.actor,
                now=self.ctx.now(),
            )
        except UserFacingError as exc:
            show_error(self, exc, self.ctx.dialogs)
        # No other page shows panel opinions, and the figures are unchanged: refresh this
        # page only, keeping the shared consolidation.
        self._show()

    def approve(self) -> None:
        app_id = self.current_id()
        if app_id is None:
            return
        dialogs = self.ctx.dialogs
        path = dialogs.open_file(
            self, _("Choose the chair's identity file"), _("Identity files (*.p12 *.pfx)")
        )
        if path is None:
            return
        secret = dialogs.passphrase(
            self,
            _("Chair approves"),
            _("The chair types the passphrase of {file}:", file=path.name),
        )
        if secret is None:
            return
        ctx = self.ctx
        p12: Path = path

        def work(ws: SecretaryStore, progress: Progress) -> PanelOpinionView:
            progress.report(0, 1, _("Unlocking the chair's identity…"))
            chair = load_identity(read_identity_file(p12), secret)
            return opinions.approve_panel_opinion(ws, chair, app_id, actor=ctx.actor, now=ctx.now())

        self.task = ctx.run_on_workspace(
            self,
            work,
            _("The chair signs the panel opinion…"),
            lambda _v: None,
            figures_changed=False,  # an approval moves no figure: keep the consolidation
        )

    def retranslate(self) -> None:
        self.apps_title.setText(_("Applications in this round"))
        self.apps.setAccessibleName(_("Applications in this round"))
        for i, rec in enumerate(Recommendation):
            self.recommendation.setItemText(i, _(rec.label))
        for label, text in zip(
            self.labels,
            (_("Panel &opinion:"), _("&Recommendation:"), _("&Minority opinion:")),
            strict=True,
        ):
            label.setText(text)
        self.opinion.setAccessibleName(_("Panel opinion"))
        self.recommendation.setAccessibleName(_("Recommendation"))
        self.minority.setAccessibleName(_("Minority opinion"))
        self.save_button.setText(_("&Save opinion"))
        self.approve_button.setText(_("C&hair approves…"))
        self.comments_title.setText(_("Experts' comments"))
        self.no_comments.setText(_("No expert sheets in this round yet."))
        if self._loaded:  # first loaded when shown (the window marks hidden pages stale)
            self.reload()
