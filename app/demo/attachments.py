"""Which PDF maker the demo uses when a caller names none: a registry of one.

Kept apart from :mod:`app.demo.build` so the composition root (``app.cli``) can register the
maker on every start without importing the demo builder, the domain and the ports (a
command such as ``package verify`` never builds a demo and should not pay for loading it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from app.i18n import LocalizedText

if TYPE_CHECKING:
    from app.domain.meeting import Application

AttachmentMaker = Callable[["Application"], Sequence[tuple[str, LocalizedText, bytes]]]
"""``maker(application) -> [(file name, bilingual title, PDF bytes), ...]``."""


def no_attachments(application: Application) -> Sequence[tuple[str, LocalizedText, bytes]]:
    """The maker used when no PDF maker was given: packages carry the form only."""
    return ()


_registered: list[AttachmentMaker] = []


def use_attachment_maker(maker: AttachmentMaker) -> None:
    """Set the maker the demo uses when a caller names none (called by the composition
    root, ``app.cli``, so the window's demo gets real PDFs without ``app`` importing them)."""
    _registered[:] = [maker]


def default_attachment_maker() -> AttachmentMaker:
    return _registered[0] if _registered else no_attachments
