"""``app.step_aside``: a worker's long loop pauses now and then for the window's thread, and
only when sharing is on, never on that thread itself."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from app import step_aside as module
from app.step_aside import EVERY_S, PAUSE_S, share_with, step_aside


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """The pauses taken, on a clock that moves only when told (1 ms per loop item)."""
    clock = [0.0]
    taken: list[float] = []

    def tick() -> float:
        clock[0] += 0.001
        return clock[0]

    monkeypatch.setattr(module.time, "perf_counter", tick)
    monkeypatch.setattr(module.time, "sleep", taken.append)
    monkeypatch.setattr(module, "_last", 0.0)
    monkeypatch.setattr(module, "_shared_with", module._shared_with)  # restored afterwards
    yield taken


def _in_a_worker(items: int) -> None:
    def loop() -> None:
        for _ in range(items):
            step_aside()

    worker = threading.Thread(target=loop)
    worker.start()
    worker.join()


def test_a_worker_pauses_every_few_milliseconds_of_its_loop(pauses: list[float]) -> None:
    share_with(threading.current_thread())
    items = 100  # 100 ms of loop on the fake clock (each item reads it, each pause twice)
    _in_a_worker(items)
    assert pauses and set(pauses) == {PAUSE_S}
    assert items * 0.001 / (EVERY_S + 0.002) <= len(pauses) <= items * 0.001 / EVERY_S + 1


def test_nothing_pauses_when_sharing_is_off(pauses: list[float]) -> None:
    share_with(None)
    _in_a_worker(100)
    assert pauses == []


def test_the_shared_thread_itself_never_pauses(pauses: list[float]) -> None:
    share_with(threading.current_thread())
    for _ in range(100):
        step_aside()
    assert pauses == []
