"""The replay decision: import is a function of (meeting id, bundle version, bundle hash).

Bundle v1 section 8, after TUF's rollback rules, in this order:

1. a bundle whose hash is already held for the meeting is a duplicate: nothing to do;
2. a version lower than the highest one held is refused as older;
3. the version held with other bytes is refused as a conflict;
4. anything else is imported; it replaces the highest version held, if any.

:func:`decide_replay` is pure; :mod:`app.ministry.importing` asks it inside the store's
write lock and raises :meth:`ReplayDecision.refusal` for a refused bundle, before anything
is written. The refusals are :class:`~app.results.BundleError` subclasses, so whoever
reports a bad bundle reports these the same way.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from app.i18n import Msg
from app.ministry.model import BundleKey
from app.results import BundleError


class BundleReplayError(BundleError):
    """The ministry database refuses this bundle for (meeting, version, hash) reasons."""


class BundleOlderVersionError(BundleReplayError):
    """A newer bundle of the meeting is already imported."""

    def __init__(self, meeting_id: str, version: int, current: int) -> None:
        super().__init__(
            Msg.of(
                "Bundle version {version} of meeting {meeting} is older than version {current}, "
                "which is already imported.",
                version=version,
                meeting=meeting_id,
                current=current,
            ),
            Msg.of("Nothing was changed. Import the newest bundle of the meeting only."),
            f"older: {meeting_id} v{version} < v{current}",
        )


class BundleConflictError(BundleReplayError):
    """Another bundle with the same meeting and version (different bytes) is imported."""

    def __init__(self, meeting_id: str, version: int, imported_hash: str) -> None:
        super().__init__(
            Msg.of(
                "A different bundle with version {version} of meeting {meeting} is already "
                "imported (bundle hash {imported}…).",
                version=version,
                meeting=meeting_id,
                imported=imported_hash[:16],
            ),
            Msg.of(
                "Nothing was changed. Two different bundles carry the same version: ask the "
                "meeting secretary which one is valid and why."
            ),
            f"conflict: {meeting_id} v{version}, imported {imported_hash}",
        )


class ReplayVerdict(enum.Enum):
    IMPORT = "import"
    DUPLICATE = "duplicate"
    OLDER = "older"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class ReplayDecision:
    """What to do with ``incoming``.

    ``current_version`` is the highest version held for the meeting (``None`` if none): the
    one an import replaces, or the newer one an older bundle loses to. ``held_hash`` is,
    for a conflict, the hash of the bundle held with the same version.
    """

    verdict: ReplayVerdict
    incoming: BundleKey
    current_version: int | None = None
    held_hash: str | None = None

    @property
    def imports(self) -> bool:
        return self.verdict is ReplayVerdict.IMPORT

    @property
    def refused(self) -> bool:
        return self.verdict in (ReplayVerdict.OLDER, ReplayVerdict.CONFLICT)

    def refusal(self) -> BundleReplayError | None:
        """The error that reports a refused bundle; ``None`` if it is not refused."""
        key = self.incoming
        if self.verdict is ReplayVerdict.OLDER:
            assert self.current_version is not None
            return BundleOlderVersionError(key.meeting_id, key.bundle_version, self.current_version)
        if self.verdict is ReplayVerdict.CONFLICT:
            assert self.held_hash is not None
            return BundleConflictError(key.meeting_id, key.bundle_version, self.held_hash)
        return None

    @property
    def reason(self) -> Msg:
        """Why, for the person importing."""
        key = self.incoming
        refusal = self.refusal()
        if refusal is not None:
            return refusal.msg
        if self.verdict is ReplayVerdict.DUPLICATE:
            return Msg.of(
                "Bundle version {version} of meeting {meeting} is already imported; nothing "
                "was changed.",
                version=key.bundle_version,
                meeting=key.meeting_id,
            )
        if self.current_version is None:
            return Msg.of(
                "Meeting {meeting} has no imported bundle yet; bundle version {version} can "
                "be imported.",
                meeting=key.meeting_id,
                version=key.bundle_version,
            )
        return Msg.of(
            "Bundle version {version} of meeting {meeting} is newer than the imported version "
            "{current}; it replaces that version.",
            version=key.bundle_version,
            meeting=key.meeting_id,
            current=self.current_version,
        )


def decide_replay(held: Iterable[BundleKey], incoming: BundleKey) -> ReplayDecision:
    """Decide on ``incoming`` given the bundles ``held`` (those of other meetings are
    ignored): duplicate, older, conflict or import, in that order of precedence."""
    mine = [k for k in held if k.meeting_id == incoming.meeting_id]
    if any(k.bundle_hash == incoming.bundle_hash for k in mine):
        return ReplayDecision(ReplayVerdict.DUPLICATE, incoming)
    versions = {k.bundle_version: k.bundle_hash for k in mine}
    current = max(versions) if versions else None
    if current is not None and incoming.bundle_version < current:
        return ReplayDecision(ReplayVerdict.OLDER, incoming, current)
    if incoming.bundle_version in versions:
        return ReplayDecision(
            ReplayVerdict.CONFLICT, incoming, current, versions[incoming.bundle_version]
        )
    return ReplayDecision(ReplayVerdict.IMPORT, incoming, current)
