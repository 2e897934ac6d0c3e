"""age v1 file encryption (C2SP age), built only from ``cryptography`` primitives.

Every failure is an :class:`~app.crypto.age_errors.AgeError` (header, no match, HMAC,
payload, armor, key). age proves confidentiality and integrity, not who wrote a file.
"""

from app.crypto.age_errors import (
    AgeArmorError,
    AgeError,
    AgeHeaderError,
    AgeHmacError,
    AgeKeyError,
    AgeNoMatchError,
    AgePayloadError,
)
from app.crypto.age_file import (
    HeaderInfo,
    decrypt,
    decrypt_bytes,
    encrypt,
    encrypt_bytes,
    inspect_header,
)
from app.crypto.age_keys import (
    HybridIdentity,
    HybridRecipient,
    Identity,
    Recipient,
    ScryptIdentity,
    ScryptRecipient,
    X25519Identity,
    X25519Recipient,
    parse_identity,
    parse_identity_file,
    parse_recipient,
)
from app.crypto.age_reader import AgeReader

__all__ = [
    "AgeArmorError",
    "AgeError",
    "AgeHeaderError",
    "AgeHmacError",
    "AgeKeyError",
    "AgeNoMatchError",
    "AgePayloadError",
    "AgeReader",
    "HeaderInfo",
    "HybridIdentity",
    "HybridRecipient",
    "Identity",
    "Recipient",
    "ScryptIdentity",
    "ScryptRecipient",
    "X25519Identity",
    "X25519Recipient",
    "decrypt",
    "decrypt_bytes",
    "encrypt",
    "encrypt_bytes",
    "inspect_header",
    "parse_identity",
    "parse_identity_file",
    "parse_recipient",
]
