"""Sign and submit: the one use case that turns an expert's draft into a signed sheet.

The window and the complete demo both call :func:`sign_and_submit`; neither assembles the
steps itself. In order:

1. the gates: the sheet satisfies every rule of :mod:`app.domain.rules` (else
   :class:`~app.domain.rules.SheetInvalid` lists what is missing), and the identity that
   signs is the desk's own expert's (else :class:`~app.expert.session.NotOnRosterError`);
   a refusal changes nothing;
2. in *one* transaction of the expert's repository (audit actor ``expert:<id>``): the draft
   is frozen, the previous submitted version of the round superseded, the frozen sheet
   signed (``sheet-v1``, detached CMS) with the expert's identity and its signed copy stored
   sealed in the workspace (:class:`app.expert.signing.SignedStore`), so a sheet is never
   submitted unsigned;
3. the result, :class:`Submitted`: the frozen sheet and its signed document.

Signing asks for the passphrase again, proving the expert is present: :func:`unlock_to_sign`
opens the identity file anew (on a worker thread, it touches no database) and checks it is
the identity the expert signed in with.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509

from app.crypto.identity import Identity
from app.domain.ids import ApplicationId
from app.domain.meeting import Expert, Meeting
from app.domain.rules import SheetInvalid
from app.domain.sheet import ScoreSheet
from app.expert.desk import ExpertDesk
from app.expert.session import NotOnRosterError, roster_match, unlock
from app.expert.signing import SignedStore, handover_for, signer
from app.i18n import Msg
from app.sheets import SignedDocument


@dataclass(frozen=True)
class Submitted:
    """A sheet signed and submitted: the frozen version and the exact bytes signed."""

    sheet: ScoreSheet
    signed: SignedDocument


def unlock_to_sign(
    meeting: Meeting, expert: Expert, identity_file: bytes, passphrase: bytes, at: dt.datetime
) -> Identity:
    """Open the identity file again for signing; it must be ``expert``'s, valid at ``at``.

    Raises the identity errors of :mod:`app.crypto.identity` (wrong passphrase, expired...),
    the session's role and roster errors, or :class:`NotOnRosterError` when the identity is
    another roster expert's. No database: safe on a worker thread.
    """
    session = unlock(meeting, identity_file, passphrase, at)
    if session.expert.id != expert.id:
        raise _not_the_same()
    return session.identity


def sign_and_submit(
    desk: ExpertDesk,
    application_id: ApplicationId,
    identity: Identity,
    secretary: x509.Certificate,
    at: dt.datetime,
) -> Submitted:
    """Check the gates, then submit, sign and store the sheet of ``application_id`` (its
    round's current draft) in one transaction; see the module docstring. ``secretary`` is
    the meeting secretary's certificate the sheet is signed for; ``at`` is the signing time.
    On any refusal nothing is stored."""
    problems = desk.violations(application_id)
    if problems:
        raise SheetInvalid(problems)
    holder = roster_match(desk.meeting, identity.fingerprint)
    if holder is None or holder.id != desk.expert.id:
        raise _not_the_same()
    handover = handover_for(desk, secretary, identity)
    sign = signer(SignedStore(desk), handover, identity, at)
    frozen = desk.submit(application_id, on_frozen=sign)
    assert sign.signed is not None  # on_frozen ran inside the committed transaction
    return Submitted(frozen, sign.signed)


def _not_the_same() -> NotOnRosterError:
    return NotOnRosterError(
        Msg.of("This identity is not the one you signed in with."),
        Msg.of("Sign with the identity file you unlocked at the start."),
    )
