"""Sealing values under a workspace's key: an expert's under their draft key
(workspace-drafts-v1 §3), the secretary's under the workspace key (secretary-workspace-v1 §3).

A sealed value is::

    0x01 || nonce (12 random bytes) || ChaCha20-Poly1305(key, nonce, padded, aad)

``padded`` is the plaintext followed by 0x80 and zero bytes up to a multiple of 256 bytes
(ISO/IEC 7816-4 padding), so a sealed value shows only a coarse size. ``aad`` binds the value
to its place: the format label, the context (an expert's drafts: the meeting and the
expert; the secretary's workspace: the meeting), the kind of value and the clear columns that
name its row, each length-prefixed (:func:`associated_data`). A value copied to another row,
another expert, another meeting or the other kind of workspace does not open there.
:class:`SealingCipher` is the one construction; :class:`DraftCipher` and
:class:`SecretaryCipher` only name its label and context.

Only ``cryptography``'s AEAD is used; there is no home-made construction beyond the framing.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from app.sealed_drafts.errors import SealedRecordError, record_damaged, secretary_record_damaged
from app.step_aside import step_aside

FORMAT_LABEL = b"review-desk/draft-v1"
SECRETARY_LABEL = b"review-desk/secretary-v1"
VERSION = 0x01
KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
PAD_BLOCK = 256
OVERHEAD = 1 + NONCE_SIZE + TAG_SIZE


def associated_data(meeting_id: str, expert_id: str, kind: str, bound: Sequence[str]) -> bytes:
    """The AAD of an expert's value: label, meeting, expert, kind, then the bound clear
    columns, each as a 4-byte big-endian length followed by its UTF-8 bytes."""
    return framed_aad(FORMAT_LABEL, (meeting_id, expert_id), kind, bound)


def framed_aad(label: bytes, context: Sequence[str], kind: str, bound: Sequence[str]) -> bytes:
    """``lp(label) || lp(context…) || lp(kind) || lp(bound…)``."""
    fields = (label, *(f.encode("utf-8") for f in (*context, kind, *bound)))
    return b"".join(struct.pack(">I", len(f)) + f for f in fields)


def pad(data: bytes) -> bytes:
    """ISO/IEC 7816-4 padding to a multiple of :data:`PAD_BLOCK` (always adds 1..256 bytes)."""
    padded = data + b"\x80"
    return padded + bytes(-len(padded) % PAD_BLOCK)


def unpad(data: bytes) -> bytes | None:
    """The data before the padding, or ``None`` if the padding is not well formed."""
    if not data or len(data) % PAD_BLOCK:
        return None
    end = len(data.rstrip(b"\x00")) - 1
    if end < 0 or data[end] != 0x80 or len(data) - end > PAD_BLOCK:
        return None
    return data[:end]


class SealingCipher:
    """Seals and opens values under one 32-byte key, bound to ``label`` and ``context``;
    ``damaged(kind)`` makes the typed failure of a value that does not open. The key never
    appears in a repr or a message."""

    def __init__(
        self,
        key: bytes,
        label: bytes,
        context: Sequence[str],
        damaged: Callable[[str], SealedRecordError],
    ) -> None:
        if len(key) != KEY_SIZE:
            raise ValueError("a sealing key is 32 bytes")
        self._aead = ChaCha20Poly1305(key)
        self._label = label
        self._context = tuple(context)
        self._damaged = damaged

    def _aad(self, kind: str, bound: Sequence[str]) -> bytes:
        return framed_aad(self._label, self._context, kind, bound)

    def seal(self, kind: str, bound: Sequence[str], plaintext: bytes) -> bytes:
        step_aside()  # a worker seals thousands in a row (an import): the window's turn
        nonce = os.urandom(NONCE_SIZE)
        sealed = self._aead.encrypt(nonce, pad(plaintext), self._aad(kind, bound))
        return bytes([VERSION]) + nonce + sealed

    def open(self, kind: str, bound: Sequence[str], sealed: bytes) -> bytes:
        """The plaintext of ``sealed`` at its place; :class:`SealedRecordError` otherwise."""
        if len(sealed) < OVERHEAD + PAD_BLOCK or sealed[0] != VERSION:
            raise self._damaged(kind)
        nonce, body = sealed[1 : 1 + NONCE_SIZE], sealed[1 + NONCE_SIZE :]
        step_aside()  # a worker opens thousands in a row: the window must get its turn
        try:
            padded = self._aead.decrypt(nonce, body, self._aad(kind, bound))
        except InvalidTag:
            raise self._damaged(kind) from None
        plaintext = unpad(padded)
        if plaintext is None:
            raise self._damaged(kind)
        return plaintext


class DraftCipher(SealingCipher):
    """Seals and opens the values of one (meeting, expert) under their 32-byte draft key.

    Implements :class:`app.ports.DraftSealer`.
    """

    def __init__(self, key: bytes, meeting_id: str, expert_id: str) -> None:
        super().__init__(
            key,
            FORMAT_LABEL,
            (meeting_id, expert_id),
            lambda kind: record_damaged(expert_id, kind),
        )
        self.meeting_id = meeting_id
        self.expert_id = expert_id

    def __repr__(self) -> str:
        return f"DraftCipher(meeting={self.meeting_id!r}, expert={self.expert_id!r})"


class SecretaryCipher(SealingCipher):
    """Seals and opens the values of a meeting secretary's workspace under its 32-byte
    workspace key (secretary-workspace-v1 §3). Implements
    :class:`app.secretary.ports.WorkspaceSealer`."""

    def __init__(self, key: bytes, meeting_id: str) -> None:
        super().__init__(key, SECRETARY_LABEL, (meeting_id,), secretary_record_damaged)
        self.meeting_id = meeting_id

    def __repr__(self) -> str:
        return f"SecretaryCipher(meeting={self.meeting_id!r})"
