"""A strict reader for the one CMS shape we accept (RFC 5652): a detached SignedData with
one signer, SHA-256, signed attributes and an ECDSA-with-SHA256 signature.

It reads the DER directly, field by field, and never builds a full ASN.1 tree: each
check of :mod:`app.crypto.cms` then costs microseconds. It only *reads*; it verifies
nothing cryptographic. Definite, minimal lengths only (DER): an indefinite or padded
length, trailing bytes, or any other shape is a :class:`CmsFormatError`.

What is read is what pyHanko's ``async_validate_detached_cms`` looks at for our profile:
the signer info (exactly one), the encapsulated content type (``data``, no content), the
digest and signature algorithms, the signed attributes (contentType, messageDigest and
signingTime; each at most once), the signer identifier and the certificate bag.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final


class CmsFormatError(ValueError):
    """The bytes are not the CMS shape we accept; ``reason`` names the rule broken."""

    def __init__(self, reason: str, *, signers: bool = False, attached: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.signers = signers
        """The refusal is the one-signer rule."""
        self.attached = attached
        """The refusal is the detached rule (the content is inside)."""


def _oid(dotted: str) -> bytes:
    """The DER contents octets of an OBJECT IDENTIFIER."""
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray([arcs[0] * 40 + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


OID_SIGNED_DATA: Final = _oid("1.2.840.113549.1.7.2")
OID_DATA: Final = _oid("1.2.840.113549.1.7.1")
OID_SHA256: Final = _oid("2.16.840.1.101.3.4.2.1")
OID_ECDSA_SHA256: Final = _oid("1.2.840.10045.4.3.2")
OID_EC_PUBLIC_KEY: Final = _oid("1.2.840.10045.2.1")  # as some OpenSSL versions write it
OID_CONTENT_TYPE: Final = _oid("1.2.840.113549.1.9.3")
OID_MESSAGE_DIGEST: Final = _oid("1.2.840.113549.1.9.4")
OID_SIGNING_TIME: Final = _oid("1.2.840.113549.1.9.5")
# Attributes that constrain verification (pyHanko checks them when present). Our signers
# never write them; rather than check them half-way, a signature carrying one is refused.
_CONSTRAINING: Final = frozenset(
    {
        _oid("1.2.840.113549.1.9.52"),  # CMSAlgorithmProtection (RFC 6211)
        _oid("1.2.840.113549.1.9.16.2.12"),  # ESS signingCertificate
        _oid("1.2.840.113549.1.9.16.2.47"),  # ESS signingCertificateV2
    }
)

_SEQUENCE: Final = 0x30
_SET: Final = 0x31
_OID_TAG: Final = 0x06
_INTEGER: Final = 0x02
_OCTET_STRING: Final = 0x04
_NULL: Final = 0x05
_UTC_TIME: Final = 0x17
_GENERALIZED_TIME: Final = 0x18


@dataclass(frozen=True)
class ParsedSignature:
    """The fields of a detached SignedData that verification needs, as raw bytes."""

    certificates: tuple[bytes, ...]
    """The DER of each certificate in the bag, in order (other choices are skipped)."""
    sid_issuer: bytes | None
    """issuerAndSerialNumber: the issuer Name's DER (``None`` with a key identifier)."""
    sid_serial: int | None
    sid_key_id: bytes | None
    """subjectKeyIdentifier form of the signer identifier."""
    signed_attributes: bytes
    """The signed attributes re-tagged as ``SET OF`` (RFC 5652 §5.4): what was signed."""
    message_digest: bytes
    signing_time: dt.datetime | None
    signature: bytes
    """The signature value (for ECDSA, the DER ``Ecdsa-Sig-Value``)."""


class _Reader:
    """DER TLVs of ``buf[pos:end]``, one after the other."""

    __slots__ = ("begin", "buf", "end", "pos")

    def __init__(self, buf: bytes, pos: int = 0, end: int | None = None) -> None:
        self.buf = buf
        self.pos = pos
        self.end = len(buf) if end is None else end
        self.begin = pos
        """Where the TLV last read begins (its tag byte)."""

    def more(self) -> bool:
        return self.pos < self.end

    def peek(self) -> int:
        if self.pos >= self.end:
            raise CmsFormatError("truncated")
        return self.buf[self.pos]

    def read(self, tag: int | None = None) -> tuple[int, int, int]:
        """The next TLV: (tag, contents start, contents end); checks ``tag`` when given."""
        buf, pos, end = self.buf, self.pos, self.end
        self.begin = pos
        if pos + 2 > end:
            raise CmsFormatError("truncated")
        got = buf[pos]
        if tag is not None and got != tag:
            raise CmsFormatError(f"tag {got:#x} where {tag:#x} was expected")
        if got & 0x1F == 0x1F:
            raise CmsFormatError("high tag number")
        first = buf[pos + 1]
        pos += 2
        if first < 0x80:
            length = first
        else:
            count = first & 0x7F
            if count == 0 or count > 4:
                raise CmsFormatError("indefinite or oversized length")
            if pos + count > end:
                raise CmsFormatError("truncated")
            length = int.from_bytes(buf[pos : pos + count], "big")
            if length < 0x80 or buf[pos] == 0:
                raise CmsFormatError("length not minimal")
            pos += count
        if pos + length > end:
            raise CmsFormatError("truncated")
        self.pos = pos + length
        return got, pos, pos + length

    def inner(self, tag: int) -> _Reader:
        """A reader over the contents of the next TLV, which must have ``tag``."""
        _, start, stop = self.read(tag)
        return _Reader(self.buf, start, stop)

    def value(self, tag: int) -> bytes:
        _, start, stop = self.read(tag)
        return self.buf[start:stop]

    def done(self) -> None:
        if self.pos != self.end:
            raise CmsFormatError("unexpected data after the last field")


def parse_detached(signature: bytes) -> ParsedSignature:
    """Read ``signature`` as our CMS profile; raises :class:`CmsFormatError`."""
    buf = bytes(signature)
    top = _Reader(buf)
    info = top.inner(_SEQUENCE)
    top.done()
    if info.value(_OID_TAG) != OID_SIGNED_DATA:
        raise CmsFormatError("not SignedData")
    explicit = info.inner(0xA0)
    info.done()
    sd = explicit.inner(_SEQUENCE)
    explicit.done()
    sd.read(_INTEGER)  # version: pyHanko does not check it either
    sd.read(_SET)  # digestAlgorithms: the signer info's own algorithm is what counts
    encap = sd.inner(_SEQUENCE)
    content_type = encap.value(_OID_TAG)
    has_content = encap.more()
    if has_content:
        encap.read(0xA0)
    encap.done()
    certificates: list[bytes] = []
    if sd.more() and sd.peek() == 0xA0:
        bag = sd.inner(0xA0)
        while bag.more():
            tag, _, stop = bag.read()
            if tag == _SEQUENCE:  # a certificate; attribute certificates are skipped
                certificates.append(buf[bag.begin : stop])
    if sd.more() and sd.peek() == 0xA1:
        sd.read(0xA1)  # revocation info: our CRLs come from the caller, never from here
    infos = sd.inner(_SET)
    sd.done()
    # the rules pyHanko applies first, in its order, with their own messages
    signer_ranges = []
    while infos.more():
        signer_ranges.append(infos.inner(_SEQUENCE))
    if len(signer_ranges) != 1:
        raise CmsFormatError("it must have exactly one signer", signers=True)
    if has_content:
        raise CmsFormatError("it must be a detached signature", attached=True)
    if content_type != OID_DATA:
        raise CmsFormatError("the content type is not data")
    return _signer_info(buf, signer_ranges[0], tuple(certificates))


def _signer_info(buf: bytes, si: _Reader, certificates: tuple[bytes, ...]) -> ParsedSignature:
    si.read(_INTEGER)
    issuer: bytes | None = None
    serial: int | None = None
    key_id: bytes | None = None
    if si.peek() == _SEQUENCE:
        sid = si.inner(_SEQUENCE)
        _, _, stop = sid.read(_SEQUENCE)
        issuer = buf[sid.begin : stop]
        serial = int.from_bytes(sid.value(_INTEGER), "big", signed=True)
        sid.done()
    else:
        key_id = si.value(0x80)
    _algorithm(si.inner(_SEQUENCE), {OID_SHA256})
    if si.peek() != 0xA0:
        raise CmsFormatError("no signed attributes")
    _, start, stop = si.read(0xA0)
    # RFC 5652 §5.4: the signature covers the DER of the SET OF, not the [0] IMPLICIT form
    signed_attributes = bytes([_SET]) + buf[si.begin + 1 : stop]
    message_digest, signing_time = _attributes(buf, _Reader(buf, start, stop))
    _algorithm(si.inner(_SEQUENCE), {OID_ECDSA_SHA256, OID_EC_PUBLIC_KEY})
    signature = si.value(_OCTET_STRING)
    if si.more():
        si.read(0xA1)  # unsigned attributes: nothing in them changes the verdict
    si.done()
    return ParsedSignature(
        certificates=certificates,
        sid_issuer=issuer,
        sid_serial=serial,
        sid_key_id=key_id,
        signed_attributes=signed_attributes,
        message_digest=message_digest,
        signing_time=signing_time,
        signature=signature,
    )


def _algorithm(alg: _Reader, accepted: set[bytes]) -> None:
    if alg.value(_OID_TAG) not in accepted:
        raise CmsFormatError("an algorithm other than ECDSA with SHA-256")
    if alg.more():
        alg.read(_NULL)  # absent or NULL parameters, as pyHanko accepts
    alg.done()


def _attributes(buf: bytes, attrs: _Reader) -> tuple[bytes, dt.datetime | None]:
    """The signed attributes: each type once, contentType = data and a messageDigest
    present. Their order is not checked: like pyHanko and OpenSSL, the signature is
    verified over the bytes as sent, sorted (DER) or not."""
    seen: set[bytes] = set()
    content_type: bytes | None = None
    digest: bytes | None = None
    signing_time: dt.datetime | None = None
    while attrs.more():
        attr = attrs.inner(_SEQUENCE)
        kind = attr.value(_OID_TAG)
        if kind in seen:
            raise CmsFormatError("an attribute appears twice")
        seen.add(kind)
        values = attr.inner(_SET)
        attr.done()
        if kind in _CONSTRAINING:
            raise CmsFormatError("an attribute this program does not check")
        if kind == OID_CONTENT_TYPE:
            content_type = values.value(_OID_TAG)
            values.done()
        elif kind == OID_MESSAGE_DIGEST:
            digest = values.value(_OCTET_STRING)
            values.done()
        elif kind == OID_SIGNING_TIME:
            tag, start, stop = values.read()
            values.done()
            signing_time = _time(tag, buf[start:stop])
    if content_type is None or digest is None:
        raise CmsFormatError("contentType or messageDigest attribute missing")
    if content_type != OID_DATA:
        raise CmsFormatError("the contentType attribute is not data")
    return digest, signing_time


def _time(tag: int, text: bytes) -> dt.datetime:
    """UTCTime (years 1950-2049) or GeneralizedTime, whole seconds, ``Z`` (DER)."""
    if tag == _UTC_TIME and len(text) == 13:
        digits = text[:12]
        century = 1900 if digits[:2] >= b"50" else 2000
        text = str(century // 100).encode() + text
    elif tag != _GENERALIZED_TIME or len(text) != 15:
        raise CmsFormatError("a malformed signing time")
    digits = text[:14]
    if not (text.endswith(b"Z") and digits.isdigit() and digits.isascii()):
        raise CmsFormatError("a malformed signing time")
    try:
        return dt.datetime(
            int(digits[:4]),
            int(digits[4:6]),
            int(digits[6:8]),
            int(digits[8:10]),
            int(digits[10:12]),
            int(digits[12:14]),
            tzinfo=dt.UTC,
        )
    except ValueError:
        raise CmsFormatError("a malformed signing time") from None
