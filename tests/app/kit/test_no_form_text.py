"""No application form text outside the encrypted packages (issue 12 item 1, M14/M15 for forms).

A meeting is built whose every form part and section (titles and bodies, in both languages)
holds a canary; the kit, every ZIP member of it that is not encrypted, the imported workspace
with its ``-wal``/``-shm`` and every other file the build wrote are scanned byte for byte:
no canary. The expert's materials still show every section, read from the package in
memory. A kit whose meeting carries form text is refused with a message saying so.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.crypto.identity import load_identity
from app.crypto.pki import load_trust_roots
from app.demo import meeting as demo_meeting
from app.demo.build import DEMO_SECRETARY_PASSPHRASE, DemoSummary, build_demo, expert_passphrase
from app.domain.ids import ApplicationId
from app.domain.meeting import FormPart, FormSection, Meeting
from app.domain.rubric import Rubric
from app.expert.package_materials import PackageMaterials
from app.formats.canonical_json import dumps_canonical
from app.formats.meeting_file import application_to_document, meeting_to_document
from app.i18n import LocalizedText
from app.kit.errors import KitContentError
from app.kit.reader import open_kit
from app.package import decryption_identity
from app.workspaces import open_workspace
from storage.stores import SqliteStores
from tests.app.kit.conftest import Demo, kit_entries
from tests.app.package.helpers import zip_stored

CANARY = "CANARY-7c41e9"
CANARY_ZH = "金丝雀七四一"


def _canary(where: str) -> LocalizedText:
    return LocalizedText(f"{CANARY} {where}", f"{CANARY_ZH} {where}")


def _canary_meeting() -> tuple[Meeting, Rubric]:
    meeting, rubric = _ORIGINAL_LOAD_DEMO()
    applications = tuple(
        replace(
            a,
            form=tuple(
                FormPart(
                    part.key,
                    _canary(f"{a.id} part {part.key}"),
                    tuple(
                        FormSection(
                            s.key, _canary(f"{a.id} title {s.key}"), _canary(f"{a.id} {s.key}")
                        )
                        for s in part.sections
                    ),
                )
                for part in a.form
            ),
        )
        for a in meeting.applications
    )
    return replace(meeting, applications=applications), rubric


_ORIGINAL_LOAD_DEMO = demo_meeting.load_demo
MARKERS = (CANARY.encode(), CANARY_ZH.encode("utf-8"), CANARY.encode("utf-16-le"))


def _hits(data: bytes) -> list[bytes]:
    return [m for m in MARKERS if m in data]


@pytest.fixture(scope="module")
def canary_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoSummary, datetime]:
    now = datetime.now(UTC).replace(microsecond=0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_meeting, "load_demo", _canary_meeting)
        summary = build_demo(
            SqliteStores(), tmp_path_factory.mktemp("canary") / "demo", now, lambda _a: ()
        )
    return summary, now


def test_the_canary_is_in_every_form_section_of_the_source() -> None:
    meeting, _ = _canary_meeting()
    sections = [s for a in meeting.applications for p in a.form for s in p.sections]
    assert len(sections) == 6 * 15
    assert all(CANARY in s.body.en and CANARY_ZH in s.body.zh_CN for s in sections)


def test_no_canary_in_the_kit_nor_in_its_clear_members(
    canary_demo: tuple[DemoSummary, datetime],
) -> None:
    summary, _ = canary_demo
    assert _hits(summary.kit.read_bytes()) == []
    with zipfile.ZipFile(summary.kit) as archive:
        for info in archive.infolist():
            data = archive.read(info)  # decompressed, whatever the method
            if info.filename.endswith(".oipkg"):
                assert data.startswith(b"age-encryption.org/v1\n"), info.filename
            assert _hits(data) == [], info.filename
        meeting = json.loads(archive.read("meeting.json"))
    assert meeting["version"] == 2
    assert all("form" not in a for a in meeting["applications"])


def test_no_canary_in_the_workspace_or_any_file_written(
    canary_demo: tuple[DemoSummary, datetime],
) -> None:
    summary, _ = canary_demo
    with open_workspace(SqliteStores(), summary.workspace) as ws:
        (meeting,) = ws.meetings()
        assert all(a.form == () for a in meeting.applications)
        workspace_files = [
            p for p in summary.workspace.parent.iterdir() if p.name.startswith("workspace.sqlite")
        ]
        assert {p.name for p in workspace_files} >= {"workspace.sqlite"}
        for path in workspace_files:  # the database, its -wal and -shm while it is open
            assert _hits(path.read_bytes()) == [], path.name
    written = [p for p in summary.directory.rglob("*") if p.is_file()]
    assert any(p.suffix == ".oipkg" for p in written)
    for path in written:
        assert _hits(path.read_bytes()) == [], path


def test_the_materials_show_the_form_from_the_package(
    canary_demo: tuple[DemoSummary, datetime],
) -> None:
    summary, now = canary_demo
    roots = load_trust_roots(summary.trust_roots)
    expert = load_identity(
        summary.identities["e02"].read_bytes(), expert_passphrase("e02").encode()
    )
    key = decryption_identity(expert)
    with PackageMaterials(summary.packages_dir, [key], roots, now) as materials:
        form = materials.form(ApplicationId("a03"))
    assert [p.key for p in form] == ["I", "II", "III", "IV"]
    assert form[1].sections[4].body == _canary("a03 II.5")
    assert form[0].title == _canary("a03 part I")


# --- a kit carrying form text is refused -------------------------------------------------


def _secretary(demo: Demo):  # type: ignore[no-untyped-def]
    data = demo.summary.identities["secretary"].read_bytes()
    return load_identity(data, DEMO_SECRETARY_PASSPHRASE.encode())


def _with_meeting(demo: Demo, meeting_doc: dict[str, object], tmp_path: Path) -> Path:
    """The demo kit with ``meeting_doc`` as its meeting, re-signed by the real secretary (so
    only the content rule can refuse it)."""
    entries = kit_entries(demo.summary.kit)
    data = dumps_canonical(meeting_doc)
    manifest = json.loads(dict(entries)["manifest.json"])
    for member in manifest["members"]:
        if member["name"] == "meeting.json":
            member["size"], member["sha256"] = len(data), hashlib.sha256(data).hexdigest()
    manifest_data = dumps_canonical(manifest)
    from app.crypto.cms import sign_detached

    replaced = {
        "meeting.json": data,
        "manifest.json": manifest_data,
        "manifest.json.p7s": sign_detached(manifest_data, _secretary(demo)),
    }
    out = tmp_path / "forged.oikit"
    out.write_bytes(zip_stored([(n, replaced.get(n, d)) for n, d in entries]))
    return out


def _kit_meeting_with_forms(demo: Demo) -> dict[str, object]:
    """The kit's own meeting as a version-1 document, its forms taken from the source."""
    with open_kit(demo.summary.kit, demo.roots, demo.now) as kit:
        doc = meeting_to_document(kit.meeting)
    source, _ = _ORIGINAL_LOAD_DEMO()
    doc["version"] = 1
    doc["applications"] = [application_to_document(a) for a in source.applications]
    return doc


def test_a_kit_whose_meeting_is_version_1_is_refused(demo: Demo, tmp_path: Path) -> None:
    forged = _with_meeting(demo, _kit_meeting_with_forms(demo), tmp_path)
    with pytest.raises(KitContentError) as caught:
        open_kit(forged, demo.roots, demo.now)
    assert "form text in the clear" in caught.value.message
    assert "encrypted packages" in caught.value.message
    assert "version" in caught.value.detail


def test_a_form_slipped_into_a_version_2_meeting_is_refused(demo: Demo, tmp_path: Path) -> None:
    with open_kit(demo.summary.kit, demo.roots, demo.now) as kit:
        doc = meeting_to_document(kit.meeting)
    source, _ = _ORIGINAL_LOAD_DEMO()
    applications = list(doc["applications"])
    applications[1] = application_to_document(source.applications[1])
    doc["applications"] = applications
    forged = _with_meeting(demo, doc, tmp_path)
    with pytest.raises(KitContentError) as caught:
        open_kit(forged, demo.roots, demo.now)
    assert "form text in the clear" in caught.value.message
    assert "applications[1].form" in caught.value.detail


def test_the_builder_writes_no_form_even_when_given_one(demo: Demo) -> None:
    """The demo's kit was built from the source meeting, forms included: none in the kit."""
    source, _ = _ORIGINAL_LOAD_DEMO()
    body = source.applications[0].form[1].sections[0].body
    data = demo.summary.kit.read_bytes()
    assert body.en.encode() not in data and body.zh_CN.encode() not in data
