"""Shared fixtures. Qt runs offscreen; the language is reset to English for every test."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent

# M19: the UI suite and the proof suite run under the socket guard (tests/socket_guard.py).
pytest_plugins = ["tests.socket_guard"]

# Property tests count examples, never time: no per-example deadline and no "too slow" health
# check (both measure wall-clock time, which a busy CI machine stretches many times over), and
# derandomised so every run tries the same inputs.
settings.register_profile(
    "review-desk",
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("review-desk")
SHARED = REPO.parent / "shared"
AGE_VECTORS = SHARED / "vectors" / "age" / "testdata"


# Under pytest-xdist (``--dist loadfile``, pyproject.toml) each test module runs whole in one
# worker. The modules of these folders share an expensive session fixture (the proof suite's
# canary meeting, the expert UI's demo material): they go to one worker together, so the
# fixture is built once per run instead of once per worker.
SHARED_SESSION_FOLDERS = ("tests/proof/", "tests/ui/expert/")


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    if config.getoption("dist", None) != "loadfile":
        return None  # another distribution was asked for: xdist's own
    from xdist.scheduler import LoadFileScheduling

    class SharedFixtureScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            folder = next((f for f in SHARED_SESSION_FOLDERS if nodeid.startswith(f)), None)
            return folder if folder is not None else super()._split_scope(nodeid)

    return SharedFixtureScheduling(config, log)  # type: ignore[arg-type]


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``tool("age")`` fails (never skips) when the program is missing.

    Outside programs are the judges of our files; ``installers/setup.sh test`` installs them,
    so a missing one is a broken machine, not a reason to look green.
    """
    for marker in item.iter_markers("tool"):
        for name in marker.args:
            if shutil.which(name) is None:
                pytest.fail(f"{name} is not installed; run: bash installers/setup.sh test")


@pytest.fixture(autouse=True, scope="session")
def _catalog_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The parsed-catalog cache (``app.i18n.catalog_cache_dir``) goes to the run's own
    folder, not the user's; child processes inherit it."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    from app.i18n import set_language

    set_language("en")
    yield
    set_language("en")


_exit_status = 0


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Leave without Python's final garbage collection once Qt has been loaded.

    PySide6 6.12 aborts the interpreter while tearing down one of its enum types during
    finalisation ("none_dealloc: deallocating None", seen with gdb in ``type_clear``), after
    every test has passed. The exit status and the printed summary are kept; the program
    itself leaves the same way (ui/launch.py).
    """
    if "PySide6" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status)
