"""The one bounded reader: refuse on size before reading, stop at limit + 1 for streams."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path
from typing import BinaryIO

import pytest

from app.formats import bounded_read
from app.formats.bounded_read import (
    InputFileError,
    iter_bounded,
    read_bounded,
    read_input_file,
)
from app.i18n import Msg


class Refused(Exception):
    def __init__(self, reason: Msg, detail: str) -> None:
        super().__init__(reason.in_language("en"))
        self.reason = reason
        self.detail = detail


def test_a_file_within_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100, Refused) == b"x" * 100
    assert read_bounded(str(path), 1000, Refused) == b"x" * 100
    assert read_bounded(b"abc", 3, Refused) == b"abc"


class Counting(io.RawIOBase):
    """A file wrapper that counts what is read from it."""

    def __init__(self, inner: BinaryIO) -> None:
        super().__init__()
        self.inner = inner
        self.taken = 0

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.inner.fileno()

    def tell(self) -> int:
        return self.inner.tell()

    def close(self) -> None:
        self.inner.close()
        super().close()

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        self.taken += len(data)
        return data


def test_a_regular_file_is_refused_on_its_size_before_any_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sparse"
    with path.open("wb") as fh:
        fh.truncate(2 << 30)
    opened: list[Counting] = []

    def counting_open(file: str, mode: str) -> Counting:
        opened.append(Counting(open(file, mode)))
        return opened[-1]

    monkeypatch.setattr(bounded_read, "open", counting_open, raising=False)
    with pytest.raises(Refused) as caught:
        read_bounded(path, 1024, Refused)
    assert [c.taken for c in opened] == [0]
    text = str(caught.value)
    assert "limit of 1024 bytes" in text and f"it holds {2 << 30} bytes" in text


def test_a_device_stops_at_limit_plus_one() -> None:
    with pytest.raises(Refused, match=r"limit of 4096 bytes \(more than 4096 bytes arrived\)"):
        read_bounded("/dev/zero", 4096, Refused)
    with open("/dev/zero", "rb") as fh:
        counting = Counting(fh)  # type: ignore[arg-type]
        with pytest.raises(Refused, match="more than"):
            read_bounded(counting, 10, Refused)  # type: ignore[arg-type]
        assert counting.taken == 11  # limit + 1, not one byte more


def test_a_fifo_is_read_up_to_the_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)

    def writer(payload: bytes) -> None:
        with fifo.open("wb") as fh:
            fh.write(payload)

    for payload, ok in ((b"y" * 500, True), (b"z" * 501, False)):
        thread = threading.Thread(target=writer, args=(payload,))
        thread.start()
        try:
            if ok:
                assert read_bounded(fifo, 500, Refused) == payload
            else:
                with pytest.raises(Refused, match="more than 500 bytes"):
                    read_bounded(fifo, 500, Refused)
        finally:
            thread.join()


def test_bytes_and_streams_are_bounded_too() -> None:
    with pytest.raises(Refused, match="it holds 4 bytes"):
        read_bounded(b"abcd", 3, Refused)
    with pytest.raises(Refused, match="more than 3 bytes"):
        read_bounded(io.BytesIO(b"abcd"), 3, Refused)
    assert read_bounded(io.BytesIO(b"abc"), 3, Refused) == b"abc"


def test_an_unreadable_path_is_the_callers_error(tmp_path: Path) -> None:
    with pytest.raises(Refused, match="cannot be read"):
        read_bounded(tmp_path / "missing", 10, Refused)
    with pytest.raises(Refused, match="cannot be read"):
        read_bounded(tmp_path, 10, Refused)


def test_read_input_file_names_what_and_where(tmp_path: Path) -> None:
    path = tmp_path / "roots.pem"
    path.write_bytes(b"x" * 11)
    with pytest.raises(InputFileError) as caught:
        read_input_file(path, 10, Msg.of("the trust roots"))
    message = caught.value.msg.in_language("en")
    assert str(path) in message and "the trust roots" in message
    assert "limit of 10 bytes" in message
    assert "10" in caught.value.msg.in_language("zh_CN")


def test_iter_bounded_streams_and_stops(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"q" * 10)
    assert b"".join(iter_bounded(path, 10, Refused, block=3)) == b"q" * 10
    with pytest.raises(Refused, match="it holds 10 bytes"):
        list(iter_bounded(path, 9, Refused))
    with pytest.raises(Refused, match="more than 100 bytes"):
        list(iter_bounded("/dev/zero", 100, Refused, block=7))
    with pytest.raises(Refused, match="not a regular file"):
        list(iter_bounded("/dev/zero", 100, Refused, regular_only=True))
