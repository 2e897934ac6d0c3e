"""The ministry officer's identity for signing at the desk (decisions, batches, the notice).

A page asks an :data:`IdentityProvider` on the GUI thread; it returns an :data:`Unlock` that
the page runs off the GUI thread with the signing work (opening a PKCS#12 file is slow), or
``None`` when the officer cancelled. :class:`OfficerIdentity` asks for the ``.p12`` file and
its passphrase (no echo) through the dialog service once per session: an identity that may
sign ministry decisions is remembered until :meth:`OfficerIdentity.forget`; one that may not
is handed on (so the use case refuses it with its own message) but never remembered.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.crypto.identity import Identity, load_identity, read_identity_file
from app.errors import UserFacingError
from app.i18n import _
from app.ministry.decisions import require_officer
from ui.common.dialogs import DialogService

Clock = Callable[[], dt.datetime]
Unlock = Callable[[], Identity]
"""Opens the officer's identity; run off the GUI thread."""
IdentityProvider = Callable[[QWidget], Unlock | None]
"""Asks (on the GUI thread) for what opens the officer's identity; ``None``: cancelled."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def given_identity(identity: Identity) -> IdentityProvider:
    """A provider that always hands ``identity`` (already unlocked)."""
    return lambda _parent: lambda: identity


class OfficerIdentity:
    """Asks for the officer's ``.p12`` and passphrase; remembers a ministry identity."""

    def __init__(self, dialogs: DialogService, now: Clock = utc_now) -> None:
        self._dialogs = dialogs
        self._now = now
        self._lock = threading.Lock()
        self._identity: Identity | None = None
        self.identity_file: Path | None = None

    def __call__(self, parent: QWidget) -> Unlock | None:
        with self._lock:
            remembered = self._identity
        if remembered is not None:
            return lambda: remembered
        path = self._dialogs.open_file(
            parent, _("Choose your ministry officer identity"), _("Identity files (*.p12 *.pfx)")
        )
        if path is None:
            return None
        secret = self._dialogs.passphrase(
            parent,
            _("Unlock your ministry officer identity"),
            _("Passphrase of {file}:", file=path.name),
        )
        if secret is None:
            return None
        self.identity_file = path
        return lambda: self._unlock(path, secret)

    def forget(self) -> None:
        """Sign the next document only after asking again."""
        with self._lock:
            self._identity = None

    def _unlock(self, path: Path, secret: bytes) -> Identity:
        identity = load_identity(read_identity_file(path), secret)
        try:
            require_officer(identity, self._now())
        except UserFacingError:
            return identity  # refused by the use case with its own message; not remembered
        with self._lock:
            self._identity = identity
        return identity
