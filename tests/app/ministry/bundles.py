"""Bundles and a byte-level snapshot of a database file, for the ministry tests."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from app.results import build_bundle
from tests.app.results.factory import SIGNED_AT, Scenario


def build_bundles(scenario: Scenario, base: Path) -> dict[str, bytes]:
    """``v1``, another ``v1`` (other bytes: a fresh signature) and ``v2`` of one meeting."""
    made: dict[str, bytes] = {}
    for key, version in (("v1", 1), ("v1-other", 1), ("v2", 2)):
        out = base / key
        build_bundle(
            scenario.bundle_input(bundle_version=version), scenario.secretary, out, SIGNED_AT
        )
        made[key] = out.read_bytes()
    assert made["v1"] != made["v1-other"]
    return made


def snapshot(db: Path) -> tuple[object, ...]:
    """Every file of the database (main, -wal, -shm) byte for byte, and a logical dump."""
    files = tuple(
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(db.parent.iterdir())
        if p.name.startswith(db.name)
    )
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        dump = hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()
    # The read-only dump connection leaves -wal/-shm behind; remove them so the next
    # snapshot starts from the same files (a writer would clean them up on close too).
    for suffix in ("-wal", "-shm"):
        extra = db.with_name(db.name + suffix)
        if extra.exists() and not any(name == extra.name for name, _ in files):
            extra.unlink()
    return (*files, dump)


def database_snapshot(db: Path) -> tuple[object, ...]:
    """:func:`snapshot` of the database's own files only: the refusal journal beside it
    (``<db>.refusals.jsonl``) is not part of the database."""
    return tuple(
        item
        for item in snapshot(db)
        if not (isinstance(item, tuple) and str(item[0]).endswith(".refusals.jsonl"))
    )
