"""File › "Import round notice…": the secretary opened a later round for some applications.

The notice is chosen with the dialog service, verified off the GUI thread (it is pure work:
the workspace's own kit record and the rounds already held are read first, on the database's
thread) with :func:`app.expert.rounds.verify_round_notice`, then recorded on the GUI thread
by the desk in one audited transaction. A refusal is shown with what to do next and changes
nothing; importing the same notice again says so and changes nothing.

:func:`round_banner_text` is what the window shows above the pages of an application that is
scored in a later round: which round, why, and that the draft starts from the expert's own
signed sheet of the round before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.domain.sheet import ScoreSheet, SheetStatus
from app.errors import UserFacingError
from app.expert.flow import FlowState
from app.expert.rounds import NoticeImport, verify_round_notice
from app.i18n import _
from app.round_notice import RoundNotice, VerifiedRoundNotice
from ui.common.errors import show_error
from ui.common.tasks import BackgroundTask
from ui.expert.context import PageContext
from ui.shell.folders import start_folder

Clock = Callable[[], dt.datetime]


class NoticeImporter:
    """Runs "Import round notice…"; ``on_recorded`` follows a notice that changed the desk."""

    def __init__(
        self,
        parent: QWidget,
        ctx: PageContext,
        now: Clock,
        on_recorded: Callable[[NoticeImport], None],
    ) -> None:
        self.parent = parent
        self.ctx = ctx
        self.now = now
        self.on_recorded = on_recorded
        self.task: BackgroundTask[VerifiedRoundNotice] | None = None
        self.last: NoticeImport | None = None

    def run(self) -> None:
        ctx = self.ctx
        ctx.status.flush_all()
        chosen = ctx.dialogs.open_file(
            self.parent,
            _("Choose the round notice from the meeting secretary"),
            _("Round notices (*.oiround);;All files (*)"),
            start_folder(ctx.workspace.parent),
        )
        if chosen is None:
            return
        path = Path(chosen)
        desk = ctx.desk
        kit, meeting, rounds, now = desk.kit, desk.meeting, desk.rounds, self.now()
        self.task = (
            BackgroundTask(
                self.parent,
                lambda _progress: verify_round_notice(path, kit, meeting, rounds, now),
                dialogs=ctx.dialogs,
            )
            .with_progress(_("Checking the round notice…"))
            .success(self._verified)
            .failure(self._failed)
            .run()
        )

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        show_error(self.parent, exc, self.ctx.dialogs)

    def _verified(self, verified: VerifiedRoundNotice) -> None:
        """On the GUI thread (the database's): record it, then tell the window."""
        self.task = None
        ctx = self.ctx
        try:
            done = ctx.desk.import_round_notice(verified)
        except UserFacingError as exc:
            show_error(self.parent, exc, ctx.dialogs)
            return
        self.last = done
        if done.recorded:
            self.on_recorded(done)
        ctx.dialogs.information(
            self.parent,
            _("Round {round}", round=done.notice.round)
            if done.recorded
            else _("Round notice already imported"),
            str(done.message),
        )


def round_banner_text(
    state: FlowState, versions: Sequence[ScoreSheet], notice: RoundNotice | None
) -> str:
    """The banner of an application scored in round ``state.round`` (2 or later)."""
    number = state.round
    if notice is not None and notice.reason:
        opened = _(
            "Round {round} is open for this application ({reason}).",
            round=number,
            reason=notice.reason,
        )
    else:
        opened = _("Round {round} is open for this application.", round=number)
    if state.recused:
        return opened + " " + _("You are recused from it; nothing to do.")
    sheet = state.sheet
    if sheet is not None and sheet.status is not SheetStatus.DRAFT:
        return (
            opened
            + " "
            + _(
                "Your round {round} sheet is signed (version {version}); every earlier "
                "version is kept and listed on the Review page.",
                round=number,
                version=sheet.version,
            )
        )
    earlier = [v for v in versions if v.round < number and v.status is SheetStatus.SUBMITTED]
    if not earlier:
        return opened + " " + _("Score it again for this round and sign it.")
    base = max(earlier, key=lambda v: (v.round, v.version))
    return (
        opened
        + " "
        + _(
            "Your new draft starts from your signed round {previous} sheet (version "
            "{version}): revise what you want to change and sign it again. The round "
            "{previous} sheet stays signed and is listed on the Review page.",
            previous=base.round,
            version=base.version,
        )
    )
