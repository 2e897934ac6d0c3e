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


# The reader works on (buf, pos, end) triples with plain functions, not reader objects: a
# signature is some forty TLVs, and a method call plus an object per nested TLV cost more
# than the reading itself (issue 16). The rules are the same for every TLV: _tlv.


def _tlv(buf: bytes, pos: int, end: int, tag: int = -1) -> tuple[int, int, int]:
    """The TLV at ``buf[pos:end]``: (tag, contents start, contents end); checks ``tag``
    when given (not ``-1``). Definite, minimal lengths only, within ``end``."""
    if pos + 2 > end:
        raise CmsFormatError("truncated")
    got = buf[pos]
    if tag >= 0 and got != tag:
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
    return got, pos, pos + length


def _done(pos: int, end: int) -> None:
    if pos != end:
        raise CmsFormatError("unexpected data after the last field")


def _peek(buf: bytes, pos: int, end: int) -> int:
    if pos >= end:
        raise CmsFormatError("truncated")
    return buf[pos]


def parse_detached(signature: bytes) -> ParsedSignature:
    """Read ``signature`` as our CMS profile; raises :class:`CmsFormatError`."""
    buf = bytes(signature)
    _, pos, end = _tlv(buf, 0, len(buf), _SEQUENCE)  # ContentInfo
    _done(end, len(buf))
    _, start, pos = _tlv(buf, pos, end, _OID_TAG)
    if buf[start:pos] != OID_SIGNED_DATA:
        raise CmsFormatError("not SignedData")
    _, pos, stop = _tlv(buf, pos, end, 0xA0)  # [0] EXPLICIT
    _done(stop, end)
    end = stop
    _, pos, stop = _tlv(buf, pos, end, _SEQUENCE)  # SignedData
    _done(stop, end)
    end = stop
    pos = _tlv(buf, pos, end, _INTEGER)[2]  # version: pyHanko does not check it either
    pos = _tlv(buf, pos, end, _SET)[2]  # digestAlgorithms: the signer info's own counts
    _, encap, encap_end = _tlv(buf, pos, end, _SEQUENCE)  # EncapsulatedContentInfo
    pos = encap_end
    _, start, encap = _tlv(buf, encap, encap_end, _OID_TAG)
    content_type = buf[start:encap]
    has_content = encap < encap_end
    if has_content:
        encap = _tlv(buf, encap, encap_end, 0xA0)[2]
    _done(encap, encap_end)
    certificates: list[bytes] = []
    if pos < end and buf[pos] == 0xA0:
        _, bag, pos = _tlv(buf, pos, end, 0xA0)
        while bag < pos:
            tag, _, stop = _tlv(buf, bag, pos)
            if tag == _SEQUENCE:  # a certificate; attribute certificates are skipped
                certificates.append(buf[bag:stop])
            bag = stop
    if pos < end and buf[pos] == 0xA1:
        pos = _tlv(buf, pos, end, 0xA1)[2]  # revocation info: our CRLs come from the caller
    _, infos, pos = _tlv(buf, pos, end, _SET)  # signerInfos
    _done(pos, end)
    # the rules pyHanko applies first, in its order, with their own messages
    signer_ranges: list[tuple[int, int]] = []
    while infos < pos:
        _, start, infos = _tlv(buf, infos, pos, _SEQUENCE)
        signer_ranges.append((start, infos))
    if len(signer_ranges) != 1:
        raise CmsFormatError("it must have exactly one signer", signers=True)
    if has_content:
        raise CmsFormatError("it must be a detached signature", attached=True)
    if content_type != OID_DATA:
        raise CmsFormatError("the content type is not data")
    start, stop = signer_ranges[0]
    return _signer_info(buf, start, stop, tuple(certificates))


def _signer_info(
    buf: bytes, pos: int, end: int, certificates: tuple[bytes, ...]
) -> ParsedSignature:
    pos = _tlv(buf, pos, end, _INTEGER)[2]
    issuer: bytes | None = None
    serial: int | None = None
    key_id: bytes | None = None
    if _peek(buf, pos, end) == _SEQUENCE:
        _, sid, pos = _tlv(buf, pos, end, _SEQUENCE)  # issuerAndSerialNumber
        name = sid
        sid = _tlv(buf, sid, pos, _SEQUENCE)[2]
        issuer = buf[name:sid]
        _, start, sid = _tlv(buf, sid, pos, _INTEGER)
        serial = int.from_bytes(buf[start:sid], "big", signed=True)
        _done(sid, pos)
    else:
        _, start, pos = _tlv(buf, pos, end, 0x80)
        key_id = buf[start:pos]
    pos = _algorithm(buf, pos, end, _DIGEST_ALGORITHMS)
    if _peek(buf, pos, end) != 0xA0:
        raise CmsFormatError("no signed attributes")
    begin = pos
    _, start, pos = _tlv(buf, pos, end, 0xA0)
    # RFC 5652 §5.4: the signature covers the DER of the SET OF, not the [0] IMPLICIT form
    signed_attributes = bytes([_SET]) + buf[begin + 1 : pos]
    message_digest, signing_time = _attributes(buf, start, pos)
    pos = _algorithm(buf, pos, end, _SIGNATURE_ALGORITHMS)
    _, start, pos = _tlv(buf, pos, end, _OCTET_STRING)
    signature = buf[start:pos]
    if pos < end:
        pos = _tlv(buf, pos, end, 0xA1)[2]  # unsigned attributes: they change no verdict
    _done(pos, end)
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


_DIGEST_ALGORITHMS: Final = frozenset({OID_SHA256})
_SIGNATURE_ALGORITHMS: Final = frozenset({OID_ECDSA_SHA256, OID_EC_PUBLIC_KEY})


def _algorithm(buf: bytes, pos: int, end: int, accepted: frozenset[bytes]) -> int:
    """The AlgorithmIdentifier at ``pos``, one of ``accepted``; where the next TLV begins."""
    _, alg, after = _tlv(buf, pos, end, _SEQUENCE)
    _, start, alg = _tlv(buf, alg, after, _OID_TAG)
    if buf[start:alg] not in accepted:
        raise CmsFormatError("an algorithm other than ECDSA with SHA-256")
    if alg < after:
        alg = _tlv(buf, alg, after, _NULL)[2]  # absent or NULL parameters, as pyHanko accepts
    _done(alg, after)
    return after


def _attributes(buf: bytes, pos: int, end: int) -> tuple[bytes, dt.datetime | None]:
    """The signed attributes: each type once, contentType = data and a messageDigest
    present. Their order is not checked: like pyHanko and OpenSSL, the signature is
    verified over the bytes as sent, sorted (DER) or not."""
    seen: set[bytes] = set()
    content_type: bytes | None = None
    digest: bytes | None = None
    signing_time: dt.datetime | None = None
    while pos < end:
        _, attr, pos = _tlv(buf, pos, end, _SEQUENCE)
        _, start, attr = _tlv(buf, attr, pos, _OID_TAG)
        kind = buf[start:attr]
        if kind in seen:
            raise CmsFormatError("an attribute appears twice")
        seen.add(kind)
        _, values, attr = _tlv(buf, attr, pos, _SET)
        _done(attr, pos)
        if kind in _CONSTRAINING:
            raise CmsFormatError("an attribute this program does not check")
        if kind == OID_CONTENT_TYPE:
            _, start, values = _tlv(buf, values, attr, _OID_TAG)
            content_type = buf[start:values]
            _done(values, attr)
        elif kind == OID_MESSAGE_DIGEST:
            _, start, values = _tlv(buf, values, attr, _OCTET_STRING)
            digest = buf[start:values]
            _done(values, attr)
        elif kind == OID_SIGNING_TIME:
            tag, start, values = _tlv(buf, values, attr)
            _done(values, attr)
            signing_time = _time(tag, buf[start:values])
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
