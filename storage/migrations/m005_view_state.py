"""Migration 5 (``m005_view_state``): where each expert was in the window.

One row per (meeting, expert), replaced on every navigation, PDF page turn and clock
action (``storage/workspace/view_state.py``), read once at sign-in (``app/expert/view_state.py``).
The row is a convenience, not a record of the meeting: it is not in the audit log, and a
row naming an application or attachment that is gone is ignored when read, so there is no
foreign key to ``applications``. It is keyed by the expert, so one expert's place is never
shown to another on a shared machine.
"""

from __future__ import annotations

import sqlite_utils

_M005 = (
    # page: an app.expert.flow.Page name in lower case ('materials'); an unknown one is
    # ignored on reading. attachment_zoom NULL: fit to width. The clock columns are all NULL
    # (no clock to restore) or all set; clock_at is the UTC time clock_elapsed_ms was read.
    """CREATE TABLE expert_view_state (
        meeting_id TEXT NOT NULL,
        expert_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        page TEXT NOT NULL,
        attachment TEXT,
        attachment_page INTEGER NOT NULL DEFAULT 0 CHECK (attachment_page >= 0),
        attachment_zoom REAL CHECK (attachment_zoom IS NULL OR attachment_zoom > 0),
        clock_phase TEXT CHECK (clock_phase IS NULL OR clock_phase IN ('report', 'qa')),
        clock_elapsed_ms INTEGER CHECK (clock_elapsed_ms IS NULL OR clock_elapsed_ms >= 0),
        clock_running INTEGER CHECK (clock_running IS NULL OR clock_running IN (0, 1)),
        clock_at TEXT,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (meeting_id, expert_id),
        FOREIGN KEY (meeting_id, expert_id) REFERENCES experts(meeting_id, id),
        CHECK ((clock_phase IS NULL) = (clock_elapsed_ms IS NULL)
            AND (clock_phase IS NULL) = (clock_running IS NULL)
            AND (clock_phase IS NULL) = (clock_at IS NULL))
    )""",
)


def m005_view_state(db: sqlite_utils.Database) -> None:
    """Where each expert was in the window (application, page, PDF page, hearing clock)."""
    for statement in _M005:
        db.execute(statement)
