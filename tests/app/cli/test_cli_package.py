"""``review-desk package``: template, build, inspect, verify, extract - end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding, pkcs12

from app.cli import main
from app.crypto.profile import Role
from app.kit.meeting_key import generate_meeting_key, seal_meeting_key
from tests.app.crypto.pki_fixtures import EXPERT_PASSPHRASE, PkiFixture, shared_pki
from tests.app.package.helpers import pdf_bytes

MEETING = "1111-2222-3333-4444-5555-6666"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[PkiFixture, Path]:
    pkix = shared_pki(tmp_path_factory)
    base = tmp_path_factory.mktemp("cli-package")
    issuer = pkix.people[Role.ISSUER]
    (base / "issuer.pass").write_bytes(b"issuer secret phrase\n")
    from app.crypto.identity import serialize_pkcs12

    (base / "issuer.p12").write_bytes(
        serialize_pkcs12(
            issuer.signing_key, issuer.certificate, issuer.chain, b"issuer secret phrase"
        )
    )
    (base / "expert.pass").write_bytes(EXPERT_PASSPHRASE + b"\n")
    (base / "meeting.pass").write_text(MEETING + "\n")
    (base / "expert.pem").write_bytes(pkix.expert.certificate.public_bytes(Encoding.PEM))
    key = generate_meeting_key()
    (base / "meeting.key").write_bytes(seal_meeting_key(key, MEETING, log_n=10))
    (base / "a.pdf").write_bytes(pdf_bytes(80_000, seed=1))
    (base / "b.pdf").write_bytes(pdf_bytes(2_000, seed=2))
    assert main(["package", "template", "--out", str(base / "form.json")]) == 0
    code = main(
        [
            "package", "build", "--form", str(base / "form.json"),
            "--attach", str(base / "a.pdf"), "--title", "Report", "--title-zh", "报告",
            "--attach", str(base / "b.pdf"),
            "--signer", str(base / "issuer.p12"), "--passphrase-file", str(base / "issuer.pass"),
            "--recipient", str(base / "expert.pem"), str(key.recipient),
            "--out", str(base / "p.oipkg"),
        ]
    )  # fmt: skip
    assert code == 0
    return pkix, base


def _verify(pkix: PkiFixture, base: Path, *extra: str, action: str = "verify") -> int:
    return main(["package", action, str(base / "p.oipkg"), "--trust", str(pkix.root_pem), *extra])


def test_build_reports_members(
    setup: tuple[PkiFixture, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, base = setup
    assert main(["package", "inspect", str(base / "p.oipkg")]) == 0
    out = capsys.readouterr().out
    assert "Format: age" in out and "Recipients of type X25519: 2" in out
    assert "unknown until opened" in out


def test_verify_with_expert_identity(
    setup: tuple[PkiFixture, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pkix, base = setup
    code = _verify(
        pkix,
        base,
        "--identity",
        str(pkix.expert_p12),
        "--passphrase-file",
        str(base / "expert.pass"),
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "OK  signature: issued by issuer 测试" in out
    assert "OK  attachments/a.pdf  80000 bytes" in out and "OK  attachments/b.pdf" in out
    assert EXPERT_PASSPHRASE.decode() not in out


def test_verify_with_meeting_key(
    setup: tuple[PkiFixture, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pkix, base = setup
    assert (
        _verify(
            pkix,
            base,
            "--meeting-key",
            str(base / "meeting.key"),
            "--passphrase-file",
            str(base / "meeting.pass"),
        )
        == 0
    )
    (base / "wrong.pass").write_text("1111-2222-3333-4444-5555-6667")
    code = _verify(
        pkix,
        base,
        "--meeting-key",
        str(base / "meeting.key"),
        "--passphrase-file",
        str(base / "wrong.pass"),
    )
    captured = capsys.readouterr()
    assert code == 2 and "meeting passphrase is not correct" in captured.err
    assert "6667" not in captured.err + captured.out


def test_verify_against_other_roots_fails(
    setup: tuple[PkiFixture, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pkix, base = setup
    code = main(
        [
            "package",
            "verify",
            str(base / "p.oipkg"),
            "--trust",
            str(pkix.other_root_pem),
            "--meeting-key",
            str(base / "meeting.key"),
            "--passphrase-file",
            str(base / "meeting.pass"),
        ]
    )
    assert code == 2
    assert "not trusted" in capsys.readouterr().err


def test_extract_once_then_refuse(
    setup: tuple[PkiFixture, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pkix, base = setup
    args = [
        "--meeting-key",
        str(base / "meeting.key"),
        "--passphrase-file",
        str(base / "meeting.pass"),
        "--to",
        str(base / "out"),
    ]
    assert _verify(pkix, base, *args, action="extract") == 0
    assert (base / "out" / "attachments" / "a.pdf").read_bytes() == pdf_bytes(80_000, seed=1)
    assert _verify(pkix, base, *args, action="extract") == 2
    assert "already exists" in capsys.readouterr().err


def test_certificate_without_binding_is_refused(
    setup: tuple[PkiFixture, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pkix, base = setup
    code = main(
        [
            "package",
            "build",
            "--form",
            str(base / "form.json"),
            "--signer",
            str(base / "issuer.p12"),
            "--passphrase-file",
            str(base / "issuer.pass"),
            "--recipient",
            str(pkix.root_pem),
            "--out",
            str(base / "q.oipkg"),
        ]
    )
    assert code == 2 and "carries no encryption key" in capsys.readouterr().err
    assert not (base / "q.oipkg").exists()


def test_weak_pkcs12_identity_warns(
    setup: tuple[PkiFixture, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    pkix, base = setup
    expert = pkix.expert
    weak = pkcs12.serialize_key_and_certificates(
        b"weak",
        expert.signing_key,
        expert.certificate,
        list(expert.chain),
        BestAvailableEncryption(b"weak pass"),
    )
    (base / "weak.p12").write_bytes(weak)
    (base / "weak.pass").write_bytes(b"weak pass")
    code = _verify(
        pkix,
        base,
        "--identity",
        str(base / "weak.p12"),
        "--passphrase-file",
        str(base / "weak.pass"),
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Warning: The passphrase is stretched with only" in out
    assert hashes  # imported for clarity of the weak file's construction


def test_template_is_accepted_and_not_overwritten(
    setup: tuple[PkiFixture, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, base = setup
    assert main(["package", "template", "--out", str(base / "form.json")]) == 2
    assert "already exists" in capsys.readouterr().err


def test_not_a_pdf_is_refused(
    setup: tuple[PkiFixture, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _pkix, base = setup
    (base / "x.pdf").write_bytes(b"<html>")
    code = main(
        [
            "package",
            "build",
            "--form",
            str(base / "form.json"),
            "--attach",
            str(base / "x.pdf"),
            "--signer",
            str(base / "issuer.p12"),
            "--passphrase-file",
            str(base / "issuer.pass"),
            "--recipient",
            str(base / "expert.pem"),
            "--out",
            str(base / "r.oipkg"),
        ]
    )
    assert code == 2 and "is not a PDF" in capsys.readouterr().err


def _trust_with_crl(pkix: PkiFixture, base: Path, name: str, revoked: list[object]) -> Path:
    """The root and a CRL signed now (the CLI verifies at the real time)."""
    from datetime import UTC, datetime

    from app.crypto import pki

    folder = base / f"{name}-ca"
    folder.mkdir()
    for cert in revoked:
        pki.revoke(pkix.ca, folder, cert, datetime.now(UTC))  # type: ignore[arg-type]
    crl = pki.sign_crl(pkix.ca, folder, datetime.now(UTC))
    trust = base / f"{name}.pem"
    trust.write_bytes(pkix.root_pem.read_bytes() + crl.public_bytes(Encoding.PEM))
    return trust


@pytest.mark.parametrize("revoked", [False, True])
def test_verify_applies_the_crl_of_the_trust_file(
    setup: tuple[PkiFixture, Path], capsys: pytest.CaptureFixture[str], revoked: bool
) -> None:
    pkix, base = setup
    issuer = pkix.people[Role.ISSUER].certificate
    trust = _trust_with_crl(pkix, base, f"crl-{revoked}", [issuer] if revoked else [])
    code = main(
        [
            "package", "verify", str(base / "p.oipkg"), "--trust", str(trust),
            "--meeting-key", str(base / "meeting.key"),
            "--passphrase-file", str(base / "meeting.pass"),
        ]
    )  # fmt: skip
    captured = capsys.readouterr()
    if revoked:
        assert code == 2
        assert "the certificate was revoked on" in captured.err
    else:
        assert code == 0, captured.err
        assert "OK  signature: issued by issuer 测试" in captured.out
