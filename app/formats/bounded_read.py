"""Reading an outside file whole, but never more than a format's limit.

Everything the program takes from outside (a file named on the command line or chosen in
the window, a pipe, a device such as ``/dev/zero``, standard input) is read through
:func:`read_bounded`:

* a regular file larger than the limit is refused on its size (``fstat``) before any byte
  is read;
* anything else (a pipe, a FIFO, a character device) is read in small blocks and refused
  as soon as ``limit + 1`` bytes have arrived, so memory never holds more than the limit
  plus one block.

The refusal names the limit and the size (or "more than" the limit when the size cannot be
known), in the caller's own error class for its first reading stage, or in
:class:`InputFileError` through :func:`read_input_file`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from typing import BinaryIO, Final

from app.errors import UserFacingError
from app.i18n import Msg

ErrorFactory = Callable[[Msg, str], Exception]
Source = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO

_BLOCK: Final = 1 << 16


class InputFileError(UserFacingError):
    """An outside file that cannot be read, or that is larger than its format allows."""

    def __init__(self, message: Msg, detail: str) -> None:
        super().__init__(message, Msg.of("Check that you chose the right file."))
        self.detail = detail


def read_bounded(source: Source, limit: int, error: ErrorFactory) -> bytes:
    """The bytes of ``source`` (a path, an open binary file, or bytes already in memory),
    at most ``limit`` of them.

    A read failure or an oversized input raises ``error(reason, detail)``: the caller's own
    error class for its first reading stage. ``reason`` is a sentence fragment ("it is
    larger than the limit of ...") that names the limit and the size.
    """
    if limit < 0:
        raise ValueError("limit must not be negative")
    if isinstance(source, bytes | bytearray | memoryview):
        size = memoryview(source).nbytes
        if size > limit:
            raise error(too_large(limit, size), f"{size} bytes > {limit}")
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        try:
            with open(source, "rb") as fh:
                return _read_open(fh, limit, error)
        except OSError as exc:
            raise error(
                Msg.of("the file cannot be read ({error}).", error=exc.strerror or str(exc)),
                f"read: {exc!r}",
            ) from None
    try:
        return _read_open(source, limit, error)
    except OSError as exc:
        raise error(
            Msg.of("the file cannot be read ({error}).", error=exc.strerror or str(exc)),
            f"read: {exc!r}",
        ) from None


def iter_bounded(
    path: str | os.PathLike[str],
    limit: int,
    error: ErrorFactory,
    *,
    block: int = 1 << 20,
    regular_only: bool = False,
) -> Iterator[bytes]:
    """The bytes of the file at ``path`` in blocks, for a reader that streams (copies,
    hashes) rather than holds the whole file: refused like :func:`read_bounded` (on its size
    before any read for a regular file, or once more than ``limit`` bytes have arrived).
    ``regular_only`` refuses pipes and devices before reading (for a limit so large that
    copying that much from ``/dev/zero`` would be a harm of its own)."""
    try:
        with open(path, "rb") as fh:
            size = _regular_size(fh)
            if size is None and regular_only:
                raise error(
                    Msg.of("it is not a regular file (it is a pipe or a device)."), "not regular"
                )
            if size is not None and size > limit:
                raise error(too_large(limit, size), f"{size} bytes > {limit}")
            total = 0
            while chunk := fh.read(block):
                total += len(chunk)
                if total > limit:
                    raise error(too_large(limit, None), f"more than {limit} bytes")
                yield chunk
    except OSError as exc:
        raise error(
            Msg.of("the file cannot be read ({error}).", error=exc.strerror or str(exc)),
            f"read: {exc!r}",
        ) from None


def read_input_file(path: str | os.PathLike[str], limit: int, what: Msg) -> bytes:
    """:func:`read_bounded` for a file the user named; refusals are :class:`InputFileError`
    saying ``what`` the file was meant to be (e.g. "the trust roots") and its path."""

    def refuse(reason: Msg, detail: str) -> InputFileError:
        return InputFileError(
            Msg.of("Cannot use {what} {path}: {reason}", what=what, path=str(path), reason=reason),
            detail,
        )

    return read_bounded(path, limit, refuse)


def too_large(limit: int, size: int | None) -> Msg:
    """The refusal of an input of ``size`` bytes (``None``: more than ``limit`` arrived)."""
    if size is None:
        return Msg.of(
            "it is larger than the limit of {limit} bytes (more than {limit} bytes arrived).",
            limit=limit,
        )
    return Msg.of(
        "it is larger than the limit of {limit} bytes (it holds {size} bytes).",
        limit=limit,
        size=size,
    )


def _read_open(fh: BinaryIO, limit: int, error: ErrorFactory) -> bytes:
    size = _regular_size(fh)
    if size is not None and size > limit:
        raise error(too_large(limit, size), f"{size} bytes > {limit}")
    wanted = limit + 1
    data = bytearray()
    try:
        while len(data) < wanted:
            block = fh.read(min(_BLOCK, wanted - len(data)))
            if not block:
                break
            data += block
    except MemoryError:
        del data
        raise error(
            Msg.of(
                "there is not enough memory to read it (its limit is {limit} bytes).", limit=limit
            ),
            "MemoryError",
        ) from None
    if len(data) > limit:
        raise error(too_large(limit, None), f"more than {limit} bytes")
    return bytes(data)


def _regular_size(fh: BinaryIO) -> int | None:
    """The bytes left in ``fh`` if it is a regular file, else ``None`` (pipe, device, ...)."""
    try:
        info = os.fstat(fh.fileno())
    except (OSError, AttributeError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    try:
        position = fh.tell()
    except OSError:
        position = 0
    return max(info.st_size - position, 0)
