"""The workspace files on disk behind the core's store protocols: :class:`SqliteStores`
implements :class:`app.ports.ExpertStores` and :class:`app.secretary.ports.SecretaryStores`, and
gives the expert window its saved places (``ui.expert.sign_in.ExpertWindowStores``).

The composition roots (``app/cli``, ``ui/launch.py``) make one and hand it to the use cases
and windows (where mypy checks it against the protocols); nothing else in ``app``, ``ui`` or
``export`` imports ``storage``. The SQLite modules load on first use, so the window starts
without them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.domain.meeting import Meeting
    from app.domain.rubric import Rubric
    from app.kit.record import KitRecord
    from app.ports import DraftSealer, WorkspaceStore
    from app.secretary.model import SecretarySetup
    from storage.secretary.workspace import SecretaryWorkspace
    from storage.workspace.core import Workspace
    from storage.workspace.expert import ExpertWorkspace
    from storage.workspace.view_state import WorkspaceViewStates


class SqliteStores:
    """Workspace files as SQLite databases (:mod:`storage.workspace`, :mod:`storage.secretary`)."""

    def create_workspace(
        self,
        path: Path,
        meeting: Meeting,
        rubric: Rubric,
        actor: str,
        *,
        now: Callable[[], dt.datetime],
        kit: KitRecord | None = None,
    ) -> Workspace:
        from storage.workspace.core import Workspace

        return Workspace.create(path, meeting, rubric, actor, now=now, kit=kit)

    def open_workspace(self, path: Path) -> Workspace:
        from storage.workspace.core import Workspace

        return Workspace.open(path)

    def sealed_drafts(self, workspace: WorkspaceStore, sealer: DraftSealer) -> ExpertWorkspace:
        from storage.workspace.expert import ExpertWorkspace

        return ExpertWorkspace(_own(workspace), sealer)

    def view_states(self, workspace: WorkspaceStore) -> WorkspaceViewStates:
        from storage.workspace.view_state import WorkspaceViewStates

        return WorkspaceViewStates(_own(workspace))

    def create_secretary_workspace(
        self, path: Path, setup: SecretarySetup, actor: str, *, now: dt.datetime
    ) -> SecretaryWorkspace:
        from storage.secretary.workspace import SecretaryWorkspace

        return SecretaryWorkspace.create_setup(path, setup, actor, now=lambda: now)

    def open_secretary_workspace(self, path: Path) -> SecretaryWorkspace:
        from storage.secretary.workspace import SecretaryWorkspace

        return SecretaryWorkspace.open(path)


def _own(workspace: WorkspaceStore) -> Workspace:
    """The sealed records share the workspace's connection, so it must be one of ours."""
    from storage.workspace.core import Workspace

    if not isinstance(workspace, Workspace):
        raise TypeError(f"{workspace!r} was not opened by SqliteStores")
    return workspace
