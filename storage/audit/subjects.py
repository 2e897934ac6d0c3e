"""Audit subjects: ``kind:key[/key...]`` naming what an audit entry changed.

Keys are percent-encoded, so ids containing ``/`` or ``:`` still parse back unambiguously.
Kinds: ``rubric``, ``meeting``, ``conflict`` (meeting/expert/application), ``note``,
``sheet``, ``opinion`` (meeting/application/round), ``kit`` (kit hash), ``draft_key``
(meeting/expert), ``signed_copy`` (sheet id), ``round_notice`` (round); and those of a
meeting secretary's own tables, every one named ``secretary-...``.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

RUBRIC = "rubric"
MEETING = "meeting"
CONFLICT = "conflict"
NOTE = "note"
SHEET = "sheet"
OPINION = "opinion"
KIT = "kit"
DRAFT_KEY = "draft_key"
SIGNED_COPY = "signed_copy"
ROUND_NOTICE = "round_notice"

# The secretary's own tables (storage/secretary/): the setup, roster and agenda are one
# subject each; the others are keyed.
SETUP = "secretary-setup"
ROSTER = "secretary-roster"
PACKAGE = "secretary-package"
AGENDA = "secretary-agenda"
ROUND = "secretary-round"
SIGNED_SHEET = "secretary-signed-sheet"
RECUSAL = "secretary-recusal"
SHEET_FILE = "secretary-sheet-file"
APPROVAL = "secretary-approval"
DRAFT_REPORTS = "secretary-draft-reports"
WORKSPACE_KEY = "secretary-workspace-key"
"""The secretary workspace's key (secretary-workspace-v1 §2): one subject, no keys."""


def subject(kind: str, *keys: object) -> str:
    return kind + ":" + "/".join(quote(str(k), safe="") for k in keys)


def parse(text: str) -> tuple[str, tuple[str, ...]]:
    kind, _, rest = text.partition(":")
    return kind, tuple(unquote(k) for k in rest.split("/")) if rest else ()
