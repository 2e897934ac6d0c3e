"""What every page of the ministry desk shares: the store (through its protocol), this
refusal journal, the trust roots and ministry identity chosen for the session,
the dialog service and the clock. The composition root (:mod:`ui.launch`) makes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from app.crypto.cms import SignatureVerifier
from app.crypto.identity import Identity
from app.ministry.ports import DeskStore, RefusalJournal
from app.results import BundleDocumentChecks
from ui.common.dialogs import DialogService

Clock = Callable[[], dt.datetime]
DocumentChecksFactory = Callable[[], BundleDocumentChecks | None]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class DeskChanges(QObject):
    """Emitted on the GUI thread after an import changed the database."""

    changed = Signal()


@dataclass
class DeskContext:
    """The desk's shared state. ``database`` is shown to the person and tells whether the
    database exists yet (the first import creates it); every read and write goes through
    ``store``, on ``pool`` (one worker: the store's work stays serialised)."""

    store: DeskStore
    database: Path
    dialogs: DialogService
    documents: DocumentChecksFactory | None
    """The report and workbook checks (``export.bundle_checks``), made when an import runs;
    ``None`` leaves those stages *not checked* (tests of the window only)."""
    journal: RefusalJournal
    """Where refused bundles are recorded (beside the database, never in it)."""
    now: Clock = utc_now
    trust_roots: Path | None = None
    """The trust roots chosen in this session (remembered until the window closes)."""
    identity_file: Path | None = None
    identity: Identity | None = None
    """The ministry identity unlocked in this session, for encrypted bundles."""
    actor: str = "ministry"
    """Who the audit log names for a change made at the desk without a signature (an
    approved-platform edit): the login name, as on the command line."""
    verifier: SignatureVerifier = field(default_factory=SignatureVerifier)
    changes: DeskChanges = field(default_factory=DeskChanges)
    pool: QThreadPool = field(default_factory=QThreadPool)

    def __post_init__(self) -> None:
        self.pool.setMaxThreadCount(1)
