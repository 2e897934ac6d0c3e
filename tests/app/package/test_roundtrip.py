"""Build -> open round trips, each way of opening, and the outside tools as oracles."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from app.crypto.age_file import decrypt_bytes
from app.crypto.profile import Role
from app.kit.meeting_key import unlock_meeting_key
from app.package import decryption_identity, inspect_package, open_package
from app.package.manifest import parse_manifest
from tests.app.crypto.pki_fixtures import needs_openssl
from tests.app.package.conftest import MEETING_PASSPHRASE, World
from tests.app.package.helpers import NOW, pdf_bytes, template_application

needs_age = pytest.mark.tool("age")
ORDER = [
    "manifest.json",
    "manifest.json.p7s",
    "form.json",
    "attachments/可行性报告.pdf",
    "attachments/letter.pdf",
]


def test_expert_opens_with_own_identity(world: World, two_pdf_package: Path) -> None:
    with open_package(two_pdf_package, [world.expert_key()], world.roots, NOW) as opened:
        assert opened.application == template_application()
        assert opened.issuer.role is Role.ISSUER
        assert opened.issuer.fingerprint == world.issuer.fingerprint
        assert list(opened.member_names) == ORDER
        assert [a.title.zh_CN for a in opened.attachments if a.title] == ["可行性报告", "推荐函"]
        assert opened.read_member("attachments/可行性报告.pdf") == pdf_bytes(70_000, seed=1)
        assert opened.read_member("attachments/letter.pdf") == pdf_bytes(3_000, seed=2)
        checks = opened.verify_all()
        assert [c.name for c in checks] == ORDER[2:]
        with pytest.raises(KeyError):
            opened.read_member("nothing.pdf")


def test_expert_opens_with_meeting_key_and_passphrase(world: World, two_pdf_package: Path) -> None:
    key = unlock_meeting_key(world.sealed_meeting_key, " 4821 0937 5566 1200 7384 9051 ")
    with open_package(two_pdf_package, [key], world.roots, NOW) as opened:
        assert opened.verify_all()


def test_secretary_opens_it_too(world: World, two_pdf_package: Path) -> None:
    key = decryption_identity(world.secretary)
    with open_package(two_pdf_package, [key], world.roots, NOW) as opened:
        assert opened.manifest.form.name == "form.json"


def test_progress_reaches_the_total(world: World, two_pdf_package: Path) -> None:
    seen: list[tuple[int, int]] = []
    with open_package(two_pdf_package, [world.expert_key()], world.roots, NOW) as opened:
        opened.verify_all(lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] == sum(m.size for m in opened.manifest.members)


def test_inspect_needs_no_key(two_pdf_package: Path) -> None:
    report = inspect_package(two_pdf_package)
    assert report.format == "age"
    assert report.stanza_counts == (("X25519", 3),)
    assert report.encrypted_size == two_pdf_package.stat().st_size
    assert not report.passphrase_protected


@needs_age
def test_age_decrypts_and_zipfile_sees_stored_members(
    world: World, two_pdf_package: Path, tmp_path: Path
) -> None:
    key_file = tmp_path / "meeting.key"
    key_file.write_bytes(decrypt_bytes(world.sealed_meeting_key, [_scrypt()]))
    plain = subprocess.run(
        ["age", "-d", "-i", str(key_file), str(two_pdf_package)], capture_output=True, check=True
    ).stdout
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        assert zf.namelist() == ORDER
        assert {i.compress_type for i in zf.infolist()} == {zipfile.ZIP_STORED}
        assert zf.testzip() is None
        manifest = parse_manifest(zf.read("manifest.json"))
        for member in manifest.members:
            assert hashlib.sha256(zf.read(member.name)).hexdigest() == member.sha256
    archive = tmp_path / "plain.zip"
    archive.write_bytes(plain)
    if shutil.which("unzip"):
        listing = subprocess.run(
            ["unzip", "-Z", "-v", str(archive)], capture_output=True, check=True
        ).stdout.decode("utf-8", "replace")
        assert listing.count("compression method:                             none (stored)") == 5


@needs_age
def test_age_keygen_key_as_recipient(world: World, tmp_path: Path) -> None:
    from app.crypto.age_keys import parse_recipient
    from app.i18n import LocalizedText
    from app.package import Attachment, build_package

    subprocess.run(["age-keygen", "-o", str(tmp_path / "k.txt")], check=True, capture_output=True)
    public = next(
        line.split(": ")[1]
        for line in (tmp_path / "k.txt").read_text().splitlines()
        if line.startswith("# public key")
    )
    out = tmp_path / "p.oipkg"
    build_package(
        template_application(),
        [Attachment(pdf_bytes(10_000), LocalizedText("x", "x"), "x.pdf")],
        world.issuer,
        [parse_recipient(public)],
        out,
        NOW,
    )
    plain = subprocess.run(
        ["age", "-d", "-i", str(tmp_path / "k.txt"), str(out)], capture_output=True, check=True
    ).stdout
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        assert zf.read("attachments/x.pdf") == pdf_bytes(10_000)


@needs_age
@needs_openssl
def test_openssl_verifies_the_manifest_signature(
    world: World, two_pdf_package: Path, tmp_path: Path
) -> None:
    key_file = tmp_path / "meeting.key"
    key_file.write_bytes(decrypt_bytes(world.sealed_meeting_key, [_scrypt()]))
    plain = subprocess.run(
        ["age", "-d", "-i", str(key_file), str(two_pdf_package)], capture_output=True, check=True
    ).stdout
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        (tmp_path / "manifest.json").write_bytes(zf.read("manifest.json"))
        (tmp_path / "manifest.json.p7s").write_bytes(zf.read("manifest.json.p7s"))
    command = [
        "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
        "-in", str(tmp_path / "manifest.json.p7s"),
        "-content", str(tmp_path / "manifest.json"),
        "-CAfile", str(world.pki.root_pem), "-out", "/dev/null",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # and the same signature refuses a changed manifest
    (tmp_path / "manifest.json").write_bytes(b" " + (tmp_path / "manifest.json").read_bytes())
    assert subprocess.run(command, capture_output=True).returncode != 0


def _scrypt():  # type: ignore[no-untyped-def]
    from app.crypto.age_keys import ScryptIdentity

    return ScryptIdentity(MEETING_PASSPHRASE)
