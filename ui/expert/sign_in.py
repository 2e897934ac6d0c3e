"""The expert's sign-in, File > "Sign in as expert…" (wired by :mod:`ui.launch`).

Unlock first; only on success is the workspace opened (on the GUI thread, which then owns the
SQLite connection) and the expert's window shown. A refused unlock leaves no session, no open
database and no window behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import QWidget

from app.errors import UserFacingError
from app.expert.desk import ExpertDesk
from app.expert.materials import MaterialsSource, NoMaterials
from app.expert.session import ExpertSession
from app.expert.unlock import open_expert_drafts
from app.expert.view_state import ExpertPlaces, ViewStateRepository
from app.kit.record import KitRecord
from app.ports import ExpertStores, WorkspaceStore
from app.secretary.publish_prepare import Exporters
from app.workspaces import open_workspace, read_meeting
from ui.common.dialogs import DialogService
from ui.common.errors import show_error
from ui.common.fonts import FontZoom
from ui.expert.unlock_dialog import UnlockDialog
from ui.expert.window import ExpertWindow

Clock = Callable[[], dt.datetime]
PACKAGES_DIR = "packages"
_open: list[ExpertWindow] = []
"""Open expert windows stay referenced until closed."""


class ExpertWindowStores(ExpertStores, Protocol):
    """What the expert window opens: the workspace, the expert's sealed drafts in it and
    the places the expert was at (``storage.stores.SqliteStores``, from ``ui.launch``)."""

    def view_states(self, workspace: WorkspaceStore) -> ViewStateRepository:
        """Where the experts of ``workspace`` (opened by these stores) were in it."""
        ...


def open_expert_window(
    session: ExpertSession,
    identity_path: Path,
    workspace: Path,
    *,
    stores: ExpertWindowStores,
    dialogs: DialogService,
    zoom: FontZoom | None = None,
    materials: MaterialsSource | None = None,
    now: Clock = lambda: dt.datetime.now(dt.UTC),
    exporters: Callable[[], Exporters] | None = None,
) -> ExpertWindow:
    """Open the workspace for the unlocked ``session`` and show the expert's window."""
    repo = open_workspace(stores, workspace)
    try:
        meeting = next(m for m in repo.meetings() if m.id == session.meeting.id)
        kit = repo.kit_record()
        drafts = open_expert_drafts(stores, repo, session, now())  # sealed to this expert (T1)
        desk = ExpertDesk(
            drafts, meeting, repo.rubric(meeting.rubric_id), session.expert, now=now, kit=kit
        )
        if materials is None:
            materials = materials_for(workspace, session, now(), kit)
        places = ExpertPlaces(stores.view_states(repo), meeting, session.expert.id, now=now)
    except BaseException:
        repo.close()
        raise

    def closed() -> None:
        repo.close()
        if window in _open:
            _open.remove(window)

    window = ExpertWindow(
        desk,
        session,
        identity_path,
        workspace,
        places=places,
        materials=materials,
        dialogs=dialogs,
        zoom=zoom,
        now=now,
        on_close=closed,
        exporters=exporters,
    )
    _open.append(window)
    window.show()
    return window


def materials_for(
    workspace: Path, session: ExpertSession, now: dt.datetime, kit: KitRecord | None = None
) -> MaterialsSource:
    """The packages that came with the workspace's kit, opened with the expert's own key.

    Packages are verified against the CA that issued the expert's certificate, never
    against roots found in the kit, and with the revocation lists the kit carried that this
    CA signed (kit-v1 §4). Without a packages folder there are no attachments.
    """
    packages = workspace.parent / PACKAGES_DIR
    if not packages.is_dir():
        return NoMaterials()
    from app.expert.package_materials import PackageMaterials
    from app.package.keys import decryption_identity

    identity = session.identity
    roots = list(identity.chain)
    revocations = kit.revocations(roots, now) if kit is not None else None
    return PackageMaterials(
        packages, [decryption_identity(identity)], roots, now, revocations=revocations
    )


def sign_in(
    parent: QWidget | None,
    workspace: Path,
    dialogs: DialogService,
    *,
    stores: ExpertWindowStores,
    zoom: FontZoom | None = None,
    materials: MaterialsSource | None = None,
    now: Clock = lambda: dt.datetime.now(dt.UTC),
    opened: Callable[[ExpertWindow], object] | None = None,
    exporters: Callable[[], Exporters] | None = None,
) -> UnlockDialog | None:
    """Show the unlock dialog for the meeting of ``workspace``; open the window on success."""
    try:
        meeting, _rubric = read_meeting(stores, workspace)
    except UserFacingError as exc:
        show_error(parent, exc, dialogs)
        return None
    dialog = UnlockDialog(meeting, dialogs, now=now, parent=parent)

    def unlocked(session: ExpertSession) -> None:
        assert dialog.identity_path is not None
        try:
            window = open_expert_window(
                session,
                dialog.identity_path,
                workspace,
                stores=stores,
                dialogs=dialogs,
                zoom=zoom,
                materials=materials,
                now=now,
                exporters=exporters,
            )
        except UserFacingError as exc:
            show_error(parent, exc, dialogs)
            return
        if opened is not None:
            opened(window)

    dialog.unlocked.connect(unlocked)
    dialog.open()
    return dialog
