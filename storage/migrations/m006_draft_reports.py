"""Migration 6 (``m006_draft_reports``): the drafts experts reported in their sheet files.

A sheet file reports, for each application the expert holds only an unsubmitted draft for,
that a draft exists and when it was last edited (``sheet-v1.md`` section 4.3) — never its
content. The secretary keeps the state reported by the expert's latest file per (expert,
application, round) so the progress board can show "draft reported"; a row is removed once a
signed sheet or recusal for the pair is stored. Nothing here counts in consolidation.
"""

from __future__ import annotations

import sqlite_utils

_M006 = (
    """CREATE TABLE secretary_draft_reports (
        expert_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        round INTEGER NOT NULL CHECK (round >= 1),
        updated_at TEXT NOT NULL,
        file_created_at TEXT NOT NULL,
        PRIMARY KEY (expert_id, application_id, round)
    )""",
    # Which file of an expert's round was the latest one read: an older file imported later
    # must not bring back a draft the expert has since submitted.
    """CREATE TABLE secretary_draft_sources (
        expert_id TEXT NOT NULL,
        round INTEGER NOT NULL CHECK (round >= 1),
        file_created_at TEXT NOT NULL,
        source_file_sha256 TEXT NOT NULL,
        PRIMARY KEY (expert_id, round)
    )""",
)


def m006_draft_reports(db: sqlite_utils.Database) -> None:
    """Draft reports collected from sheet files, and the latest file they came from."""
    for statement in _M006:
        db.execute(statement)
