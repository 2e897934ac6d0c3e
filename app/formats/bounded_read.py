"""Reading an untrusted file whole, but never more than a format's limit."""

from __future__ import annotations

import os
from collections.abc import Callable

from app.i18n import Msg

ErrorFactory = Callable[[Msg, str], Exception]


def read_bounded(source: str | os.PathLike[str] | bytes, limit: int, error: ErrorFactory) -> bytes:
    """The bytes of ``source`` (a path, or bytes already in memory), at most ``limit``.

    Reads at most ``limit + 1`` bytes, so an oversized file is refused without loading it.
    A read failure or an oversized file raises ``error(message, detail)``: the caller's own
    error class for its first reading stage.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        try:
            with open(source, "rb") as fh:
                data = fh.read(limit + 1)
        except OSError as exc:
            raise error(
                Msg.of("the file cannot be read ({error}).", error=exc.strerror or str(exc)),
                f"read: {exc!r}",
            ) from None
    if len(data) > limit:
        raise error(Msg.of("it is larger than {limit} bytes.", limit=limit), "file too large")
    return data
