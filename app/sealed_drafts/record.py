"""The stored form of one expert's draft key (``draft_keys`` row, workspace-drafts-v1 §2).

Storage returns it as this value, never as a row. Everything in it is public on its own:
the key itself is inside ``wrapped_key``, an age file only the expert's X25519 key opens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DraftKeyRecord:
    meeting_id: str
    expert_id: str
    fingerprint: str
    """SHA-256 fingerprint of the certificate whose X25519 key the draft key is wrapped to."""
    wrapped_key: bytes = field(repr=False)
    """age v1 file (binary), exactly one X25519 stanza, payload the 32-byte draft key."""
    signature: bytes = field(repr=False)
    """ECDSA P-256/SHA-256 (DER) by the same certificate over :func:`signed_bytes`."""
    created_at: dt.datetime


@dataclass(frozen=True)
class WorkspaceKeyRecord:
    """The stored form of a secretary workspace's key (``secretary_workspace_key`` row,
    secretary-workspace-v1 §2); public on its own like :class:`DraftKeyRecord`."""

    meeting_id: str
    fingerprint: str
    """SHA-256 fingerprint of the secretary's certificate the key is wrapped to."""
    wrapped_key: bytes = field(repr=False)
    """age v1 file (binary), exactly one X25519 stanza, payload the 32-byte workspace key."""
    signature: bytes = field(repr=False)
    """ECDSA P-256/SHA-256 (DER) by the same certificate over the labelled record."""
    created_at: dt.datetime
