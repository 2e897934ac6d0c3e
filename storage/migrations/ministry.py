"""Schema of the ministry's database: imported result bundles from many meetings.

A separate SQLite file from any workspace, with its own ``PRAGMA user_version`` ladder (the
rules of :mod:`storage.migrations.ladder` apply: append, never edit a released step) and
``PRAGMA application_id`` = :data:`APPLICATION_ID`, so a workspace is never mistaken for a
ministry database or the other way round.

``bundles`` is the import history (never updated or deleted); the other tables hold the
*current* figures of each meeting, replaced as a whole when a higher bundle version is
imported. Bilingual texts are stored as two columns so the export needs no JSON. Version 2
adds the signed reports, the sub-domain tags, the approved-platform list and the indexes of
the cross-meeting reads (:mod:`storage.migrations.ministry_m002_desk`); version 3 the
ministry's signed decisions and closed batches, append-only
(:mod:`storage.migrations.ministry_m003_decisions`).
"""

from __future__ import annotations

from typing import Final

from storage.migrations.ladder import Migration
from storage.migrations.ministry_m001_initial import APPLICATION_ID, m001_initial
from storage.migrations.ministry_m002_desk import m002_desk
from storage.migrations.ministry_m003_decisions import m003_decisions

MIGRATIONS: tuple[Migration, ...] = (m001_initial, m002_desk, m003_decisions)
SCHEMA_VERSION: Final = len(MIGRATIONS)

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION"]
