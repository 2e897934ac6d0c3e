"""The draft key of one (workspace, meeting, expert), and the workspace key of a
secretary's workspace: made, wrapped, signed, unwrapped (workspace-drafts-v1 §2,
secretary-workspace-v1 §2; one construction, two labelled records).

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
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from app.crypto.age_errors import AgeError, AgeNoMatchError
from app.crypto.age_file import decrypt_bytes, encrypt_bytes, inspect_header
from app.crypto.age_keys import X25519Identity, X25519Recipient
from app.crypto.identity import Identity
from app.crypto.profile import normalize_fingerprint
from app.i18n import Msg
from app.sealed_drafts.cipher import KEY_SIZE, DraftCipher, SecretaryCipher
from app.sealed_drafts.errors import DraftKeyDamagedError, WrongDraftKeyError
from app.sealed_drafts.record import DraftKeyRecord, WorkspaceKeyRecord

SIGNATURE_LABEL = b"review-desk/draft-key-v1"
WORKSPACE_KEY_LABEL = b"review-desk/secretary-key-v1"


def _framed(fields: tuple[bytes, ...]) -> bytes:
    return b"".join(struct.pack(">I", len(f)) + f for f in fields)


def signed_bytes(record: DraftKeyRecord) -> bytes:
    """What the expert signs: label, meeting, expert, fingerprint, creation time (ISO 8601)
    and the wrapped key, each as a 4-byte big-endian length and the bytes."""
    return _framed(
        (
            SIGNATURE_LABEL,
            record.meeting_id.encode("utf-8"),
            record.expert_id.encode("utf-8"),
            record.fingerprint.encode("utf-8"),
            record.created_at.isoformat().encode("ascii"),
            record.wrapped_key,
        )
    )


def workspace_key_signed_bytes(record: WorkspaceKeyRecord) -> bytes:
    """What the secretary signs: label, meeting, fingerprint, creation time and the
    wrapped key, each length-prefixed (secretary-workspace-v1 §2)."""
    return _framed(
        (
            WORKSPACE_KEY_LABEL,
            record.meeting_id.encode("utf-8"),
            record.fingerprint.encode("utf-8"),
            record.created_at.isoformat().encode("ascii"),
            record.wrapped_key,
        )
    )


def _new_wrapped_key(identity: Identity) -> tuple[bytes, bytes]:
    """A fresh 32-byte key and the age file wrapping it to ``identity`` alone."""
    key = os.urandom(KEY_SIZE)
    return key, encrypt_bytes(key, [X25519Recipient(identity.x25519_public_bytes)])


def _sign(identity: Identity, data: bytes) -> bytes:
    return identity.signing_key.sign(data, ec.ECDSA(hashes.SHA256()))


def _unwrap(
    wrapped_key: bytes,
    signature: bytes,
    signed: bytes,
    fingerprint: str,
    identity: Identity,
    wrong: Callable[[], WrongDraftKeyError],
    damaged: Callable[[], DraftKeyDamagedError],
) -> bytes:
    """The key in ``wrapped_key`` after the reader rules of §2 (both formats)."""
    if not _signed_by(signature, signed, identity):
        same = normalize_fingerprint(fingerprint) == normalize_fingerprint(identity.fingerprint)
        raise damaged() if same else wrong()
    try:
        header = inspect_header(io.BytesIO(wrapped_key))
        if header.armored or header.stanza_counts != (("X25519", 1),):
            raise damaged()
        key = decrypt_bytes(wrapped_key, [X25519Identity(identity.x25519_private_key)])
    except AgeNoMatchError:
        raise wrong() from None
    except AgeError:
        raise damaged() from None
    if len(key) != KEY_SIZE:
        raise damaged()
    return key


def create_draft_key(
    identity: Identity, meeting_id: str, expert_id: str, now: dt.datetime
) -> tuple[DraftKeyRecord, DraftCipher]:
    """A new draft key for ``expert_id``, wrapped to and signed by ``identity``."""
    key, wrapped = _new_wrapped_key(identity)
    unsigned = DraftKeyRecord(
        meeting_id=meeting_id,
        expert_id=expert_id,
        fingerprint=identity.fingerprint,
        wrapped_key=wrapped,
        signature=b"",
        created_at=now,
    )
    record = dataclasses.replace(unsigned, signature=_sign(identity, signed_bytes(unsigned)))
    return record, DraftCipher(key, meeting_id, expert_id)


def unlock_draft_key(record: DraftKeyRecord, identity: Identity) -> DraftCipher:
    """The cipher of ``record``'s key, unwrapped with ``identity``.

    :class:`WrongDraftKeyError` if the key belongs to another identity;
    :class:`DraftKeyDamagedError` if the record was changed or is malformed.
    """
    key = _unwrap(
        record.wrapped_key,
        record.signature,
        signed_bytes(record),
        record.fingerprint,
        identity,
        lambda: wrong_identity(record, identity),
        lambda: damaged_key(record),
    )
    return DraftCipher(key, record.meeting_id, record.expert_id)


def create_workspace_key(
    identity: Identity, meeting_id: str, now: dt.datetime
) -> tuple[WorkspaceKeyRecord, SecretaryCipher]:
    """A new workspace key for the secretary's workspace of ``meeting_id``, wrapped to and
    signed by the secretary's ``identity``."""
    key, wrapped = _new_wrapped_key(identity)
    unsigned = WorkspaceKeyRecord(
        meeting_id=meeting_id,
        fingerprint=identity.fingerprint,
        wrapped_key=wrapped,
        signature=b"",
        created_at=now,
    )
    signature = _sign(identity, workspace_key_signed_bytes(unsigned))
    return dataclasses.replace(unsigned, signature=signature), SecretaryCipher(key, meeting_id)


def unlock_workspace_key(record: WorkspaceKeyRecord, identity: Identity) -> SecretaryCipher:
    """The cipher of the secretary workspace's key, unwrapped with ``identity``:
    :class:`WrongDraftKeyError` for another identity, :class:`DraftKeyDamagedError` for a
    changed, planted or malformed record."""
    key = _unwrap(
        record.wrapped_key,
        record.signature,
        workspace_key_signed_bytes(record),
        record.fingerprint,
        identity,
        lambda: wrong_secretary_identity(record, identity),
        lambda: damaged_workspace_key(),
    )
    return SecretaryCipher(key, record.meeting_id)


def _signed_by(signature: bytes, signed: bytes, identity: Identity) -> bool:
    """Whether ``identity``'s certificate key made ``signature`` over ``signed``. (A
    certificate reissued for the same key pair still opens; its fingerprint differs.)"""
    public = identity.certificate.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        return False
    try:
        public.verify(signature, signed, ec.ECDSA(hashes.SHA256()))
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


def wrong_secretary_identity(record: WorkspaceKeyRecord, identity: Identity) -> WrongDraftKeyError:
    return WrongDraftKeyError(
        Msg.of(
            "This secretary workspace is sealed for the identity with fingerprint {recorded}; "
            "the identity you unlocked ({given}) cannot open it.",
            recorded=record.fingerprint,
            given=identity.fingerprint,
        ),
        Msg.of(
            "Unlock it with the secretary identity file it was created with. Nothing was changed."
        ),
    )


def damaged_workspace_key() -> DraftKeyDamagedError:
    return DraftKeyDamagedError(
        Msg.of("The key of this secretary workspace is damaged or was replaced by someone else."),
        Msg.of(
            "Nothing was changed and nothing was opened. Run “review-desk audit verify” on "
            "the workspace and restore it from a backup."
        ),
    )
