"""Build refusals (nothing written), manifest strictness, meeting keys and extraction."""

from __future__ import annotations

import io
import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from app.crypto.age_keys import ScryptRecipient, X25519Identity
from app.crypto.profile import Role
from app.formats.canonical_json import dumps_canonical
from app.i18n import LocalizedText
from app.kit.meeting_key import (
    PASSPHRASE_ENTROPY_BITS,
    MeetingKeyError,
    MeetingKeyPassphraseError,
    generate_meeting_passphrase,
    normalize_meeting_passphrase,
    seal_meeting_key,
    unlock_meeting_key,
)
from app.package import (
    Attachment,
    PackageBuildError,
    PackageExtractError,
    PackageFormError,
    PackageManifestError,
    PackageVersionError,
    build_package,
    extract,
    open_package,
    recipient_for_certificate,
)
from app.package.manifest import parse_manifest
from tests.app.crypto.pki_fixtures import in_memory_identity
from tests.app.package.conftest import MEETING_PASSPHRASE, World
from tests.app.package.helpers import (
    NOW,
    manifest_doc,
    pdf_bytes,
    small_application,
    standard_members,
)

PDF = Attachment(pdf_bytes(500), LocalizedText("A", "甲"), "a.pdf")


def _build(world: World, out: Path, **changes: object) -> None:
    args: dict[str, object] = {
        "form": small_application(),
        "attachments": [PDF],
        "signer": world.issuer,
        "recipients": [world.meeting_key.recipient],
        "out": out,
        "now": NOW,
    }
    args.update(changes)
    build_package(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"recipients": []}, "at least one recipient"),
        ({"recipients": [ScryptRecipient("pw", log_n=4)]}, "passphrase"),
        ({"attachments": [Attachment(b"GIF89a....", LocalizedText("x", "x"))]}, "not a PDF"),
        ({"attachments": [Attachment(b"%PDF", LocalizedText("x", "x"))]}, "not a PDF"),
        ({"attachments": [PDF, PDF]}, "Two attachments"),
        (
            {"attachments": [Attachment(pdf_bytes(50), LocalizedText("x", "x"), "a/b")]},
            "cannot be used",
        ),
        (
            {"attachments": [Attachment(Path("/nonexistent.pdf"), LocalizedText("x", "x"))]},
            "Cannot read",
        ),
    ],
)
def test_build_refusals_write_nothing(
    world: World, tmp_path: Path, changes: dict, match: str
) -> None:  # type: ignore[type-arg]
    with pytest.raises(PackageBuildError, match=match):
        _build(world, tmp_path / "p.oipkg", **changes)
    assert os.listdir(tmp_path) == []


def test_only_an_issuer_may_sign(world: World, tmp_path: Path) -> None:
    for identity in (world.expert, world.secretary):
        with pytest.raises(PackageBuildError, match="Only an issuer"):
            _build(world, tmp_path / "p.oipkg", signer=identity)
    expired = in_memory_identity(world.pki.ca, Role.ISSUER, "Old", validity=timedelta(days=1))
    with pytest.raises(PackageBuildError, match="expired"):
        _build(world, tmp_path / "p.oipkg", signer=expired, now=NOW + timedelta(days=5))
    assert os.listdir(tmp_path) == []


def test_invalid_form_is_refused_naming_the_field(world: World, tmp_path: Path) -> None:
    app = small_application()
    bad = replace(app, sub_domain_tags=("Upper Case",))
    with pytest.raises(PackageFormError, match=r"sub_domain_tags\[0\]"):
        _build(world, tmp_path / "p.oipkg", form=bad)
    assert os.listdir(tmp_path) == []


def test_existing_output_is_kept(world: World, tmp_path: Path) -> None:
    out = tmp_path / "p.oipkg"
    out.write_bytes(b"old")
    with pytest.raises(PackageBuildError, match="already exists"):
        _build(world, out)
    assert out.read_bytes() == b"old"
    _build(world, out, overwrite=True)
    assert out.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert sorted(os.listdir(tmp_path)) == ["p.oipkg"]


def test_attachment_changed_between_passes(world: World, tmp_path: Path) -> None:
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf_bytes(5_000))
    calls = {"n": 0}

    def progress(done: int, total: int) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            source.write_bytes(pdf_bytes(5_000, seed=1))

    out = tmp_path / "out" / "p.oipkg"
    out.parent.mkdir()
    with pytest.raises(PackageBuildError, match="changed"):
        _build(
            world, out, attachments=[Attachment(source, LocalizedText("d", "d"))], progress=progress
        )
    assert os.listdir(out.parent) == []


def test_attachment_named_from_the_file(world: World, tmp_path: Path) -> None:
    source = tmp_path / "报告.PDF"
    source.write_bytes(pdf_bytes(900))
    out = tmp_path / "p.oipkg"
    summary = None
    build = build_package(
        small_application(),
        [Attachment(source, LocalizedText("r", "报告"))],
        world.issuer,
        [world.meeting_key.recipient],
        out,
        NOW,
    )
    summary = build
    assert [m.name for m in summary.members] == ["form.json", "attachments/报告.pdf"]
    assert summary.encrypted_size == out.stat().st_size


# --- manifest ----------------------------------------------------------------------------


def _manifest() -> dict:  # type: ignore[type-arg]
    _, members = standard_members(small_application(), {"attachments/a.pdf": pdf_bytes(10)})
    return manifest_doc(small_application(), members)


def test_manifest_round_trip() -> None:
    doc = _manifest()
    parsed = parse_manifest(dumps_canonical(doc))
    assert parsed.package_id == doc["package_id"] and parsed.created_at == NOW


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda d: d.update(format="other"), "not a package manifest"),
        (lambda d: d.update(extra=1), r"\$\.extra"),
        (lambda d: d.update(package_id="ABC"), "package_id"),
        (lambda d: d.update(created_at="2026-03-02 09:00"), "created_at"),
        (lambda d: d["members"][0].update(sha256="0" * 63), "sha256"),
        (lambda d: d["members"][0].update(size=-1), "size"),
        (lambda d: d["members"][0].update(kind="other"), "kind"),
        (lambda d: d["members"][1].update(name="attachments/../a.pdf"), "name"),
        (lambda d: d["members"][1].update(media_type="text/html"), "media_type"),
        (lambda d: d["members"].append(dict(d["members"][1])), "twice"),
        (lambda d: d["members"].pop(0), "form.json exactly once"),
        (lambda d: d["application"].update(form=[]), "application.form"),
    ],
)
def test_manifest_refusals(edit, match: str) -> None:  # type: ignore[no-untyped-def]
    doc = _manifest()
    edit(doc)
    with pytest.raises(PackageManifestError, match=match):
        parse_manifest(dumps_canonical(doc))


@pytest.mark.parametrize(
    "raw", [b'{"format":"review-desk/package","version":1.0}', b"[1,", b"\xff"]
)
def test_manifest_strict_json(raw: bytes) -> None:
    with pytest.raises(PackageManifestError):
        parse_manifest(raw)


def test_manifest_versions() -> None:
    for version in (2, 0, "1", True):
        doc = _manifest()
        doc["version"] = version
        with pytest.raises(PackageVersionError) as caught:
            parse_manifest(dumps_canonical(doc))
        assert str(version) in caught.value.message


# --- meeting key -------------------------------------------------------------------------


def test_meeting_passphrase_shape_and_entropy() -> None:
    phrases = {generate_meeting_passphrase() for _ in range(50)}
    assert len(phrases) == 50
    for phrase in phrases:
        groups = phrase.split("-")
        assert len(groups) == 6 and all(len(g) == 4 and g.isdigit() for g in groups)
    assert 79 < PASSPHRASE_ENTROPY_BITS < 80
    assert (
        normalize_meeting_passphrase("４８２１ ０９３７ 5566—1200 7384 9051") == MEETING_PASSPHRASE
    )
    assert normalize_meeting_passphrase("4821 0937 5566 1200 7384 90511") != MEETING_PASSPHRASE
    assert (
        normalize_meeting_passphrase("４８２１ ０９３７ 5566-1200 7384 9051") == MEETING_PASSPHRASE
    )
    assert normalize_meeting_passphrase("word pass") == "word pass"


def test_meeting_key_seal_and_unlock(world: World) -> None:
    key = unlock_meeting_key(world.sealed_meeting_key, MEETING_PASSPHRASE)
    assert key.recipient == world.meeting_key.recipient
    with pytest.raises(MeetingKeyPassphraseError, match="not correct"):
        unlock_meeting_key(world.sealed_meeting_key, "0000-0000-0000-0000-0000-0000")
    with pytest.raises(MeetingKeyError, match="not a meeting key"):
        unlock_meeting_key(b"garbage", MEETING_PASSPHRASE)
    from app.crypto.age_file import encrypt_bytes

    to_key = encrypt_bytes(b"x", [X25519Identity.generate().recipient])
    with pytest.raises(MeetingKeyError, match="not a meeting key"):
        unlock_meeting_key(to_key, MEETING_PASSPHRASE)
    not_identity = encrypt_bytes(b"hello", [ScryptRecipient(MEETING_PASSPHRASE, log_n=4)])
    with pytest.raises(MeetingKeyError, match="not a meeting key"):
        unlock_meeting_key(not_identity, MEETING_PASSPHRASE)
    assert "AGE-SECRET" not in repr(key)
    sealed = seal_meeting_key(key, "my own words", log_n=4)
    assert unlock_meeting_key(sealed, "my own words").recipient == key.recipient


# --- extraction --------------------------------------------------------------------------


def test_extract_writes_verified_members_and_never_overwrites(
    world: World, two_pdf_package: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    with open_package(two_pdf_package, [world.expert_key()], world.roots, NOW) as opened:
        written = extract(opened, target)
        assert [p.relative_to(target).as_posix() for p in written] == list(opened.member_names)
        assert (target / "attachments" / "letter.pdf").read_bytes() == pdf_bytes(3_000, seed=2)
        before = sorted(p.as_posix() for p in target.rglob("*"))
        with pytest.raises(PackageExtractError, match="already exists"):
            extract(opened, target)
        assert sorted(p.as_posix() for p in target.rglob("*")) == before
    other = tmp_path / "other"
    other.mkdir()
    (other / "attachments").write_bytes(b"a file where a folder is needed")
    with open_package(two_pdf_package, [world.expert_key()], world.roots, NOW) as opened:
        with pytest.raises(PackageExtractError, match="not a plain folder"):
            extract(opened, other)
    assert sorted(os.listdir(other)) == ["attachments"]


def test_extract_rolls_back_on_a_hash_mismatch(world: World, tmp_path: Path) -> None:
    from tests.app.package.helpers import craft

    files, members = standard_members(small_application(), {"attachments/a.pdf": pdf_bytes(100)})
    files[1] = ("attachments/a.pdf", pdf_bytes(100, seed=4))
    path = tmp_path / "p.oipkg"
    path.write_bytes(
        craft(
            manifest_doc(small_application(), members),
            files,
            world.issuer,
            [world.expert_key().recipient],
        )
    )
    target = tmp_path / "out"
    with open_package(path, [world.expert_key()], world.roots, NOW) as opened:
        from app.package import PackageMemberError

        with pytest.raises(PackageMemberError):
            extract(opened, target)
    assert list(target.rglob("*")) == []
    assert io  # keep import for helpers
    assert recipient_for_certificate
