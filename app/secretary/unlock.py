"""Unlocking the secretary's workspace: the use case between unlocking the secretary's
identity and reading what the experts wrote (``docs/formats/secretary-workspace-v1.md``).

:func:`unlock_workspace` checks the identity is the workspace's secretary, unwraps the
workspace key (making it at the first unlock of a workspace that has none: a new workspace,
or one from before schema version 9), and hands the key to the open store for its session.
On the way it finishes what older versions left in plaintext: every collected row still in
clear is sealed, in one transaction with one ``*.seal`` audit entry per row, and the file is
then rewritten (:meth:`app.secretary.ports.SecretaryStore.scrub`) so the old plaintext does
not linger in free pages or the write-ahead log.

A wrong identity fails before anything is written (``WrongSecretaryError`` for another
person's identity, ``WrongDraftKeyError`` for a key wrapped to another key pair,
``DraftKeyDamagedError`` for a changed or planted key record).
"""

from __future__ import annotations

import datetime as dt

from app.crypto.identity import Identity
from app.ports import WorkspaceSealer
from app.sealed_drafts.keys import (
    create_workspace_key,
    damaged_workspace_key,
    unlock_workspace_key,
)
from app.secretary.ports import SecretaryStore
from app.secretary.setup import require_secretary


def unlock_workspace(
    ws: SecretaryStore, identity: Identity, *, actor: str, now: dt.datetime
) -> WorkspaceSealer:
    """Unlock ``ws`` with the secretary's ``identity`` (see the module docstring); returns
    the sealer, which a second connection to the same file takes without unwrapping again
    (:func:`app.secretary.setup.open_workspace`)."""
    setup = require_secretary(ws, identity)
    meeting_id = setup.header.meeting_id
    record = ws.workspace_key()
    if record is None:
        record, cipher = create_workspace_key(identity, meeting_id, now)
        with ws.transaction(actor, now):
            ws.save_workspace_key(record)
    else:
        cipher = unlock_workspace_key(record, identity)
        if record.meeting_id != meeting_id:
            raise damaged_workspace_key()
    ws.unlock(cipher)
    if ws.plaintext_count():
        with ws.transaction(actor, now):
            ws.seal_plaintext()
        ws.scrub()
    return cipher
