"""Fixtures for the expert window: a demo workspace whose third expert holds the test
identity, the secretary's certificate on disk, a fixed clock and a fake materials source
serving a small real PDF made here (never a temp file of decrypted content in the app)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from PySide6.QtWidgets import QApplication

from app.crypto.profile import Role
from app.demo.meeting import load_demo
from app.domain.ids import ApplicationId
from app.domain.meeting import FormPart, Meeting
from app.domain.rubric import Rubric
from app.expert.materials import AttachmentInfo, IssuerSignature
from app.i18n import LocalizedText
from storage.workspace.core import Workspace
from tests.app.crypto.pki_fixtures import NOW, PkiFixture, shared_pki
from ui.expert import sign_in as sign_in_module

EXPERT_INDEX = 2
CLOCK_START = NOW + dt.timedelta(hours=1)


def make_pdf(pages: int = 2) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for page in range(pages):
        pdf.drawString(72, 720, f"Budget table page {page + 1}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class FakeMaterials:
    """The demo's forms (what its packages carry; the workspace holds none) and two
    attachments: a real PDF and a broken one."""

    def __init__(self) -> None:
        self.pdf = make_pdf()
        self.files = {"budget.pdf": self.pdf, "broken.pdf": b"%PDF-1.4 this is not a pdf"}
        self.reads: list[str] = []
        self.forms = {a.id: a.form for a in load_demo()[0].applications}

    def form(self, application_id: ApplicationId) -> tuple[FormPart, ...]:
        return self.forms[application_id]

    def attachments(self, application_id: ApplicationId) -> tuple[AttachmentInfo, ...]:
        return tuple(
            AttachmentInfo(name, LocalizedText(name, name), len(data), "0" * 64)
            for name, data in self.files.items()
        )

    def read_attachment(self, application_id: ApplicationId, name: str) -> bytes:
        self.reads.append(name)
        return self.files[name]

    def issuer_signature(self, application_id: ApplicationId) -> IssuerSignature | None:
        return IssuerSignature(
            "签发单位 Issuer",
            "科技部测试",
            "K3QF-9ZPA",
            "2026-03-02T09:00:00Z",
            f"pkg-{application_id}",
        )


class Clock:
    """A clock that moves one second per reading, so entries have distinct times."""

    def __init__(self, start: dt.datetime = CLOCK_START) -> None:
        self.at = start

    def __call__(self) -> dt.datetime:
        self.at += dt.timedelta(seconds=1)
        return self.at


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PkiFixture:
    return shared_pki(tmp_path_factory)


def rostered_demo(pki: PkiFixture, *, with_fingerprint: bool = True) -> tuple[Meeting, Rubric]:
    meeting, rubric = load_demo()
    if with_fingerprint:
        experts = list(meeting.experts)
        experts[EXPERT_INDEX] = dataclasses.replace(
            experts[EXPERT_INDEX], fingerprint=pki.expert.fingerprint
        )
        meeting = dataclasses.replace(meeting, experts=tuple(experts))
    return meeting, rubric


def create_workspace(folder: Path, meeting: Meeting, rubric: Rubric) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "workspace.sqlite"
    Workspace.create(path, meeting, rubric, "test-setup", now=lambda: NOW).close()
    return path


@pytest.fixture
def workspace(tmp_path: Path, pki: PkiFixture) -> Path:
    return create_workspace(tmp_path / "meeting", *rostered_demo(pki))


@pytest.fixture
def secretary_pem(tmp_path: Path, pki: PkiFixture) -> Path:
    path = tmp_path / "secretary.pem"
    path.write_bytes(pki.people[Role.SECRETARY].certificate.public_bytes(Encoding.PEM))
    return path


@pytest.fixture
def materials() -> FakeMaterials:
    return FakeMaterials()


@pytest.fixture(autouse=True)
def _close_expert_windows(qapp: QApplication) -> Iterator[None]:
    yield
    for window in list(sign_in_module._open):
        window.close()
    QApplication.processEvents()


@pytest.fixture
def merged_catalog(tmp_path: Path) -> Iterator[None]:
    """zh_CN as ``installers/update_catalog.py`` will merge it (part files included)."""
    import sys

    from babel.messages.pofile import write_po

    from app import i18n

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "installers"))
    from update_catalog import build

    catalog, _missing = build()
    po = tmp_path / "locale" / "zh_CN" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as fh:
        write_po(fh, catalog)
    previous = i18n.LOCALE
    i18n.LOCALE = tmp_path / "locale"  # type: ignore[misc]
    i18n._catalogs.pop("zh_CN", None)
    yield
    i18n.LOCALE = previous  # type: ignore[misc]
    i18n._catalogs.pop("zh_CN", None)


@pytest.fixture(scope="session")
def demo_material(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo folder (CA, identities, packages with real PDF attachments, kit, workspace),
    built once per session: building it costs seconds. Tests take a copy (:func:`demo_copy`)."""
    from app.demo.build import use_attachment_maker
    from app.workspaces import ensure_demo_workspace
    from export.demo_attachments import demo_attachments
    from storage.stores import SqliteStores

    use_attachment_maker(demo_attachments)
    directory = tmp_path_factory.mktemp("demo-material")
    _path, created = ensure_demo_workspace(SqliteStores(), directory)
    assert created
    return directory


def demo_copy(material: Path, into: Path) -> Path:
    """A private copy of the session's demo folder, for a test that signs in and records."""
    import shutil

    target = into / "demo"
    shutil.copytree(material, target)
    return target
