"""The strict ZIP directory reader: zipfile's output accepted, every leniency refused."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.package.errors import PackageContainerError
from app.package.zipcheck import MAX_ENTRIES, name_problem, read_directory, read_entry
from tests.app.package.helpers import zip_stored, zip_with_zipfile

ENTRIES = [("manifest.json", b"{}"), ("form.json", b'{"a":1}'), ("attachments/文件.pdf", b"%PDF-x")]


def _directory(data: bytes):  # type: ignore[no-untyped-def]
    return read_directory(io.BytesIO(data), len(data))


def test_our_layout_round_trips_and_zipfile_agrees() -> None:
    data = zip_stored(ENTRIES)
    directory = _directory(data)
    assert directory.names == tuple(n for n, _ in ENTRIES)
    source = io.BytesIO(data)
    assert [read_entry(source, e) for e in directory.entries] == [d for _, d in ENTRIES]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist() == [n for n, _ in ENTRIES]
        assert zf.testzip() is None


def test_zipfile_stored_output_is_accepted() -> None:
    """zipfile's layout, with "made by" and attributes set to ours (the helper does)."""
    data = zip_with_zipfile([(n, d, zipfile.ZIP_STORED) for n, d in ENTRIES])
    assert _directory(data).names == tuple(n for n, _ in ENTRIES)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (zip_with_zipfile([("a", b"1", 0), ("a", b"2", 0)]), "appears twice"),
        (zip_with_zipfile([("a", b"1" * 100, zipfile.ZIP_DEFLATED)]), "compressed"),
        (zip_stored(ENTRIES) + b"\x00", "ends with its directory"),
        (zip_stored(ENTRIES)[:-2] + b"\x01\x00x", "ends with its directory"),
        (b"", "not a ZIP"),
        (b"x" * 100, "ends with its directory"),
    ],
)
def test_refusals(data: bytes, match: str) -> None:
    with pytest.raises(PackageContainerError, match=match):
        _directory(data)


def test_empty_archive_is_structurally_fine() -> None:
    assert _directory(zip_stored([])).names == ()


@pytest.mark.parametrize(
    "name",
    ["../evil.pdf", "/abs", "a//b", "a/./b", "a\\b", "a\x01b", "a\x7f", "", "x" * 201, "a/"],
)
def test_bad_names(name: str) -> None:
    assert name_problem(name) is not None
    with pytest.raises(PackageContainerError):
        _directory(zip_stored([(name, b"1")]))


def test_long_but_allowed_name() -> None:
    assert name_problem("é" * 100) is None  # 200 bytes
    assert name_problem("é" * 100 + "a") is not None


def test_too_many_entries() -> None:
    data = zip_stored([(f"f{i}", b"") for i in range(MAX_ENTRIES + 1)])
    with pytest.raises(PackageContainerError, match="more than the limit"):
        _directory(data)
    assert len(_directory(zip_stored([(f"f{i}", b"") for i in range(MAX_ENTRIES)])).entries) == 256


def _patch(data: bytes, offset: int, value: bytes) -> bytes:
    return data[:offset] + value + data[offset + len(value) :]


def test_local_header_must_match_central() -> None:
    data = zip_stored([("ab", b"hello")])
    with pytest.raises(PackageContainerError, match="contradicts"):
        _directory(_patch(data, 30, b"ac"))  # local name differs
    with pytest.raises(PackageContainerError, match="contradicts"):
        _directory(_patch(data, 14, b"\0\0\0\0"))  # local CRC differs


def test_crc_checked_on_read() -> None:
    data = zip_stored([("ab", b"hello")])
    forged = _patch(data, 32, b"j")
    entry = _directory(forged).entries[0]
    with pytest.raises(PackageContainerError, match="CRC-32"):
        read_entry(io.BytesIO(forged), entry)


def test_gap_between_entries_is_refused() -> None:
    data = zip_stored([("a", b"1"), ("b", b"2")])
    directory = _directory(data)
    cd = directory.directory_offset
    # insert 3 bytes before the central directory, fixing offsets in the end record
    moved = data[:cd] + b"zzz" + data[cd:]
    end = len(moved) - 22
    moved = _patch(moved, end + 16, struct.pack("<I", cd + 3))
    with pytest.raises(PackageContainerError, match="every byte"):
        _directory(moved)


def test_encrypted_flag_and_extra_refused() -> None:
    data = zip_stored([("a", b"1")])
    cd = _directory(data).directory_offset
    with pytest.raises(PackageContainerError, match="encrypted"):
        _directory(_patch(data, cd + 8, b"\x01\x00"))
    with pytest.raises(PackageContainerError, match="does not allow"):
        _directory(_patch(data, cd + 30, b"\x04\x00"))


@settings(max_examples=1000, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_random_bytes_raise_only_typed_errors(data: bytes) -> None:
    try:
        _directory(data)
    except PackageContainerError:
        pass


_VALID = zip_stored(ENTRIES)


@settings(max_examples=1000, derandomize=True)
@given(st.lists(st.tuples(st.integers(0, len(_VALID) - 1), st.integers(0, 255)), max_size=4))
def test_mutated_archives_raise_only_typed_errors(edits: list[tuple[int, int]]) -> None:
    data = bytearray(_VALID)
    for offset, value in edits:
        data[offset] = value
    try:
        directory = _directory(bytes(data))
        for entry in directory.entries:
            read_entry(io.BytesIO(bytes(data)), entry)
    except PackageContainerError:
        pass


def test_zipfile_unix_made_by_is_refused() -> None:
    """zipfile on Unix writes "made by" 3.20 (0x0314): not the one form package v1 writes."""
    out = io.BytesIO()
    info = zipfile.ZipInfo("a", (2026, 3, 2, 9, 0, 0))
    info.create_system = 3
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(info, b"1")
    with pytest.raises(PackageContainerError, match="one form") as refused:
        _directory(out.getvalue())
    assert "made by 0x0314" in refused.value.detail


# (offset in the archive of ENTRIES, what goes there, what the detail says)
_LOCAL, _CENTRAL = 0, len(zip_stored(ENTRIES)) - 22 - sum(46 + len(n.encode()) for n, _ in ENTRIES)


@pytest.mark.parametrize(
    ("offset", "value", "match"),
    [
        (_CENTRAL + 4, b"\x14\x03", "one form"),  # version made by: Unix
        (_CENTRAL + 4, b"\x0a\x00", "one form"),  # version made by: 1.0
        (_CENTRAL + 6, b"\x0a\x00", "one form"),  # version needed: 1.0 (the old rule's <= 2.0)
        (_CENTRAL + 8, b"\x00\x08", "one form"),  # UTF-8 flag on an ASCII name
        (_CENTRAL + 12, b"\x01\x00", "contradicts"),  # time: the local header disagrees
        (_CENTRAL + 14, b"\x22\x00", "contradicts"),  # date: the local header disagrees
        (_CENTRAL + 36, b"\x01\x00", "one form"),  # internal attributes
        (_CENTRAL + 38, b"\x00\x00\xa4\x81", "one form"),  # external: Unix 0o100644
        (_LOCAL + 4, b"\x0a\x00", "contradicts"),  # local version needed 1.0
        (_LOCAL + 6, b"\x00\x08", "contradicts"),  # local UTF-8 flag on an ASCII name
        (_LOCAL + 10, b"\x01\x00", "contradicts"),  # local time
        (_LOCAL + 12, b"\x22\x00", "contradicts"),  # local date
    ],
)
def test_header_fields_other_than_our_writers_are_refused(
    offset: int, value: bytes, match: str
) -> None:
    """Fields that hold no content are fixed, so one content has exactly one archive."""
    data = zip_stored(ENTRIES)
    assert _directory(data).directory_offset == _CENTRAL
    with pytest.raises(PackageContainerError, match=match):
        _directory(_patch(data, offset, value))


def test_every_header_shares_the_first_stamp() -> None:
    """Changing the time of one later entry, local and central alike, is still refused."""
    data = zip_stored(ENTRIES)
    directory = _directory(data)
    second = directory.entries[1]
    central = directory.directory_offset + 46 + len(ENTRIES[0][0])
    forged = _patch(_patch(data, second.header_offset + 10, b"\x01\x00"), central + 12, b"\x01\x00")
    with pytest.raises(PackageContainerError, match="one form") as refused:
        _directory(forged)
    assert "first entry" in refused.value.detail


def test_non_ascii_name_needs_the_utf8_flag_in_both_headers() -> None:
    data = zip_stored(ENTRIES)
    directory = _directory(data)
    third = directory.entries[2]  # attachments/文件.pdf: flag 0x0800
    assert data[third.header_offset + 6 : third.header_offset + 8] == b"\x00\x08"
    central = _CENTRAL + 2 * 46 + len("manifest.json") + len("form.json")
    with pytest.raises(PackageContainerError, match="not valid text"):
        _directory(_patch(data, central + 8, b"\x00\x00"))
    with pytest.raises(PackageContainerError, match="contradicts"):
        _directory(_patch(data, third.header_offset + 6, b"\x00\x00"))
