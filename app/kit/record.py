"""What an expert-side workspace keeps of the kit it was created from.

The record ties the workspace to exactly one kit: its hash (every sheet names it), the
secretary certificate sheets are encrypted to, the trust roots the kit announced, and the
sealed meeting key (still encrypted under the meeting passphrase). ``trust_roots_pem`` is the
kit's ``trust-roots.pem`` as it came, with the revocation lists it carried (kit-v1 §4): the
expert's machine applies them to whatever it verifies later (:meth:`KitRecord.revocations`).
Storage returns it as this value (``Workspace.kit_record()``), never as rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509

from app.crypto.pki import crls_in
from app.crypto.revocation import RevocationLists


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

    def revocations(self, roots: Sequence[x509.Certificate], now: datetime) -> RevocationLists:
        """The kit's lists that one of ``roots`` signed, current or lapsed at ``now``
        (:mod:`app.crypto.revocation`: a lapsed one still refuses whom it lists)."""
        return RevocationLists.of(crls_in(self.trust_roots_pem.encode("ascii")), roots, now)
