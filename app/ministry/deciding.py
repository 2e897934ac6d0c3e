"""The ministry's confirmation: decide per application, close a batch, list what to announce.

Every use case here follows ``docs/formats/decision-v1.md`` section 4. A refusal is a typed
:class:`~app.errors.UserFacingError` raised before anything is written, so the database
file stays byte-identical: the identity and the reason are checked before the store is asked
anything; what depends on the database (is the application in the current figures, is the
cited bundle the current one, is the decision still the version the officer saw) is checked
inside the store's transaction, which holds the write lock (``BEGIN IMMEDIATE``) from its
start, so a second officer deciding from another window waits, then sees the first one's
decision and is refused as stale instead of overwriting it.

A decision is *current* when it is the application's latest version and cites the bundle
its meeting holds now; a newer bundle makes the application's decision stale (shown, but
neither batched nor announced) until the officer decides again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.crypto.identity import Identity
from app.errors import UserFacingError
from app.i18n import Msg
from app.ministry.decisions import (
    MAX_REASON,
    BatchEntry,
    BatchRecord,
    Decision,
    DecisionRecord,
    DecisionSubject,
    RecordedBatch,
    RecordedDecision,
    reason_problem,
    require_officer,
    sign_batch,
    sign_decision,
)
from app.ministry.ports import DecisionStore


class DecisionRefusedError(UserFacingError):
    """A decision, a batch or an announcement the desk refuses; nothing was changed."""


class DecisionReasonError(DecisionRefusedError):
    """The reason is empty, too long or holds formatting characters."""


class DecisionSubjectError(DecisionRefusedError):
    """The application is not in the current imported figures (refused or never imported)."""


class DecisionBundleError(DecisionRefusedError):
    """The bundle the officer decided on is no longer the meeting's current verified one."""


class DecisionStaleError(DecisionRefusedError):
    """Another officer changed the decision since this one was opened (no lost update)."""


class BatchRefusedError(DecisionRefusedError):
    """No decision to close, or none changed since the latest batch."""


class AnnouncementError(DecisionRefusedError):
    """No closed batch, decisions changed since it, or nothing confirmed in it."""


@dataclass(frozen=True)
class DecisionState:
    """An application of a meeting's current bundle and its latest decision, if any."""

    subject: DecisionSubject
    latest: RecordedDecision | None

    @property
    def version(self) -> int:
        """The latest decision version (0 for none): pass it to :func:`decide` as
        ``expected_version``."""
        return 0 if self.latest is None else self.latest.record.version

    @property
    def current(self) -> RecordedDecision | None:
        """The latest decision if it cites the meeting's current bundle."""
        latest = self.latest
        if latest is None or latest.record.bundle_sha256 != self.subject.bundle_sha256:
            return None
        return latest

    @property
    def stale(self) -> bool:
        """Decided on an earlier bundle version of the meeting: to be decided again."""
        return self.latest is not None and self.current is None

    @property
    def confirmed(self) -> bool:
        current = self.current
        return current is not None and current.record.decision is Decision.CONFIRM


@dataclass(frozen=True)
class AnnouncementList:
    """What the announcement publishes: the confirmed applications of the latest batch."""

    batch: RecordedBatch
    entries: tuple[DecisionSubject, ...]


def decide(
    store: DecisionStore,
    identity: Identity,
    meeting_id: str,
    application_id: str,
    decision: Decision,
    reason: str,
    expected_version: int | None,
    now: datetime,
    *,
    bundle_sha256: str | None = None,
) -> RecordedDecision:
    """Record the officer's signed ``decision`` on the application; returns it.

    ``expected_version`` is the decision version the officer saw (0: none yet); ``None``
    takes whatever is latest (the command line without ``--expect-version``).
    ``bundle_sha256``, when given, is the bundle the officer looked at; it must still be
    the meeting's current one. Refuses with :class:`~app.ministry.decisions.
    DecisionSignerError` (not a ministry officer, or not valid now),
    :class:`DecisionReasonError`, :class:`DecisionSubjectError`,
    :class:`DecisionBundleError` or :class:`DecisionStaleError`, changing nothing.
    """
    require_officer(identity, now)
    problem = reason_problem(reason)
    if problem is not None:
        raise DecisionReasonError(
            Msg.of("The decision cannot be recorded: {problem}", problem=problem),
            Msg.of(
                "Write why the ministry decides so (at most {limit} characters).",
                limit=MAX_REASON,
            ),
        )
    decided_at = _second(now)
    with store.transaction(_actor(identity), now):
        subject = _subject(store, meeting_id, application_id)
        if bundle_sha256 is not None and bundle_sha256 != subject.bundle_sha256:
            raise DecisionBundleError(
                Msg.of(
                    "The figures of meeting {meeting} you decided on (bundle {cited}) are no "
                    "longer its current verified bundle: version {version} ({current}) was "
                    "imported since.",
                    meeting=meeting_id,
                    cited=bundle_sha256[:12],
                    version=subject.bundle_version,
                    current=subject.bundle_sha256[:12],
                ),
                Msg.of("Read the current figures, then decide again."),
            )
        versions = store.decision_versions(meeting_id, application_id)
        latest = versions[-1] if versions else None
        seen = 0 if latest is None else latest.record.version
        if expected_version is not None and expected_version != seen:
            raise _stale(application_id, expected_version, latest)
        record = DecisionRecord(
            meeting_id=meeting_id,
            application_id=application_id,
            bundle_version=subject.bundle_version,
            bundle_sha256=subject.bundle_sha256,
            decision=decision,
            reason=reason,
            version=seen + 1,
            previous_sha256=None if latest is None else latest.sha256,
            officer_fingerprint=identity.fingerprint,
            decided_at=decided_at,
        )
        recorded = RecordedDecision(record, sign_decision(record, identity), identity.common_name)
        store.add_decision(recorded)
    return recorded


def decision_states(store: DecisionStore) -> tuple[DecisionState, ...]:
    """Every application of every meeting's current bundle with its latest decision."""
    latest: dict[tuple[str, str], RecordedDecision] = {}
    for d in store.decisions():
        latest[(d.record.meeting_id, d.record.application_id)] = d  # versions ascend
    return tuple(DecisionState(s, latest.get(s.key)) for s in store.decision_subjects())


def confirmed_list(states: tuple[DecisionState, ...]) -> tuple[DecisionSubject, ...]:
    """The applications whose current decision is *confirm*, in register order."""
    return tuple(s.subject for s in states if s.confirmed)


def close_batch(store: DecisionStore, identity: Identity, now: datetime) -> RecordedBatch:
    """Sign the list of current decisions as a whole (decision-v1 section 2); returns it.

    Refuses (:class:`BatchRefusedError`, or the signer's error) with nothing changed when
    there is no current decision or none changed since the latest batch.
    """
    require_officer(identity, now)
    with store.transaction(_actor(identity), now):
        entries = _entries(decision_states(store))
        if not entries:
            raise BatchRefusedError(
                Msg.of("There is no current decision to close a batch of."),
                Msg.of("Decide on the applications of the imported meetings first."),
            )
        batches = store.batches()
        last = batches[-1] if batches else None
        if last is not None and last.record.entries == entries:
            raise BatchRefusedError(
                Msg.of(
                    "No decision has changed since batch {batch} was closed.",
                    batch=last.record.batch_id,
                ),
                Msg.of("The announcement can be made from that batch."),
            )
        record = BatchRecord(
            batch_id=1 if last is None else last.record.batch_id + 1,
            previous_sha256=None if last is None else last.sha256,
            closed_at=_second(now),
            officer_fingerprint=identity.fingerprint,
            entries=entries,
        )
        batch = RecordedBatch(record, sign_batch(record, identity), identity.common_name)
        store.add_batch(batch)
    return batch


def announcement_list(store: DecisionStore) -> AnnouncementList:
    """The confirmed applications of the latest batch, refused (:class:`AnnouncementError`)
    when no batch is closed, when decisions changed since it, or when it confirms none."""
    batches = store.batches()
    if not batches:
        raise AnnouncementError(
            Msg.of("No batch of decisions has been closed yet."),
            Msg.of("Close a batch first: the announcement lists what a signed batch confirms."),
        )
    last = batches[-1]
    states = decision_states(store)
    if _entries(states) != last.record.entries:
        raise AnnouncementError(
            Msg.of("Decisions changed since batch {batch} was closed.", batch=last.record.batch_id),
            Msg.of("Close a new batch, then make the announcement."),
        )
    entries = confirmed_list(states)
    if not entries:
        raise AnnouncementError(
            Msg.of("Batch {batch} confirms no application.", batch=last.record.batch_id),
            Msg.of("There is nothing to announce."),
        )
    return AnnouncementList(last, entries)


def announce(store: DecisionStore, identity: Identity, now: datetime) -> AnnouncementList:
    """:func:`announcement_list`, for an officer who may sign the notice at ``now``
    (:class:`~app.ministry.decisions.DecisionSignerError` otherwise)."""
    require_officer(identity, now)
    return announcement_list(store)


# --- helpers -----------------------------------------------------------------------------


def _entries(states: tuple[DecisionState, ...]) -> tuple[BatchEntry, ...]:
    entries = [
        BatchEntry(
            meeting_id=d.record.meeting_id,
            application_id=d.record.application_id,
            decision_version=d.record.version,
            decision=d.record.decision,
            decision_sha256=d.sha256,
        )
        for s in states
        if (d := s.current) is not None
    ]
    return tuple(sorted(entries, key=lambda e: (e.meeting_id, e.application_id)))


def _subject(store: DecisionStore, meeting_id: str, application_id: str) -> DecisionSubject:
    subject = store.decision_subject(meeting_id, application_id)
    if subject is None:
        raise DecisionSubjectError(
            Msg.of(
                "Application {application} of meeting {meeting} is not in the imported "
                "figures: its result bundle was refused or never imported.",
                application=application_id,
                meeting=meeting_id,
            ),
            Msg.of("Decide only on an application of a verified, imported result bundle."),
        )
    return subject


def _stale(application_id: str, expected: int, latest: RecordedDecision | None) -> Exception:
    if latest is None or expected > latest.record.version:
        return DecisionStaleError(
            Msg.of(
                "The decision on application {application} is not at version {expected}: "
                "it has {count} versions.",
                application=application_id,
                expected=expected,
                count=0 if latest is None else latest.record.version,
            ),
            Msg.of("Read the current decision, then decide again."),
        )
    return DecisionStaleError(
        Msg.of(
            "The decision on application {application} was changed by {officer} at {time} "
            "since you opened it: it is now version {version}, {decision}.",
            application=application_id,
            officer=latest.officer_name,
            time=latest.record.decided_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            version=latest.record.version,
            decision=latest.record.decision.label,
        ),
        Msg.of("Read the current decision, then decide again if you still disagree."),
    )


def _actor(identity: Identity) -> str:
    return f"ministry:{identity.fingerprint}"


def _second(now: datetime) -> datetime:
    """``now`` in UTC to the second: what a decision-v1 time can hold."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC).replace(microsecond=0)
