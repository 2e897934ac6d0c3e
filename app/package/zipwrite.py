"""Writing the ZIP layer: STORED entries, no extra fields, no data descriptors.

The layout is fixed before any byte is written (sizes and CRC-32 are known from a first,
hashing pass), so the archive can be produced as a stream of headers and member data and
fed straight into the age encryption without ever being held in memory or on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from app.package.zipcheck import (
    CENTRAL_FORMAT,
    CENTRAL_SIGNATURE,
    END_FORMAT,
    END_SIGNATURE,
    LOCAL_FORMAT,
    LOCAL_SIGNATURE,
    ZIP_VERSION,
    canonical_flags,
)

VERSION: Final = ZIP_VERSION  # "2.0", what zipfile writes for STORED entries
MAX_ARCHIVE_SIZE: Final = 0xFFFFFFFF - 1  # no ZIP64 in package v1


@dataclass(frozen=True)
class PlannedEntry:
    """One entry whose size and CRC-32 are already known."""

    name: str
    size: int
    crc32: int

    @property
    def encoded_name(self) -> bytes:
        return self.name.encode("utf-8")

    @property
    def flags(self) -> int:
        return canonical_flags(self.name)


def dos_timestamp(moment: datetime) -> tuple[int, int]:
    """(time, date) in MS-DOS format for ``moment`` (its own clock fields; years 1980-2107)."""
    year = min(max(moment.year, 1980), 2107)
    time = (moment.hour << 11) | (moment.minute << 5) | (moment.second // 2)
    date = ((year - 1980) << 9) | (moment.month << 5) | moment.day
    return time, date


def local_header(entry: PlannedEntry, stamp: tuple[int, int]) -> bytes:
    name = entry.encoded_name
    return (
        LOCAL_FORMAT.pack(
            LOCAL_SIGNATURE,
            VERSION,
            entry.flags,
            0,
            stamp[0],
            stamp[1],
            entry.crc32,
            entry.size,
            entry.size,
            len(name),
            0,
        )
        + name
    )


def central_directory(entries: list[PlannedEntry], stamp: tuple[int, int]) -> bytes:
    """The central directory and end record for ``entries`` laid out back to back from 0."""
    records: list[bytes] = []
    offset = 0
    for entry in entries:
        name = entry.encoded_name
        records.append(
            CENTRAL_FORMAT.pack(
                CENTRAL_SIGNATURE,
                VERSION,
                VERSION,
                entry.flags,
                0,
                stamp[0],
                stamp[1],
                entry.crc32,
                entry.size,
                entry.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
        offset += LOCAL_FORMAT.size + len(name) + entry.size
    directory = b"".join(records)
    end = END_FORMAT.pack(
        END_SIGNATURE, 0, 0, len(entries), len(entries), len(directory), offset, 0
    )
    return directory + end


def archive_size(entries: list[PlannedEntry]) -> int:
    """The exact number of bytes the archive of ``entries`` will have."""
    data = sum(LOCAL_FORMAT.size + len(e.encoded_name) + e.size for e in entries)
    directory = sum(CENTRAL_FORMAT.size + len(e.encoded_name) for e in entries)
    return data + directory + END_FORMAT.size
