"""The full demo material: identities on the roster, documented passphrases, age interop."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.demo.build import DEMO_MEETING_PASSPHRASE, expert_passphrase
from app.expert.session import unlock
from app.kit.meeting_key import unlock_meeting_key
from app.workspaces import ensure_demo_workspace, read_meeting
from storage.stores import SqliteStores
from tests.app.kit.conftest import Demo, session_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return session_demo(tmp_path_factory)


def test_seven_experts_are_on_the_roster_and_unlock(demo: Demo) -> None:
    meeting, _rubric = read_meeting(SqliteStores(), demo.summary.workspace)
    experts = [n for n in demo.summary.identities if n not in ("issuer", "secretary")]
    assert len(experts) == 7 and all(p.exists() for p in demo.summary.identities.values())
    for expert in meeting.experts:
        data = demo.summary.identities[str(expert.id)].read_bytes()
        session = unlock(meeting, data, expert_passphrase(str(expert.id)).encode(), demo.now)
        assert session.expert.id == expert.id and expert.fingerprint == session.fingerprint


def test_age_decrypts_a_demo_package_with_the_meeting_key(demo: Demo, tmp_path: Path) -> None:
    key = unlock_meeting_key(demo.summary.meeting_key.read_bytes(), DEMO_MEETING_PASSPHRASE)
    key_file = tmp_path / "meeting.key"
    key_file.write_text(key.secret_text() + "\n")
    result = subprocess.run(
        ["age", "-d", "-i", str(key_file), str(demo.summary.packages_dir / "a01.oipkg")],
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"PK\x03\x04")


def test_an_existing_demo_is_kept(demo: Demo, capsys: pytest.CaptureFixture[str]) -> None:
    before = demo.summary.workspace.stat().st_mtime_ns
    path, created = ensure_demo_workspace(SqliteStores(), demo.summary.directory)
    assert path == demo.summary.workspace and not created
    assert demo.summary.workspace.stat().st_mtime_ns == before
    from app.cli import main

    assert main(["demo", "--no-gui", "--dir", str(demo.summary.directory)]) == 0
    out = capsys.readouterr().out
    assert "already present" in out and "meeting.oikit" in out and "demo-expert-e07" in out
    assert DEMO_MEETING_PASSPHRASE in out
