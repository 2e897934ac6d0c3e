"""Small trust checks shared by the kit builder and reader.

Profile v1 CAs have ``pathLen=0``: every person's certificate is issued directly by a
root, so "chained to the roots" is "directly issued by one of them" (the CMS verification
builds the full path with pyHanko; this is for certificates that carry no signature of
their own in the kit, like ``secretary.pem``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from app.crypto.age_errors import AgeError
from app.crypto.age_file import inspect_header, read_age_header
from app.crypto.age_keys import check_stanzas
from app.kit.meeting_key import MAX_SEALED_SIZE, MEETING_KEY_MAX_LOG_N


def issuing_root(
    cert: x509.Certificate, roots: Sequence[x509.Certificate]
) -> x509.Certificate | None:
    """The root in ``roots`` whose key signed ``cert`` (and whose name is its issuer)."""
    for root in roots:
        try:
            cert.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return root
    return None


def sealed_key_problem(data: bytes) -> str | None:
    """Why ``data`` is not a sealed meeting key (English detail), or ``None``.

    A sealed meeting key is a binary age file of at most 64 KiB with exactly one scrypt
    stanza whose work factor is at most 2**20 (:data:`MEETING_KEY_MAX_LOG_N`); whether the
    passphrase opens it is the expert's business, later.
    """
    if len(data) > MAX_SEALED_SIZE:
        return f"{len(data)} bytes, more than {MAX_SEALED_SIZE}"
    try:
        info = inspect_header(io.BytesIO(data))
    except AgeError as exc:
        return f"not an age file: {exc!r}"
    if info.armored or info.stanza_counts != (("scrypt", 1),):
        return f"stanzas {info.stanza_counts!r}, armored {info.armored}"
    _stream, header, _length = read_age_header(io.BytesIO(data))
    try:
        check_stanzas(header.stanzas)
    except AgeError as exc:
        return f"malformed scrypt stanza: {exc!r}"
    log_n = int(header.stanzas[0].args[1])  # a canonical decimal (check_stanzas)
    if log_n > MEETING_KEY_MAX_LOG_N:
        return f"scrypt work factor 2^{log_n}, more than 2^{MEETING_KEY_MAX_LOG_N}"
    return None
