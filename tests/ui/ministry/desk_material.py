"""Material for the desk pages' tests: a ministry database holding one verified meeting
(imported once per module, copied per test), officers, and a dialog service whose file
pickers answer from a list."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.ministry.importing import import_bundle
from app.results import build_bundle
from storage.ministry.database import MinistryDatabase
from tests.app.results.factory import SIGNED_AT, VERIFY_AT, Scenario
from tests.ui.conftest import RecordingDialogs

AT = VERIFY_AT + dt.timedelta(hours=1)
"""The desk's clock in these tests (the certificates are valid then)."""
MEETING = "m-2026-ai-01"


def imported_database(scenario: Scenario, base: Path) -> Path:
    """A ministry database holding version 1 of the scenario's meeting."""
    bundle = base / "v1"
    build_bundle(scenario.bundle_input(bundle_version=1), scenario.secretary, bundle, SIGNED_AT)
    db = base / "ministry.db"
    import_bundle(
        MinistryDatabase(db), bundle.read_bytes(), scenario.roots, VERIFY_AT, documents=None
    )
    return db


def copy_database(db: Path, folder: Path) -> Path:
    """The database file alone (no -wal is left behind by a closed store) in ``folder``."""
    assert not db.with_name(db.name + "-wal").exists()
    target = folder / db.name
    shutil.copyfile(db, target)
    return target


@dataclass
class SavingDialogs(RecordingDialogs):
    """:class:`RecordingDialogs` whose save pickers answer from ``saved_paths``."""

    saved_paths: list[Path | None] = field(default_factory=list)

    def save_file(
        self, parent: QWidget | None, title: str, name_filter: str = "", suggested: str = ""
    ) -> Path | None:
        return self.saved_paths.pop(0) if self.saved_paths else None  # never a real dialog
