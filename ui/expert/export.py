"""Handing back: the secretary's certificate, "Export sheets for the secretary", and
"Return materials" at the end of the meeting.

Export gathers the signed sheets on the GUI thread (the database's thread), then signs the
recusals, builds, encrypts, writes (atomically) and reads back the sheet file on a worker
(:func:`app.expert.signing.write_export`), and says where it wrote it. A sheet file holds one round:
the newest round open in the workspace, or - once a round notice opened a later round - the
round the expert chooses from a list (the newest offered first). Returning materials lists
what will be removed and what is kept (and why) before anything is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWidget

from app.domain.meeting import Application
from app.domain.sheet import SheetStatus
from app.errors import UserFacingError
from app.expert.desk import ExpertDesk
from app.expert.signing import (
    SignedStore,
    gather,
    handover_for,
    known_secretary,
    purge,
    purge_plan,
    read_secretary_certificate,
    remember_secretary,
    write_export,
)
from app.i18n import _, current_language, ngettext
from app.sheets import WrittenSheetFile
from ui.common.errors import show_error
from ui.common.tasks import BackgroundTask
from ui.expert.context import PageContext
from ui.shell.folders import start_folder

Clock = Callable[[], dt.datetime]
_LAST_EXPORT = "expert/last_export_folder"


def ensure_secretary(parent: QWidget, ctx: PageContext) -> x509.Certificate | None:
    """The meeting secretary's certificate: remembered for the workspace, or chosen from a
    file the first time (the meeting kit will carry it later)."""
    try:
        known = known_secretary(ctx.workspace, ctx.desk.kit)
        if known is not None:
            return known
    except UserFacingError as exc:
        show_error(parent, exc, ctx.dialogs)
    ctx.dialogs.information(
        parent,
        _("Secretary's certificate"),
        _(
            "Your sheets are signed for, and encrypted to, the meeting secretary. This "
            "workspace does not know the secretary's certificate yet: choose the certificate "
            "file the secretary gave you (for example secretary.pem)."
        ),
    )
    chosen = ctx.dialogs.open_file(
        parent,
        _("Choose the secretary's certificate"),
        _("Certificates (*.pem *.crt *.cer *.der);;All files (*)"),
        start_folder(ctx.workspace.parent),
    )
    if chosen is None:
        return None
    try:
        cert = read_secretary_certificate(Path(chosen))
        remember_secretary(ctx.workspace, cert)
    except UserFacingError as exc:
        show_error(parent, exc, ctx.dialogs)
        return None
    return cert


class Exporter:
    """Runs "Export sheets for the secretary"; :attr:`written` holds the last result."""

    def __init__(self, parent: QWidget, ctx: PageContext, now: Clock) -> None:
        self.parent = parent
        self.ctx = ctx
        self.now = now
        self.written: WrittenSheetFile | None = None
        self.task: BackgroundTask[WrittenSheetFile] | None = None
        self.on_done: Callable[[WrittenSheetFile], None] | None = None

    def run(self) -> None:
        ctx = self.ctx
        ctx.status.flush_all()
        secretary = ensure_secretary(self.parent, ctx)
        if secretary is None:
            return
        number = self.choose_round()
        if number is None:
            return
        store = SignedStore(ctx.desk)
        identity = ctx.session.identity
        try:
            items = gather(ctx.desk, store, number)
            handover = handover_for(ctx.desk, secretary, identity)
        except UserFacingError as exc:
            show_error(self.parent, exc, ctx.dialogs)
            return
        unsigned = unsigned_applications(ctx.desk, number)
        if unsigned and not self.confirm_unsigned(unsigned, number, bool(items.sheets)):
            return  # back to the window, to sign first
        folder = ctx.dialogs.open_directory(
            self.parent,
            _("Choose the folder (USB stick) to write your sheet file to"),
            start_folder(str(QSettings().value(_LAST_EXPORT, "") or ""), ctx.workspace.parent),
        )
        if folder is None:
            return
        QSettings().setValue(_LAST_EXPORT, str(folder))
        now = self.now()
        target = Path(folder)
        self.task = (
            BackgroundTask(
                self.parent,
                lambda _p: write_export(target, items, handover, identity, now),
                dialogs=ctx.dialogs,
            )
            .with_progress(_("Signing, encrypting and writing your sheet file…"))
            .success(lambda written: self._done(written, len(items.sheets), unsigned))
            .run()
        )

    def choose_round(self) -> int | None:
        """The round the file is for: asked only when the workspace knows more than one."""
        rounds = self.ctx.desk.rounds
        numbers = rounds.numbers()
        if len(numbers) == 1:
            return numbers[0]
        options = []
        for number in numbers:
            applications = rounds.applications(number)
            if applications is None:
                options.append(_("Round {round}: every application", round=number))
            else:
                options.append(
                    _(
                        "Round {round}: {applications}",
                        round=number,
                        applications=", ".join(applications),
                    )
                )
        newest = numbers.index(rounds.latest)
        options[newest] = _("{round} (newest)", round=options[newest])
        index = self.ctx.dialogs.choose(
            self.parent,
            _("Export sheets for the secretary"),
            _(
                "Which round is this sheet file for? The secretary collects the round in "
                "progress; an earlier round's file is written again only if asked for."
            ),
            options,
            newest,
        )
        return None if index is None else numbers[index]

    def confirm_unsigned(self, unsigned: list[Application], number: int, any_signed: bool) -> bool:
        """Warn that the file will not hand in ``unsigned``; True to export all the same."""
        names = _listing(unsigned)
        if any_signed:
            title = _("Not everything is signed")
            text = _(
                "These applications have no signed sheet for round {round} yet:\n{names}\n\n"
                "The secretary will see them as not handed in. Choose No to go back and sign "
                "them on the Review and sign page (Ctrl+7). Export the signed sheets now?",
                round=number,
                names=names,
            )
        else:
            title = _("Nothing is signed yet")
            text = _(
                "None of your sheets for round {round} is signed yet:\n{names}\n\n"
                "A sheet file now hands the secretary no scores, only that these applications "
                "are unfinished. Choose No to go back and sign them on the Review and sign page "
                "(Ctrl+7). Export anyway?",
                round=number,
                names=names,
            )
        return self.ctx.dialogs.confirm(self.parent, title, text)

    def _done(self, written: WrittenSheetFile, count: int, unsigned: list[Application]) -> None:
        self.task = None
        self.written = written
        if count:
            text = ngettext(
                "Your sheet file was written and checked by reading it back:\n{path}\n\n"
                "{count} signed sheet version; SHA-256 {digest}.\nHand this file to the "
                "meeting secretary; only the secretary can open it.",
                "Your sheet file was written and checked by reading it back:\n{path}\n\n"
                "{count} signed sheet versions; SHA-256 {digest}.\nHand this file to the "
                "meeting secretary; only the secretary can open it.",
                count,
                path=str(written.path),
                count=count,
                digest=written.sha256[:16],
            )
        else:
            text = _(
                "Your sheet file was written and checked by reading it back:\n{path}\n\n"
                "It holds no signed sheet; SHA-256 {digest}. It tells the secretary only "
                "what is unfinished.",
                path=str(written.path),
                digest=written.sha256[:16],
            )
        if unsigned:
            text += "\n\n" + _("Not signed yet:\n{names}", names=_listing(unsigned))
        self.ctx.dialogs.information(self.parent, _("Sheets exported"), text)
        if self.on_done is not None:
            self.on_done(written)


def unsigned_applications(desk: ExpertDesk, number: int) -> list[Application]:
    """The applications of round ``number`` the expert neither signed nor was recused from."""
    in_round = desk.rounds.applications(number)
    found = []
    for application in desk.applications():
        if in_round is not None and application.id not in in_round:
            continue
        if desk.state(application.id).recused:
            continue
        if not any(
            v.round == number and v.status is not SheetStatus.DRAFT
            for v in desk.versions(application.id)
        ):
            found.append(application)
    return found


def _listing(applications: list[Application]) -> str:
    lang = current_language()
    return "\n".join(
        f"• {a.platform_name.get(lang)} — {a.applicant_unit.get(lang)}" for a in applications
    )


def return_materials(parent: QWidget, ctx: PageContext) -> tuple[Path, ...] | None:
    """Confirm, then purge this meeting's materials (the signed copies stay in the
    workspace, sealed to the expert)."""
    ctx.status.flush_all()
    plan = purge_plan(ctx.workspace)
    removing = "\n".join(f"• {p}" for p in plan.remove) or _("(nothing to remove)")
    keeping = "\n".join(f"• {p} — {reason}" for p, reason in plan.kept)
    if not ctx.dialogs.confirm(
        parent,
        _("Return materials"),
        _(
            "At the end of the meeting, the application materials and caches leave this "
            "computer.\n\nTo be removed:\n{removing}\n\nKept:\n{keeping}\n\nThe workspace "
            "database is never removed silently: it is the record of what you declared and "
            "scored, and the meeting secretary removes it. Remove the listed items now?",
            removing=removing,
            keeping=keeping,
        ),
    ):
        return None
    closing = getattr(ctx.materials, "close", None)
    if callable(closing):
        closing()  # open packages let go of their files and keys before the files go
    try:
        removed = purge(plan)
    except UserFacingError as exc:
        show_error(parent, exc, ctx.dialogs)
        return None
    ctx.dialogs.information(
        parent,
        _("Materials returned"),
        _("Removed:\n{removed}", removed="\n".join(f"• {p}" for p in removed))
        if removed
        else _("There was nothing to remove from this computer."),
    )
    return removed
