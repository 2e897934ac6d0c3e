"""What the publish sequence keeps between its steps: :class:`FolderPublicationLog`.

A small folder next to the secretary's workspace (``publish/`` in the secretary folder):

* ``publications.json`` - every publication written (bundle version, round, results hash,
  the three output paths), so publishing again gives the next bundle version and earlier
  outputs are never overwritten;
* ``ministry.pem`` - the ministry's certificate configured for the meeting (the bundle is
  encrypted to the X25519 key bound in it);
* ``chair-signed.oireport`` - the report the chair signed on their own machine, imported by
  the secretary and waiting for the secretary's signature.

Every file is written with :func:`app.formats.atomic_file.atomic_write`. The log holds no
scores (the chair-signed report does, encrypted to the secretary and the chair as
``report-to-sign-v2.md`` writes it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from app.errors import StorageError
from app.formats.atomic_file import atomic_write
from app.i18n import Msg

PUBLISH_FOLDER: Final = "publish"
"""The log's folder inside the secretary folder (the CLI, the console and the demo)."""
LOG_NAME: Final = "publications.json"
MINISTRY_NAME: Final = "ministry.pem"
CHAIR_SIGNED_NAME: Final = "chair-signed.oireport"
_FORMAT: Final = "review-desk-publications"
_MAX_LOG: Final = 4 * 1024 * 1024
_MAX_REPORT: Final = 512 * 1024 * 1024


@dataclass(frozen=True)
class Publication:
    """One set of official outputs written."""

    bundle_version: int
    round: int
    results_hash: str
    bundle_hash: str
    report: str
    workbook: str
    bundle: str
    encrypted: bool
    published_at: str
    """ISO 8601 time of the secretary's signature."""


class FolderPublicationLog:
    """:class:`app.secretary.ports.PublicationRecords` kept as files in ``folder`` (created on the
    first write)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    # --- publications ------------------------------------------------------------------

    def publications(self) -> tuple[Publication, ...]:
        data = self._read(LOG_NAME, _MAX_LOG)
        if data is None:
            return ()
        try:
            document = json.loads(data)
            if document.get("format") != _FORMAT or document.get("version") != 1:
                raise ValueError("unknown format")
            return tuple(Publication(**entry) for entry in document["publications"])
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise StorageError(
                Msg.of("The publication log {path} is damaged.", path=str(self._path(LOG_NAME))),
                Msg.of("Restore it from a backup; earlier outputs are listed in it."),
            ) from exc

    def record_publication(self, publication: Publication) -> None:
        entries = [vars(p) for p in (*self.publications(), publication)]
        document = {"format": _FORMAT, "version": 1, "publications": entries}
        text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        self._write(LOG_NAME, text.encode("utf-8"))

    # --- the ministry ------------------------------------------------------------------

    def ministry_certificate(self) -> bytes | None:
        return self._read(MINISTRY_NAME, _MAX_LOG)

    def set_ministry_certificate(self, pem: bytes) -> None:
        self._write(MINISTRY_NAME, pem, mode=0o644)

    # --- the chair-signed report ---------------------------------------------------------

    def chair_signed_report(self) -> bytes | None:
        return self._read(CHAIR_SIGNED_NAME, _MAX_REPORT)

    def save_chair_signed_report(self, data: bytes) -> None:
        self._write(CHAIR_SIGNED_NAME, data)

    def clear_chair_signed_report(self) -> None:
        try:
            self._path(CHAIR_SIGNED_NAME).unlink(missing_ok=True)
        except OSError as exc:
            raise self._error(CHAIR_SIGNED_NAME, exc) from exc

    # --- files -------------------------------------------------------------------------

    def _path(self, name: str) -> Path:
        return self.folder / name

    def _read(self, name: str, limit: int) -> bytes | None:
        path = self._path(name)
        try:
            with path.open("rb") as fh:
                data = fh.read(limit + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._error(name, exc) from exc
        if len(data) > limit:
            raise StorageError(
                Msg.of("{path} is larger than expected.", path=str(path)),
                Msg.of("Restore the publish folder from a backup."),
            )
        return data

    def _write(self, name: str, data: bytes, mode: int = 0o600) -> None:
        try:
            self.folder.mkdir(mode=0o700, exist_ok=True)
            atomic_write(self._path(name), data, mode=mode)
        except OSError as exc:
            raise self._error(name, exc) from exc

    def _error(self, name: str, exc: OSError) -> StorageError:
        return StorageError(
            Msg.of(
                "Cannot write {path}: {reason}",
                path=str(self._path(name)),
                reason=exc.strerror or str(exc),
            ),
            Msg.of("Check that the secretary folder is writable and has free space."),
        )
