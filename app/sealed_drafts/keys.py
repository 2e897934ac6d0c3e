"""The draft key of one (workspace, meeting, expert): made, wrapped, signed, unwrapped
(workspace-drafts-v1 §2).

At the expert's first sign-in a random 32-byte key is made and stored as an age v1 file with
exactly one X25519 recipient, the expert's own key (bound in their certificate). The record
is signed with the expert's signing key, so a key planted by someone else who can write the
file (and therefore knows the key they planted) is refused instead of being used. At every
later sign-in the record is checked and the key unwrapped with the same identity.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import struct

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from app.crypto.age_errors import AgeError, AgeNoMatchError
from app.crypto.age_file import decrypt_bytes, encrypt_bytes, inspect_header
from app.crypto.age_keys import X25519Identity, X25519Recipient
from app.crypto.identity import Identity
from app.crypto.profile import normalize_fingerprint
from app.i18n import Msg
from app.sealed_drafts.cipher import KEY_SIZE, DraftCipher
from app.sealed_drafts.errors import DraftKeyDamagedError, WrongDraftKeyError
from app.sealed_drafts.record import DraftKeyRecord

SIGNATURE_LABEL = b"review-desk/draft-key-v1"


def signed_bytes(record: DraftKeyRecord) -> bytes:
    """What the expert signs: label, meeting, expert, fingerprint, creation time (ISO 8601)
    and the wrapped key, each as a 4-byte big-endian length and the bytes."""
    fields = (
        SIGNATURE_LABEL,
        record.meeting_id.encode("utf-8"),
        record.expert_id.encode("utf-8"),
        record.fingerprint.encode("utf-8"),
        record.created_at.isoformat().encode("ascii"),
        record.wrapped_key,
    )
    return b"".join(struct.pack(">I", len(f)) + f for f in fields)


def create_draft_key(
    identity: Identity, meeting_id: str, expert_id: str, now: dt.datetime
) -> tuple[DraftKeyRecord, DraftCipher]:
    """A new draft key for ``expert_id``, wrapped to and signed by ``identity``."""
    key = os.urandom(KEY_SIZE)
    wrapped = encrypt_bytes(key, [X25519Recipient(identity.x25519_public_bytes)])
    unsigned = DraftKeyRecord(
        meeting_id=meeting_id,
        expert_id=expert_id,
        fingerprint=identity.fingerprint,
        wrapped_key=wrapped,
        signature=b"",
        created_at=now,
    )
    signature = identity.signing_key.sign(signed_bytes(unsigned), ec.ECDSA(hashes.SHA256()))
    record = dataclasses.replace(unsigned, signature=signature)
    return record, DraftCipher(key, meeting_id, expert_id)


def unlock_draft_key(record: DraftKeyRecord, identity: Identity) -> DraftCipher:
    """The cipher of ``record``'s key, unwrapped with ``identity``.

    :class:`WrongDraftKeyError` if the key belongs to another identity;
    :class:`DraftKeyDamagedError` if the record was changed or is malformed.
    """
    if not _signed_by(record, identity):
        same = normalize_fingerprint(record.fingerprint) == normalize_fingerprint(
            identity.fingerprint
        )
        raise damaged_key(record) if same else wrong_identity(record, identity)
    try:
        header = inspect_header(io.BytesIO(record.wrapped_key))
        if header.armored or header.stanza_counts != (("X25519", 1),):
            raise damaged_key(record)
        key = decrypt_bytes(record.wrapped_key, [X25519Identity(identity.x25519_private_key)])
    except AgeNoMatchError:
        raise wrong_identity(record, identity) from None
    except AgeError:
        raise damaged_key(record) from None
    if len(key) != KEY_SIZE:
        raise damaged_key(record)
    return DraftCipher(key, record.meeting_id, record.expert_id)


def _signed_by(record: DraftKeyRecord, identity: Identity) -> bool:
    """Whether ``identity``'s certificate key made the record's signature. (A certificate
    reissued for the same key pair still opens the drafts; its fingerprint differs.)"""
    public = identity.certificate.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        return False
    try:
        public.verify(record.signature, signed_bytes(record), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def wrong_identity(record: DraftKeyRecord, identity: Identity) -> WrongDraftKeyError:
    return WrongDraftKeyError(
        Msg.of(
            "Expert {expert}'s drafts in this workspace are sealed for the identity with "
            "fingerprint {recorded}; the identity you signed in with ({given}) cannot open them.",
            expert=record.expert_id,
            recorded=record.fingerprint,
            given=identity.fingerprint,
        ),
        Msg.of(
            "Sign in with the identity file you used first in this workspace. Nothing was "
            "changed; if that file is lost, ask the meeting secretary."
        ),
    )


def damaged_key(record: DraftKeyRecord) -> DraftKeyDamagedError:
    return DraftKeyDamagedError(
        Msg.of(
            "The draft key of expert {expert} in this workspace is damaged or was replaced "
            "by someone else.",
            expert=record.expert_id,
        ),
        Msg.of(
            "Nothing was changed and nothing was opened. Run “review-desk audit verify” on "
            "the workspace and ask the meeting secretary to restore it from a backup."
        ),
    )
