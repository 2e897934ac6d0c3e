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

from app.i18n import Msg
from app.meeting_key import generate_meeting_key, generate_meeting_passphrase, seal_meeting_key
from app.secretary.errors import SetupFrozenError, SetupIncompleteError
from storage.secretary import SecretaryWorkspace


@dataclass(frozen=True)
class MeetingKeyCreated:
    """Show ``passphrase`` once (it is stored nowhere); give ``recipient`` to the issuer."""

    passphrase: str = field(repr=False)
    recipient: str


def create_meeting_key(
    ws: SecretaryWorkspace, *, actor: str, now: dt.datetime, log_n: int | None = None
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
    return MeetingKeyCreated(passphrase=passphrase, recipient=recipient)
