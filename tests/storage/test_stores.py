"""storage/stores.py: the stores the composition roots hand the core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest

from app.errors import StorageError
from storage.stores import SqliteStores
from tests.meeting_factory import EXPERT, MEETING, Clock, make_meeting, make_rubric

REPO = Path(__file__).resolve().parents[2]


def test_stores_create_and_open_a_workspace_file(tmp_path: Path) -> None:
    stores = SqliteStores()
    path = tmp_path / "workspace.sqlite"
    stores.create_workspace(path, make_meeting(), make_rubric(), "test", now=Clock()).close()
    with pytest.raises(StorageError):
        stores.create_workspace(path, make_meeting(), make_rubric(), "test", now=Clock())
    with stores.open_workspace(path) as ws:
        assert [m.id for m in ws.meetings()] == [MEETING]
        assert ws.kit_record() is None
        assert stores.view_states(ws).view_state(MEETING, EXPERT) is None


def test_sealed_drafts_and_view_states_need_a_workspace_these_stores_opened() -> None:
    stranger = cast(Any, object())
    with pytest.raises(TypeError, match="not opened by SqliteStores"):
        SqliteStores().sealed_drafts(stranger, cast(Any, None))
    with pytest.raises(TypeError, match="not opened by SqliteStores"):
        SqliteStores().view_states(stranger)


def test_making_the_stores_loads_no_sqlite_module() -> None:
    """The window makes its stores at start-up, before any workspace is opened."""
    code = (
        "import sys; from storage.stores import SqliteStores; SqliteStores(); "
        "print(sorted(m for m in sys.modules if m.startswith(('sqlite', 'storage.workspace'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
