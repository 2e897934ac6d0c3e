"""The full demo, built once per session: CA, identities, packages, kit, imported workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509

from app.crypto.identity import Identity, load_identity
from app.crypto.pki import load_trust_roots
from app.demo.build import DemoSummary, build_demo, expert_passphrase
from export.demo_attachments import demo_attachments
from storage.stores import SqliteStores

NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Demo:
    summary: DemoSummary
    roots: list[x509.Certificate]
    now: datetime

    def expert(self, expert_id: str = "e01") -> Identity:
        data = self.summary.identities[expert_id].read_bytes()
        return load_identity(data, expert_passphrase(expert_id).encode())


def build_session_demo(factory: pytest.TempPathFactory) -> Demo:
    directory = factory.mktemp("demo")
    summary = build_demo(SqliteStores(), directory, NOW, demo_attachments)
    return Demo(summary, load_trust_roots(summary.trust_roots), NOW)


_CACHE: dict[int, Demo] = {}


def session_demo(factory: pytest.TempPathFactory) -> Demo:
    found = _CACHE.get(id(factory))
    if found is None:
        found = _CACHE[id(factory)] = build_session_demo(factory)
    return found


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return session_demo(tmp_path_factory)


def kit_entries(path: Path) -> list[tuple[str, bytes]]:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]
