"""The workspace's schema ladder: its migrations in order (rules in
:mod:`storage.migrations.ladder`). An expert's and a secretary's workspace share it."""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from storage.migrations import ladder
from storage.migrations.ladder import Migration
from storage.migrations.m001_initial import m001_initial
from storage.migrations.m002_kit import m002_kit
from storage.migrations.m003_secretary import m003_secretary
from storage.migrations.m004_sealed_drafts import m004_sealed_drafts
from storage.migrations.m005_view_state import m005_view_state
from storage.migrations.m006_draft_reports import m006_draft_reports
from storage.migrations.m007_round_notices import m007_round_notices
from storage.migrations.m008_no_form_text import m008_no_form_text
from storage.migrations.m009_sealed_secretary import m009_sealed_secretary

MIGRATIONS: tuple[Migration, ...] = (
    m001_initial,
    m002_kit,
    m003_secretary,
    m004_sealed_drafts,
    m005_view_state,
    m006_draft_reports,
    m007_round_notices,
    m008_no_form_text,
    m009_sealed_secretary,
)
SCHEMA_VERSION = len(MIGRATIONS)
SCRUB_AFTER = 8
"""A database migrated from below this version had plaintext removed by the ladder
(``m008_no_form_text``): its opener rewrites the file (VACUUM) once the ladder has run."""


def migrate(db: sqlite_utils.Database, steps: Sequence[Migration] = MIGRATIONS) -> int:
    """:func:`storage.migrations.ladder.migrate` over this ladder; ``steps`` is a parameter
    only so tests can stop early or add a later migration."""
    return ladder.migrate(db, steps)


__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SCRUB_AFTER", "Migration", "migrate"]
