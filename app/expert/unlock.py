"""Signing in to one's sealed drafts: the use case between unlocking an identity and
opening the expert window.

:func:`open_expert_drafts` unlocks the expert's draft key in the workspace (making it at the
first sign-in), and returns the sealing repository the expert's desk works on. On the way it
finishes what older versions left in plaintext, for this expert only:

- rows written before migration 4 are sealed and their plaintext emptied, in one
  transaction with one audit entry per row;
- signed copies kept as files under ``signed/<expert id>/`` (the interim store of earlier
  versions) are moved into the workspace, sealed, and the files removed after the commit;
- the file is then rewritten (:meth:`app.ports.WorkspaceStore.scrub`), so the old
  plaintext does not linger in free pages or the write-ahead log.

A wrong identity fails before anything is written (:class:`WrongDraftKeyError`).
"""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from pathlib import Path

from app.domain.sheet import SheetStatus
from app.errors import StorageError
from app.expert.scoring import expert_actor
from app.expert.session import ExpertSession
from app.i18n import Msg
from app.ports import ExpertStores, SealingRepository, WorkspaceStore
from app.sealed_drafts.keys import create_draft_key, unlock_draft_key
from app.sheets import SignedDocument

LEGACY_SIGNED_DIR = "signed"
"""Where versions before migration 4 kept signed copies: ``signed/<expert id>/<sheet>.json``
and ``.json.p7s`` (and an ``exported.txt`` marker)."""


def open_expert_drafts(
    stores: ExpertStores, ws: WorkspaceStore, session: ExpertSession, now: dt.datetime
) -> SealingRepository:
    """The sealed records of ``session``'s expert in ``ws``, which ``stores`` opened (see the
    module docstring)."""
    meeting_id, expert_id = session.meeting.id, session.expert.id
    ws.meeting(meeting_id)
    actor = expert_actor(expert_id)
    record = ws.draft_key(meeting_id, expert_id)
    if record is None:
        record, cipher = create_draft_key(session.identity, meeting_id, expert_id, now)
        with ws.transaction(actor, now):
            ws.save_draft_key(record)
    else:
        cipher = unlock_draft_key(record, session.identity)
    repo = stores.sealed_drafts(ws, cipher)
    _finish_legacy(repo, actor, now)
    return repo


def legacy_folder(workspace: Path, expert_id: str) -> Path | None:
    """``signed/<expert id>`` beside the workspace; ``None`` for an id that is not a plain
    file name (it could never have been written, and must never be removed)."""
    if expert_id in ("", ".", "..") or Path(expert_id).name != expert_id:
        return None
    return workspace.parent / LEGACY_SIGNED_DIR / expert_id


def _finish_legacy(repo: SealingRepository, actor: str, now: dt.datetime) -> None:
    folder = legacy_folder(repo.path, repo.expert_id)
    has_folder = folder is not None and folder.is_dir()
    if not has_folder and repo.plaintext_count() == 0:
        return
    with repo.transaction(actor, now):
        sealed = repo.seal_plaintext().total
        if folder is not None and has_folder:
            _move_signed_copies(repo, folder)
    if folder is not None and has_folder:
        _remove_folder(folder)
    if sealed:
        repo.workspace.scrub()


def _move_signed_copies(repo: SealingRepository, folder: Path) -> None:
    meeting = repo.meeting(repo.meeting_id)
    for application in meeting.applications:
        for sheet in repo.sheets(repo.meeting_id, repo.expert_id, application.id):
            if sheet.status is SheetStatus.DRAFT or repo.signed_copy(sheet.id) is not None:
                continue
            document = folder / f"{sheet.id}.json"
            signature = document.with_name(document.name + ".p7s")
            if document.is_file() and signature.is_file():
                repo.save_signed_copy(sheet.id, SignedDocument(_read(document), _read(signature)))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise StorageError(
            Msg.of("Cannot read {path}: {error}", path=str(path), error=exc.strerror or exc),
            Msg.of("Check that the workspace folder is readable, then sign in again."),
        ) from exc


def _remove_folder(folder: Path) -> None:
    """Remove the expert's legacy signed files (plaintext) once they are sealed inside."""
    try:
        for path in folder.iterdir():
            if path.is_file() or path.is_symlink():
                path.unlink()
    except OSError as exc:
        raise StorageError(
            Msg.of(
                "Your signed sheets are now sealed in the workspace, but the old copies in "
                "{path} could not be removed: {error}",
                path=str(folder),
                error=exc.strerror or exc,
            ),
            Msg.of("Close any program using that folder, then sign in again."),
        ) from exc
    with suppress(OSError):
        folder.rmdir()  # only if nothing else was put there
