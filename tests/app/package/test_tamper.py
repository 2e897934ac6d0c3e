"""Single-bit flips (matrix M3: every bit of the header, nonce and chunk edges, plus sampled
payload bits) and every truncation of a small package are refused, typed.

The small package (a few KB, one STREAM chunk) is opened after each change; a large one
(~3 MiB, 48 chunks) gets a sample of flips and every chunk boundary, and is read whole
(``verify_all``) because middle chunks are authenticated only when read.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.crypto.age_errors import AgeError
from app.crypto.age_stream import ENCRYPTED_CHUNK_SIZE
from app.i18n import LocalizedText
from app.package import Attachment, PackageError, build_package, open_package
from tests.app.package.conftest import World
from tests.app.package.helpers import NOW, pdf_bytes, small_application

REFUSED = (AgeError, PackageError)


def _refused(world: World, path: Path, data: bytes, *, read_all: bool = False) -> None:
    path.write_bytes(data)
    try:
        with open_package(path, [world.expert_key()], world.roots, NOW) as opened:
            if read_all:
                opened.verify_all()
    except REFUSED:
        return
    raise AssertionError("a changed package was accepted")


def _header_length(data: bytes) -> int:
    return data.index(b"\n---") + data[data.index(b"\n---") + 1 :].index(b"\n") + 2


def _m3_positions(package: bytes, sampled: int, seed: int) -> list[int]:
    """The bytes matrix M3 flips every bit of: the header, the payload nonce, and the first and
    last 32 bytes of each STREAM chunk; plus ``sampled`` seeded random positions of the rest."""
    start = _header_length(package) + 16
    every = set(range(start))
    for chunk in range(start, len(package), ENCRYPTED_CHUNK_SIZE):
        end = min(chunk + ENCRYPTED_CHUNK_SIZE, len(package))
        every |= set(range(chunk, min(chunk + 32, end))) | set(range(max(end - 32, chunk), end))
    rest = [i for i in range(len(package)) if i not in every]
    rng = random.Random(seed)
    return sorted(every) + sorted(rng.sample(rest, min(sampled, len(rest))))


def test_every_bit_flip_of_a_small_package_header_and_chunk_edges(
    world: World, small_package: bytes, tmp_path: Path
) -> None:
    """Matrix M3 on a one-chunk package: every bit of the header, nonce and chunk edges, and
    every bit of 250 sampled payload bytes; each flip is refused, typed."""
    assert len(small_package) < 8_000
    path = tmp_path / "flip.oipkg"
    positions = _m3_positions(small_package, sampled=250, seed=20260301)
    flips = 0
    for index in positions:
        for bit in range(8):
            mutated = bytearray(small_package)
            mutated[index] ^= 1 << bit
            _refused(world, path, bytes(mutated))
            flips += 1
    assert flips == 8 * len(positions) and len(positions) > _header_length(small_package) + 250


def test_every_truncation_of_a_small_package(
    world: World, small_package: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "cut.oipkg"
    for length in range(len(small_package)):
        _refused(world, path, small_package[:length])


def test_extension_is_refused(world: World, small_package: bytes, tmp_path: Path) -> None:
    path = tmp_path / "ext.oipkg"
    for extra in (b"\x00", b"age", bytes(ENCRYPTED_CHUNK_SIZE)):
        _refused(world, path, small_package + extra)


@pytest.fixture(scope="module")
def large_package(world: World) -> bytes:
    out = world.base / "large.oipkg"
    build_package(
        small_application(),
        [Attachment(pdf_bytes(3 * 1024 * 1024, seed=7), LocalizedText("Big", "大"), "big.pdf")],
        world.issuer,
        [world.meeting_key.recipient, world.expert_key().recipient],
        out,
        NOW,
    )
    return out.read_bytes()


def test_sampled_bit_flips_of_a_large_package(
    world: World, large_package: bytes, tmp_path: Path
) -> None:
    rng = random.Random(20260302)
    path = tmp_path / "flip.oipkg"
    header = _header_length(large_package) + 16  # header and payload nonce
    positions = list(range(header))[::3] + [
        rng.randrange(header, len(large_package)) for _ in range(150)
    ]
    for position in positions:
        mutated = bytearray(large_package)
        mutated[position] ^= 1 << rng.randrange(8)
        _refused(world, path, bytes(mutated), read_all=True)


def test_large_package_chunk_boundaries(world: World, large_package: bytes, tmp_path: Path) -> None:
    path = tmp_path / "cut.oipkg"
    base = _header_length(large_package) + 16
    chunks = (len(large_package) - base) // ENCRYPTED_CHUNK_SIZE
    for chunk in range(1, chunks + 1):
        edge = base + chunk * ENCRYPTED_CHUNK_SIZE
        for delta in (-17, -16, -1, 0, 1, 16):
            if 0 <= edge + delta < len(large_package):
                _refused(world, path, large_package[: edge + delta], read_all=True)
