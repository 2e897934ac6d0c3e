"""The built wheel works when installed: not editable, in a fresh venv, run from outside the
repository, with no network.

The venv gets the project's wheel (``--no-deps``) and, for the dependencies, one ``.pth`` line
naming the running environment's site-packages (a ``.pth`` line adds a folder to ``sys.path``
without running that folder's own ``.pth`` files, so the running environment's editable
install of this project stays out). Building needs nothing from the network: the project's
backend is standard library only (installers/wheel_backend.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "installers"))
import wheel_backend  # noqa: E402

pytestmark = pytest.mark.slow


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_"))}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp / "home"),
        PIP_CONFIG_FILE=os.devnull,
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("wheel")
    (tmp / "home").mkdir()
    env = _clean_env(tmp)
    wheels = tmp / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        env=env,
        timeout=300,
    )
    (wheel,) = wheels.glob("expert_review_desk-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python3*/site-packages"))
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    subprocess.run(
        [*pip, "install", "-q", "--no-deps", str(wheel)],
        check=True,
        env=env,
        timeout=300,
    )
    return wheel, venv, env


def test_wheel_carries_packages_and_shipped_data(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    wheel, _, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = "app/_shipped/"
    for needed in (
        "app/cli/__init__.py",
        "ui/launch.py",
        "storage/stores.py",
        "export/report_pdf.py",
        f"{shipped}resources/fonts/WenQuanYiMicroHei.ttf",
        f"{shipped}resources/fonts/LICENSE-Apache-2.0.txt",
        f"{shipped}resources/fonts/ARPLUMingCN.ttf",
        f"{shipped}resources/fonts/ARPHICPL.TXT",
        f"{shipped}resources/fonts/LiberationSerif-Regular.ttf",
        f"{shipped}resources/fonts/COPYRIGHT-liberation.txt",
        f"{shipped}resources/locale/zh_CN/LC_MESSAGES/review_desk.po",
        f"{shipped}resources/rubrics/most-2019-default.json",
        f"{shipped}resources/demo/meeting.json",
        f"{shipped}resources/demo/sample_sheets.json",
        f"{shipped}resources/approved_platforms.json",
        f"{shipped}docs/user-guide.md",
    ):
        assert needed in names, needed
    assert not [n for n in names if "__pycache__" in n or "/parts/" in n or n.startswith("tests/")]
    # Every file of resources/ the backend ships is in the wheel.
    expected = {name for name, _ in wheel_backend.wheel_files()}
    assert expected <= names


def test_installed_wheel_finds_its_data_outside_the_repository(
    installed: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    _, venv, env = installed
    python = venv / "bin" / "python"
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import json, app, app.paths as p;"
            "print(json.dumps([app.__file__, str(p.ROOT), p.CJK_FONT.is_file(),"
            " p.USER_GUIDE.is_file()]))",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    module, root, font, guide = json.loads(probe.stdout)
    assert Path(module).is_relative_to(venv) and Path(root).is_relative_to(venv)
    assert font and guide

    version = subprocess.run(
        [str(venv / "bin" / "review-desk"), "--version"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == "review-desk 0.1.0"

    chinese = subprocess.run(
        [str(venv / "bin" / "review-desk"), "--lang", "zh_CN", "demo", "--help"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert chinese.returncode == 0, chinese.stderr
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.stdout), chinese.stdout


def test_installed_wheel_plays_the_complete_demo(
    installed: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    _, venv, env = installed
    out = tmp_path / "demo"
    result = subprocess.run(
        [str(venv / "bin" / "review-desk"), "demo", "--no-gui", "--dir", str(out), "--complete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Results SHA-256" in result.stdout
    for name in ("demo-report.pdf", "demo-results.xlsx", "demo-results.oibundle"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "demo-report.pdf").read_bytes().startswith(b"%PDF-")


def test_wheel_is_reproducible(tmp_path: Path) -> None:
    first = wheel_backend.build_wheel(str(tmp_path))
    data = (tmp_path / first).read_bytes()
    (tmp_path / first).unlink()
    assert wheel_backend.build_wheel(str(tmp_path)) == first
    assert (tmp_path / first).read_bytes() == data


def test_editable_wheel_names_the_repository(tmp_path: Path) -> None:
    name = wheel_backend.build_editable(str(tmp_path))
    with zipfile.ZipFile(tmp_path / name) as zf:
        (pth,) = [n for n in zf.namelist() if n.endswith(".pth")]
        assert zf.read(pth).decode().strip() == str(REPO)
        entry_points = zf.read(next(n for n in zf.namelist() if n.endswith("entry_points.txt")))
    assert b"review-desk = app.cli:main" in entry_points


def test_sdist_rebuilds_the_same_wheel(tmp_path: Path) -> None:
    import tarfile

    sdist = wheel_backend.build_sdist(str(tmp_path))
    with tarfile.open(tmp_path / sdist) as tar:
        tar.extractall(tmp_path / "src", filter="data")
    (source,) = (tmp_path / "src").iterdir()
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        check=True,
        env=_clean_env(tmp_path),
        timeout=300,
    )
    (from_sdist,) = wheels.glob("*.whl")
    direct = wheel_backend.build_wheel(str(tmp_path))
    assert from_sdist.name == direct
    assert from_sdist.read_bytes() == (tmp_path / direct).read_bytes()
