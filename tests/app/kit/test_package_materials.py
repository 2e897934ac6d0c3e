"""PackageMaterials over an imported kit: attachments in memory only, signature panel data."""

from __future__ import annotations

import hashlib
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.crypto.pki import load_trust_roots
from app.demo.build import DEMO_MEETING_PASSPHRASE, build_demo
from app.domain.ids import ApplicationId
from app.domain.meeting import Application
from app.expert.package_materials import PackageMaterials
from app.i18n import LocalizedText
from app.kit.meeting_key import unlock_meeting_key
from app.package import decryption_identity
from storage.stores import SqliteStores
from tests.app.kit.conftest import Demo

CANARY = b"CANARY-3f9d1c-plaintext-must-stay-in-memory"


def test_reads_every_attachment_of_the_demo(demo: Demo) -> None:
    key = decryption_identity(demo.expert("e03"))
    with PackageMaterials(demo.summary.packages_dir, [key], demo.roots, demo.now) as materials:
        for app_id in [f"a0{i}" for i in range(1, 7)]:
            infos = materials.attachments(ApplicationId(app_id))
            assert 1 <= len(infos) <= 2
            for info in infos:
                data = materials.read_attachment(ApplicationId(app_id), info.name)
                assert data.startswith(b"%PDF-")
                assert hashlib.sha256(data).hexdigest() == info.sha256
            signature = materials.issuer_signature(ApplicationId(app_id))
            assert signature is not None and "DEMO" in signature.signer_name
        with pytest.raises(KeyError):
            materials.read_attachment(ApplicationId("a01"), "nope.pdf")


def test_the_meeting_key_opens_the_packages_too(demo: Demo) -> None:
    key = unlock_meeting_key(demo.summary.meeting_key.read_bytes(), DEMO_MEETING_PASSPHRASE)
    with PackageMaterials(demo.summary.packages_dir, [key], demo.roots, demo.now) as materials:
        assert materials.attachments(ApplicationId("a02"))[0].name == "feasibility-report.pdf"


def _canary_pdfs(application: Application) -> list[tuple[str, LocalizedText, bytes]]:
    body = b"%PDF-1.4\n% " + CANARY + b" " + str(application.id).encode() + b"\n%%EOF\n"
    return [("canary.pdf", LocalizedText("Canary", "金丝雀"), body)]


def test_no_plaintext_lands_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the program's temporary files go to a folder of this test's own, so the scan sees
    # what this test wrote and nothing the other tests of the run write meanwhile
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    started = time.time()
    now = datetime.now(UTC)
    summary = build_demo(SqliteStores(), tmp_path / "canary-demo", now, _canary_pdfs)
    roots = load_trust_roots(summary.trust_roots)
    key = unlock_meeting_key(summary.meeting_key.read_bytes(), DEMO_MEETING_PASSPHRASE)
    with PackageMaterials(summary.packages_dir, [key], roots, now) as materials:
        for i in range(1, 7):
            data = materials.read_attachment(ApplicationId(f"a0{i}"), "canary.pdf")
            assert CANARY in data
        scanned = _scan(summary.directory, started, pdf_magic=True)
        scanned += _scan(temp, started, pdf_magic=True)
    assert scanned, "the scan looked at nothing"


def _scan(root: Path, since: float, *, pdf_magic: bool) -> list[Path]:
    """Files under ``root`` changed since ``since``: none may hold the canary (or a PDF)."""
    seen = []
    for path in root.rglob("*"):
        try:
            if not path.is_file() or path.stat().st_mtime < since - 1:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        seen.append(path)
        assert CANARY not in data, path
        assert not pdf_magic or b"%PDF" not in data, path
    return seen


def test_a_package_not_addressed_to_the_key_opens_once_the_meeting_key_is_added(
    demo: Demo,
) -> None:
    from app.crypto.age_errors import AgeNoMatchError
    from app.kit.meeting_key import generate_meeting_key

    stranger = generate_meeting_key()  # an X25519 key none of the packages names
    with PackageMaterials(demo.summary.packages_dir, [stranger], demo.roots, demo.now) as m:
        with pytest.raises(AgeNoMatchError):
            m.attachments(ApplicationId("a02"))
        key = unlock_meeting_key(demo.summary.meeting_key.read_bytes(), DEMO_MEETING_PASSPHRASE)
        m.add_identity(key)
        m.add_identity(key)  # twice is harmless
        assert m.attachments(ApplicationId("a02"))[0].name == "feasibility-report.pdf"
