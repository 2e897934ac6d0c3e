"""Issue 11: a real meeting published from the secretary's command line, checked by the
outside tools and by the ministry (``pdfsig``, ``results verify``, ``results import``)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.app.crypto.pki_fixtures import PkiFixture
from tests.app.secretary.publish_world import World, cli, publish_world

pytestmark = pytest.mark.no_network  # M19: the meeting runs under the socket guard


@dataclass(frozen=True)
class Run:
    world: World
    folder: Path
    out: Path
    output: str

    def printed(self, label: str) -> Path:
        match = re.search(rf"^{re.escape(label)}: (.+)$", self.output, re.MULTILINE)
        assert match, self.output
        return Path(match.group(1))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, pkiset: PkiFixture) -> World:
    return publish_world(tmp_path_factory, pkiset)


@pytest.fixture(scope="module")
def run(world: World, tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("published")
    folder = world.copy(world.ready, base)
    out = base / "outputs"
    out.mkdir()
    code, configured = cli(
        "secretary", "ministry-recipient", "--dir", str(folder), "--cert", str(world.ministry_pem)
    )
    assert code == 0, configured
    code, output = cli(*_publish_args(world, folder, out))
    assert code == 0, output
    return Run(world, folder, out, output)


def _publish_args(world: World, folder: Path, out: Path, *extra: str) -> list[str]:
    return [
        "secretary",
        "publish",
        "--dir",
        str(folder),
        "--identity",
        str(world.secretary_p12),
        "--passphrase-file",
        str(world.passphrase),
        "--chair-identity",
        str(world.chair_p12),
        "--chair-passphrase-file",
        str(world.passphrase),
        "--out",
        str(out),
        *extra,
    ]


def _tool(*args: str | Path) -> str:
    return subprocess.run(
        [str(a) for a in args], check=True, capture_output=True, text=True, timeout=180
    ).stdout


def test_publish_writes_the_three_outputs_with_the_bundle_version_in_their_names(run: Run) -> None:
    report = run.printed("Signed report (chair, then secretary)")
    workbook = run.printed("Workbook")
    bundle = run.printed("Result bundle (encrypted to the ministry)")
    assert report == run.out / "pub-2026-05-v1-report.pdf"
    assert workbook == run.out / "pub-2026-05-v1-results.xlsx"
    assert bundle == run.out / "pub-2026-05-v1.oibundle"
    assert sorted(p.name for p in run.out.iterdir()) == sorted(
        p.name for p in (report, workbook, bundle)
    )
    assert "Verified: the bundle reads back with the ministry's verifier (version 1)." in run.output


@pytest.mark.tool("pdfsig")
def test_pdfsig_shows_two_valid_signatures_chair_first(run: Run) -> None:
    out = _tool("pdfsig", "-nocert", run.printed("Signed report (chair, then secretary)"))
    assert out.count("Signature is Valid") == 2, out
    assert out.index("ChairSig") < out.index("SecretarySig")
    assert "Signer Certificate Common Name: 周明远" in out
    assert "Signer Certificate Common Name: 会议秘书" in out


@pytest.mark.tool("age")
def test_the_bundle_is_encrypted_to_the_ministry_and_verifies_with_its_identity(run: Run) -> None:
    bundle = run.printed("Result bundle (encrypted to the ministry)")
    assert bundle.read_bytes().startswith(b"age-encryption.org/v1\n")
    code, refused = cli("results", "verify", str(bundle), "--trust", str(run.world.trust))
    assert code != 0 and "encrypted" in refused
    code, out = cli(
        "results", "verify", str(bundle), "--trust", str(run.world.trust),
        "--identity", str(run.world.ministry_p12), "--passphrase-file", str(run.world.passphrase),
    )  # fmt: skip
    assert code == 0, out
    stated = re.search(r"Results hash: ([0-9a-f]{64})", out)
    assert stated and f"Results SHA-256 (printed in the report): {stated.group(1)}" in run.output
    assert "12 signed sheets" in out


def test_the_ministry_imports_the_bundle_once(run: Run, tmp_path: Path) -> None:
    bundle = run.printed("Result bundle (encrypted to the ministry)")
    args = [
        "results", "import", str(bundle), "--db", str(tmp_path / "ministry.sqlite"),
        "--trust", str(run.world.trust), "--identity", str(run.world.ministry_p12),
        "--passphrase-file", str(run.world.passphrase),
    ]  # fmt: skip
    code, first = cli(*args)
    assert code == 0, first
    code, again = cli(*args)
    assert code == 0 and "already" in again, again


def test_publishing_again_after_an_edited_opinion_writes_version_2_and_keeps_version_1(
    run: Run, world: World
) -> None:
    import datetime as dt

    from app.crypto.identity import load_identity
    from app.domain.sheet import Recommendation
    from app.secretary import opinions

    before = {p.name: p.read_bytes() for p in run.out.iterdir()}
    chair = load_identity(world.chair_p12.read_bytes(), world.passphrase.read_bytes())
    now = dt.datetime.now(dt.UTC)
    with world.open(run.folder) as ws:
        opinions.save_panel_opinion(
            ws, "a02", "Edited: the panel recommends a02.", Recommendation.RECOMMEND,
            actor="sec", now=now,
        )  # fmt: skip
        opinions.approve_panel_opinion(ws, chair, "a02", actor="e01", now=now)
    code, output = cli(*_publish_args(world, run.folder, run.out))
    assert code == 0, output
    assert "(version 2)" in output
    names = {p.name for p in run.out.iterdir()}
    assert {"pub-2026-05-v2-report.pdf", "pub-2026-05-v2.oibundle"} <= names
    for name, data in before.items():
        assert (run.out / name).read_bytes() == data
    code, listed = cli(
        "secretary",
        "outputs",
        "--dir",
        str(run.folder),
        "--identity",
        str(world.secretary_p12),
        "--passphrase-file",
        str(world.passphrase),
    )
    assert code == 0 and "Bundle version 2 (round 1)" in listed, listed
