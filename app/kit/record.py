"""What an expert-side workspace keeps of the kit it was created from.

The record ties the workspace to exactly one kit: its hash (every sheet names it), the
secretary certificate sheets are encrypted to, the trust roots the kit announced, and the
sealed meeting key (still encrypted under the meeting passphrase). Storage returns it as
this value (``Workspace.kit_record()``), never as rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class KitRecord:
    kit_hash: str
    """SHA-256 (hex) of the kit's exact ``manifest.json`` bytes."""
    kit_id: str
    meeting_id: str
    secretary_certificate_pem: str
    trust_roots_pem: str
    sealed_meeting_key: bytes = field(repr=False)
    """The age file (one scrypt stanza) holding the meeting key; useless without the passphrase."""
    imported_at: datetime
