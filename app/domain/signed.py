"""A signed document as every format of the program carries it: exact bytes and a detached
signature over them (sheets, recusals, round notices, approvals, results)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class SignedDocument:
    """Exact document bytes and the detached DER CMS signature over them. Never re-encode
    ``document``: the signature covers these bytes, and the bundle carries them verbatim."""

    document: bytes
    signature: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.document).hexdigest()

    def __repr__(self) -> str:
        return f"SignedDocument(sha256={self.sha256[:16]}…, {len(self.document)} bytes)"
