"""What the ministry's import needs from storage, as a Protocol beside the values it returns
(:mod:`app.ministry.model`), as :mod:`app.secretary.ports` does for the secretary; in
:mod:`app.ports` it would make the ports and the ministry import each other."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from typing import Protocol

from app.ministry.decisions import DecisionSubject, RecordedBatch, RecordedDecision
from app.ministry.model import ApplicationRow, BundleKey, BundleRecord, ImportedBundle


class MinistryStore(Protocol):
    """The ministry's database of verified result bundles from many meetings
    (``storage.ministry.database.MinistryDatabase``).

    Every write happens inside ``with store.transaction(actor, at):``, which holds the write
    lock from its start, so what a block reads is still true when it writes. A block that
    writes nothing, or raises, leaves the database file byte-identical; one that writes
    commits its rows and their audit entry together. Creating the store touches no file.
    """

    def transaction(self, actor: str, at: dt.datetime) -> AbstractContextManager[None]: ...

    def bundle_keys(self, meeting_id: str) -> tuple[BundleKey, ...]:
        """Every bundle of the meeting ever imported (inside :meth:`transaction`)."""
        ...

    def add_bundle(self, record: BundleRecord, replaces: int | None) -> None:
        """Append ``record`` to the import history and make it the meeting's current
        figures, dropping those of version ``replaces`` (inside :meth:`transaction`)."""
        ...

    def imported_bundles(self) -> tuple[ImportedBundle, ...]:
        """The import history, oldest first."""
        ...

    def application_rows(self) -> tuple[ApplicationRow, ...]:
        """Every meeting's current applications, by meeting id then hearing position."""
        ...


class DecisionStore(Protocol):
    """The ministry's signed decisions and closed batches, beside the current figures they
    cite (``storage.ministry.database.MinistryDatabase``; ``docs/formats/decision-v1.md``).

    Writes happen inside ``with store.transaction(actor, at):`` (the write lock from its
    start, as for :class:`MinistryStore`); a block that writes nothing leaves the file
    byte-identical. The reading methods work inside a transaction (seeing what it sees) and
    outside one (each opening the existing file for itself).
    """

    def transaction(self, actor: str, at: dt.datetime) -> AbstractContextManager[None]: ...

    def decision_subjects(self) -> tuple[DecisionSubject, ...]:
        """Every application of every meeting's current bundle, by meeting then hearing."""
        ...

    def decision_subject(self, meeting_id: str, application_id: str) -> DecisionSubject | None:
        """The application in its meeting's current bundle, or ``None`` if it is not there."""
        ...

    def decisions(self) -> tuple[RecordedDecision, ...]:
        """Every version of every decision, by meeting, application, then version."""
        ...

    def decision_versions(
        self, meeting_id: str, application_id: str
    ) -> tuple[RecordedDecision, ...]:
        """Every version of the application's decision, oldest first."""
        ...

    def add_decision(self, decision: RecordedDecision) -> None:
        """Append ``decision`` (and its audit entry) inside :meth:`transaction`."""
        ...

    def batches(self) -> tuple[RecordedBatch, ...]:
        """Every closed batch, oldest first."""
        ...

    def add_batch(self, batch: RecordedBatch) -> None:
        """Append ``batch`` (and its audit entry) inside :meth:`transaction`."""
        ...
