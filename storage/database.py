"""Opening the workspace database: one SQLite file, checked before it is touched.

Every connection this module hands out has ``journal_mode=WAL``, ``synchronous=FULL`` (a
committed edit survives power loss, not only a crash; see reliability note, finding 5),
``foreign_keys=ON`` and a short busy timeout. Callers must know:

- :func:`open_database` refuses, *without changing the file*, anything that is not a SQLite
  database (the 16 header bytes are read first, so no ``-wal``/``-shm`` files appear next to a
  stranger's file), a database written by a newer program, and a corrupt database.
- A database whose write lock another program holds is refused as "open in another program".
- All writes go through ``db.atomic()`` (never ``with db.conn:``, which does not make
  sqlite-utils writes atomic; tech-spikes section 7).
- Any ``sqlite3.Error`` met later is turned into a :class:`StorageError` by
  :func:`storage_error`, so no built-in exception escapes to the use cases.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from app.errors import StorageError
from app.i18n import Msg
from storage.migrations import workspace as migrations

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 250
"""Short on purpose: a second program holding the file should be reported, not waited for."""


def create_database(path: Path) -> sqlite_utils.Database:
    """Create a new, fully migrated workspace database; refuses to overwrite anything."""
    if path.exists():
        raise StorageError(
            Msg.of("A file already exists at {path}.", path=str(path)),
            Msg.of("Choose another name, or open the existing workspace."),
        )
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    return _prepare(conn, path)


def open_database(path: Path) -> sqlite_utils.Database:
    """Open an existing workspace for reading and writing, migrating it to this version."""
    _check_header(path)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    return _prepare(conn, path)


def open_read_only(path: Path) -> sqlite_utils.Database:
    """Open a workspace read-only (``audit verify``): no migration, no journal-mode change."""
    _check_header(path)
    try:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
        db = sqlite_utils.Database(conn, execute_plugins=False)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = _user_version(db)
    except sqlite3.Error as exc:
        raise storage_error(exc, path) from exc
    if version > migrations.SCHEMA_VERSION:
        conn.close()
        raise _too_new(path, version)
    if version < 1:
        conn.close()
        raise _not_a_workspace(path)
    return db


def _prepare(conn: sqlite3.Connection, path: Path) -> sqlite_utils.Database:
    """Pragmas, version check, lock check and migrations, in an order that changes nothing
    before the file has been judged usable."""
    db = sqlite_utils.Database(conn, execute_plugins=False, recursive_triggers=False)
    try:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        version = _user_version(db)  # first read: fails on a corrupt file, writes nothing
        if version > migrations.SCHEMA_VERSION:
            raise _too_new(path, version)
        fresh = version == 0 and not db.table_names()
        if version == 0 and not fresh:
            raise _not_a_workspace(path)
        if not fresh and db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise _corrupt(path)
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StorageError(
                Msg.of("The workspace {path} cannot use write-ahead logging.", path=str(path)),
                Msg.of("Store the workspace on a local disk, not a network share."),
            )
        db.execute("PRAGMA synchronous = FULL")
        _probe_write_lock(db)
        migrations.migrate(db)
        if not fresh and version < migrations.SCRUB_AFTER <= migrations.SCHEMA_VERSION:
            scrub(db)
    except StorageError:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        raise storage_error(exc, path) from exc
    return db


def scrub(db: sqlite_utils.Database) -> None:
    """Rewrite the file so that content deleted or overwritten earlier is gone from free
    pages and from the write-ahead log: checkpoint, VACUUM, checkpoint with truncation.
    Outside any transaction."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _probe_write_lock(db: sqlite_utils.Database) -> None:
    """Take and release the write lock, so that a second program is reported at open time
    rather than on the user's first edit."""
    db.execute("BEGIN IMMEDIATE")
    db.execute("ROLLBACK")


def _user_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except FileNotFoundError as exc:
        raise StorageError(
            Msg.of("The workspace {path} does not exist.", path=str(path)),
            Msg.of("Check the file name, or create a new workspace."),
        ) from exc
    except OSError as exc:
        raise StorageError(
            Msg.of("The workspace {path} cannot be read ({error}).", path=str(path), error=exc),
            Msg.of("Check that the file is readable and not in use."),
        ) from exc
    if header != SQLITE_HEADER:
        raise _not_a_workspace(path)


def storage_error(exc: sqlite3.Error, path: Path | str) -> StorageError:
    """The user-facing form of a SQLite failure; callers ``raise storage_error(e, p) from e``."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StorageError(
            Msg.of("The workspace {path} is open in another program.", path=str(path)),
            Msg.of("Close the other program (or window) using this workspace, then try again."),
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return _corrupt(path)
    if "readonly" in text or "read-only" in text:
        return StorageError(
            Msg.of("The workspace {path} is read-only.", path=str(path)),
            Msg.of("Copy the workspace to a writable folder, then open the copy."),
        )
    if "disk is full" in text:
        return StorageError(
            Msg.of(
                "The disk holding {path} is full; the last change was not saved.", path=str(path)
            ),
            Msg.of("Free some space, then repeat the change."),
        )
    return StorageError(
        Msg.of(
            "The workspace {path} could not be read or written ({error}).",
            path=str(path),
            error=str(exc),
        ),
        Msg.of("Check the disk, then try again; if it persists, restore the latest backup."),
    )


def _too_new(path: Path | str, version: int) -> StorageError:
    return StorageError(
        Msg.of(
            "The workspace {path} was created by a newer version of Expert Review Desk "
            "(schema {found}; this version reads up to {supported}).",
            path=str(path),
            found=version,
            supported=migrations.SCHEMA_VERSION,
        ),
        Msg.of("Open it with the newer version of the program; it has not been changed."),
    )


def _not_a_workspace(path: Path | str) -> StorageError:
    return StorageError(
        Msg.of("{path} is not an Expert Review Desk workspace.", path=str(path)),
        Msg.of("Choose a workspace file; this file has not been changed."),
    )


def _corrupt(path: Path | str) -> StorageError:
    return StorageError(
        Msg.of("The workspace {path} is damaged.", path=str(path)),
        Msg.of("Restore the latest backup copy; the damaged file has not been changed."),
    )
