"""The meeting key and its passphrase, on the secretary's side.

The issuing office encrypts every package to the meeting key too (so that an expert without
their own identity at hand can open packages with the passphrase read out at the meeting).
The secretary creates the key *before* packages are built, hands its public recipient to the
issuing office, and stores only the sealed key: the passphrase is shown once and never kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from app.crypto.age_keys import X25519Identity
from app.errors import ValidationError
from app.i18n import Msg
from app.kit.meeting_key import (
    generate_meeting_key,
    generate_meeting_passphrase,
    seal_meeting_key,
    unlock_meeting_key,
)
from app.secretary.errors import SetupFrozenError, SetupIncompleteError
from app.secretary.ports import SecretaryReader, SecretaryStore


@dataclass(frozen=True)
class MeetingKeyCreated:
    """Show ``passphrase`` once (it is stored nowhere); give ``recipient`` to the issuer.
    ``key`` is the meeting key itself, for checking packages in the same session."""

    passphrase: str = field(repr=False)
    recipient: str
    key: X25519Identity = field(repr=False, compare=False)


def create_meeting_key(
    ws: SecretaryStore, *, actor: str, now: dt.datetime, log_n: int | None = None
) -> MeetingKeyCreated:
    """Generate the meeting key and passphrase; store the sealed key and the recipient.

    Refused once a package has been imported (the packages are encrypted to the current key)
    or the kit issued. ``log_n`` lowers the scrypt work factor for tests only.
    """
    setup = ws.setup()
    if setup.kit is not None:
        raise SetupFrozenError(Msg.of("meeting key"), setup.kit.kit_hash)
    if setup.sealed_meeting_key is not None and ws.packages():
        raise SetupIncompleteError(
            Msg.of("The packages are already encrypted to the current meeting key."),
            Msg.of("Keep the current meeting key; its passphrase was shown when it was made."),
        )
    key = generate_meeting_key()
    passphrase = generate_meeting_passphrase()
    sealed = (
        seal_meeting_key(key, passphrase)
        if log_n is None
        else seal_meeting_key(key, passphrase, log_n=log_n)
    )
    recipient = str(key.recipient)
    changed = dataclasses.replace(setup, sealed_meeting_key=sealed, meeting_key_recipient=recipient)
    with ws.transaction(actor, now):
        ws.save_setup(changed, "meeting_key.create")
    return MeetingKeyCreated(passphrase=passphrase, recipient=recipient, key=key)


def adopt_meeting_key(
    ws: SecretaryStore, sealed: bytes, passphrase: str, *, actor: str, now: dt.datetime
) -> MeetingKeyCreated:
    """Use a meeting key made elsewhere (sealed under ``passphrase``, e.g. by the issuing
    office that already built the packages for it) instead of creating one. The passphrase
    is checked by unlocking the key; the same refusals as :func:`create_meeting_key`."""
    setup = ws.setup()
    if setup.kit is not None:
        raise SetupFrozenError(Msg.of("meeting key"), setup.kit.kit_hash)
    key = unlock_meeting_key(sealed, passphrase)
    recipient = str(key.recipient)
    if setup.meeting_key_recipient != recipient and ws.packages():
        raise SetupIncompleteError(
            Msg.of("The packages are already encrypted to the current meeting key."),
            Msg.of("Keep the current meeting key; its passphrase was shown when it was made."),
        )
    changed = dataclasses.replace(setup, sealed_meeting_key=sealed, meeting_key_recipient=recipient)
    with ws.transaction(actor, now):
        ws.save_setup(changed, "meeting_key.adopt")
    return MeetingKeyCreated(passphrase=passphrase, recipient=recipient, key=key)


def open_meeting_key(ws: SecretaryReader, passphrase: str) -> X25519Identity:
    """The meeting key, unlocked from the sealed copy with the meeting passphrase.

    The secretary keeps only the sealed key, so checking that a package opens with the
    meeting key (as every expert's copy will, with the passphrase) needs the passphrase.
    :class:`~app.kit.meeting_key.MeetingKeyPassphraseError` when it is wrong.
    """
    setup = ws.setup()
    if setup.sealed_meeting_key is None or setup.meeting_key_recipient is None:
        raise no_meeting_key()
    key = unlock_meeting_key(setup.sealed_meeting_key, passphrase)
    if str(key.recipient) != setup.meeting_key_recipient:
        raise not_this_meeting_key()
    return key


def no_meeting_key() -> SetupIncompleteError:
    return SetupIncompleteError(
        Msg.of("This meeting has no meeting key yet, so no package can be checked against it."),
        Msg.of(
            "Create the meeting passphrase first, give its meeting key recipient to the "
            "issuing office, and import the packages built for it."
        ),
    )


def not_this_meeting_key() -> ValidationError:
    return ValidationError(
        Msg.of("This is not the meeting key of this meeting."),
        Msg.of("Type the meeting passphrase that was shown when this meeting's key was made."),
    )
