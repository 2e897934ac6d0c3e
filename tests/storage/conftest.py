"""Fixtures for storage tests: a fresh workspace holding the factory meeting and rubric."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.workspace.core import Workspace
from tests.meeting_factory import Clock, make_meeting, make_rubric


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    return tmp_path / "meeting.review"


@pytest.fixture
def workspace(ws_path: Path, clock: Clock) -> Iterator[Workspace]:
    ws = Workspace.create(ws_path, make_meeting(), make_rubric(), "secretary", now=clock)
    yield ws
    ws.close()
