"""Read CCTV age test vectors from the shared directory (never copied into the repo)."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import AGE_VECTORS


@dataclass(frozen=True)
class Vector:
    name: str
    expect: str
    payload_sha256: str | None
    identities: tuple[str, ...]
    passphrases: tuple[str, ...]
    armored: bool
    data: bytes


def load(path: Path) -> Vector:
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n\n")
    fields: dict[str, list[str]] = {}
    for line in head.decode("utf-8").splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    if fields.get("compressed") == ["zlib"]:
        body = zlib.decompress(body)
    return Vector(
        name=path.name,
        expect=fields["expect"][0],
        payload_sha256=fields.get("payload", [None])[0],
        identities=tuple(fields.get("identity", [])),
        passphrases=tuple(fields.get("passphrase", [])),
        armored=fields.get("armored") == ["yes"],
        data=body,
    )


def all_vectors() -> list[Vector]:
    return [load(p) for p in sorted(AGE_VECTORS.iterdir()) if p.is_file()]
