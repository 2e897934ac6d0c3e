"""The refusal journal (:class:`RefusalJournalFile`, an
:class:`app.ministry.ports.RefusalJournal`): every refused bundle with its reason, in a
JSON-lines file beside the ministry database, ``<db>.refusals.jsonl``.

Refusals are kept outside the database so that a refused bundle leaves the database file
byte-identical. The file is append-only, one JSON object per line (UTF-8, sorted keys, no
spaces)::

    {"actor": ..., "at": ISO 8601, "bundle_version": int|null, "file": name,
     "input_sha256": hex|null, "meeting_id": str|null, "prev_sha256": hex,
     "reason": {"en": ..., "zh_CN": ...}, "stage": ...}

``prev_sha256`` is the SHA-256 of the previous line's bytes (without its newline; 64 zeros
for the first line), so a line removed, edited or cut short is detected by the reader (an
edited line by the link of the line after it: the last line's own edit shows only against a
copy or a count kept elsewhere). Each
append is flushed and fsynced (and the folder, when the file is new); on POSIX an exclusive
``flock`` serialises two programs appending at once.

The reader is bounded: it reads at most :data:`MAX_READ_BYTES` from the end of the file
(older lines are then left unread and the result says so) and refuses lines longer than
:data:`MAX_LINE_BYTES`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Final

from app.errors import StorageError
from app.i18n import LocalizedText, Msg
from app.ministry.model import Refusal, RefusalLog

SUFFIX: Final = ".refusals.jsonl"
GENESIS: Final = "0" * 64
MAX_READ_BYTES: Final = 16 * 1024 * 1024
MAX_LINE_BYTES: Final = 64 * 1024
_MAX_TEXT: Final = 4000


def journal_path(database: Path) -> Path:
    """Where the refusal journal of the ministry database ``database`` lives."""
    return database.with_name(database.name + SUFFIX)


class RefusalJournalFile:
    """The journal at ``path`` (created by the first refusal)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def beside(cls, database: Path) -> RefusalJournalFile:
        return cls(journal_path(Path(database)))

    def record(self, refusal: Refusal) -> None:
        new = not self.path.exists()
        try:
            with _locked_append(self.path) as fh:
                prev, ended = _last_line_hash(fh)
                line = _line(refusal, prev)
                fh.seek(0, os.SEEK_END)
                # After a line cut short, start a new one: the cut stays visible to the reader.
                fh.write((b"" if ended else b"\n") + line + b"\n")
                fh.flush()
                os.fsync(fh.fileno())
            if new:
                _fsync_directory(self.path.parent)
        except OSError as exc:
            raise StorageError(
                Msg.of(
                    "The refusal could not be recorded in {path} ({error}).",
                    path=str(self.path),
                    error=str(exc),
                ),
                Msg.of(
                    "Check the disk and the folder's permissions; the database was not changed."
                ),
            ) from exc

    def read(self) -> RefusalLog:
        if not self.path.exists():
            return RefusalLog((), True)
        try:
            with self.path.open("rb") as fh:
                size = fh.seek(0, os.SEEK_END)
                start = max(0, size - MAX_READ_BYTES)
                fh.seek(start)
                data = fh.read(MAX_READ_BYTES)
        except OSError as exc:
            raise StorageError(
                Msg.of("The refusal journal {path} cannot be read.", path=str(self.path)),
                Msg.of("Check that the file is readable."),
            ) from exc
        partial = start > 0
        if partial:
            cut = data.find(b"\n")
            data = b"" if cut < 0 else data[cut + 1 :]
        return _parse(data, partial)


def _parse(data: bytes, partial: bool) -> RefusalLog:
    refusals: list[Refusal] = []
    lines = data.split(b"\n")
    complete = lines[-1] == b""
    if complete:
        lines.pop()
    prev: str | None = None if partial else GENESIS
    for number, line in enumerate(lines, start=1):
        refusal, linked_to = _entry(line) if len(line) <= MAX_LINE_BYTES else (None, None)
        if refusal is None or (prev is not None and linked_to != prev):
            return RefusalLog(tuple(refusals), False, number, partial)
        refusals.append(refusal)
        prev = hashlib.sha256(line).hexdigest()
    if not complete:  # a last line without its newline: cut short while being written
        return RefusalLog(tuple(refusals), False, len(lines), partial)
    return RefusalLog(tuple(refusals), True, None, partial)


def _entry(line: bytes) -> tuple[Refusal | None, str | None]:
    try:
        doc = json.loads(line.decode("utf-8"))
        reason = doc["reason"]
        version = doc["bundle_version"]
        refusal = Refusal(
            at=datetime.fromisoformat(_text(doc["at"])),
            actor=_text(doc["actor"]),
            file_name=_text(doc["file"]),
            input_sha256=_optional(doc["input_sha256"]),
            meeting_id=_optional(doc["meeting_id"]),
            bundle_version=None if version is None else int(version),
            stage=_text(doc["stage"]),
            reason=LocalizedText(_text(reason["en"]), _text(reason["zh_CN"])),
        )
        return refusal, _text(doc["prev_sha256"])
    except (ValueError, KeyError, TypeError):
        return None, None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _optional(value: Any) -> str | None:
    return None if value is None else _text(value)


def _line(refusal: Refusal, prev: str) -> bytes:
    doc = {
        "at": refusal.at.isoformat(),
        "actor": refusal.actor[:_MAX_TEXT],
        "file": refusal.file_name[:_MAX_TEXT],
        "input_sha256": refusal.input_sha256,
        "meeting_id": None if refusal.meeting_id is None else refusal.meeting_id[:_MAX_TEXT],
        "bundle_version": refusal.bundle_version,
        "stage": refusal.stage[:_MAX_TEXT],
        "reason": {"en": refusal.reason.en[:_MAX_TEXT], "zh_CN": refusal.reason.zh_CN[:_MAX_TEXT]},
        "prev_sha256": prev,
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _last_line_hash(fh: IO[bytes]) -> tuple[str, bool]:
    """The SHA-256 of the file's last line (read backwards, at most one line), and whether
    that line ends with its newline."""
    size = fh.seek(0, os.SEEK_END)
    if size == 0:
        return GENESIS, True
    tail = min(size, MAX_LINE_BYTES + 2)
    fh.seek(size - tail)
    chunk = fh.read(tail)
    ended = chunk.endswith(b"\n")
    if ended:
        chunk = chunk[:-1]
    cut = chunk.rfind(b"\n")
    if cut < 0 and tail < size:
        raise OSError("the refusal journal's last line is too long")
    return hashlib.sha256(chunk[cut + 1 :]).hexdigest(), ended


@contextmanager
def _locked_append(path: Path) -> Iterator[IO[bytes]]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0), 0o600)
    with os.fdopen(fd, "r+b") as fh:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield fh


def _fsync_directory(directory: Path) -> None:
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
