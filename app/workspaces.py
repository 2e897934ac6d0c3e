"""Where the program's workspaces are, and opening them through the stores the composition
root hands in (:class:`app.ports.ExpertStores`).

A workspace is one SQLite file holding a meeting, its rubric and everything recorded about
it on this machine. The window and the CLI go through these functions, never through SQL.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from app.demo.build import AttachmentMaker, build_demo, default_attachment_maker
from app.domain.meeting import Meeting
from app.domain.rubric import Rubric
from app.errors import StorageError
from app.i18n import Msg
from app.ports import ExpertStores, WorkspaceStore

WORKSPACE_FILE = "workspace.sqlite"
DEMO_ACTOR = "demo-setup"


def default_data_dir() -> Path:
    """Where the program keeps its own files (``$XDG_DATA_HOME/review-desk``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "review-desk"


def default_demo_dir() -> Path:
    return default_data_dir() / "demo"


def workspace_file(directory: Path) -> Path:
    return directory / WORKSPACE_FILE


def ensure_demo_workspace(
    stores: ExpertStores,
    directory: Path,
    *,
    now: Callable[[], dt.datetime] | None = None,
    attachment_maker: AttachmentMaker | None = None,
) -> tuple[Path, bool]:
    """The demo workspace in ``directory``, with the full demo material built if absent.

    Returns the workspace file and whether it was created now. An existing demo workspace is
    kept as it is, so what a person recorded in it survives a restart. A new one comes from
    :func:`app.demo.build.build_demo` (CA, identities, packages, kit, imported workspace) -
    the one path the CLI and the window share; PDFs come from ``attachment_maker`` or the
    maker the composition root registered.
    """

    path = workspace_file(directory)
    if path.exists():
        with open_workspace(stores, path) as ws:
            if not any(m.is_demo for m in ws.meetings()):
                raise StorageError(
                    Msg.of(
                        "{path} holds a workspace that is not the demo meeting.", path=str(path)
                    ),
                    Msg.of("Choose an empty folder for the demo."),
                )
        return path, False
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            Msg.of("Cannot create the folder {path}.", path=str(directory)),
            Msg.of("Check that the location exists and is writable."),
        ) from exc
    moment = now() if now is not None else dt.datetime.now(dt.UTC)
    build_demo(stores, directory, moment, attachment_maker or default_attachment_maker())
    return path, True


def open_workspace(stores: ExpertStores, path: Path) -> WorkspaceStore:
    """Open a workspace file for reading and recording (migrating it if it is older)."""
    if not path.exists():
        raise StorageError(
            Msg.of("There is no workspace at {path}.", path=str(path)),
            Msg.of("Check the path, or start the demo with “review-desk demo”."),
        )
    return stores.open_workspace(path)


def read_meeting(stores: ExpertStores, path: Path) -> tuple[Meeting, Rubric]:
    """The (first) meeting of a workspace and its rubric, for showing; the file is closed again."""
    with open_workspace(stores, path) as ws:
        meetings = ws.meetings()
        if not meetings:
            raise StorageError(
                Msg.of("The workspace {path} holds no meeting.", path=str(path)),
                Msg.of("Create the workspace again from a meeting kit or the demo."),
            )
        meeting = meetings[0]
        return meeting, ws.rubric(meeting.rubric_id)
