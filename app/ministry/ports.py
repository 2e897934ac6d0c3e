"""What the ministry's import needs from storage, as a Protocol beside the values it returns
(:mod:`app.ministry.model`), as :mod:`app.secretary.ports` does for the secretary; in
:mod:`app.ports` it would make the ports and the ministry import each other."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from typing import Protocol

from app.ministry.decisions import DecisionSubject, RecordedBatch, RecordedDecision
from app.ministry.model import (
    ApplicationDetail,
    ApplicationRow,
    ApprovedPlatformEntry,
    BundleKey,
    BundleRecord,
    ExpertAppearance,
    ImportedBundle,
    PlatformDraft,
    Refusal,
    RefusalLog,
)


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


class MinistryDesk(MinistryStore, Protocol):
    """What the ministry's desk reads and edits beyond import (ministry schema 2)."""

    def application_detail(self, meeting_id: str, application_id: str) -> ApplicationDetail | None:
        """One application of a meeting's current bundle; ``None`` if there is none."""
        ...

    def report_pdf(self, meeting_id: str) -> bytes | None:
        """The signed report of the meeting's current bundle, if it was checked at import."""
        ...

    def expert_appearances(self, fingerprint: str | None = None) -> tuple[ExpertAppearance, ...]:
        """Every roster entry of every meeting (or those of one certificate fingerprint), by
        fingerprint, meeting date, meeting id."""
        ...

    def approved_platforms(
        self, *, include_removed: bool = False
    ) -> tuple[ApprovedPlatformEntry, ...]:
        """The approved-platform list by id."""
        ...

    def add_platform(self, draft: PlatformDraft, reason: str) -> ApprovedPlatformEntry:
        """Add an approved platform, with ``reason`` and an audit entry (inside
        :meth:`transaction`)."""
        ...

    def remove_platform(self, platform_id: int, reason: str) -> ApprovedPlatformEntry:
        """Mark an approved platform removed, with ``reason`` and an audit entry (inside
        :meth:`transaction`); an unknown or removed one is refused before any write."""
        ...


class RefusalJournal(Protocol):
    """Every refused bundle with its reason, kept *outside* the database so a refusal leaves
    the database file byte-identical (``storage.ministry.refusals.RefusalJournalFile``: an
    append-only, hash-linked JSON-lines file beside it)."""

    def record(self, refusal: Refusal) -> None:
        """Append ``refusal`` durably (written and flushed to disk before returning)."""
        ...

    def read(self) -> RefusalLog:
        """The refusals, oldest first, as far as the reader's bound goes, checked link by
        link."""
        ...


class DeskStore(MinistryDesk, DecisionStore, Protocol):
    """Everything the ministry's desk window reads and writes: the imported meetings, the
    approved platforms and the decisions (``storage.ministry.database.MinistryDatabase``)."""
