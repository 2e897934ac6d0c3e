"""Meeting kits: round trip, an independent oracle (openssl), refusals per stage, import."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from app.crypto import pki
from app.crypto.cms import sign_detached
from app.crypto.identity import load_identity
from app.demo.build import DEMO_CA_PASSPHRASE, DEMO_SECRETARY_PASSPHRASE
from app.domain.ids import ApplicationId
from app.expert.kit_import import import_kit
from app.formats.canonical_json import dumps_canonical
from app.kit.builder import build_kit
from app.kit.errors import (
    KitBuildError,
    KitContainerError,
    KitContentError,
    KitImportError,
    KitManifestError,
    KitMemberError,
    KitSignatureError,
)
from app.kit.manifest import kit_hash
from app.kit.reader import inspect_kit, open_kit
from app.workspaces import open_workspace
from storage.stores import SqliteStores
from tests.app.kit.conftest import Demo, kit_entries
from tests.app.package.helpers import zip_stored


def _secretary(demo: Demo):  # type: ignore[no-untyped-def]
    data = demo.summary.identities["secretary"].read_bytes()
    return load_identity(data, DEMO_SECRETARY_PASSPHRASE.encode())


def _write(tmp_path: Path, entries: list[tuple[str, bytes]], name: str = "t.oikit") -> Path:
    out = tmp_path / name
    out.write_bytes(zip_stored(entries))
    return out


def _replace(entries: list[tuple[str, bytes]], name: str, data: bytes) -> list[tuple[str, bytes]]:
    return [(n, data if n == name else d) for n, d in entries]


def _resign(entries: list[tuple[str, bytes]], manifest: bytes, signer) -> list[tuple[str, bytes]]:  # type: ignore[no-untyped-def]
    entries = _replace(entries, "manifest.json", manifest)
    return _replace(entries, "manifest.json.p7s", sign_detached(manifest, signer))


def test_round_trip(demo: Demo) -> None:
    with open_kit(demo.summary.kit, demo.roots, demo.now) as kit:
        assert kit.kit_hash == demo.summary.kit_hash
        assert kit.signer.common_name.startswith("示例会议秘书")
        assert len(kit.meeting.experts) == 7 and all(e.fingerprint for e in kit.meeting.experts)
        assert kit.rubric.id == kit.meeting.rubric_id
        assert [m.name for m in kit.manifest.package_members] == [
            f"packages/{a.id}.oipkg" for a in kit.meeting.applications
        ]
        issued = demo.summary.directory / "issued" / "a01.oipkg"
        assert b"".join(kit.iter_package("a01")) == issued.read_bytes()
    found = inspect_kit(demo.summary.kit)
    assert found.kit_hash == demo.summary.kit_hash


def test_openssl_accepts_the_manifest_signature(demo: Demo, tmp_path: Path) -> None:
    entries = dict(kit_entries(demo.summary.kit))
    (tmp_path / "m.json").write_bytes(entries["manifest.json"])
    (tmp_path / "m.p7s").write_bytes(entries["manifest.json.p7s"])
    result = subprocess.run(
        [
            "openssl",
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(tmp_path / "m.p7s"),
            "-content",
            str(tmp_path / "m.json"),
            "-CAfile",
            str(demo.summary.trust_roots),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Verification successful" in result.stderr
    assert kit_hash(entries["manifest.json"]) == demo.summary.kit_hash


def test_a_flipped_byte_in_a_package_is_refused(demo: Demo, tmp_path: Path) -> None:
    entries = kit_entries(demo.summary.kit)
    name = "packages/a03.oipkg"
    data = bytearray(dict(entries)[name])
    data[len(data) // 2] ^= 0x01
    with pytest.raises(KitMemberError) as err:
        open_kit(_write(tmp_path, _replace(entries, name, bytes(data))), demo.roots, demo.now)
    assert err.value.name == name


def test_a_flipped_byte_in_the_meeting_is_refused(demo: Demo, tmp_path: Path) -> None:
    entries = kit_entries(demo.summary.kit)
    data = bytearray(dict(entries)["meeting.json"])
    data[100] ^= 0x01
    with pytest.raises(KitMemberError):
        open_kit(
            _write(tmp_path, _replace(entries, "meeting.json", bytes(data))), demo.roots, demo.now
        )


def test_a_flipped_byte_in_the_manifest_breaks_the_signature(demo: Demo, tmp_path: Path) -> None:
    entries = kit_entries(demo.summary.kit)
    data = bytearray(dict(entries)["manifest.json"])
    data[30] ^= 0x01
    with pytest.raises(KitSignatureError):
        open_kit(
            _write(tmp_path, _replace(entries, "manifest.json", bytes(data))), demo.roots, demo.now
        )


def test_a_kit_signed_by_an_expert_is_refused(demo: Demo, tmp_path: Path) -> None:
    entries = kit_entries(demo.summary.kit)
    forged = _resign(entries, dict(entries)["manifest.json"], demo.expert("e02"))
    with pytest.raises(KitSignatureError) as err:
        open_kit(_write(tmp_path, forged), demo.roots, demo.now)
    assert "Role" in err.value.detail


def test_a_kit_from_an_untrusted_root_is_refused(demo: Demo, tmp_path: Path) -> None:
    pki.init_ca(tmp_path / "other", "Other Root", b"x" * 8, demo.now)
    other = pki.load_trust_roots(tmp_path / "other" / "ca.pem")
    with pytest.raises(KitSignatureError) as err:
        open_kit(demo.summary.kit, other, demo.now)
    assert "Untrusted" in err.value.detail


def test_a_member_missing_from_the_manifest_is_refused(demo: Demo, tmp_path: Path) -> None:
    entries = kit_entries(demo.summary.kit)
    entries.append(("packages/zz.oipkg", b"extra"))
    with pytest.raises(KitManifestError):
        open_kit(_write(tmp_path, entries), demo.roots, demo.now)


def test_a_duplicate_member_is_refused(demo: Demo, tmp_path: Path) -> None:
    entries = kit_entries(demo.summary.kit)
    entries.append(("meeting.json", dict(entries)["meeting.json"]))
    with pytest.raises(KitContainerError):
        open_kit(_write(tmp_path, entries), demo.roots, demo.now)


def test_a_manifest_naming_another_meeting_is_refused(demo: Demo, tmp_path: Path) -> None:
    entries = kit_entries(demo.summary.kit)
    doc = json.loads(dict(entries)["manifest.json"])
    doc["meeting_id"] = "another-meeting"
    forged = _resign(entries, dumps_canonical(doc), _secretary(demo))
    with pytest.raises(KitContentError) as err:
        open_kit(_write(tmp_path, forged), demo.roots, demo.now)
    assert "another-meeting" in err.value.message


def test_a_package_for_a_missing_application_is_refused(demo: Demo, tmp_path: Path) -> None:
    entries = [(n, d) for n, d in kit_entries(demo.summary.kit) if n != "packages/a06.oipkg"]
    doc = json.loads(dict(entries)["manifest.json"])
    doc["members"] = [m for m in doc["members"] if m["name"] != "packages/a06.oipkg"]
    forged = _resign(entries, dumps_canonical(doc), _secretary(demo))
    with pytest.raises(KitContentError) as err:
        open_kit(_write(tmp_path, forged), demo.roots, demo.now)
    assert "a06" in err.value.detail


def _inputs(demo: Demo):  # type: ignore[no-untyped-def]
    with open_kit(demo.summary.kit, demo.roots, demo.now) as kit:
        meeting, rubric, sealed = kit.meeting, kit.rubric, kit.sealed_meeting_key
    packages = {
        ApplicationId(str(a.id)): demo.summary.directory / "issued" / f"{a.id}.oipkg"
        for a in meeting.applications
    }
    return meeting, rubric, packages, sealed


def test_build_refusals(demo: Demo, tmp_path: Path) -> None:
    meeting, rubric, packages, sealed = _inputs(demo)
    secretary = _secretary(demo)
    out = tmp_path / "k.oikit"
    unpinned = replace(
        meeting, experts=(replace(meeting.experts[0], fingerprint=""), *meeting.experts[1:])
    )
    with pytest.raises(KitBuildError, match="fingerprint"):
        build_kit(unpinned, rubric, packages, demo.roots, secretary, sealed, out, demo.now)
    with pytest.raises(KitBuildError, match="rubric"):
        build_kit(
            replace(meeting, rubric_id="other"),
            rubric,
            packages,
            demo.roots,
            secretary,
            sealed,
            out,
            demo.now,
        )
    missing = {k: v for k, v in packages.items() if k != "a02"}
    with pytest.raises(KitBuildError, match="a02"):
        build_kit(meeting, rubric, missing, demo.roots, secretary, sealed, out, demo.now)
    with pytest.raises(KitBuildError, match="secretary"):
        build_kit(meeting, rubric, packages, demo.roots, demo.expert(), sealed, out, demo.now)
    assert not out.exists()


def test_import_is_idempotent_and_refuses_another_kit(demo: Demo, tmp_path: Path) -> None:
    first = import_kit(SqliteStores(), demo.summary.kit, tmp_path / "ws", demo.roots, demo.now)
    assert first.created
    again = import_kit(SqliteStores(), demo.summary.kit, tmp_path / "ws", demo.roots, demo.now)
    assert not again.created and "already imported" in str(again.message)
    with open_workspace(SqliteStores(), first.path) as ws:
        record = ws.kit_record()
        assert record is not None and record.kit_hash == demo.summary.kit_hash
        assert record.sealed_meeting_key == demo.summary.meeting_key.read_bytes()
        assert "BEGIN CERTIFICATE" in record.secretary_certificate_pem
        assert ws.verify_audit().ok
    copied = sorted(p.name for p in first.packages_dir.iterdir())
    assert copied == [f"a0{i}.oipkg" for i in range(1, 7)]
    meeting, rubric, packages, sealed = _inputs(demo)
    other = build_kit(
        meeting,
        rubric,
        packages,
        demo.roots,
        _secretary(demo),
        sealed,
        tmp_path / "other.oikit",
        demo.now,
    )
    assert other.kit_hash != demo.summary.kit_hash
    with pytest.raises(KitImportError):
        import_kit(SqliteStores(), other.path, tmp_path / "ws", demo.roots, demo.now)


def test_the_demo_workspace_records_its_kit(demo: Demo) -> None:
    with open_workspace(SqliteStores(), demo.summary.workspace) as ws:
        record = ws.kit_record()
    assert record is not None and record.kit_hash == demo.summary.kit_hash
    digest = hashlib.sha256(demo.summary.kit.read_bytes()).hexdigest()
    assert digest != record.kit_hash  # the kit hash is the manifest's, not the file's


def test_the_ca_passphrase_is_the_documented_one(demo: Demo) -> None:
    assert pki.load_ca(demo.summary.ca_dir, DEMO_CA_PASSPHRASE.encode()).certificate in demo.roots


def test_cli_kit_verify_and_import(
    demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main

    roots = str(demo.summary.trust_roots)
    assert main(["kit", "inspect", str(demo.summary.kit)]) == 0
    assert main(["kit", "verify", str(demo.summary.kit), "--trust", roots]) == 0
    assert (
        main(
            ["kit", "import", str(demo.summary.kit), "--dir", str(tmp_path / "w"), "--trust", roots]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert demo.summary.kit_hash in out and "imported" in out
    shutil.rmtree(tmp_path / "w")


def test_a_kit_signed_by_a_revoked_secretary_is_refused_with_the_date(
    demo: Demo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.serialization import Encoding

    from app.cli import main

    ca = pki.load_ca(demo.summary.ca_dir, DEMO_CA_PASSPHRASE.encode())
    with open_kit(demo.summary.kit, demo.roots, demo.now) as kit:
        secretary = kit.signer.certificate
    record = tmp_path / "ca-record"  # not the demo's CA folder: other tests share it
    record.mkdir()
    now = datetime.now(UTC)
    clean = pki.sign_crl(ca, record, now)
    with open_kit(demo.summary.kit, demo.roots, now, crls=[clean]) as kit:
        assert kit.signer.certificate == secretary
    pki.revoke(ca, record, secretary, now)
    crl = pki.sign_crl(ca, record, now)
    with pytest.raises(KitSignatureError, match="revoked on"):
        open_kit(demo.summary.kit, demo.roots, now, crls=[crl])
    trust = tmp_path / "roots.pem"
    trust.write_bytes(demo.summary.trust_roots.read_bytes() + crl.public_bytes(Encoding.PEM))
    assert main(["kit", "verify", str(demo.summary.kit), "--trust", str(trust)]) == 2
    assert "the certificate was revoked on" in capsys.readouterr().err
    code = main(
        [
            "kit",
            "import",
            str(demo.summary.kit),
            "--dir",
            str(tmp_path / "ws"),
            "--trust",
            str(trust),
        ]
    )
    assert code == 2
    assert not (tmp_path / "ws").exists()
