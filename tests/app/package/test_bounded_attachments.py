"""The builder streams attachments through the bounded reader: a device or a file larger
than a package can hold is refused, not read forever."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

import pytest

from app.i18n import LocalizedText
from app.package import Attachment, PackageBuildError, build_package
from app.package import builder as package_builder
from tests.app.package.conftest import World
from tests.app.package.helpers import NOW, small_application


def _endless_pdf(fifo: Path) -> None:
    """Write a PDF header, then zeros until the reader goes away."""
    with contextlib.suppress(BrokenPipeError), fifo.open("wb") as fh:
        fh.write(b"%PDF-1.7\n")
        while True:
            fh.write(bytes(1 << 16))


@pytest.mark.parametrize("source", ["sparse", "fifo"])
def test_an_endless_or_oversized_attachment_is_refused(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    monkeypatch.setattr(package_builder, "MAX_ARCHIVE_SIZE", 1 << 20)  # 4 GiB is slow to feed
    path = tmp_path / "big.pdf"
    writer = None
    if source == "sparse":
        with path.open("wb") as fh:
            fh.write(b"%PDF-1.7\n")
            fh.truncate(2 << 30)
    else:
        os.mkfifo(path)
        writer = threading.Thread(target=_endless_pdf, args=(path,), daemon=True)
        writer.start()
    out = tmp_path / "out" / "p.oipkg"
    out.parent.mkdir()
    attachment = Attachment(path, LocalizedText("Big", "大"))
    with pytest.raises(PackageBuildError) as caught:
        build_package(small_application(), [attachment], world.issuer, world.recipients, out, NOW)
    message = caught.value.msg.in_language("en")
    assert f"limit of {1 << 20} bytes" in message, message
    assert (f"it holds {2 << 30} bytes" if source == "sparse" else "more than") in message
    assert os.listdir(out.parent) == []
    if writer is not None:
        writer.join()
