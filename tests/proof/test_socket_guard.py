"""M19: the socket guard (tests/socket_guard.py) is on for this folder and for tests/ui, and it
does fire: any socket but AF_UNIX raises, and the attempt is counted even when caught."""

from __future__ import annotations

import socket

import pytest

from tests import socket_guard
from tests.socket_guard import NetworkUsed, no_network


def test_an_inet_socket_raises_under_the_guard() -> None:
    with no_network() as seen:
        for family in (socket.AF_INET, socket.AF_INET6):
            with pytest.raises(NetworkUsed):
                socket.socket(family, socket.SOCK_STREAM)
        with pytest.raises(NetworkUsed):
            socket.create_connection(("127.0.0.1", 9), timeout=1)
    assert len(seen) == 3
    socket_guard.discard_last(3)  # made on purpose: the autouse teardown check must pass


def test_local_sockets_stay_allowed() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.sendall(b"x")
        assert right.recv(1) == b"x"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM):
        pass


def test_this_folder_runs_guarded() -> None:
    """The autouse fixture has the guard on here: a caught attempt is still counted."""
    before = len(socket_guard.attempts())
    with pytest.raises(OSError):
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    assert len(socket_guard.attempts()) == before + 1
    socket_guard.discard_last(1)


def test_the_guard_is_on_here_and_only_for_its_folders(request: pytest.FixtureRequest) -> None:
    assert socket_guard.active()
    assert socket_guard._guarded(request.node)
    assert socket_guard.GUARDED == ("tests/ui/", "tests/proof/")


@pytest.fixture(scope="module")
def guarded_at_module_setup() -> bool:
    return socket_guard.active()


def test_module_fixtures_are_made_under_the_guard(guarded_at_module_setup: bool) -> None:
    """A meeting played in a module fixture (tests/app/demo/test_complete.py) is guarded."""
    assert guarded_at_module_setup
