"""Bech32 (BIP 173) encoding as age uses it for keys.

age encodes recipients (``age1...``) and identities (``AGE-SECRET-KEY-1...``) in Bech32 —
not Bech32m — and lifts BIP 173's 90-character limit, because post-quantum keys are
longer. A string must be all lower case or all upper case; mixed case is refused.
"""

from __future__ import annotations

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_CHARSET_INDEX = {c: i for i, c in enumerate(_CHARSET)}
_GENERATORS = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


class Bech32Error(ValueError):
    """A malformed Bech32 string (callers turn this into a typed, user-facing error)."""


def _polymod(values: list[int]) -> int:
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for i, generator in enumerate(_GENERATORS):
            if (top >> i) & 1:
                check ^= generator
    return check


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    acc = 0
    bits = 0
    out: list[int] = []
    max_value = (1 << to_bits) - 1
    for value in data:
        if value >> from_bits:
            raise Bech32Error("value out of range")
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & max_value)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & max_value)
    elif bits >= from_bits or (acc << (to_bits - bits)) & max_value:
        raise Bech32Error("non-zero padding")
    return out


def encode(hrp: str, data: bytes) -> str:
    """Encode ``data`` under the human-readable part ``hrp`` (returned in lower case)."""
    hrp = hrp.lower()
    values = _convert_bits(data, 8, 5, pad=True)
    polymod = _polymod([*_hrp_expand(hrp), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[v] for v in values + checksum)


def decode(text: str) -> tuple[str, bytes]:
    """Return ``(hrp, data)`` with ``hrp`` in lower case; raise :class:`Bech32Error`."""
    if text.lower() != text and text.upper() != text:
        raise Bech32Error("mixed case")
    if any(not 33 <= ord(c) <= 126 for c in text):
        raise Bech32Error("invalid character")
    text = text.lower()
    separator = text.rfind("1")
    if separator < 1 or separator + 7 > len(text):
        raise Bech32Error("separator misplaced")
    hrp = text[:separator]
    try:
        values = [_CHARSET_INDEX[c] for c in text[separator + 1 :]]
    except KeyError:
        raise Bech32Error("invalid data character") from None
    if _polymod([*_hrp_expand(hrp), *values]) != 1:
        raise Bech32Error("invalid checksum")
    return hrp, bytes(_convert_bits(values[:-6], 5, 8, pad=False))
