"""Schema versions: ``PRAGMA user_version`` and an ordered tuple of numbered migrations.

Shared by both kinds of database (a workspace: :mod:`storage.migrations.workspace`; the
ministry's: :mod:`storage.migrations.ministry`), each with its own ladder. Rules for whoever
adds a migration:

- Write it in its own module, ``storage/migrations/mNNN_what.py`` (the ministry's:
  ``ministry_mNNN_what.py``), holding exactly its function ``mNNN_what(db)`` and its DDL.
- Append it to the database's tuple; never edit or reorder a released one. The schema version
  is the number of migrations, so a database at version *n* has had exactly ``steps[:n]``
  applied.
- Each migration runs in its own ``db.atomic()`` transaction together with the
  ``user_version`` bump, so a failure leaves the database at the previous version.
- Write plain SQL, one statement per ``db.execute`` (``executescript`` would commit early).
- Regenerate the fixture databases (``tests/storage/fixtures/make_fixtures.py``) so the new
  version has one, and keep the older ones: ``tests/storage/test_migrations.py`` upgrades each.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlite_utils

from app.errors import StorageError
from app.i18n import Msg

Migration = Callable[[sqlite_utils.Database], None]


def migrate(db: sqlite_utils.Database, steps: Sequence[Migration]) -> int:
    """Apply the ``steps`` the database lacks, each in its own transaction; returns the
    version reached."""
    current = int(db.execute("PRAGMA user_version").fetchone()[0])
    if current > len(steps):
        raise StorageError(
            Msg.of(
                "The workspace was created by a newer version of Expert Review Desk "
                "(schema {found}; this version reads up to {supported}).",
                found=current,
                supported=len(steps),
            ),
            Msg.of("Open it with the newer version of the program; it has not been changed."),
        )
    for number, step in enumerate(steps[current:], start=current + 1):
        with db.atomic():
            step(db)
            db.execute(f"PRAGMA user_version = {number:d}")
    return len(steps)
