"""One helper for matrix M3 (single-bit flips) and M4 (truncation and extension) over every
signed or encrypted format: a :class:`Format` names its bytes, its reader and its typed
error; a *layout* says which byte ranges are its header and boundary regions.

- age files (package, sheet file, bundle): the header and the payload nonce, and the first
  and last :data:`EDGE` bytes of each STREAM chunk;
- ZIP files (kit, report to sign): every local header, the central directory and end
  record, and the first and last :data:`EDGE` bytes of each member's data;
- signed JSON envelopes (round notice): the first and last :data:`EDGE` bytes and
  :data:`EDGE` bytes either side of every quote (the edges of each member and value).

**Flips**: every bit of every region, except the ZIP metadata fields (:func:`zip_metadata`:
versions, flags, time and date, attributes), flipped on their own by :func:`metadata_flips`
(one flip per field; the reader holds them to the one form of package v1 section 2, so each
is refused - before issue 12 they were accepted). In the suite a format may
flip only every :attr:`Format.every`-th (offset, bit) pair of its regions, to keep the suite
fast (the kit and the report to sign cost ~50 ms a read once past their signature, the
9-recipient package ~3 ms); ``bench/fuzz_parsers.py --tamper`` flips every bit of every
format. **Truncations**: *not* every length (too slow for the larger files): every length
within :data:`CUT_EDGE` bytes of each region's start and end (so every cut at and around each
boundary; every header length of the small headers), plus every :attr:`Format.stride`-th
length for the rest, plus ``len - 1``. **Extensions**: one byte, and one STREAM chunk of
zeros.

Each mutated input must raise one of the format's typed errors, which must be
:class:`app.errors.UserFacingError`\\ s; anything else (another exception, or acceptance)
is collected and reported with the offset and bit.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from app.crypto.age_header import parse_header
from app.crypto.age_stream import ENCRYPTED_CHUNK_SIZE
from app.errors import UserFacingError
from app.package.zipcheck import read_directory

EDGE = 32
CUT_EDGE = 16
"""Truncations: every length within this many bytes of a region's start or end."""
Region = tuple[int, int]
"""``[start, end)`` byte offsets."""


def age_layout(data: bytes) -> list[Region]:
    _header, length = parse_header(data)
    payload = length + 16
    regions = [(0, payload)]
    for chunk in range(payload, len(data), ENCRYPTED_CHUNK_SIZE):
        end = min(chunk + ENCRYPTED_CHUNK_SIZE, len(data))
        regions += [(chunk, min(chunk + EDGE, end)), (max(end - EDGE, chunk), end)]
    return _merged(regions)


def zip_layout(data: bytes) -> list[Region]:
    directory = read_directory(io.BytesIO(data), len(data))
    regions = [(directory.directory_offset, len(data))]
    for entry in directory.entries:
        regions.append((entry.header_offset, entry.data_offset))
        regions.append((entry.data_offset, min(entry.data_offset + EDGE, entry.end)))
        regions.append((max(entry.end - EDGE, entry.data_offset), entry.end))
    return _merged(regions)


ZIP_LOCAL_METADATA = ((4, 8), (10, 14))
"""Local header: version needed, flags; modification time and date."""
ZIP_CENTRAL_METADATA = ((4, 10), (12, 16), (36, 42))
"""Central header: version made by, version needed, flags; time and date; attributes."""


def zip_metadata(data: bytes) -> list[Region]:
    """The ZIP fields that hold no content and that no signature covers; the reader holds
    them to one form (package v1 section 2), and :func:`metadata_flips` flips them."""
    directory = read_directory(io.BytesIO(data), len(data))
    regions = [
        (entry.header_offset + a, entry.header_offset + b)
        for entry in directory.entries
        for a, b in ZIP_LOCAL_METADATA
    ]
    at = directory.directory_offset
    for _entry in directory.entries:
        name, extra, comment = (
            int.from_bytes(data[at + i : at + i + 2], "little") for i in (28, 30, 32)
        )
        regions += [(at + a, at + b) for a, b in ZIP_CENTRAL_METADATA]
        at += 46 + name + extra + comment
    return _merged(regions)


def no_metadata(data: bytes) -> list[Region]:
    return []


def json_layout(data: bytes) -> list[Region]:
    regions = [(0, EDGE), (len(data) - EDGE, len(data))]
    regions += [
        (max(i - EDGE, 0), min(i + EDGE, len(data))) for i, b in enumerate(data) if b == ord('"')
    ]
    return _merged(regions)


def _merged(regions: Sequence[Region]) -> list[Region]:
    out: list[Region] = []
    for start, end in sorted(r for r in regions if r[1] > r[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


@dataclass(frozen=True)
class Format:
    """A signed or encrypted format as its reader sees it."""

    name: str
    data: bytes = field(repr=False)
    read: Callable[[bytes], object] = field(repr=False)
    """Reads (and fully verifies) the bytes; raises one of ``errors`` when refused."""
    errors: tuple[type[UserFacingError], ...]
    layout: Callable[[bytes], list[Region]] = field(repr=False)
    stride: int = 97
    """Truncations away from the boundaries: every ``stride``-th length."""
    every: int = 1
    """Flips in the suite: every ``every``-th (offset, bit) of the regions (1: all of them;
    ``bench/fuzz_parsers.py --tamper`` always flips all)."""
    unchecked: Callable[[bytes], list[Region]] = field(default=no_metadata, repr=False)
    """Regions left out of the flips (the ZIP metadata of :func:`zip_metadata`)."""

    def regions(self) -> list[Region]:
        return _minus(self.layout(self.data), self.unchecked(self.data))


def _minus(regions: Sequence[Region], holes: Sequence[Region]) -> list[Region]:
    out: list[Region] = []
    for start, end in regions:
        cuts = [(max(a, start), min(b, end)) for a, b in holes if a < end and b > start]
        position = start
        for a, b in sorted(cuts):
            if a > position:
                out.append((position, a))
            position = max(position, b)
        if position < end:
            out.append((position, end))
    return out


def flip_positions(fmt: Format, every: int | None = None) -> list[tuple[int, int]]:
    """``(offset, bit)`` of every bit of every region; every ``every``-th of them
    (default: the format's own ``every``)."""
    step = fmt.every if every is None else every
    bits = [(o, b) for start, end in fmt.regions() for o in range(start, end) for b in range(8)]
    return bits[::step]


def flips(fmt: Format, every: int | None = None) -> Iterator[tuple[str, bytes]]:
    """The flips of :func:`flip_positions`, one at a time."""
    for offset, bit in flip_positions(fmt, every):
        mutated = bytearray(fmt.data)
        mutated[offset] ^= 1 << bit
        yield f"flip {offset}:{bit}", bytes(mutated)


def metadata_flips(fmt: Format) -> Iterator[tuple[str, bytes]]:
    """One flip (the lowest bit of the first byte) per unchecked field of the first local
    header and of the first central header (the other entries' fields are alike)."""
    fields = fmt.unchecked(fmt.data)
    directory = read_directory(io.BytesIO(fmt.data), len(fmt.data))
    first = [r for r in fields if r[0] < directory.entries[0].data_offset]
    central = [r for r in fields if r[0] >= directory.directory_offset][:3]
    for start, _end in first + central:
        mutated = bytearray(fmt.data)
        mutated[start] ^= 1
        yield f"flip {start}:0 (ZIP metadata)", bytes(mutated)


def truncation_lengths(fmt: Format) -> list[int]:
    size = len(fmt.data)
    lengths = set(range(0, size, fmt.stride)) | {size - 1}
    for start, end in fmt.regions():
        for edge in (start, end):
            lengths |= set(range(max(edge - CUT_EDGE, 0), min(edge + CUT_EDGE + 1, size)))
    return sorted(n for n in lengths if n < size)


def truncations(fmt: Format) -> Iterator[tuple[str, bytes]]:
    for length in truncation_lengths(fmt):
        yield f"cut {length}", fmt.data[:length]


def extensions(fmt: Format) -> Iterator[tuple[str, bytes]]:
    yield "append 1 byte", fmt.data + b"\x00"
    yield "append a chunk", fmt.data + bytes(ENCRYPTED_CHUNK_SIZE)


def problems(fmt: Format, mutations: Iterator[tuple[str, bytes]]) -> tuple[int, list[str]]:
    """Run every mutation; returns (how many, what was not refused with a typed error)."""
    count = 0
    wrong: list[str] = []
    for label, data in mutations:
        count += 1
        try:
            fmt.read(data)
        except fmt.errors as exc:
            if not isinstance(exc, UserFacingError):
                wrong.append(f"{label}: {type(exc).__name__} is not a UserFacingError")
        except Exception as exc:  # exactly what the test looks for
            wrong.append(f"{label}: {type(exc).__name__}: {exc}")
        else:
            wrong.append(f"{label}: accepted")
    return count, wrong
