"""The hashed locks (requirements/*.txt, from installers/lock.sh) agree with pyproject.toml.

No network: both files are parsed. A pin changed in pyproject.toml without rerunning
``bash installers/lock.sh`` fails here.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RUNTIME = REPO / "requirements" / "runtime.txt"
TEST = REPO / "requirements" / "test.txt"

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> dict[str, object]:
    with (REPO / "pyproject.toml").open("rb") as fh:
        project = tomllib.load(fh)["project"]
    assert isinstance(project, dict)
    return project


def _direct(requirements: list[str]) -> dict[str, str]:
    pins: dict[str, str] = {}
    for requirement in requirements:
        match = PIN.match(requirement.strip())
        assert match, f"pyproject.toml: {requirement!r} is not pinned with =="
        pins[_name(match[1])] = match[2]
    return pins


def _lock(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes), from a pip-compile style file."""
    entries: dict[str, tuple[str, int]] = {}
    current: str | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash=sha256:"):
            assert current is not None, f"{path.name}: a hash before any requirement"
            version, count = entries[current]
            digest = line.removeprefix("--hash=sha256:").rstrip(" \\")
            assert re.fullmatch(r"[0-9a-f]{64}", digest), f"{path.name}: bad hash {line!r}"
            entries[current] = (version, count + 1)
            continue
        if line.startswith("-"):
            pytest.fail(f"{path.name}: unexpected option line {line!r}")
        match = PIN.match(line)
        assert match, f"{path.name}: {line!r} is not an exact pin"
        current = _name(match[1])
        assert current not in entries, f"{path.name}: {current} appears twice"
        entries[current] = (match[2], 0)
    return entries


def test_every_direct_dependency_is_pinned_exactly_in_pyproject() -> None:
    project = _pyproject()
    dependencies = project["dependencies"]
    extras = project["optional-dependencies"]
    assert isinstance(dependencies, list) and isinstance(extras, dict)
    _direct(dependencies)
    for deps in extras.values():
        _direct(deps)


@pytest.mark.parametrize("lock", [RUNTIME, TEST], ids=["runtime", "test"])
def test_every_locked_package_is_pinned_with_hashes(lock: Path) -> None:
    entries = _lock(lock)
    assert entries
    unhashed = sorted(name for name, (_, count) in entries.items() if count == 0)
    assert unhashed == []


def test_runtime_lock_matches_pyproject() -> None:
    dependencies = _pyproject()["dependencies"]
    assert isinstance(dependencies, list)
    locked = _lock(RUNTIME)
    for name, version in _direct(dependencies).items():
        assert name in locked, f"{name} is in pyproject.toml but not in {RUNTIME.name}"
        assert locked[name][0] == version, (
            f"{name}: pyproject.toml pins {version}, {RUNTIME.name} {locked[name][0]}; "
            "run: bash installers/lock.sh"
        )


def test_test_lock_matches_pyproject_and_the_runtime_lock() -> None:
    project = _pyproject()
    extras = project["optional-dependencies"]
    assert isinstance(extras, dict)
    locked = _lock(TEST)
    for extra in ("test", "dev"):
        for name, version in _direct(extras[extra]).items():
            assert locked.get(name, ("missing", 0))[0] == version, (
                f"{name} ({extra}): pyproject.toml pins {version}; run: bash installers/lock.sh"
            )
    runtime = _lock(RUNTIME)
    for name, (version, _) in runtime.items():
        assert locked.get(name, ("missing", 0))[0] == version, (
            f"{name}: {RUNTIME.name} has {version}, {TEST.name} differs"
        )


def _wanted_by_the_project(path: Path) -> set[str]:
    """The packages whose ``# via`` annotation names this project (its direct dependencies)."""
    wanted: set[str] = set()
    current: str | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        match = PIN.match(line)
        if match:
            current = _name(match[1])
        elif current and line.startswith("#") and "expert-review-desk (pyproject.toml)" in line:
            wanted.add(current)
    return wanted


def test_runtime_lock_holds_no_stale_direct_dependency() -> None:
    dependencies = _pyproject()["dependencies"]
    assert isinstance(dependencies, list)
    assert _wanted_by_the_project(RUNTIME) == set(_direct(dependencies))


def test_lock_knows_sqlite_utils_brings_pip() -> None:
    # sqlite-utils depends on pip at run time; the lock pins it like any other package.
    assert "pip" in _lock(RUNTIME)


def test_installer_stops_on_a_glibc_older_than_the_floor(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    fake = tmp_path / "python"
    fake.write_text(
        "#!/bin/sh\n"
        'case "$2" in *CS_GNU_LIBC_VERSION*) echo 2.28; exit 0;; esac\n'
        f'exec {sys.executable} "$@"\n'
    )
    fake.chmod(0o755)
    check = f". {REPO / 'installers' / 'glibc-check.sh'}; check_glibc"
    bash = shutil.which("bash")
    assert bash
    old = subprocess.run(
        [bash, "-c", f"{check} {fake}"], capture_output=True, text=True, timeout=60
    )
    assert old.returncode == 1
    assert "glibc 2.28" in old.stderr and "needs glibc 2.3" in old.stderr
    here = subprocess.run(
        [bash, "-c", f"{check} {sys.executable}"], capture_output=True, text=True, timeout=60
    )
    assert here.returncode == 0, here.stderr


def test_sbom_lists_every_locked_package(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(REPO / "installers"))
    import sbom

    wheelhouse = tmp_path / "wheelhouse"
    wheelhouse.mkdir()
    (wheelhouse / "babel-2.18.0-py3-none-any.whl").write_bytes(b"not really a wheel")
    document = sbom.sbom(RUNTIME, wheelhouse, "0.1.0")
    assert document["bomFormat"] == "CycloneDX" and document["specVersion"] == "1.5"
    components = document["components"]
    assert isinstance(components, list)
    listed = {c["name"]: c["version"] for c in components}
    assert listed == {name: version for name, (version, _) in _lock(RUNTIME).items()}
    babel = next(c for c in components if c["name"] == "babel")
    digest = babel["externalReferences"][0]["hashes"][0]["content"]
    assert digest == hashlib.sha256(b"not really a wheel").hexdigest()
    assert sbom.sbom(RUNTIME, wheelhouse, "0.1.0") == document  # reproducible


def test_release_and_installer_state_the_same_glibc_floor() -> None:
    check = (REPO / "installers" / "glibc-check.sh").read_text(encoding="utf-8")
    release = (REPO / "installers" / "build-release.sh").read_text(encoding="utf-8")
    floors = dict(re.findall(r"(x86_64|aarch64)[^)\n]*\) echo (2\.\d+) ;;", check))
    assert floors == {"x86_64": "2.34", "aarch64": "2.39"}
    levels = dict(re.findall(r"linux-(x86_64|aarch64)\) arch=\w+; floor=(\d+) ;;", release))
    assert {arch: f"2.{level}" for arch, level in levels.items()} == floors
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "glibc ≥ 2.34 (x86_64) or ≥ 2.39 (arm64)" in readme
