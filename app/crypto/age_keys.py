"""age recipients (who a file is encrypted to) and identities (what opens it).

Three kinds, all from the C2SP age spec:

* X25519 — ``age1...`` / ``AGE-SECRET-KEY-1...`` (what ``age-keygen`` writes);
* scrypt — a passphrase; it must be the *only* recipient of a file;
* mlkem768x25519 — the post-quantum hybrid ``age1pq1...`` / ``AGE-SECRET-KEY-PQ-1...``
  (age >= 1.3; Debian's age 1.1.1 cannot read these, so X25519 stays our default).

Secrets never appear in ``repr``/``str``; an identity's key text is only available through
the explicit :meth:`X25519Identity.secret_text`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hpke
from cryptography.hazmat.primitives.asymmetric.mlkem import MLKEM768PrivateKey, MLKEM768PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from app.crypto import bech32
from app.crypto.age_errors import AgeHeaderError, AgeKeyError
from app.crypto.age_header import Stanza, b64decode, b64encode
from app.i18n import Msg

FILE_KEY_SIZE = 16
_WRAPPED_SIZE = FILE_KEY_SIZE + 16
_ZERO_NONCE = bytes(12)
X25519_LABEL = b"age-encryption.org/v1/X25519"
SCRYPT_LABEL = b"age-encryption.org/v1/scrypt"
HYBRID_LABEL = b"age-encryption.org/mlkem768x25519"
SCRYPT_WRITE_LOG_N = 18  # age's default: about one second on a current machine
SCRYPT_MAX_READ_LOG_N = 22  # age's cap; higher work factors are refused as header failures
_SCRYPT_SALT_SIZE = 16
_HYBRID_ENC_SIZE = 1088 + 32
_HYBRID_PUBLIC_SIZE = 1184 + 32
_DECIMAL = re.compile(rb"[1-9][0-9]*")
_HYBRID_SUITE = hpke.Suite(
    hpke.KEM.MLKEM768_X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305
)


class Recipient(Protocol):
    """Something a file key can be wrapped for."""

    def wrap(self, file_key: bytes) -> Stanza: ...


class Identity(Protocol):
    """Something that may unwrap a file key from a header's stanzas.

    ``unwrap`` returns ``None`` when no stanza is addressed to this identity, and raises
    :class:`AgeHeaderError` when a stanza it understands is malformed (e.g. low-order share).
    """

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None: ...


def _aead_open(key: bytes, body: bytes) -> bytes | None:
    try:
        return ChaCha20Poly1305(key).decrypt(_ZERO_NONCE, body, None)
    except InvalidTag:
        return None


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def _x25519_wrap_key(shared: bytes, share: bytes, recipient: bytes) -> bytes:
    return _hkdf(shared, share + recipient, X25519_LABEL)


# --- X25519 -------------------------------------------------------------------------------


@dataclass(frozen=True)
class X25519Recipient:
    """An ``age1...`` public key."""

    public_key: bytes

    def __str__(self) -> str:
        return bech32.encode("age", self.public_key)

    def wrap(self, file_key: bytes) -> Stanza:
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes_raw()
        shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(self.public_key))
        key = _x25519_wrap_key(shared, share, self.public_key)
        body = ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, file_key, None)
        return Stanza("X25519", (b64encode(share),), body)


@dataclass(frozen=True)
class X25519Identity:
    """An ``AGE-SECRET-KEY-1...`` private key. Its repr never shows the key."""

    _key: X25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls) -> X25519Identity:
        return cls(X25519PrivateKey.generate())

    @classmethod
    def from_secret_bytes(cls, secret: bytes) -> X25519Identity:
        return cls(X25519PrivateKey.from_private_bytes(secret))

    @property
    def recipient(self) -> X25519Recipient:
        return X25519Recipient(self._key.public_key().public_bytes_raw())

    def secret_text(self) -> str:
        """The ``AGE-SECRET-KEY-1...`` text, for writing an identity file. Handle with care."""
        return bech32.encode("age-secret-key-", self._key.private_bytes_raw()).upper()

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        check_stanzas(stanzas)  # malformed known stanzas are header failures
        own = self.recipient.public_key
        for stanza in stanzas:
            if stanza.type != "X25519":
                continue
            share = b64decode(stanza.args[0].encode("ascii"))
            try:
                shared = self._key.exchange(X25519PublicKey.from_public_bytes(share))
            except ValueError:
                raise AgeHeaderError("X25519 share is a low-order point") from None
            file_key = _aead_open(_x25519_wrap_key(shared, share, own), stanza.body)
            if file_key is not None:
                return file_key
        return None


# --- scrypt (passphrase) ------------------------------------------------------------------


def _scrypt_key(passphrase: str, salt: bytes, log_n: int) -> bytes:
    kdf = Scrypt(salt=SCRYPT_LABEL + salt, length=32, n=1 << log_n, r=8, p=1)
    try:  # log N = 22 needs 4 GiB
        return kdf.derive(passphrase.encode("utf-8"))
    except MemoryError:
        raise AgeHeaderError("not enough memory for the scrypt work factor") from None


@dataclass(frozen=True)
class ScryptRecipient:
    """Encrypt with a passphrase. age allows this recipient only alone in a file."""

    passphrase: str = field(repr=False)
    log_n: int = SCRYPT_WRITE_LOG_N

    def __post_init__(self) -> None:
        if not 1 <= self.log_n <= SCRYPT_MAX_READ_LOG_N:  # a reader would refuse the file
            raise ValueError("scrypt work factor must be between 1 and 22")

    def wrap(self, file_key: bytes) -> Stanza:
        salt = os.urandom(_SCRYPT_SALT_SIZE)
        key = _scrypt_key(self.passphrase, salt, self.log_n)
        body = ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, file_key, None)
        return Stanza("scrypt", (b64encode(salt), str(self.log_n)), body)


@dataclass(frozen=True)
class ScryptIdentity:
    """Open a passphrase-protected file. Work factors above ``max_log_n`` are refused."""

    passphrase: str = field(repr=False)
    max_log_n: int = SCRYPT_MAX_READ_LOG_N

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        check_stanzas(stanzas)  # malformed known stanzas are header failures
        for stanza in stanzas:
            if stanza.type != "scrypt":
                continue
            salt = b64decode(stanza.args[0].encode("ascii"))
            log_n = int(stanza.args[1])
            if log_n > self.max_log_n:
                raise AgeHeaderError("scrypt work factor above the allowed maximum")
            file_key = _aead_open(_scrypt_key(self.passphrase, salt, log_n), stanza.body)
            if file_key is not None:
                return file_key
        return None


# --- mlkem768x25519 (post-quantum hybrid) -------------------------------------------------


@dataclass(frozen=True)
class HybridRecipient:
    """An ``age1pq1...`` ML-KEM-768 + X25519 public key (HPKE, age >= 1.3)."""

    public_key: bytes

    def __str__(self) -> str:
        return bech32.encode("age1pq", self.public_key)

    def wrap(self, file_key: bytes) -> Stanza:
        public = hpke.MLKEM768X25519PublicKey(
            MLKEM768PublicKey.from_public_bytes(self.public_key[:1184]),
            X25519PublicKey.from_public_bytes(self.public_key[1184:]),
        )
        sealed = _HYBRID_SUITE.encrypt(file_key, public, info=HYBRID_LABEL)
        enc, body = sealed[:_HYBRID_ENC_SIZE], sealed[_HYBRID_ENC_SIZE:]
        return Stanza("mlkem768x25519", (b64encode(enc),), body)


@dataclass(frozen=True)
class HybridIdentity:
    """An ``AGE-SECRET-KEY-PQ-1...`` key: a 32-byte seed expanded with SHAKE256."""

    _seed: bytes = field(repr=False)

    def _keys(self) -> tuple[MLKEM768PrivateKey, X25519PrivateKey]:
        expanded = hashlib.shake_256(self._seed).digest(96)
        return (
            MLKEM768PrivateKey.from_seed_bytes(expanded[:64]),
            X25519PrivateKey.from_private_bytes(expanded[64:]),
        )

    @classmethod
    def generate(cls) -> HybridIdentity:
        return cls(os.urandom(32))

    @property
    def recipient(self) -> HybridRecipient:
        mlkem, x25519 = self._keys()
        return HybridRecipient(
            mlkem.public_key().public_bytes_raw() + x25519.public_key().public_bytes_raw()
        )

    def secret_text(self) -> str:
        return bech32.encode("age-secret-key-pq-", self._seed).upper()

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        check_stanzas(stanzas)  # malformed known stanzas are header failures
        mlkem, x25519 = self._keys()
        private = hpke.MLKEM768X25519PrivateKey(mlkem, x25519)
        for stanza in stanzas:
            if stanza.type != "mlkem768x25519":
                continue
            enc = b64decode(stanza.args[0].encode("ascii"))
            try:  # HPKE reports an all-zero X25519 secret as a mere tag failure: check first
                x25519.exchange(X25519PublicKey.from_public_bytes(enc[1088:]))
            except ValueError:
                raise AgeHeaderError("hybrid X25519 share is a low-order point") from None
            try:
                return _HYBRID_SUITE.decrypt(enc + stanza.body, private, info=HYBRID_LABEL)
            except (InvalidTag, ValueError):
                continue
        return None


# --- structural checks (header failures) --------------------------------------------------

SUPPORTED_TYPES = ("X25519", "scrypt", "mlkem768x25519")


def check_stanzas(stanzas: Sequence[Stanza]) -> None:
    """Refuse malformed stanzas of the types we know, and scrypt mixed with anything else.

    The reference implementation finds these when an identity of that type tries the
    stanza; checking every known stanza up front is stricter and gives the same CCTV
    outcome (``header failure``). Unknown types are left alone (they may be GREASE).
    """
    if any(s.type == "scrypt" for s in stanzas) and len(stanzas) != 1:
        raise AgeHeaderError("an scrypt stanza must be the only stanza")
    for stanza in stanzas:
        if stanza.type == "X25519":
            _check_shape(stanza, 1)
            if len(b64decode(stanza.args[0].encode("ascii"))) != 32:
                raise AgeHeaderError("X25519 share has the wrong length")
        elif stanza.type == "scrypt":
            _check_shape(stanza, 2)
            if len(b64decode(stanza.args[0].encode("ascii"))) != _SCRYPT_SALT_SIZE:
                raise AgeHeaderError("scrypt salt has the wrong length")
            work = stanza.args[1].encode("ascii")
            if not _DECIMAL.fullmatch(work) or len(work) > 2:
                raise AgeHeaderError("scrypt work factor is not a canonical decimal")
            if int(work) > SCRYPT_MAX_READ_LOG_N:
                raise AgeHeaderError("scrypt work factor above the allowed maximum")
        elif stanza.type == "mlkem768x25519":
            _check_shape(stanza, 1)
            if len(b64decode(stanza.args[0].encode("ascii"))) != _HYBRID_ENC_SIZE:
                raise AgeHeaderError("mlkem768x25519 encapsulation has the wrong length")


def _check_shape(stanza: Stanza, arg_count: int) -> None:
    if len(stanza.args) != arg_count:
        raise AgeHeaderError(f"{stanza.type} stanza has the wrong number of arguments")
    if len(stanza.body) != _WRAPPED_SIZE:
        raise AgeHeaderError(f"{stanza.type} stanza body has the wrong length")


# --- text forms ---------------------------------------------------------------------------


def parse_recipient(text: str) -> X25519Recipient | HybridRecipient:
    """Parse an ``age1...`` or ``age1pq1...`` recipient (lower case, as age prints it)."""
    text = text.strip()
    try:
        hrp, data = bech32.decode(text)
    except bech32.Bech32Error as exc:
        raise _bad_key(f"recipient is not valid Bech32: {exc}") from None
    if text != text.lower():
        raise _bad_key("recipient must be lower case")
    if hrp == "age" and len(data) == 32:
        return X25519Recipient(data)
    if hrp == "age1pq" and len(data) == _HYBRID_PUBLIC_SIZE:
        return HybridRecipient(data)
    raise _bad_key("unknown recipient type or wrong length")


def parse_identity(text: str) -> X25519Identity | HybridIdentity:
    """Parse one ``AGE-SECRET-KEY-1...`` or ``AGE-SECRET-KEY-PQ-1...`` identity."""
    try:
        hrp, data = bech32.decode(text.strip())
    except bech32.Bech32Error as exc:
        raise _bad_key(f"identity is not valid Bech32: {exc}") from None
    if hrp == "age-secret-key-" and len(data) == 32:
        return X25519Identity.from_secret_bytes(data)
    if hrp == "age-secret-key-pq-" and len(data) == 32:
        return HybridIdentity(data)
    raise _bad_key("unknown identity type or wrong length")


def parse_identity_file(text: str) -> list[X25519Identity | HybridIdentity]:
    """Parse an identity file as ``age-keygen`` writes it: ``#`` comments, blank lines,
    one identity per remaining line (several allowed). Errors name the line, not its text."""
    identities: list[X25519Identity | HybridIdentity] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            identities.append(parse_identity(stripped))
        except AgeKeyError:
            raise _bad_key(f"identity file line {number} is not an age identity") from None
    if not identities:
        raise _bad_key("identity file holds no identity")
    return identities


def _bad_key(detail: str) -> AgeKeyError:
    return AgeKeyError(Msg.of("This is not a valid age key."), detail)
