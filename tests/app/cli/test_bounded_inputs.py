"""Every file the command line takes from outside is read through the one bounded reader.

Each reader is fed a 2 GiB sparse file and ``/dev/zero`` in a subprocess whose address
space is limited to 1 GiB: a whole-file read would end in a ``MemoryError`` traceback; the
bounded reader refuses cleanly (exit code 1 or 2, the limit named, no traceback).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main
from app.cli.passphrases import MAX_PASSPHRASE_FILE_SIZE
from app.crypto.identity import MAX_IDENTITY_FILE_SIZE, serialize_pkcs12
from app.crypto.pki import MAX_CERTIFICATE_FILE_SIZE, MAX_TRUST_FILE_SIZE
from app.formats.meeting_file import MAX_FILE as MAX_MEETING_FILE
from app.formats.rubric_file import MAX_RUBRIC_FILE_SIZE
from app.kit.meeting_key import MAX_SEALED_SIZE
from app.package.form import MAX_FORM_SIZE
from app.secretary.overlap import MAX_PLATFORM_LIST_SIZE
from app.secretary.report_to_sign import MAX_FILE_SIZE as MAX_REPORT_TO_SIGN_SIZE
from app.sheets.sheet_reader import MAX_FILE_SIZE as MAX_SHEET_FILE
from tests.app.crypto.pki_fixtures import EXPERT_PASSPHRASE
from tests.app.secretary.helpers import Cast
from tests.app.secretary.rounds_world import build_meet

REPO = Path(__file__).resolve().parents[3]
MEMORY_LIMIT = 1 << 30
SPARSE_SIZE = 2 << 30
SECRETARY_PASS = b"secretary passphrase"


@dataclass(frozen=True)
class World:
    base: Path
    sparse: Path
    root: Path
    expert_p12: Path
    expert_pass: Path
    secretary_p12: Path
    secretary_pass: Path
    form: Path
    folder: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, cast: Cast) -> World:
    base = tmp_path_factory.mktemp("bounded")
    sparse = base / "sparse.bin"
    with sparse.open("wb") as fh:
        fh.truncate(SPARSE_SIZE)
    (base / "expert.pass").write_bytes(EXPERT_PASSPHRASE)
    (base / "secretary.pass").write_bytes(SECRETARY_PASS)
    sec = cast.secretary
    (base / "secretary.p12").write_bytes(
        serialize_pkcs12(sec.signing_key, sec.certificate, sec.chain, SECRETARY_PASS)
    )
    assert main(["package", "template", "--out", str(base / "form.json")]) == 0
    meet = build_meet(base / "meeting", cast)
    meet.ws.close()
    meet.repo.close()
    return World(
        base=base,
        sparse=sparse,
        root=cast.pki.root_pem,
        expert_p12=cast.pki.expert_p12,
        expert_pass=base / "expert.pass",
        secretary_p12=base / "secretary.p12",
        secretary_pass=base / "secretary.pass",
        form=base / "form.json",
        folder=base / "meeting" / "secretary",
    )


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run(args: list[str], stdin: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "LANG": "C.UTF-8", "LANGUAGE": "en"}
    with (stdin or Path(os.devnull)).open("rb") as source:
        return _spawn(args, env, source)


def _spawn(args: list[str], env: dict[str, str], stdin: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", "--lang", "en", *args],
        cwd=REPO,
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_memory,
        check=False,
    )


RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"


def _cases(w: World, big: str) -> dict[str, tuple[list[str], int]]:
    """What each reader is asked to read ``big`` as, and the limit it must name."""
    e = ["--identity", str(w.expert_p12), "--passphrase-file", str(w.expert_pass)]
    s = ["--identity", str(w.secretary_p12), "--passphrase-file", str(w.secretary_pass)]
    pkg = str(w.form)  # never reached: the key and trust readers refuse first
    d = ["--dir", str(w.folder)]
    trust = ["--trust", str(w.root)]
    out = ["--out", str(w.base / "x.oipkg")]
    form = ["--form", str(w.form)]
    build = ["package", "build", "--recipient", RECIPIENT, *out]
    init = ["secretary", "init", "--dir", str(w.base / "new")]
    return {
        "package --identity": (["package", "verify", pkg, "--identity", big, *trust], 0),
        "package --meeting-key": (
            ["package", "verify", pkg, "--meeting-key", big, *trust],
            MAX_SEALED_SIZE,
        ),
        "package --passphrase-file": (
            ["package", "verify", pkg, *e[:2], "--passphrase-file", big, *trust],
            MAX_PASSPHRASE_FILE_SIZE,
        ),
        "package --trust": (["package", "verify", pkg, *e, "--trust", big], MAX_TRUST_FILE_SIZE),
        "package build --form": ([*build, "--form", big, "--signer", pkg], MAX_FORM_SIZE),
        "package build --signer": ([*build, *form, "--signer", big], 0),
        "package build --recipient": (
            ["package", "build", *form, "--signer", pkg, "--recipient", big, *out],
            MAX_CERTIFICATE_FILE_SIZE,
        ),
        "pki show": (["pki", "show", big], MAX_CERTIFICATE_FILE_SIZE),
        "results --trust": (["results", "verify", pkg, "--trust", big], MAX_TRUST_FILE_SIZE),
        "results --identity": (["results", "verify", pkg, *trust, "--identity", big], 0),
        "kit --trust": (["kit", "verify", pkg, "--trust", big], MAX_TRUST_FILE_SIZE),
        "secretary init --meeting": (
            [*init, "--meeting", big, *trust, *s],
            MAX_MEETING_FILE,
        ),
        "secretary init --rubric": (
            [*init, "--meeting", "resources/demo/meeting.json", "--rubric", big, *trust, *s],
            MAX_RUBRIC_FILE_SIZE,
        ),
        "secretary init --trust": (
            [*init, "--meeting", "resources/demo/meeting.json", "--trust", big, *s],
            MAX_TRUST_FILE_SIZE,
        ),
        "secretary trust --trust": (
            ["secretary", "trust", *d, "--trust", big],
            MAX_TRUST_FILE_SIZE,
        ),
        "secretary --identity": (
            ["secretary", "import-sheets", *d, "--identity", big, *s[2:], pkg],
            0,
        ),
        "secretary import-sheets": (["secretary", "import-sheets", *d, *s, big], MAX_SHEET_FILE),
        "secretary add-expert --cert": (
            ["secretary", "add-expert", *d, "--cert", big, "--role", "overall"],
            MAX_CERTIFICATE_FILE_SIZE,
        ),
        "secretary overlap --platforms": (
            ["secretary", "overlap", *d, "--platforms", big],
            MAX_PLATFORM_LIST_SIZE,
        ),
        "secretary prepare-report --identity": (
            ["secretary", "prepare-report", *d, "--identity", big, *s[2:], "--out", pkg],
            0,
        ),
        "secretary import-signed-report": (
            ["secretary", "import-signed-report", *d, *s, big],
            MAX_REPORT_TO_SIGN_SIZE,
        ),
        "secretary ministry-recipient --cert": (
            ["secretary", "ministry-recipient", *d, "--cert", big],
            MAX_CERTIFICATE_FILE_SIZE,
        ),
        "report sign --identity": (["report", "sign", pkg, "--identity", big, *e[2:]], 0),
        "report sign --trust": (["report", "sign", pkg, *e, "--trust", big], MAX_TRUST_FILE_SIZE),
        "report sign": (["report", "sign", big, *e], MAX_REPORT_TO_SIGN_SIZE),
    }


NAMES = (
    "package --identity",
    "package --meeting-key",
    "package --passphrase-file",
    "package --trust",
    "package build --form",
    "package build --signer",
    "package build --recipient",
    "pki show",
    "results --trust",
    "results --identity",
    "kit --trust",
    "secretary init --meeting",
    "secretary init --rubric",
    "secretary init --trust",
    "secretary trust --trust",
    "secretary --identity",
    "secretary import-sheets",
    "secretary add-expert --cert",
    "secretary overlap --platforms",
    "secretary prepare-report --identity",
    "secretary ministry-recipient --cert",
    "report sign --identity",
    "report sign --trust",
)


@pytest.mark.parametrize("source", ["sparse", "/dev/zero"])
@pytest.mark.parametrize("name", NAMES)
def test_each_reader_refuses_an_endless_or_huge_input(world: World, name: str, source: str) -> None:
    big = str(world.sparse) if source == "sparse" else "/dev/zero"
    args, limit = _cases(world, big)[name]
    limit = limit or MAX_IDENTITY_FILE_SIZE
    done = _run(args)
    told = done.stdout + done.stderr
    assert done.returncode in (1, 2), told
    assert "Traceback" not in told and "MemoryError" not in told, told
    assert f"limit of {limit} bytes" in told, told
    expected = f"it holds {SPARSE_SIZE} bytes" if source == "sparse" else "more than"
    assert expected in told, told


@pytest.fixture(scope="module")
def armored(world: World) -> Path:
    """2 GiB that begin like an armored age file (the armor is decoded in memory)."""
    path = world.base / "armored.bin"
    with path.open("wb") as fh:
        fh.write(b"-----BEGIN AGE ENCRYPTED FILE-----\n")
        fh.truncate(SPARSE_SIZE)
    return path


@pytest.mark.parametrize("source", ["sparse", "/dev/zero", "armored"])
@pytest.mark.parametrize("command", ["package inspect", "kit verify", "results verify"])
def test_each_container_reader_refuses_cleanly(
    world: World, armored: Path, command: str, source: str
) -> None:
    """Packages, kits and bundles are read in bounded steps (age header, ZIP directory,
    the bundle whole up to its limit): a huge or endless file is refused, never loaded."""
    big = {"sparse": str(world.sparse), "/dev/zero": "/dev/zero", "armored": str(armored)}
    args = [*command.split(), big[source]]
    if command != "package inspect":
        args += ["--trust", str(world.root)]
    done = _run(args)
    told = done.stdout + done.stderr
    assert done.returncode in (1, 2, 3), told  # 3: results verify's "refused"
    assert "Traceback" not in told and "MemoryError" not in told, told


@pytest.mark.parametrize("source", ["sparse", "/dev/zero"])
@pytest.mark.parametrize("name", ["secretary import-signed-report", "report sign"])
def test_the_report_to_sign_readers_refuse_cleanly(world: World, name: str, source: str) -> None:
    """A report to sign is a container read whole up to its limit, like a bundle: a huge
    file is refused on its size, an endless one when the memory to hold the limit is not
    there - either way with the limit named, never a traceback."""
    big = str(world.sparse) if source == "sparse" else "/dev/zero"
    args, limit = _cases(world, big)[name]
    done = _run(args)
    told = done.stdout + done.stderr
    assert done.returncode in (1, 2), told
    assert "Traceback" not in told and "MemoryError" not in told, told
    assert f"limit of {limit} bytes" in told or f"its limit is {limit} bytes" in told, told


@pytest.mark.parametrize("option", ["--identity", "--passphrase-file"])
def test_standard_input_is_bounded_too(world: World, option: str) -> None:
    """``/dev/stdin`` fed from ``/dev/zero``: a pipe that never ends."""
    if option == "--identity":
        keys = ["--identity", "/dev/stdin"]
        limit = MAX_IDENTITY_FILE_SIZE
    else:
        keys = ["--identity", str(world.expert_p12), "--passphrase-file", "/dev/stdin"]
        limit = MAX_PASSPHRASE_FILE_SIZE
    args = ["package", "verify", str(world.form), *keys, "--trust", str(world.root)]
    done = _run(args, stdin=Path("/dev/zero"))
    told = done.stdout + done.stderr
    assert done.returncode == 2, told
    assert "Traceback" not in told and f"limit of {limit} bytes (more than" in told, told
