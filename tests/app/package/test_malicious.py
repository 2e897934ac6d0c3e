"""Hostile packages: each is refused with its stage's typed error and a clear message."""

from __future__ import annotations

import zipfile
import zlib
from datetime import timedelta
from pathlib import Path

import pytest

from app.crypto.age_errors import AgeHeaderError, AgeNoMatchError, AgePayloadError
from app.crypto.age_file import encrypt_bytes
from app.crypto.age_keys import ScryptRecipient, X25519Recipient
from app.crypto.cms import SignerExpiredError, SignerRoleError, SignerUntrustedError, sign_detached
from app.crypto.profile import Role
from app.errors import UserFacingError
from app.formats.canonical_json import dumps_canonical
from app.i18n import LocalizedText
from app.package import (
    PackageContainerError,
    PackageFormError,
    PackageManifestError,
    PackageMemberError,
    PackageSignatureError,
    PackageVersionError,
    open_package,
)
from app.package.form import form_bytes
from app.package.manifest import MemberKind
from app.package.zipwrite import PlannedEntry, central_directory, local_header
from tests.app.crypto.pki_fixtures import in_memory_identity
from tests.app.package.conftest import World
from tests.app.package.helpers import (
    NOW,
    craft,
    manifest_doc,
    member,
    pdf_bytes,
    small_application,
    standard_members,
    zip_stored,
    zip_with_zipfile,
)

PDF = pdf_bytes(2_000)


def _open(world: World, data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.oipkg"
    path.write_bytes(data)
    with open_package(path, [world.expert_key()], world.roots, NOW):
        pass


def _expert(world: World) -> list[X25519Recipient]:
    return [X25519Recipient(world.expert.x25519_public_bytes)]


def _parts() -> tuple[list[tuple[str, bytes]], list]:  # type: ignore[type-arg]
    return standard_members(small_application(), {"attachments/a.pdf": PDF})


def test_a_well_formed_crafted_package_opens(world: World, tmp_path: Path) -> None:
    files, members = _parts()
    data = craft(manifest_doc(small_application(), members), files, world.issuer, _expert(world))
    _open(world, data, tmp_path)  # the helpers themselves make valid packages


def test_unknown_manifest_version_is_named(world: World, tmp_path: Path) -> None:
    files, members = _parts()
    doc = manifest_doc(small_application(), members)
    doc["version"] = 7
    with pytest.raises(PackageVersionError) as caught:
        _open(world, craft(doc, files, world.issuer, _expert(world)), tmp_path)
    assert "version 7" in caught.value.message


def test_duplicate_zip_member(world: World, tmp_path: Path) -> None:
    files, members = _parts()
    files.append(("attachments/a.pdf", pdf_bytes(2_000, seed=9)))
    data = craft(manifest_doc(small_application(), members), files, world.issuer, _expert(world))
    with pytest.raises(PackageContainerError, match="appears twice"):
        _open(world, data, tmp_path)


def test_member_not_in_manifest(world: World, tmp_path: Path) -> None:
    files, members = _parts()
    files.append(("attachments/extra.pdf", PDF))
    data = craft(manifest_doc(small_application(), members), files, world.issuer, _expert(world))
    with pytest.raises(PackageManifestError, match="not in the manifest"):
        _open(world, data, tmp_path)


def test_manifest_member_missing_from_zip(world: World, tmp_path: Path) -> None:
    files, members = _parts()
    data = craft(
        manifest_doc(small_application(), members), files[:1], world.issuer, _expert(world)
    )
    with pytest.raises(PackageManifestError, match="missing from the package"):
        _open(world, data, tmp_path)


def test_hash_mismatch_caught_only_by_the_hash(world: World, tmp_path: Path) -> None:
    files, members = _parts()
    forged = pdf_bytes(2_000, seed=5)  # same size, other bytes, correct CRC in the ZIP
    files[1] = ("attachments/a.pdf", forged)
    data = craft(manifest_doc(small_application(), members), files, world.issuer, _expert(world))
    path = tmp_path / "p.oipkg"
    path.write_bytes(data)
    with open_package(path, [world.expert_key()], world.roots, NOW) as opened:
        with pytest.raises(PackageMemberError, match="SHA-256"):
            opened.read_member("attachments/a.pdf")
        with pytest.raises(PackageMemberError):
            opened.verify_all()


def test_crc_mismatch_caught_when_the_member_is_read_whole(world: World, tmp_path: Path) -> None:
    """The attachment's bytes are the signed ones, but both its headers carry another
    CRC-32 (so the directory agrees with itself and the package opens): reading it whole,
    as verify_all and read_member do, refuses it (package v1: the CRC-32 MUST match)."""
    files, members = _parts()
    doc = manifest_doc(small_application(), members)
    manifest = dumps_canonical(doc)
    entries = [
        ("manifest.json", manifest),
        ("manifest.json.p7s", sign_detached(manifest, world.issuer)),
    ]
    entries += files
    planned = [
        PlannedEntry(name, len(data), zlib.crc32(data) ^ (name == "attachments/a.pdf"))
        for name, data in entries
    ]
    stamp = (0, 33)
    pairs = zip(planned, entries, strict=True)
    body = b"".join(local_header(p, stamp) + data for p, (_, data) in pairs)
    archive = body + central_directory(planned, stamp)
    path = tmp_path / "p.oipkg"
    path.write_bytes(craft(doc, files, world.issuer, _expert(world), archive=archive))
    with open_package(path, [world.expert_key()], world.roots, NOW) as opened:
        with pytest.raises(PackageContainerError, match="CRC-32"):
            opened.verify_all()
        with pytest.raises(PackageContainerError, match="CRC-32"):
            opened.read_member("attachments/a.pdf")


def test_form_hash_mismatch_refused_at_open(world: World, tmp_path: Path) -> None:
    files, members = _parts()
    app2 = small_application()
    other = form_bytes(app2).replace(b'"x"', b'"y"', 1)
    files[0] = ("form.json", other)
    data = craft(manifest_doc(app2, members), files, world.issuer, _expert(world))
    with pytest.raises(PackageMemberError, match=r"form\.json"):
        _open(world, data, tmp_path)


def test_form_disagreeing_with_manifest(world: World, tmp_path: Path) -> None:
    files, members = _parts()
    doc = manifest_doc(small_application(), members)
    doc["application"]["id"] = "zz9"
    with pytest.raises(PackageFormError, match="differ"):
        _open(world, craft(doc, files, world.issuer, _expert(world)), tmp_path)


def test_invalid_form_names_the_field(world: World, tmp_path: Path) -> None:
    bad = form_bytes(small_application()).replace(b'"key":"I.1"', b'"key":"I.9"', 1)
    files = [("form.json", bad), ("attachments/a.pdf", PDF)]
    members = [
        member("form.json", bad, MemberKind.FORM),
        member("attachments/a.pdf", PDF, MemberKind.ATTACHMENT),
    ]
    data = craft(manifest_doc(small_application(), members), files, world.issuer, _expert(world))
    with pytest.raises(PackageFormError, match=r"sections\[0\]\.key"):
        _open(world, data, tmp_path)


def test_deflated_member(world: World, tmp_path: Path) -> None:
    files, members = _parts()
    manifest = manifest_doc(small_application(), members)
    from app.crypto.cms import sign_detached
    from app.formats.canonical_json import dumps_canonical

    raw = dumps_canonical(manifest)
    archive = zip_with_zipfile(
        [
            ("manifest.json", raw, zipfile.ZIP_STORED),
            ("manifest.json.p7s", sign_detached(raw, world.issuer), zipfile.ZIP_STORED),
            ("form.json", files[0][1], zipfile.ZIP_DEFLATED),
            ("attachments/a.pdf", PDF, zipfile.ZIP_STORED),
        ]
    )
    data = craft(raw, [], world.issuer, _expert(world), archive=archive)
    with pytest.raises(PackageContainerError, match="compressed"):
        _open(world, data, tmp_path)


@pytest.mark.parametrize("case", ["untrusted", "expired", "expert", "not-yet-valid"])
def test_signature_refusals(world: World, tmp_path: Path, case: str) -> None:
    files, members = _parts()
    doc = manifest_doc(small_application(), members)
    if case == "untrusted":
        signer, expected = (
            in_memory_identity(world.pki.other_ca, Role.ISSUER, "Rogue"),
            SignerUntrustedError,
        )
    elif case == "expired":
        signer = in_memory_identity(world.pki.ca, Role.ISSUER, "Old", validity=timedelta(days=1))
        expected = SignerExpiredError
    elif case == "not-yet-valid":
        signer = in_memory_identity(
            world.pki.ca, Role.ISSUER, "Early", now=NOW + timedelta(days=30)
        )
        expected = SignerExpiredError
    else:
        signer, expected = world.outsider, SignerRoleError  # an expert signing a package
    when = NOW + timedelta(days=10) if case == "expired" else NOW
    path = tmp_path / "p.oipkg"
    path.write_bytes(craft(doc, files, signer, _expert(world)))
    with pytest.raises(PackageSignatureError) as caught:
        open_package(path, [world.expert_key()], world.roots, when)
    assert isinstance(caught.value.cause, expected)
    assert caught.value.message and caught.value.recommendation


def test_signature_over_other_bytes(world: World, tmp_path: Path) -> None:
    files, members = _parts()
    from app.crypto.cms import sign_detached
    from app.formats.canonical_json import dumps_canonical

    raw = dumps_canonical(manifest_doc(small_application(), members))
    archive = zip_stored(
        [
            ("manifest.json", raw),
            ("manifest.json.p7s", sign_detached(raw + b" ", world.issuer)),
            *files,
        ]
    )
    data = craft(raw, [], world.issuer, _expert(world), archive=archive)
    with pytest.raises(PackageSignatureError):
        _open(world, data, tmp_path)


def test_manifest_with_duplicate_keys_refused_after_signature(world: World, tmp_path: Path) -> None:
    files, members = _parts()
    from app.formats.canonical_json import dumps_canonical

    raw = dumps_canonical(manifest_doc(small_application(), members))
    raw = raw.replace(b'{"application"', b'{"version":1,"application"', 1)
    with pytest.raises(PackageManifestError, match=r"[Dd]uplicate|twice"):
        _open(world, craft(raw, files, world.issuer, _expert(world)), tmp_path)


def test_wrong_identity_and_trailing_data(
    world: World, small_package: bytes, tmp_path: Path
) -> None:
    from app.package import decryption_identity

    path = tmp_path / "p.oipkg"
    path.write_bytes(small_package)
    with pytest.raises(AgeNoMatchError, match="not encrypted to any of your keys"):
        open_package(path, [decryption_identity(world.outsider)], world.roots, NOW)
    path.write_bytes(small_package + b"\x00")
    with pytest.raises(AgePayloadError):
        open_package(path, [world.expert_key()], world.roots, NOW)


def test_oversized_header(world: World, tmp_path: Path) -> None:
    many = [X25519Recipient(world.expert.x25519_public_bytes)] * 70  # > 64 stanzas
    data = encrypt_bytes(zip_stored([]), many)
    with pytest.raises(AgeHeaderError):
        _open(world, data, tmp_path)


def test_passphrase_file_is_not_a_package(world: World, tmp_path: Path) -> None:
    data = encrypt_bytes(zip_stored([]), [ScryptRecipient("pw", log_n=4)])
    with pytest.raises(PackageContainerError, match="not encrypted to keys"):
        _open(world, data, tmp_path)
    with pytest.raises(PackageContainerError, match="cannot be read"):
        open_package(tmp_path / "absent.oipkg", [world.expert_key()], world.roots, NOW)


def test_every_refusal_is_user_facing(world: World, tmp_path: Path) -> None:
    data = encrypt_bytes(b"not a zip at all", _expert(world))
    with pytest.raises(UserFacingError) as caught:
        _open(world, data, tmp_path)
    assert isinstance(caught.value, PackageContainerError)
    assert "password" not in repr(caught.value).lower()
    assert LocalizedText  # imported for the helpers' types
