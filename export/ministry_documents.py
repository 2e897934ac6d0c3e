"""The ministry's documents written to disk, one path for the desk and the command line:
the PAdES-signed public notice (and its workbook) of a checked
:class:`~app.ministry.announcing.Notice`, and the internal register of
:class:`~app.ministry.announcing.RegisterContents`."""

from __future__ import annotations

from pathlib import Path

from app.crypto.identity import Identity
from app.errors import UserFacingError
from app.formats.atomic_file import atomic_write
from app.i18n import Msg
from app.ministry.announcing import Notice, RegisterContents
from export.announcement_pdf import AnnouncementInput, signed_announcement
from export.announcement_xlsx import render_announcement_workbook
from export.ministry_register_xlsx import RegisterInput, render_register


def write_notice(notice: Notice, identity: Identity, pdf: Path, xlsx: Path | None = None) -> None:
    """Sign the notice as ``identity`` and write it to ``pdf``; its list also to ``xlsx``."""
    inp = AnnouncementInput(
        entries=notice.entries,
        issuer=notice.issuer,
        objection_days=notice.objection_days,
        batch_id=notice.batch_id,
        batch_sha256=notice.batch_sha256,
        language=notice.language,
        issued_at=notice.issued_at,
    )
    write_file(pdf, signed_announcement(inp, identity))
    if xlsx is not None:
        write_file(xlsx, render_announcement_workbook(inp))


def write_register(contents: RegisterContents, xlsx: Path) -> None:
    """Write the internal register workbook to ``xlsx``."""
    inp = RegisterInput(
        rows=contents.rows,
        states=contents.states,
        decisions=contents.decisions,
        batches=contents.batches,
        language=contents.language,
        generated_at=contents.generated_at,
    )
    write_file(xlsx, render_register(inp))


def write_file(path: Path, data: bytes) -> None:
    """``data`` to ``path`` atomically, readable by others (a document to hand on)."""
    try:
        atomic_write(path, data, mode=0o644)
    except OSError as exc:
        raise UserFacingError(
            Msg.of("Cannot write {path}.", path=str(path)),
            Msg.of("Check that the folder exists and is writable."),
        ) from exc
