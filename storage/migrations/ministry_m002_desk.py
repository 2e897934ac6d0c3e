"""Ministry migration 2 (``m002_desk``): what the ministry's desk keeps beyond the figures.

- ``reports``: the report PDF of each imported bundle version whose documents were checked
  (signed by the roster's chair, then the secretary), at most 64 MiB as bundle v1 section 4
  allows, so the desk shows the signed report from memory; never updated or deleted, like
  the import history it belongs to.
- ``application_tags``: each current application's normalised sub-domain tags (meeting v2),
  for the overlap check across meetings; a meeting imported before this version has none
  and is compared on its sub-domain names.
- ``approved_platforms``: the approved national platforms the overlap check compares with,
  edited at the desk (``source`` ``desk``) or taken from a list file (``resource``); a
  removal is a mark with its time, actor and reason, never a deleted row, and each change
  has its audit entry (subject ``platform:<id>``).
- indexes for the cross-meeting reads: experts by certificate fingerprint, applications by
  sub-domain and by applicant unit.
"""

from __future__ import annotations

import sqlite_utils

MAX_REPORT_BYTES = 64 * 1024 * 1024
"""Bundle v1, section 4: ``report.pdf`` at most 64 MiB."""

_M002 = (
    f"""CREATE TABLE reports (
        meeting_id TEXT NOT NULL,
        bundle_version INTEGER NOT NULL,
        report_pdf BLOB NOT NULL CHECK (length(report_pdf) BETWEEN 1 AND {MAX_REPORT_BYTES:d}),
        report_sha256 TEXT NOT NULL CHECK (length(report_sha256) = 64),
        PRIMARY KEY (meeting_id, bundle_version),
        FOREIGN KEY (meeting_id, bundle_version) REFERENCES bundles (meeting_id, bundle_version)
    )""",
    """CREATE TRIGGER reports_no_update BEFORE UPDATE ON reports
        BEGIN SELECT RAISE(ABORT, 'the signed reports are append-only'); END""",
    """CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
        BEGIN SELECT RAISE(ABORT, 'the signed reports are append-only'); END""",
    """CREATE TABLE application_tags (
        meeting_id TEXT NOT NULL,
        application_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        tag TEXT NOT NULL,
        PRIMARY KEY (meeting_id, application_id, position),
        FOREIGN KEY (meeting_id, application_id) REFERENCES applications (meeting_id, id)
    )""",
    "CREATE INDEX application_tags_by_tag ON application_tags (tag)",
    """CREATE TABLE approved_platforms (
        id INTEGER PRIMARY KEY,
        platform_name_en TEXT NOT NULL,
        platform_name_zh TEXT NOT NULL,
        entrusted_unit_en TEXT NOT NULL,
        entrusted_unit_zh TEXT NOT NULL,
        sub_domain_en TEXT NOT NULL,
        sub_domain_zh TEXT NOT NULL,
        sub_domain_tags TEXT NOT NULL,
        approved_year INTEGER NOT NULL CHECK (approved_year BETWEEN 2000 AND 2100),
        reference TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('resource', 'desk')),
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL,
        added_reason TEXT NOT NULL,
        removed_at TEXT,
        removed_by TEXT,
        removed_reason TEXT,
        CHECK ((removed_at IS NULL) = (removed_by IS NULL)
               AND (removed_at IS NULL) = (removed_reason IS NULL))
    )""",
    """CREATE TRIGGER approved_platforms_removed_stay BEFORE UPDATE ON approved_platforms
        WHEN OLD.removed_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'a removed platform is not changed again'); END""",
    """CREATE TRIGGER approved_platforms_no_delete BEFORE DELETE ON approved_platforms
        BEGIN SELECT RAISE(ABORT, 'a platform is removed by a mark, never deleted'); END""",
    "CREATE INDEX experts_by_fingerprint ON experts (fingerprint, meeting_id)",
    "CREATE INDEX applications_by_sub_domain ON applications (sub_domain_en, sub_domain_zh)",
    "CREATE INDEX applications_by_unit ON applications (applicant_unit_en, applicant_unit_zh)",
)


def m002_desk(db: sqlite_utils.Database) -> None:
    """Signed reports, sub-domain tags, the approved-platform list, cross-meeting indexes."""
    for statement in _M002:
        db.execute(statement)
