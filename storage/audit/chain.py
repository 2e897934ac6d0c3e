"""The hash-chained audit log: one entry per change, in the change's own transaction.

Entry *i* holds ``seq, at, actor, action, subject, digest`` plus ``prev_hash`` (entry *i-1*'s
``entry_hash``; 64 zeros for the first entry) and::

    entry_hash = SHA-256( bytes.fromhex(prev_hash)
                          || canonical_json({"seq", "at", "actor", "action", "subject", "digest"}) )

``digest`` is ``SHA-256(canonical_json(state))`` of the changed subject's *new* state (the
document :mod:`storage.audit.subjects` builds from the stored domain object; ``null`` when the
change deleted it). Canonical JSON here is ``json.dumps(obj, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`` encoded as UTF-8; every value is a string, integer, bool, null, list or
object (decimals and times are strings), so this is byte-stable. (Signed documents use RFC 8785;
the log never leaves the machine unsigned, so the simpler form is enough.)

What :func:`verify_chain` detects:

- an edited entry (any field, including ``digest``): its hash no longer matches;
- a deleted entry: a gap in ``seq``, or (if the rows after it were renumbered) a broken link;
- reordered entries: an entry's hash matches its content only under another ``seq``;
- with ``current_digest``: a subject whose stored state no longer matches the digest of its
  latest entry (a data row edited behind the program's back).

What it cannot detect: removal of the *last* entries (truncation), or a chain rebuilt from
scratch by someone who recomputes every hash. Only a head hash recorded elsewhere (an exported,
signed checkpoint: ``count`` and ``head_hash``) exposes those; pass it as ``checkpoint``.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

GENESIS = "0" * 64
TABLE = "audit_log"


def canonical_json(value: Any) -> bytes:
    """The exact bytes that are hashed; see the module docstring."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest_of(state: Any) -> str:
    """SHA-256 (hex) of a subject's state document, ``None`` for a deleted subject."""
    return hashlib.sha256(canonical_json(state)).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    actor: str
    action: str
    subject: str
    digest: str
    prev_hash: str
    entry_hash: str

    def content(self, seq: int | None = None) -> dict[str, Any]:
        return {
            "seq": self.seq if seq is None else seq,
            "at": self.at,
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "digest": self.digest,
        }


def entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    try:
        prev = bytes.fromhex(prev_hash)
    except ValueError:
        prev = prev_hash.encode("utf-8")  # a tampered, non-hex value still hashes (and fails)
    return hashlib.sha256(prev + canonical_json(content)).hexdigest()


def append(
    db: sqlite_utils.Database,
    *,
    at: dt.datetime,
    actor: str,
    action: str,
    subject: str,
    state: Any,
    after: AuditEntry | None = None,
) -> AuditEntry:
    """Append one entry. The caller must be inside the ``db.atomic()`` block of the change it
    records, so the change and its entry commit (or vanish) together. ``after``: see
    :func:`append_many`."""
    return append_many(db, at=at, actor=actor, changes=((action, subject, state),), after=after)[-1]


def append_many(
    db: sqlite_utils.Database,
    *,
    at: dt.datetime,
    actor: str,
    changes: Sequence[tuple[str, str, Any]],
    after: AuditEntry | None = None,
) -> tuple[AuditEntry, ...]:
    """Append one entry per ``(action, subject, state)`` of ``changes``, in order, with one
    statement, inside the change's transaction (as :func:`append`).

    ``after`` is the entry this same transaction appended last, when the caller knows it (it
    then saves reading the chain's head); nothing else may have appended since. Were it stale
    anyway, the insert would fail on the taken ``seq`` (the primary key) rather than fork the
    chain.
    """
    if not db.conn.in_transaction:
        raise RuntimeError("audit.append must run inside the change's transaction")
    if after is None:
        last = db.execute(
            f"SELECT seq, entry_hash FROM {TABLE} ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        seq, prev = (0, GENESIS) if last is None else (int(last[0]), str(last[1]))
    else:
        seq, prev = after.seq, after.entry_hash
    when = at.isoformat()
    appended: list[AuditEntry] = []
    for action, subject, state in changes:
        seq += 1
        digest = digest_of(state)
        content = {
            "seq": seq,
            "at": when,
            "actor": actor,
            "action": action,
            "subject": subject,
            "digest": digest,
        }
        entry = AuditEntry(
            seq, when, actor, action, subject, digest, prev, entry_hash(prev, content)
        )
        appended.append(entry)
        prev = entry.entry_hash
    db.conn.executemany(
        f"INSERT INTO {TABLE} (seq, at, actor, action, subject, digest, prev_hash, entry_hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (e.seq, e.at, e.actor, e.action, e.subject, e.digest, e.prev_hash, e.entry_hash)
            for e in appended
        ],
    )
    return tuple(appended)


def entries(db: sqlite_utils.Database) -> list[AuditEntry]:
    rows = db.execute(
        f"SELECT seq, at, actor, action, subject, digest, prev_hash, entry_hash FROM {TABLE}"
        " ORDER BY seq"
    ).fetchall()
    return [
        AuditEntry(
            int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]), str(r[7])
        )
        for r in rows
    ]


class AuditProblem(enum.Enum):
    EDITED = "edited"
    DELETED = "deleted"
    REORDERED = "reordered"
    STATE_CHANGED = "state_changed"
    """The subject's stored data no longer matches the digest its latest entry recorded."""
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"
    """Fewer entries than a recorded checkpoint, or a different hash at its position."""


@dataclass(frozen=True)
class AuditReport:
    """Outcome of :func:`verify_chain`; ``first_bad_seq`` and ``reason`` are set when not ok."""

    ok: bool
    count: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: AuditProblem | None = None
    subject: str | None = None


@dataclass(frozen=True)
class Checkpoint:
    """A (count, head hash) pair recorded outside the database, e.g. in a signed export."""

    count: int
    head_hash: str


def verify_chain(
    db: sqlite_utils.Database,
    *,
    current_digest: Callable[[str], str | None] | None = None,
    checkpoint: Checkpoint | None = None,
) -> AuditReport:
    """Recompute the chain and report the first broken entry.

    ``current_digest(subject)`` returns the digest of the subject's state as stored now (or
    ``None`` when the subject kind is unknown to it); each subject's latest entry is compared
    with it.
    """
    log = entries(db)
    prev = GENESIS
    hashes = {e.entry_hash for e in log}
    for position, entry in enumerate(log, start=1):
        problem = _check(entry, position, prev, log, hashes)
        if problem is not None:
            return AuditReport(False, len(log), _head(log), position, problem, entry.subject)
        prev = entry.entry_hash
    if checkpoint is not None:
        at = log[checkpoint.count - 1] if 0 < checkpoint.count <= len(log) else None
        if (at is None and checkpoint.count != 0) or (
            at is not None and at.entry_hash != checkpoint.head_hash
        ):
            bad = min(checkpoint.count, len(log) + 1)
            return AuditReport(
                False, len(log), _head(log), bad, AuditProblem.CHECKPOINT_MISMATCH, None
            )
    if current_digest is not None:
        latest: dict[str, AuditEntry] = {}
        for entry in log:
            latest[entry.subject] = entry
        for subject, entry in sorted(latest.items(), key=lambda item: item[1].seq):
            now = current_digest(subject)
            if now is not None and now != entry.digest:
                return AuditReport(
                    False, len(log), _head(log), entry.seq, AuditProblem.STATE_CHANGED, subject
                )
    return AuditReport(True, len(log), _head(log))


def _check(
    entry: AuditEntry, position: int, prev: str, log: list[AuditEntry], hashes: set[str]
) -> AuditProblem | None:
    if entry.seq != position:
        return AuditProblem.DELETED if entry.seq > position else AuditProblem.REORDERED
    self_consistent = entry_hash(entry.prev_hash, entry.content()) == entry.entry_hash
    if self_consistent and entry.prev_hash == prev:
        return None
    if not self_consistent:
        # Content that hashes correctly under another sequence number was moved here.
        for other in range(1, len(log) + 2):
            if other != position and (
                entry_hash(entry.prev_hash, entry.content(other)) == entry.entry_hash
            ):
                return AuditProblem.REORDERED
        return AuditProblem.EDITED
    # Intact entry that does not follow its predecessor: it belongs after another entry
    # (reordered), or what it followed is gone (deleted, rows renumbered or re-hashed).
    if entry.prev_hash in hashes:
        return AuditProblem.REORDERED
    return AuditProblem.DELETED


def _head(log: list[AuditEntry]) -> str:
    return log[-1].entry_hash if log else GENESIS
