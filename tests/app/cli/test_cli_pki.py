"""``review-desk pki``: init-ca, issue and show, with passphrases from files or a prompt."""

from __future__ import annotations

import getpass
import io
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main
from app.crypto.identity import load_identity
from app.crypto.profile import Role

CA_SECRET = "ca secret passphrase"
EXPERT_SECRET = "专家的口令 long enough"
FINGERPRINT = re.compile(r"Fingerprint: ([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("cli-pki")
    (base / "ca.pass").write_text(CA_SECRET + "\n", encoding="utf-8")
    (base / "expert.pass").write_text(EXPERT_SECRET + "\r\n", encoding="utf-8")
    yield base


@pytest.fixture(scope="module")
def ca_dir(workspace: Path) -> Path:
    folder = workspace / "ca"
    code = main(
        [
            "pki",
            "init-ca",
            "--dir",
            str(folder),
            "--name",
            "部评审CA",
            "--org",
            "科技部",
            "--passphrase-file",
            str(workspace / "ca.pass"),
        ]
    )
    assert code == 0
    return folder


@pytest.fixture(scope="module")
def expert_p12(workspace: Path, ca_dir: Path) -> Path:
    out = workspace / "王芳.p12"
    code = main(
        [
            "pki",
            "issue",
            "--ca",
            str(ca_dir),
            "--role",
            "expert",
            "--name",
            "王芳",
            "--org",
            "北京大学",
            "--out",
            str(out),
            "--ca-passphrase-file",
            str(workspace / "ca.pass"),
            "--passphrase-file",
            str(workspace / "expert.pass"),
        ]
    )
    assert code == 0
    return out


def test_init_ca_writes_the_authority(ca_dir: Path) -> None:
    assert stat.S_IMODE((ca_dir / "ca.p12").stat().st_mode) == 0o600
    assert (ca_dir / "ca.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_issue_writes_an_identity_with_a_chinese_name(
    expert_p12: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    identity = load_identity(expert_p12.read_bytes(), EXPERT_SECRET.encode())
    assert identity.common_name == "王芳" and identity.organisation == "北京大学"
    assert identity.role is Role.EXPERT


def test_show_identity_prints_fingerprint_role_and_key(
    workspace: Path, expert_p12: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["pki", "show", str(expert_p12), "--passphrase-file", str(workspace / "expert.pass")]
    )
    out = capsys.readouterr().out
    assert code == 0
    identity = load_identity(expert_p12.read_bytes(), EXPERT_SECRET.encode())
    assert f"Fingerprint: {identity.fingerprint}" in out
    assert "Subject: 王芳" in out and "Organisation: 北京大学" in out
    assert "Role: expert" in out and "Issuer: 部评审CA" in out
    assert "present and matching this identity" in out
    assert identity.x25519_public_bytes.hex() in out
    assert "600000" in out and "Warning" not in out
    assert EXPERT_SECRET not in out


def test_show_certificate_needs_no_passphrase(
    ca_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pki", "show", str(ca_dir / "ca.pem")]) == 0
    out = capsys.readouterr().out
    assert "Role: certificate authority" in out
    assert FINGERPRINT.search(out)
    assert "Encryption key (X25519): absent" in out


def test_init_ca_prints_the_fingerprint_of_its_root(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = workspace / "ca2"
    assert (
        main(
            [
                "pki",
                "init-ca",
                "--dir",
                str(folder),
                "--name",
                "Second",
                "--passphrase-file",
                str(workspace / "ca.pass"),
            ]
        )
        == 0
    )
    printed = FINGERPRINT.search(capsys.readouterr().out)
    assert printed is not None
    main(["pki", "show", str(folder / "ca.pem")])
    assert printed.group(0) in capsys.readouterr().out


def test_without_terminal_or_file_the_command_refuses(
    ca_dir: Path,
    expert_p12: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["pki", "show", str(expert_p12)]) == 2
    assert "no terminal" in capsys.readouterr().err


def test_a_wrong_ca_passphrase_is_reported_without_echo(
    workspace: Path, ca_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = workspace / "wrong.pass"
    wrong.write_text("totally-wrong-secret", encoding="utf-8")
    code = main(
        [
            "pki",
            "issue",
            "--ca",
            str(ca_dir),
            "--role",
            "issuer",
            "--name",
            "X",
            "--out",
            str(workspace / "x.p12"),
            "--ca-passphrase-file",
            str(wrong),
            "--passphrase-file",
            str(workspace / "expert.pass"),
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    assert "passphrase is wrong" in captured.err
    assert "totally-wrong-secret" not in captured.err + captured.out
    assert not (workspace / "x.p12").exists()


def test_a_short_new_passphrase_is_refused(
    workspace: Path, ca_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    short = workspace / "short.pass"
    short.write_text("abc", encoding="utf-8")
    code = main(
        [
            "pki",
            "issue",
            "--ca",
            str(ca_dir),
            "--role",
            "ministry",
            "--name",
            "Y",
            "--out",
            str(workspace / "y.p12"),
            "--ca-passphrase-file",
            str(workspace / "ca.pass"),
            "--passphrase-file",
            str(short),
        ]
    )
    assert code == 2
    assert "too short" in capsys.readouterr().err


def test_issue_refuses_an_existing_file(
    workspace: Path, ca_dir: Path, expert_p12: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "pki",
            "issue",
            "--ca",
            str(ca_dir),
            "--role",
            "expert",
            "--name",
            "Z",
            "--out",
            str(expert_p12),
            "--passphrase-file",
            str(workspace / "expert.pass"),
        ]
    )
    assert code == 2
    assert "already exists" in capsys.readouterr().err


def test_prompted_passphrases_must_match(
    workspace: Path,
    ca_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = iter([CA_SECRET, "first passphrase", "second passphrase"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    code = main(
        [
            "pki",
            "issue",
            "--ca",
            str(ca_dir),
            "--role",
            "secretary",
            "--name",
            "秘书",
            "--out",
            str(workspace / "s.p12"),
        ]
    )
    assert code == 2
    assert "differ" in capsys.readouterr().err
    assert not (workspace / "s.p12").exists()


def test_show_refuses_unreadable_files(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pki", "show", str(workspace / "missing.p12")]) == 2
    junk = workspace / "junk.p12"
    junk.write_bytes(b"junk")
    assert main(["pki", "show", str(junk)]) == 2
    assert "not a PKCS#12" in capsys.readouterr().err


def test_revoke_then_crl_lists_the_revoked_certificate(
    workspace: Path, ca_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    from app.crypto import pki
    from app.crypto.profile import fingerprint
    from tests.app.crypto.pki_fixtures import in_memory_identity

    ca = pki.load_ca(ca_dir, CA_SECRET.encode())
    person = in_memory_identity(ca, Role.EXPERT, "赵敏").certificate
    cert_file = workspace / "赵敏.pem"
    cert_file.write_bytes(person.public_bytes(Encoding.PEM))
    revoke = [
        "pki",
        "revoke",
        "--ca",
        str(ca_dir),
        str(cert_file),
        "--reason",
        "key-compromise",
        "--ca-passphrase-file",
        str(workspace / "ca.pass"),
    ]
    assert main(revoke) == 0
    out = capsys.readouterr().out
    assert f"Revoked 赵敏 ({fingerprint(person)}) on " in out
    assert "pki crl" in out
    assert main(revoke) == 2
    assert "already revoked" in capsys.readouterr().err

    crl_file = workspace / "ca.crl.pem"
    code = main(
        [
            "pki",
            "crl",
            "--ca",
            str(ca_dir),
            "--out",
            str(crl_file),
            "--next-update-days",
            "7",
            "--ca-passphrase-file",
            str(workspace / "ca.pass"),
        ]
    )
    assert code == 0
    assert "1 revoked certificate," in capsys.readouterr().out
    crl = x509.load_pem_x509_crl(crl_file.read_bytes())
    public_key = ca.certificate.public_key()
    assert crl.is_signature_valid(public_key)  # type: ignore[arg-type]
    entry = crl.get_revoked_certificate_by_serial_number(person.serial_number)
    assert entry is not None
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason is x509.ReasonFlags.key_compromise


def test_crl_refuses_a_validity_out_of_bounds(
    workspace: Path, ca_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = workspace / "never.crl.pem"
    code = main(["pki", "crl", "--ca", str(ca_dir), "--out", str(out), "--next-update-days", "0"])
    assert code == 2
    assert "between 1 and 366 days" in capsys.readouterr().err
    assert not out.exists()


def test_revoke_refuses_a_file_of_several_certificates(
    workspace: Path, ca_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    two = workspace / "two.pem"
    root = (ca_dir / "ca.pem").read_bytes()
    two.write_bytes(root + root)
    assert main(["pki", "revoke", "--ca", str(ca_dir), str(two)]) == 2
    assert "holds 2 certificates" in capsys.readouterr().err
