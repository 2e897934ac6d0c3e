"""Builders for well-formed and malicious packages, for the package tests.

Malicious packages are made the way an attacker holding a recipient key (or a rogue
issuer certificate) would: craft the ZIP by hand, sign the manifest with whatever identity
the test names, and age-encrypt the result to the test's recipients.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.crypto.age_file import encrypt_bytes
from app.crypto.age_keys import Recipient
from app.crypto.cms import sign_detached
from app.crypto.identity import Identity
from app.domain.meeting import Application, FormPart, FormSection
from app.formats.canonical_json import dumps_canonical
from app.i18n import LocalizedText
from app.package.form import application_summary, form_bytes, parse_form_document, template_document
from app.package.manifest import Manifest, ManifestMember, MemberKind, manifest_document
from app.package.zipwrite import PlannedEntry, central_directory, local_header

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def pdf_bytes(size: int, seed: int = 0) -> bytes:
    """``%PDF-`` followed by deterministic pseudo-random bytes, ``size`` bytes in all."""
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    body = bytearray()
    counter = 0
    while len(head) + len(body) < size:
        body += hashlib.sha256(f"{seed}:{counter}".encode()).digest() * 64
        counter += 1
    return (head + bytes(body))[:size]


def template_application() -> Application:
    return parse_form_document(template_document())


def small_application() -> Application:
    """A valid application with one-word section bodies (keeps tamper tests fast)."""
    app = template_application()
    parts = tuple(
        FormPart(
            part.key,
            LocalizedText("P", "部"),
            tuple(
                FormSection(s.key, LocalizedText("T", "题"), LocalizedText("x", "文"))
                for s in part.sections
            ),
        )
        for part in app.form
    )
    return replace(app, form=parts)


def zip_stored(entries: Sequence[tuple[str, bytes]]) -> bytes:
    """A STORED archive in our writer's exact layout (names taken as given, even duplicates)."""
    planned = [PlannedEntry(name, len(data), zlib.crc32(data)) for name, data in entries]
    stamp = (0, 33)
    pairs = zip(planned, entries, strict=True)
    body = b"".join(local_header(p, stamp) + data for p, (_, data) in pairs)
    return body + central_directory(planned, stamp)


def zip_with_zipfile(entries: Sequence[tuple[str, bytes, int]]) -> bytes:
    """An archive written by Python's zipfile (method per entry; duplicates allowed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data, method in entries:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                zf.writestr(
                    zipfile.ZipInfo(name, (2026, 3, 2, 9, 0, 0)), data, compress_type=method
                )
    return _our_made_by_and_attributes(out.getvalue())


def _our_made_by_and_attributes(data: bytes) -> bytes:
    """zipfile's archive with "made by" 2.0 and attributes 0 in every central header, as our
    writer has them: zipfile always writes its own (3.20 on Unix, mode 0600), which package
    v1 refuses first, and the tests using this helper are about another refusal."""
    out = bytearray(data)
    count, _size, at = struct.unpack_from("<HII", data, len(data) - 12)
    for _ in range(count):
        name, extra, comment = struct.unpack_from("<HHH", out, at + 28)
        struct.pack_into("<H", out, at + 4, 20)
        struct.pack_into("<HI", out, at + 36, 0, 0)
        at += 46 + name + extra + comment
    return bytes(out)


def member(
    name: str, data: bytes, kind: MemberKind, title: LocalizedText | None = None
) -> ManifestMember:
    media = "application/pdf" if kind is MemberKind.ATTACHMENT else None
    if kind is MemberKind.ATTACHMENT and title is None:
        title = LocalizedText("Doc", "文件")
    return ManifestMember(name, len(data), hashlib.sha256(data).hexdigest(), kind, title, media)


def standard_members(
    application: Application, attachments: dict[str, bytes]
) -> tuple[list[tuple[str, bytes]], list[ManifestMember]]:
    form = form_bytes(application)
    files = [("form.json", form), *attachments.items()]
    members = [member("form.json", form, MemberKind.FORM)]
    members += [member(n, d, MemberKind.ATTACHMENT) for n, d in attachments.items()]
    return files, members


def manifest_doc(application: Application, members: Sequence[ManifestMember]) -> dict[str, Any]:
    return manifest_document(
        Manifest(
            package_id="8c5e2a4e-6a7b-4c55-9d0e-0d7f3a1b2c3d",
            created_at=NOW,
            application=application_summary(application),
            members=tuple(members),
        )
    )


def craft(
    manifest: dict[str, Any] | bytes,
    files: Sequence[tuple[str, bytes]],
    signer: Identity,
    recipients: Sequence[Recipient],
    *,
    archive: bytes | None = None,
) -> bytes:
    """Sign ``manifest`` with ``signer``, zip it with ``files`` (or use ``archive`` whole),
    and encrypt to ``recipients``: the package an attacker with these keys could make."""
    data = manifest if isinstance(manifest, bytes) else dumps_canonical(manifest)
    signature = sign_detached(data, signer)
    if archive is None:
        archive = zip_stored([("manifest.json", data), ("manifest.json.p7s", signature), *files])
    return encrypt_bytes(archive, recipients)


def write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) + [
        f for f in os.listdir(folder) if f.startswith(".")
    ]
