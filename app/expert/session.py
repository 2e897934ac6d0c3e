"""Who is at the keyboard: unlocking an expert's identity against the meeting's roster.

An expert proves who they are with their identity file (PKCS#12) and its passphrase. The
certificate must be valid now, carry the *expert* role and match an expert on the roster by
fingerprint — the fingerprint the secretary compared with the paper sign-in sheet. A session
is a value: it names the expert and holds the unlocked identity for signing and decryption.
Everything an expert does is recorded under their id, and what one expert drafts is never
shown in another expert's session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.crypto.identity import Identity, load_identity
from app.crypto.profile import Role, normalize_fingerprint
from app.domain.meeting import Expert, Meeting
from app.errors import UserFacingError
from app.i18n import Msg


class NotOnRosterError(UserFacingError):
    """The identity is genuine but belongs to nobody on this meeting's roster."""


class WrongRoleError(UserFacingError):
    """The identity is not an expert's (a secretary's or issuer's certificate, say)."""


@dataclass(frozen=True)
class ExpertSession:
    meeting: Meeting
    expert: Expert
    identity: Identity = field(repr=False)
    unlocked_at: dt.datetime

    @property
    def fingerprint(self) -> str:
        return self.identity.fingerprint


def unlock(
    meeting: Meeting, p12_bytes: bytes, passphrase: bytes, now: dt.datetime
) -> ExpertSession:
    """Open ``p12_bytes`` with ``passphrase`` and find its holder on ``meeting``'s roster.

    Raises the identity errors of :mod:`app.crypto.identity` (wrong passphrase, not an
    identity file, expired), :class:`WrongRoleError` or :class:`NotOnRosterError`; nothing
    is changed by a failed unlock.
    """
    identity = load_identity(p12_bytes, passphrase)
    identity.check_valid_at(now)
    return session_for(meeting, identity, now)


def session_for(meeting: Meeting, identity: Identity, now: dt.datetime) -> ExpertSession:
    """The session of an already unlocked ``identity`` (checks role and roster)."""
    if identity.role is not Role.EXPERT:
        raise WrongRoleError(
            Msg.of(
                "This identity belongs to {name}, who is not an expert of the panel.",
                name=identity.common_name,
            ),
            Msg.of("Choose your own expert identity file."),
        )
    expert = roster_match(meeting, identity.fingerprint)
    if expert is None:
        raise NotOnRosterError(
            Msg.of(
                "{name} (fingerprint {fingerprint}) is not on the roster of this meeting.",
                name=identity.common_name,
                fingerprint=identity.fingerprint,
            ),
            Msg.of(
                "Check that you chose your own identity file; otherwise ask the secretary "
                "to compare your fingerprint with the sign-in sheet."
            ),
        )
    return ExpertSession(meeting=meeting, expert=expert, identity=identity, unlocked_at=now)


def roster_match(meeting: Meeting, fingerprint: str) -> Expert | None:
    """The roster expert whose recorded certificate fingerprint equals ``fingerprint``."""
    wanted = normalize_fingerprint(fingerprint)
    if wanted is None:
        return None
    for expert in meeting.experts:
        if expert.fingerprint and normalize_fingerprint(expert.fingerprint) == wanted:
            return expert
    return None
