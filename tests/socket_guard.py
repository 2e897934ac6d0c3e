"""No network (matrix M19): a socket guard for the UI suite and the end-to-end meeting tests.

While the guard is on, creating a socket of any family other than ``AF_UNIX`` raises
:class:`NetworkUsed` (Qt, asyncio and multiprocessing use local ``AF_UNIX`` sockets and
socket pairs; those stay allowed). Every refused attempt is also recorded, so a caller that
catches the error still fails the test at teardown: the count of network sockets must be 0.

Loaded from ``tests/conftest.py`` as a plugin; the module-scoped autouse fixture applies it
to every test module under ``tests/ui/`` and ``tests/proof/`` and to the end-to-end meeting
modules marked ``pytestmark = pytest.mark.no_network``; :func:`no_network` guards a
session fixture's own setup (the proof meeting is built under it). Session fixtures of the
UI suite (the QApplication) are made before any module's guard.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

GUARDED = ("tests/ui/", "tests/proof/")
"""Test files under these folders run with the guard on."""


class NetworkUsed(OSError):
    """A socket other than AF_UNIX was created while the guard was on."""


_attempts: list[str] = []
_depth = 0
_original_init = socket.socket.__init__


def _guarded_init(self: socket.socket, *args: Any, **kwargs: Any) -> None:
    _original_init(self, *args, **kwargs)
    if _depth and self.family != socket.AF_UNIX:
        family = self.family
        self.close()
        _attempts.append(str(family))
        raise NetworkUsed(f"network socket ({family}) created under the socket guard")


def attempts() -> tuple[str, ...]:
    """Every non-AF_UNIX socket refused so far in this process."""
    return tuple(_attempts)


def discard_last(count: int) -> None:
    """Forget the last ``count`` attempts (a test of the guard itself makes them on purpose)."""
    del _attempts[len(_attempts) - count :]


def active() -> bool:
    return _depth > 0


@contextlib.contextmanager
def no_network() -> Iterator[list[str]]:
    """Refuse non-AF_UNIX sockets inside the block; yields the attempts made in it."""
    global _depth
    start = len(_attempts)
    if _depth == 0:
        socket.socket.__init__ = _guarded_init  # type: ignore[method-assign]
    _depth += 1
    seen: list[str] = []
    try:
        yield seen
    finally:
        _depth -= 1
        if _depth == 0:
            socket.socket.__init__ = _original_init  # type: ignore[method-assign]
        seen.extend(_attempts[start:])


def _guarded(item: pytest.Item | pytest.Collector) -> bool:
    path = Path(str(item.path)).as_posix()
    return any(f"/{folder}" in path for folder in GUARDED) or (
        item.get_closest_marker("no_network") is not None
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "no_network: run the test under the socket guard (M19)")


@pytest.fixture(autouse=True, scope="module")
def _socket_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """Module-scoped, so the module's own fixtures (a meeting played once per module) run
    under the guard too: autouse fixtures are set up first within their scope."""
    if not _guarded(request.node):
        yield
        return
    with no_network() as seen:
        yield
    assert seen == [], f"network sockets created in {request.node.nodeid}: {seen}"
