"""Later scoring rounds on the expert's side: importing the secretary's round notice and
knowing, per application, which round the desk works in.

A notice (``docs/formats/round-notice-v1.md``) is verified against the workspace's own kit
record - its trust roots, the revocation lists it carried and its secretary certificate - on
any thread
(:func:`verify_round_notice`, pure: no database), then recorded in one audited transaction on
the database's thread (:func:`record_round_notice`). Importing the same notice again changes
nothing; an older, conflicting or foreign notice is refused with a typed error and changes
nothing.

:class:`OpenRounds` answers "which round is application X in": the newest round whose notice
names it, round 1 (the kit's) otherwise. The desk scores each application in that round and
keeps the versions of earlier rounds as history.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from app.domain.ids import ApplicationId
from app.domain.meeting import Meeting
from app.errors import ValidationError
from app.i18n import Msg
from app.kit.record import KitRecord
from app.ports import RoundNoticeStore
from app.round_notice import (
    HeldRoundNotice,
    NoticeExpectations,
    RoundNotice,
    RoundNoticeStaleError,
    VerifiedRoundNotice,
    read_round_notice,
)


@dataclass(frozen=True)
class OpenRounds:
    """The rounds a workspace knows: round 1 (opened by the kit) and each notice held."""

    notices: tuple[HeldRoundNotice, ...] = ()

    def round_for(self, application_id: str) -> int:
        """The newest round open for ``application_id`` (1 when no notice names it)."""
        return max(
            (h.notice.round for h in self.notices if h.notice.includes(application_id)), default=1
        )

    @property
    def latest(self) -> int:
        """The newest round open in the workspace."""
        return max((h.notice.round for h in self.notices), default=1)

    def numbers(self) -> tuple[int, ...]:
        """Every round known, oldest first (1 always)."""
        return (1, *sorted(h.notice.round for h in self.notices))

    def notice(self, round: int) -> HeldRoundNotice | None:
        return next((h for h in self.notices if h.notice.round == round), None)

    def applications(self, round: int) -> tuple[ApplicationId, ...] | None:
        """The applications scored in ``round``; ``None`` for round 1 (every application)."""
        held = self.notice(round)
        return None if held is None else held.notice.application_ids

    def held(self) -> dict[int, str]:
        """Round -> SHA-256 of the notice bytes held, for the reader's round stage."""
        return {h.notice.round: h.signed.sha256 for h in self.notices}


def open_rounds(store: RoundNoticeStore) -> OpenRounds:
    return OpenRounds(store.round_notices())


@dataclass(frozen=True)
class NoticeImport:
    """What importing a notice did; ``recorded`` is False when it was already held."""

    notice: RoundNotice
    recorded: bool

    @property
    def message(self) -> Msg:
        applications = ", ".join(self.notice.application_ids)
        if not self.recorded:
            return Msg.of(
                "The notice of round {round} was already imported; nothing changed.",
                round=self.notice.round,
            )
        return Msg.of(
            "Round {round} is open for {applications}. Score these applications again: each "
            "new draft starts from your signed sheet of the earlier round.",
            round=self.notice.round,
            applications=applications,
        )


def verify_round_notice(
    source: str | os.PathLike[str] | bytes,
    kit: KitRecord | None,
    meeting: Meeting,
    rounds: OpenRounds,
    now: dt.datetime,
) -> VerifiedRoundNotice:
    """Open a notice against the workspace's kit and the rounds it already holds (pure, any
    thread). The reader's errors (:mod:`app.round_notice.errors`), or
    :class:`ValidationError` for a workspace that was not created from a meeting kit."""
    if kit is None:
        raise ValidationError(
            Msg.of(
                "This workspace was not created from a meeting kit, so it cannot check who "
                "signed a round notice."
            ),
            Msg.of("Import the meeting kit the secretary handed out, then the round notice."),
        )
    expected = NoticeExpectations.from_kit(kit, meeting, rounds.held(), now=now)
    return read_round_notice(source, expected, now)


def record_round_notice(
    store: RoundNoticeStore, verified: VerifiedRoundNotice, *, actor: str, now: dt.datetime
) -> NoticeImport:
    """Record a verified notice in one audited transaction; a no-op for a notice already
    held. The round check runs again inside the transaction (another notice may have been
    recorded since the file was verified): :class:`RoundNoticeStaleError`."""
    notice = verified.notice
    with store.transaction(actor, now):
        rounds = OpenRounds(store.round_notices())
        held = rounds.notice(notice.round)
        if held is not None and held.signed.document == verified.signed.document:
            return NoticeImport(notice, recorded=False)
        if held is not None:
            raise RoundNoticeStaleError(
                Msg.of(
                    "a different notice for round {round} was already imported.",
                    round=notice.round,
                ),
                f"round {notice.round}: another notice held (recheck)",
            )
        if notice.round <= rounds.latest:
            raise RoundNoticeStaleError(
                Msg.of(
                    "it opens round {round}, but round {latest} is already open here: the "
                    "notice is older than one already imported.",
                    round=notice.round,
                    latest=rounds.latest,
                ),
                f"round {notice.round} <= latest {rounds.latest} (recheck)",
            )
        store.add_round_notice(HeldRoundNotice(notice, verified.signed, now))
    return NoticeImport(notice, recorded=True)


def import_round_notice(
    store: RoundNoticeStore,
    source: str | os.PathLike[str] | bytes,
    *,
    kit: KitRecord | None,
    meeting: Meeting,
    actor: str,
    now: dt.datetime,
) -> NoticeImport:
    """:func:`verify_round_notice` then :func:`record_round_notice`, on one thread."""
    verified = verify_round_notice(source, kit, meeting, open_rounds(store), now)
    return record_round_notice(store, verified, actor=actor, now=now)
