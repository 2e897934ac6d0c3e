"""A bounded, strict reader for the ZIP layer of a package (package v1, section 2).

:mod:`zipfile` is lenient in ways a reader of signed archives cannot afford: it accepts
duplicate names (and ``read`` returns the last), ignores what lies between entries, trusts
the central directory without comparing the local headers, and decompresses. This module
parses the end record, the central directory and every local header itself, over any
seekable binary file object (an :class:`~app.crypto.age_reader.AgeReader` in practice),
reading only those structures - never member data - and refuses, with
:class:`~app.package.errors.PackageContainerError`, anything package v1 does not allow:

* an end record that is not the last 22 bytes (trailing data, a comment), ZIP64 markers,
  more than :data:`MAX_ENTRIES` entries, multi-disk fields;
* entries that are compressed, encrypted, use data descriptors, carry extra fields or
  comments, or whose names break :func:`name_problem` or repeat;
* local headers that disagree with the central directory, and any gap, overlap or
  reordering: entries lie back to back from offset 0, then the central directory;
* any header field that is not the one value :mod:`app.package.zipwrite` writes (package v1
  section 2, "one form"): "version made by" and "version needed" 2.0, general-purpose flags
  exactly bit 11 for a non-ASCII name and 0 otherwise, internal and external attributes 0,
  and one modification time and date shared by every local and central header. These
  fields hold no content and no signature covers them; left free, they would let one
  content travel as many different files (different hashes for the same signed kit).

CRC-32 needs the data, so it is checked when an entry is read (:func:`read_entry`,
:func:`iter_entry`).
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Protocol

from app.i18n import Msg
from app.package.errors import PackageContainerError

MAX_ENTRIES: Final = 256
MAX_NAME_BYTES: Final = 200
FLAG_UTF8: Final = 0x0800
ZIP_VERSION: Final = 20
"""2.0, the only "version made by" (MS-DOS, upper byte 0) and "version needed" allowed."""
LOCAL_SIGNATURE: Final = b"PK\x03\x04"
CENTRAL_SIGNATURE: Final = b"PK\x01\x02"
END_SIGNATURE: Final = b"PK\x05\x06"
LOCAL_FORMAT: Final = struct.Struct("<4sHHHHHIIIHH")
CENTRAL_FORMAT: Final = struct.Struct("<4sHHHHHHIIIHHHHHII")
END_FORMAT: Final = struct.Struct("<4sHHHHIIH")
ZIP32_MAX: Final = 0xFFFFFFFF
MAX_DIRECTORY_SIZE: Final = MAX_ENTRIES * (CENTRAL_FORMAT.size + MAX_NAME_BYTES)
_READ_BLOCK: Final = 1 << 20


class RandomAccess(Protocol):
    """What the checker needs of its source: a seekable binary reader."""

    def seek(self, offset: int, whence: int = 0, /) -> int: ...

    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class ZipEntry:
    """One STORED entry: where its data starts, how long it is, its CRC-32."""

    name: str
    header_offset: int
    data_offset: int
    size: int
    crc32: int

    @property
    def end(self) -> int:
        return self.data_offset + self.size


@dataclass(frozen=True)
class ZipDirectory:
    """The checked directory, entries in archive order; names are unique."""

    entries: tuple[ZipEntry, ...]
    directory_offset: int

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entries)

    def get(self, name: str) -> ZipEntry | None:
        return next((e for e in self.entries if e.name == name), None)


def _refuse(reason: Msg, detail: str) -> PackageContainerError:
    return PackageContainerError(reason, detail)


_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")


def name_problem(name: str) -> str | None:
    """Why ``name`` is not an acceptable member name (English detail), or ``None``.

    At most 200 bytes of UTF-8; segments joined by ``/``, none empty, ``.`` or ``..``; no
    leading ``/``, no backslash, no control character (C0, DEL, C1) and no lone surrogate.
    """
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        return "name is not valid UTF-8"
    if not encoded:
        return "empty name"
    if len(encoded) > MAX_NAME_BYTES:
        return f"name has {len(encoded)} bytes, more than {MAX_NAME_BYTES}"
    if "\\" in name:
        return "name contains a backslash"
    if _CONTROL.search(name):
        return "name contains a control character"
    if any(segment in ("", ".", "..") for segment in name.split("/")):
        return "name has an empty, '.' or '..' segment (or a leading '/')"
    return None


def _decode_name(raw: bytes, flags: int) -> str:
    try:
        name = raw.decode("utf-8") if flags & FLAG_UTF8 else raw.decode("ascii")
    except UnicodeDecodeError:
        raise _refuse(
            Msg.of("a member name is not valid text."), f"undecodable name {raw[:40]!r}"
        ) from None
    problem = name_problem(name)
    if problem is not None:
        raise _refuse(Msg.of("the member name “{name}” is not allowed.", name=name[:80]), problem)
    return name


def _read_at(source: RandomAccess, offset: int, size: int) -> bytes:
    source.seek(offset)
    data = source.read(size)
    if len(data) != size:
        raise _refuse(Msg.of("the archive is truncated."), f"short read at {offset}")
    return data


def read_directory(
    source: RandomAccess, size: int, *, max_entries: int = MAX_ENTRIES
) -> ZipDirectory:
    """Parse and check the archive of ``size`` bytes in ``source`` (see the module doc).

    Reads the 22-byte end record, the central directory (at most ``max_entries`` entries of
    at most :data:`MAX_NAME_BYTES` name bytes each) and one local header per entry; never
    member data. ``max_entries`` is larger only for formats that need it (a result bundle
    holds every signed sheet); at most 65 535, the ZIP32 end record's limit.
    """
    max_directory = max_entries * (CENTRAL_FORMAT.size + MAX_NAME_BYTES)
    if size < END_FORMAT.size:
        raise _refuse(Msg.of("it is not a ZIP archive."), f"only {size} bytes")
    end_offset = size - END_FORMAT.size
    (sig, disk, cd_disk, disk_entries, entries, cd_size, cd_offset, comment) = END_FORMAT.unpack(
        _read_at(source, end_offset, END_FORMAT.size)
    )
    if sig != END_SIGNATURE or comment != 0:
        raise _refuse(
            Msg.of("it is not a ZIP archive that ends with its directory."),
            "no end record in the last 22 bytes (trailing data or an archive comment)",
        )
    if disk or cd_disk or disk_entries != entries:
        raise _refuse(Msg.of("it is a multi-part archive."), "multi-disk fields are set")
    if entries > max_entries:
        raise _refuse(
            Msg.of(
                "it has {count} members, more than the limit of {limit}.",
                count=entries,
                limit=max_entries,
            ),
            f"{entries} entries",
        )
    if cd_offset + cd_size != end_offset or cd_size > max_directory:
        raise _refuse(
            Msg.of("its directory is not where the archive says."),
            f"directory at {cd_offset} of {cd_size} bytes does not end at {end_offset}",
        )
    directory = _read_at(source, cd_offset, cd_size)
    parsed: list[ZipEntry] = []
    seen: set[str] = set()
    position = 0
    expected_offset = 0
    stamp: tuple[int, int] | None = None
    for index in range(entries):
        entry, position, entry_stamp = _central_entry(directory, position, index)
        stamp = entry_stamp if stamp is None else stamp
        if entry_stamp != stamp:
            raise _not_canonical(entry.name, f"time/date {entry_stamp} != first entry's {stamp}")
        entry = _check_local(source, entry, expected_offset, cd_offset, stamp)
        if entry.name in seen:
            raise _refuse(
                Msg.of("the member name “{name}” appears twice.", name=entry.name[:80]),
                f"duplicate name {entry.name!r}",
            )
        seen.add(entry.name)
        parsed.append(entry)
        expected_offset = entry.end
    if position != cd_size or expected_offset != cd_offset:
        raise _refuse(
            Msg.of("its directory does not account for every byte."),
            f"directory used {position} of {cd_size} bytes; data ends at {expected_offset}, "
            f"directory starts at {cd_offset}",
        )
    return ZipDirectory(tuple(parsed), cd_offset)


def _central_entry(
    directory: bytes, position: int, index: int
) -> tuple[ZipEntry, int, tuple[int, int]]:
    """The entry at ``position``, the position after it, and its (time, date) stamp."""
    fixed = directory[position : position + CENTRAL_FORMAT.size]
    if len(fixed) != CENTRAL_FORMAT.size:
        raise _refuse(Msg.of("its directory is truncated."), f"entry {index} is cut short")
    (
        sig,
        made_by,
        needed,
        flags,
        method,
        time,
        date,
        crc,
        csize,
        usize,
        nlen,
        elen,
        clen,
        disk,
        iattr,
        eattr,
        offset,
    ) = CENTRAL_FORMAT.unpack(fixed)
    if sig != CENTRAL_SIGNATURE:
        raise _refuse(Msg.of("its directory is damaged."), f"entry {index} has no signature")
    start = position + CENTRAL_FORMAT.size
    raw_name = directory[start : start + nlen]
    if len(raw_name) != nlen:
        raise _refuse(Msg.of("its directory is truncated."), f"entry {index} name is cut short")
    name = _decode_name(raw_name, flags)
    _check_entry_fields(name, needed, flags, method, csize, usize, elen)
    if clen or disk:
        raise _refuse(
            Msg.of("the member “{name}” has fields package v1 does not allow.", name=name[:80]),
            f"entry {name!r}: comment length {clen}, disk {disk}",
        )
    if made_by != ZIP_VERSION or needed != ZIP_VERSION or iattr or eattr:
        raise _not_canonical(
            name, f"made by {made_by:#06x}, needs {needed}, attributes {iattr:#x}/{eattr:#x}"
        )
    entry = ZipEntry(name, offset, -1, usize, crc)
    return entry, start + nlen, (time, date)


def canonical_flags(name: str) -> int:
    """The general-purpose flags of ``name``'s headers: bit 11 exactly when it is not ASCII."""
    return 0 if name.isascii() else FLAG_UTF8


def _not_canonical(name: str, detail: str) -> PackageContainerError:
    return _refuse(
        Msg.of(
            "the member “{name}” has ZIP header fields other than the one form package v1 "
            "writes (versions, flags, time and date, attributes).",
            name=name[:80],
        ),
        f"entry {name!r}: {detail}",
    )


def _check_entry_fields(
    name: str, needed: int, flags: int, method: int, csize: int, usize: int, elen: int
) -> None:
    if method != 0:
        raise _refuse(
            Msg.of(
                "the member “{name}” is compressed; packages store members uncompressed.",
                name=name[:80],
            ),
            f"entry {name!r} uses compression method {method}",
        )
    if flags & ~FLAG_UTF8:
        raise _refuse(
            Msg.of(
                "the member “{name}” is encrypted or uses unsupported ZIP features.", name=name[:80]
            ),
            f"entry {name!r} has flags {flags:#06x}",
        )
    if elen or csize != usize or usize == ZIP32_MAX:
        raise _refuse(
            Msg.of("the member “{name}” has fields package v1 does not allow.", name=name[:80]),
            f"entry {name!r}: version {needed}, extra {elen}, sizes {csize}/{usize}",
        )
    if flags != canonical_flags(name):
        raise _not_canonical(name, f"flags {flags:#06x} for this name")


def _check_local(
    source: RandomAccess, entry: ZipEntry, expected: int, cd_offset: int, stamp: tuple[int, int]
) -> ZipEntry:
    if entry.header_offset != expected:
        raise _refuse(
            Msg.of("its members are not stored one after another."),
            f"entry {entry.name!r} at {entry.header_offset}, expected {expected}",
        )
    encoded = entry.name.encode("utf-8")
    length = LOCAL_FORMAT.size + len(encoded)
    if entry.header_offset + length > cd_offset:
        raise _refuse(
            Msg.of("its members overlap its directory."), f"entry {entry.name!r} runs too far"
        )
    raw = _read_at(source, entry.header_offset, length)
    (sig, needed, flags, method, time, date, crc, csize, usize, nlen, elen) = LOCAL_FORMAT.unpack(
        raw[: LOCAL_FORMAT.size]
    )
    same = (
        sig == LOCAL_SIGNATURE
        and needed == ZIP_VERSION
        and (time, date) == stamp
        and method == 0
        and elen == 0
        and crc == entry.crc32
        and csize == usize == entry.size
        and nlen == len(encoded)
        and raw[LOCAL_FORMAT.size :] == encoded
        and flags == canonical_flags(entry.name)
    )
    if not same:
        raise _refuse(
            Msg.of(
                "the member “{name}” has a local header that contradicts the directory.",
                name=entry.name[:80],
            ),
            f"local header of {entry.name!r} differs from the central directory",
        )
    data_offset = entry.header_offset + length
    if data_offset + entry.size > cd_offset:
        raise _refuse(
            Msg.of("its members overlap its directory."), f"entry {entry.name!r} runs too far"
        )
    return ZipEntry(entry.name, entry.header_offset, data_offset, entry.size, entry.crc32)


def iter_entry(source: RandomAccess, entry: ZipEntry, block: int = _READ_BLOCK) -> Iterator[bytes]:
    """The entry's data in blocks; after the last block, the CRC-32 is checked.

    A consumer must treat data as unverified until the iterator is exhausted without error.
    """
    remaining = entry.size
    crc = 0
    offset = entry.data_offset
    while remaining:
        piece = _read_at(source, offset, min(block, remaining))
        crc = zlib.crc32(piece, crc)
        offset += len(piece)
        remaining -= len(piece)
        yield piece
    check_crc(entry, crc)


def check_crc(entry: ZipEntry, crc: int) -> None:
    """Refuse the entry unless ``crc``, the CRC-32 of all its data, is its directory's."""
    if crc != entry.crc32:
        raise _refuse(
            Msg.of("the member “{name}” fails its CRC-32 check.", name=entry.name[:80]),
            f"CRC-32 of {entry.name!r} is {crc:08x}, directory says {entry.crc32:08x}",
        )


def check_length(entry: ZipEntry, length: int) -> None:
    """Refuse the entry unless ``length`` bytes of data, all it should have, were read."""
    if length != entry.size:
        raise _refuse(Msg.of("the archive is truncated."), f"short read in {entry.name!r}")


def read_entry(source: RandomAccess, entry: ZipEntry) -> bytes:
    """The entry's whole data, CRC-32 checked. Check the size against a limit first."""
    return b"".join(iter_entry(source, entry))
