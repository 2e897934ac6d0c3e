"""Issue 11, bad input: the stepwise chair path through a ``.oireport`` file, and every
refusal (a specific message; nothing written)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import UserFacingError
from app.i18n import Msg
from storage.stores import SqliteStores
from tests.app.crypto.pki_fixtures import PkiFixture
from tests.app.secretary.publish_world import World, cli, publish_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, pkiset: PkiFixture) -> World:
    return publish_world(tmp_path_factory, pkiset)


def _secretary(world: World) -> list[str]:
    return ["--identity", str(world.secretary_p12), "--passphrase-file", str(world.passphrase)]


def _publish(
    world: World,
    folder: Path,
    out: Path,
    *,
    chair: Path | None = None,
    pass_file: Path | None = None,
) -> tuple[int, str]:
    return cli(
        "secretary", "publish", "--dir", str(folder), *_secretary(world),
        "--chair-identity", str(chair or world.chair_p12),
        "--chair-passphrase-file", str(pass_file or world.passphrase),
        "--out", str(out), "--ministry-recipient", str(world.ministry_pem),
    )  # fmt: skip


def _out(tmp_path: Path) -> Path:
    out = tmp_path / "outputs"
    out.mkdir()
    return out


def _nothing_written(out: Path, folder: Path) -> None:
    assert list(out.iterdir()) == []
    assert not (folder / "publish" / "publications.json").exists()


# --- the chair on their own machine -----------------------------------------------------


def _prepare(world: World, folder: Path, oireport: Path, *extra: str) -> str:
    code, out = cli(
        "secretary", "prepare-report", "--dir", str(folder), *_secretary(world),
        "--out", str(oireport), *extra,
    )  # fmt: skip
    assert code == 0, out
    return out


def _sign(world: World, oireport: Path, p12: Path | None = None) -> tuple[int, str]:
    return cli(
        "report", "sign", str(oireport), "--identity", str(p12 or world.chair_p12),
        "--passphrase-file", str(world.passphrase),
    )  # fmt: skip


def _import(world: World, folder: Path, oireport: Path, p12: Path | None = None) -> tuple[int, str]:
    return cli(
        "secretary", "import-signed-report", "--dir", str(folder),
        "--identity", str(p12 or world.secretary_p12), "--passphrase-file", str(world.passphrase),
        str(oireport),
    )  # fmt: skip


def _age_key(world: World, p12: Path, into: Path) -> Path:
    """The age identity file (``AGE-SECRET-KEY-1…``) of an identity's bound X25519 key."""
    from app.crypto.age_keys import X25519Identity

    secret = world.identity(p12).x25519_private_key.private_bytes_raw()
    key = into / f"{p12.stem}.agekey"
    key.write_text(X25519Identity.from_secret_bytes(secret).secret_text() + "\n")
    key.chmod(0o600)
    return key


@pytest.mark.tool("pdfsig")
def test_the_stepwise_path_through_the_chairs_machine(world: World, tmp_path: Path) -> None:
    folder = world.copy(world.ready, tmp_path)
    out = _out(tmp_path)
    oireport = tmp_path / "report.oireport"
    _prepare(world, folder, oireport, "--lang", "en")
    code, signed = _sign(world, oireport)
    assert code == 0 and "Signed the report of pub-2026-05 (round 1" in signed, signed
    code, imported = _import(world, folder, oireport)
    assert code == 0, imported
    code, written = cli(
        "secretary", "bundle", "--dir", str(folder), *_secretary(world), "--out", str(out),
        "--ministry-recipient", str(world.ministry_pem),
    )  # fmt: skip
    assert code == 0, written
    report = out / "pub-2026-05-v1-report.pdf"
    text = subprocess.run(
        ["pdfsig", "-nocert", str(report)], check=True, capture_output=True, text=True
    ).stdout
    assert text.count("Signature is Valid") == 2 and text.index("ChairSig") < text.index("Secr")
    assert (out / "pub-2026-05-v1.oibundle").read_bytes().startswith(b"age-encryption.org/v1")
    code, again = cli(
        "secretary", "bundle", "--dir", str(folder), *_secretary(world), "--out", str(out)
    )
    assert code == 2 and "No chair-signed report has been imported" in again


def test_another_expert_cannot_open_the_report_to_sign(world: World, tmp_path: Path) -> None:
    folder = world.copy(world.ready, tmp_path)
    oireport = tmp_path / "report.oireport"
    _prepare(world, folder, oireport)
    before = oireport.read_bytes()
    code, out = _sign(world, oireport, world.expert_p12["e02"])
    assert code == 2 and "it is not encrypted to your identity" in out, out
    assert "only the panel chair and the secretary can open it" in out, out
    assert oireport.read_bytes() == before


def test_the_reader_refuses_another_experts_identity_typed(world: World, tmp_path: Path) -> None:
    from app.secretary.report_to_sign import ReportToSignKeyError, read_report_to_sign

    folder = world.copy(world.ready, tmp_path)
    oireport = tmp_path / "report.oireport"
    _prepare(world, folder, oireport)
    chair = world.identity(world.chair_p12)
    roots = [chair.chain[-1]]
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(ReportToSignKeyError) as refused:
        read_report_to_sign(oireport, world.identity(world.expert_p12["e02"]), roots, now)
    assert "not encrypted to your identity" in refused.value.message
    assert "只有" in refused.value.in_language("zh_CN")
    # the chair opens it; the secretary reads back what it sent
    for reader in (chair, world.identity(world.secretary_p12)):
        report = read_report_to_sign(oireport, reader, roots, now)
        assert report.chair_signed_pdf is None and report.prepared_pdf.startswith(b"%PDF")


def test_the_report_to_sign_is_an_age_file_with_nothing_in_clear(
    world: World, tmp_path: Path
) -> None:
    from app.crypto.age_file import inspect_header

    folder = world.copy(world.ready, tmp_path)
    oireport = tmp_path / "report.oireport"
    _prepare(world, folder, oireport)
    data = oireport.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n")
    info = inspect_header(io.BytesIO(data))
    assert info.stanza_counts == (("X25519", 2),) and not info.armored
    for clear in (b"PK\x03\x04", b"%PDF", b"report-to-sign", b"pub-2026-05", b"manifest"):
        assert clear not in data


@pytest.mark.tool("age")
def test_the_outside_age_tool_opens_it_with_the_chairs_key_only(
    world: World, tmp_path: Path
) -> None:
    """An outside judge: ``age -d`` decrypts both directions with the chair's key (and the
    secretary's), and refuses another expert's."""
    from app.secretary.report_to_sign import CHAIR_SIGNED_NAME, HEADER_NAME, INPUTS_NAME

    folder = world.copy(world.ready, tmp_path)
    oireport, signed = tmp_path / "report.oireport", tmp_path / "signed.oireport"
    _prepare(world, folder, oireport)
    code, out = cli(
        "report", "sign", str(oireport), "--identity", str(world.chair_p12),
        "--passphrase-file", str(world.passphrase), "--out", str(signed),
    )  # fmt: skip
    assert code == 0, out
    keys = tmp_path / "keys"
    keys.mkdir()
    chair_key = _age_key(world, world.chair_p12, keys)
    secretary_key = _age_key(world, world.secretary_p12, keys)
    other_key = _age_key(world, world.expert_p12["e02"], keys)
    for path, members in (
        (oireport, [HEADER_NAME, "report-to-sign.json.p7s", INPUTS_NAME]),
        (signed, [HEADER_NAME, "report-to-sign.json.p7s", INPUTS_NAME, CHAIR_SIGNED_NAME]),
    ):
        for key in (chair_key, secretary_key):
            run = subprocess.run(["age", "-d", "-i", str(key), str(path)], capture_output=True)
            assert run.returncode == 0, run.stderr
            with zipfile.ZipFile(io.BytesIO(run.stdout)) as z:
                assert z.namelist() == members
                assert b'"version":2' in z.read(HEADER_NAME)
        refused = subprocess.run(
            ["age", "-d", "-i", str(other_key), str(path)], capture_output=True
        )
        assert refused.returncode != 0 and refused.stdout == b""


def test_a_tampered_report_to_sign_is_refused(world: World, tmp_path: Path) -> None:
    folder = world.copy(world.ready, tmp_path)
    oireport = tmp_path / "report.oireport"
    _prepare(world, folder, oireport)
    data = bytearray(oireport.read_bytes())
    data[len(data) // 2] ^= 0x01  # inside the encrypted payload
    oireport.write_bytes(bytes(data))
    code, out = _sign(world, oireport)
    assert code == 2 and "The report to sign is refused: it is damaged" in out, out
    assert oireport.read_bytes() == bytes(data)
    oireport.write_bytes(bytes(data[: len(data) - 100]))  # truncated
    code, out = _sign(world, oireport)
    assert code == 2 and "The report to sign is refused: it is damaged" in out, out


def test_a_chair_signed_report_other_than_the_prepared_one_is_refused(
    world: World, tmp_path: Path
) -> None:
    from app.secretary.report_to_sign import read_report_to_sign, with_chair_signature

    folder = world.copy(world.ready, tmp_path)
    first, second = tmp_path / "zh.oireport", tmp_path / "en.oireport"
    _prepare(world, folder, first)
    _prepare(world, folder, second, "--lang", "en")
    assert _sign(world, second)[0] == 0
    now = dt.datetime.now(dt.UTC)
    chair = world.identity(world.chair_p12)
    roots = [chair.chain[-1]]
    other = read_report_to_sign(second, chair, roots, now).chair_signed_pdf
    assert other is not None  # the chair's signature over the English report
    report = read_report_to_sign(first, chair, roots, now)
    first.write_bytes(with_chair_signature(report, other, chair, now))
    code, out = _import(world, folder, first)
    assert code == 2 and "differs from the report prepared for signing" in out, out
    assert not (folder / "publish" / "chair-signed.oireport").exists()


def test_only_the_workspaces_secretary_imports_the_signed_report(
    world: World, tmp_path: Path
) -> None:
    folder = world.copy(world.ready, tmp_path)
    oireport = tmp_path / "report.oireport"
    _prepare(world, folder, oireport)
    assert _sign(world, oireport)[0] == 0
    code, out = _import(world, folder, oireport, world.chair_p12)  # the chair can decrypt it
    assert code == 2 and "is not this meeting's secretary" in out, out
    assert not (folder / "publish" / "chair-signed.oireport").exists()


def test_an_unsigned_report_to_sign_cannot_be_imported(world: World, tmp_path: Path) -> None:
    folder = world.copy(world.ready, tmp_path)
    oireport = tmp_path / "report.oireport"
    _prepare(world, folder, oireport)
    code, out = _import(world, folder, oireport)
    assert code == 2 and "the chair has not signed it yet" in out, out


# --- the gates ----------------------------------------------------------------------------


def test_an_unapproved_opinion_is_refused_naming_the_application(
    world: World, tmp_path: Path
) -> None:
    from app.domain.sheet import Recommendation
    from app.secretary import opinions
    from app.secretary.setup import open_workspace

    folder = world.copy(world.ready, tmp_path)
    out = _out(tmp_path)
    with open_workspace(SqliteStores(), folder) as ws:
        opinions.save_panel_opinion(
            ws, "a03", "Changed after approval.", Recommendation.RECOMMEND,
            actor="sec", now=dt.datetime.now(dt.UTC),
        )  # fmt: skip
    code, text = _publish(world, folder, out)
    assert code == 2
    assert "The chair has not approved the panel opinion of a03 (round 1)" in text, text
    assert "Opinions page" in text
    _nothing_written(out, folder)


def test_a_missing_sheet_is_refused_naming_the_expert_and_application(
    world: World, tmp_path: Path
) -> None:
    folder = world.copy(world.missing_e04, tmp_path)
    out = _out(tmp_path)
    code, text = _publish(world, folder, out)
    assert code == 2
    assert "e04 has no signed sheet, recusal or recorded absence for a01" in text, text
    assert "(and 2 more problems)" in text or "more problems" in text
    _nothing_written(out, folder)


def test_an_open_round_is_refused(world: World, tmp_path: Path) -> None:
    folder = world.copy(world.ready, tmp_path)
    out = _out(tmp_path)
    code, opened = cli("secretary", "open-round", "--dir", str(folder), "--applications", "a02")
    assert code == 0, opened
    code, text = _publish(world, folder, out)
    assert code == 2 and "Round 2 is still open" in text, text
    _nothing_written(out, folder)


def test_the_gate_messages_are_translated() -> None:
    from app.secretary.publish_gates import Gate, GateProblem, PublishGateError

    problem = GateProblem(
        Gate.SHEETS,
        Msg.of(
            "Round {round} is still open: {expert} has no signed sheet, recusal or recorded "
            "absence for {application}.",
            round=2, expert="e04", application="a01",
        ),
        Msg.of(
            "Collect the expert's sheet file under Collect, or record the absence when "
            "publishing."
        ),
    )  # fmt: skip
    error = PublishGateError([problem])
    assert "e04" in error.msg.in_language("zh_CN")
    assert error.msg.in_language("zh_CN") != error.msg.in_language("en")
    assert error.in_language("zh_CN") != error.in_language("en")


# --- identities ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["e02", "secretary", "foreign"])
def test_a_chair_identity_that_is_not_the_rosters_chair_is_refused(
    world: World, tmp_path: Path, who: str
) -> None:
    folder = world.copy(world.ready, tmp_path)
    out = _out(tmp_path)
    p12 = {"e02": world.expert_p12["e02"], "secretary": world.secretary_p12}.get(
        who, world.foreign_p12
    )
    code, text = _publish(world, folder, out, chair=p12)
    assert code == 2 and "Only the panel chair" in text, text
    _nothing_written(out, folder)


def test_a_wrong_chair_passphrase_is_refused(world: World, tmp_path: Path) -> None:
    folder = world.copy(world.ready, tmp_path)
    out = _out(tmp_path)
    code, text = _publish(world, folder, out, pass_file=world.wrong_passphrase)
    assert code == 2 and "The passphrase is wrong" in text, text
    _nothing_written(out, folder)


def test_a_real_bundle_is_not_written_unencrypted_without_the_explicit_choice(
    world: World, tmp_path: Path
) -> None:
    folder = world.copy(world.ready, tmp_path)
    out = _out(tmp_path)
    base = [
        "secretary", "publish", "--dir", str(folder), *_secretary(world),
        "--chair-identity", str(world.chair_p12), "--chair-passphrase-file",
        str(world.passphrase), "--out", str(out),
    ]  # fmt: skip
    code, text = cli(*base)
    assert code == 2 and "No ministry recipient is configured" in text, text
    _nothing_written(out, folder)
    code, text = cli(*base, "--unencrypted")
    assert code == 0, text
    assert "UNENCRYPTED" in text and "Result bundle (NOT encrypted)" in text
    assert (out / "pub-2026-05-v1.oibundle").read_bytes().startswith(b"PK")


# --- the output folder --------------------------------------------------------------------


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """``folder`` not writable even for root (who ignores mode bits): immutable (chattr +i)
    when running as root, mode 0500 otherwise."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)


@pytest.mark.tool("chattr")
def test_an_output_folder_that_is_not_writable_is_refused(world: World, tmp_path: Path) -> None:
    folder = world.copy(world.ready, tmp_path)
    out = _out(tmp_path)
    with _read_only(out):
        code, text = _publish(world, folder, out)
    assert code == 2 and "is not writable" in text, text
    _nothing_written(out, folder)


def test_a_missing_output_folder_is_refused(world: World, tmp_path: Path) -> None:
    folder = world.copy(world.ready, tmp_path)
    code, text = _publish(world, folder, tmp_path / "no-such-folder")
    assert code == 2 and "does not exist or is not writable" in text, text


@pytest.mark.parametrize(
    ("code", "said"), [("ENOSPC", "No space left on device"), ("EACCES", "Permission denied")]
)
def test_a_write_failure_midway_leaves_no_outputs(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, said: str
) -> None:
    """The disk fills up (or the folder turns read-only) while the bundle, the last of the
    three files, is written: the report and workbook already written are removed."""
    import errno

    from app.formats import atomic_file
    from app.secretary import publish

    folder = world.copy(world.ready, tmp_path)
    out = _out(tmp_path)
    real = atomic_file.atomic_write

    def full(path: os.PathLike[str] | str, data: bytes, mode: int = 0o600) -> None:
        if str(path).endswith(".oibundle"):
            number = getattr(errno, code)
            raise OSError(number, os.strerror(number))
        real(path, data, mode)

    monkeypatch.setattr(publish, "atomic_write", full)
    exit_code, text = _publish(world, folder, out)
    assert exit_code == 2 and said in text, text
    _nothing_written(out, folder)


_CHILD = r"""
import os, sys
real = os.replace
count = 0
def replace(src, dst):
    global count
    count += 1
    if os.path.dirname(os.path.abspath(os.fspath(dst))) == os.environ["OUT_DIR"]:
        count += 1
        sys.stdout.write(f"replace {count}\n"); sys.stdout.flush()
        sys.stdin.readline()  # the parent kills us here, or lets us go on
    real(src, dst)
os.replace = replace
from app.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def test_sigkill_while_writing_leaves_old_or_complete_new_files(
    world: World, tmp_path: Path
) -> None:
    """Kill the publisher at its n-th rename into the output folder (each output is fully
    written to its temporary file by then; trial 4 runs to the end); afterwards every output
    name is absent or a complete file, and no trial leaves a partial one."""
    from app.cli import publish_exporters
    from app.results import verify_bundle

    exporters = publish_exporters()
    chair = world.identity(world.chair_p12)
    roots = [chair.chain[-1]]
    ministry = world.identity(world.ministry_p12)
    for kill_at in (1, 2, 3, 4):
        trial = tmp_path / f"trial-{kill_at}"
        trial.mkdir()
        folder = world.copy(world.ready, trial)
        out = _out(trial)
        args = [
            "--lang", "en", "secretary", "publish", "--dir", str(folder), *_secretary(world),
            "--chair-identity", str(world.chair_p12), "--chair-passphrase-file",
            str(world.passphrase), "--out", str(out), "--ministry-recipient",
            str(world.ministry_pem),
        ]  # fmt: skip
        env = {**os.environ, "PYTHONPATH": os.getcwd(), "OUT_DIR": str(out.resolve())}
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        assert child.stdin is not None and child.stdout is not None
        seen = 0
        for line in child.stdout:
            if line.startswith("replace "):
                seen += 1
                if seen == kill_at:
                    child.send_signal(signal.SIGKILL)
                    break
                child.stdin.write("\n")
                child.stdin.flush()
        child.stdin.close()
        child.wait(timeout=300)
        assert child.returncode == (-signal.SIGKILL if kill_at <= 3 else 0)
        names = {p.name for p in out.iterdir() if not p.name.startswith(".")}
        expected = ["pub-2026-05-v1-report.pdf", "pub-2026-05-v1-results.xlsx",
                    "pub-2026-05-v1.oibundle"][: kill_at - 1]  # fmt: skip
        assert sorted(names) == sorted(expected), (kill_at, names)
        if "pub-2026-05-v1-report.pdf" in names:
            exporters.verify_report((out / "pub-2026-05-v1-report.pdf").read_bytes(), roots)
        if "pub-2026-05-v1-results.xlsx" in names:
            with zipfile.ZipFile(
                io.BytesIO((out / "pub-2026-05-v1-results.xlsx").read_bytes())
            ) as z:
                assert z.testzip() is None
        if "pub-2026-05-v1.oibundle" in names:
            verify_bundle(
                out / "pub-2026-05-v1.oibundle", roots, dt.datetime.now(dt.UTC),
                ministry_identity=ministry,
            )  # fmt: skip


def test_user_facing_errors_only(world: World) -> None:
    assert issubclass(
        __import__("app.secretary.publish", fromlist=["PublishError"]).PublishError, UserFacingError
    )


def test_a_report_signed_before_an_opinion_was_edited_is_stale(
    world: World, tmp_path: Path
) -> None:
    from app.domain.sheet import Recommendation
    from app.secretary import opinions
    from app.secretary.setup import open_workspace

    folder = world.copy(world.ready, tmp_path)
    oireport = tmp_path / "report.oireport"
    _prepare(world, folder, oireport)
    assert _sign(world, oireport)[0] == 0
    now = dt.datetime.now(dt.UTC)
    with open_workspace(SqliteStores(), folder) as ws:
        opinions.save_panel_opinion(
            ws, "a01", "Edited after the chair signed.", Recommendation.RECOMMEND,
            actor="sec", now=now,
        )  # fmt: skip
        opinions.approve_panel_opinion(
            ws, world.identity(world.chair_p12), "a01", actor="e01", now=now
        )
    code, out = _import(world, folder, oireport)
    assert code == 2 and "results changed after the report was prepared" in out, out


def test_a_report_to_sign_of_an_unknown_version_is_refused_naming_it(
    world: World, tmp_path: Path
) -> None:
    import json

    from app.crypto.age_file import decrypt_bytes, encrypt_bytes
    from app.crypto.age_keys import X25519Identity, X25519Recipient
    from app.crypto.cms import sign_detached
    from app.formats.canonical_json import dumps_canonical
    from app.results.container import zip_bytes
    from app.secretary.report_to_sign import HEADER_NAME, INPUTS_NAME, SIGNATURE_NAME

    folder = world.copy(world.ready, tmp_path)
    oireport = tmp_path / "report.oireport"
    _prepare(world, folder, oireport)
    chair, secretary = world.identity(world.chair_p12), world.identity(world.secretary_p12)
    archive = decrypt_bytes(oireport.read_bytes(), [X25519Identity(chair.x25519_private_key)])
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        header = json.loads(z.read(HEADER_NAME))
        inputs = z.read(INPUTS_NAME)
    now = dt.datetime.now(dt.UTC)
    recipients = [X25519Recipient(p.x25519_public_bytes) for p in (chair, secretary)]
    for version in (3, 1):  # version 1 re-wrapped in age by a key holder: its signed header says so
        header["version"] = version
        data = dumps_canonical(header)
        members = [(HEADER_NAME, data), (SIGNATURE_NAME, sign_detached(data, secretary))]
        zipped = zip_bytes([*members, (INPUTS_NAME, inputs)], now)
        oireport.write_bytes(encrypt_bytes(zipped, recipients))
        code, out = _sign(world, oireport)
        expected = f"report-to-sign version {version}; this program reads version 2"
        assert code == 2 and expected in out, out
    # a version 1 file as version 1 wrote it (the archive in clear)
    oireport.write_bytes(zipped)
    code, out = _sign(world, oireport)
    assert code == 2 and "it is report-to-sign version 1, whose content travels" in out, out
    assert "reads only version 2" in out, out


def test_the_report_to_sign_is_only_written_to_the_rosters_chair(
    world: World, tmp_path: Path
) -> None:
    """The writer's recipients: the roster's chair certificate (an expert's, with its bound
    key) - a roster without it, or a certificate of another role, writes nothing."""
    from app.crypto.profile import Role
    from app.secretary.publish import PublishError
    from app.secretary.publish_chair import chair_certificate
    from app.secretary.report_to_sign import ReportToSignError, recipient_of
    from app.secretary.setup import open_workspace

    folder = world.copy(world.ready, tmp_path)
    with open_workspace(SqliteStores(), folder) as ws:
        meeting = ws.meeting(ws.setup().header.meeting_id)
        cert = chair_certificate(ws, meeting)
        roster = ws.roster()
    chair = world.identity(world.chair_p12)
    assert cert == chair.certificate
    assert recipient_of(cert, Role.EXPERT).public_key == chair.x25519_public_bytes

    class WithoutTheChair:
        """The workspace's roster with the chair's entry left out."""

        def roster(self) -> tuple[object, ...]:
            return tuple(e for e in roster if e.expert.id != meeting.chair.id)  # type: ignore[union-attr]

    with pytest.raises(PublishError) as missing:
        chair_certificate(WithoutTheChair(), meeting)  # type: ignore[arg-type]
    assert "The roster holds no certificate of the panel chair" in missing.value.message
    secretary = world.identity(world.secretary_p12).certificate
    with pytest.raises(ReportToSignError) as wrong:
        recipient_of(secretary, Role.EXPERT)
    assert "does not carry the role" in wrong.value.message
