"""Every parser of outside bytes, each with a real seed from the proof meeting (matrix M6 in
the suite, M7 in ``bench/fuzz_parsers.py``): the age header, the strict ZIP directory and
entry reader, strict canonical JSON, each manifest and JSON document reader (package
manifest and form, kit manifest, meeting and rubric, bundle manifest and results, sheet
document, round notice, report-to-sign header) and the CMS loader.

A parser either returns or raises one of its typed errors, all
:class:`app.errors.UserFacingError`\\ s; anything else (``RecursionError``, ``MemoryError``,
``UnicodeDecodeError``, ``ValueError``, ...) is a failure. :func:`outcome` says which.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from app.crypto import cms
from app.crypto.age_errors import AgeError
from app.crypto.age_file import decrypt_bytes
from app.crypto.age_header import parse_header
from app.crypto.age_keys import X25519Identity
from app.crypto.cms import SignatureError
from app.errors import RubricError, UserFacingError
from app.formats.canonical_json import JsonFormatError, loads_strict
from app.formats.meeting_file import MeetingFileError, parse_agenda_meeting
from app.formats.rubric_file import parse_rubric_bytes
from app.kit.errors import KitError
from app.kit.manifest import parse_manifest as parse_kit_manifest
from app.package.errors import PackageError
from app.package.form import parse_form
from app.package.keys import decryption_identity
from app.package.manifest import parse_manifest as parse_package_manifest
from app.package.zipcheck import read_directory, read_entry
from app.results import BundleError
from app.results.manifest import parse_manifest as parse_bundle_manifest
from app.results.results_file import parse_results
from app.round_notice.codec import decode_notice
from app.round_notice.errors import RoundNoticeError
from app.secretary.report_to_sign import ReportToSignError, _parse_header
from app.sheets import SheetFileError
from app.sheets.documents import decode_document
from tests.proof.meeting import ProofMeeting


@dataclass(frozen=True)
class Parser:
    name: str
    seed: bytes = field(repr=False)
    parse: Callable[[bytes], object] = field(repr=False)
    errors: tuple[type[UserFacingError], ...]


def outcome(parser: Parser, data: bytes) -> str:
    """``"accepted"``, ``"refused"`` (a typed error) or ``"unhandled: ..."``."""
    try:
        parser.parse(data)
    except parser.errors:
        return "refused"
    except BaseException as exc:  # RecursionError, MemoryError, ...: all failures
        if isinstance(exc, KeyboardInterrupt):
            raise
        return f"unhandled: {type(exc).__name__}: {str(exc)[:200]}"
    return "accepted"


def _zip(data: bytes) -> None:
    source = io.BytesIO(data)
    for entry in read_directory(source, len(data)).entries:
        read_entry(source, entry)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _meeting(data: bytes) -> object:
    return parse_agenda_meeting(loads_strict(data))


def parsers(meeting: ProofMeeting) -> list[Parser]:
    package = meeting.package.read_bytes()
    package_zip = decrypt_bytes(package, [decryption_identity(meeting.expert)])
    secret = meeting.ministry.x25519_private_key.private_bytes_raw()
    bundle_zip = decrypt_bytes(
        meeting.bundle.read_bytes(), [X25519Identity.from_secret_bytes(secret)]
    )
    pkg, kit, bundle = (
        _members(package_zip),
        _members(meeting.kit.read_bytes()),
        _members(bundle_zip),
    )
    report = _members(
        decrypt_bytes(meeting.report_to_sign.read_bytes(), [decryption_identity(meeting.secretary)])
    )
    sheet = next(v for k, v in bundle.items() if k.startswith("sheets/") and k.endswith(".json"))
    notice_document = _notice_document(meeting.round_notice.read_bytes())
    manifest, signature = kit["manifest.json"], kit["manifest.json.p7s"]
    roots = list(meeting.roots)

    def cms_loader(data: bytes) -> object:
        return cms.verify_detached(manifest, data, roots, roles=None, at=meeting.now)

    return [
        Parser("age header", package[:2048], parse_header, (AgeError,)),
        Parser("zip reader", package_zip, _zip, (PackageError,)),
        Parser("canonical json", bundle["results.json"], loads_strict, (JsonFormatError,)),
        Parser("package manifest", pkg["manifest.json"], parse_package_manifest, (PackageError,)),
        Parser("package form", pkg["form.json"], parse_form, (PackageError,)),
        Parser("kit manifest", manifest, parse_kit_manifest, (KitError,)),
        Parser("kit meeting", kit["meeting.json"], _meeting, (MeetingFileError, JsonFormatError)),
        Parser("rubric", kit["rubric.json"], parse_rubric_bytes, (RubricError, JsonFormatError)),
        Parser("bundle manifest", bundle["manifest.json"], parse_bundle_manifest, (BundleError,)),
        Parser("results", bundle["results.json"], parse_results, (BundleError,)),
        Parser("sheet document", sheet, decode_document, (SheetFileError,)),
        Parser("round notice document", notice_document, decode_notice, (RoundNoticeError,)),
        Parser(
            "report-to-sign header",
            report["report-to-sign.json"],
            _parse_header,
            (ReportToSignError,),
        ),
        Parser("cms loader", signature, cms_loader, (SignatureError,)),
    ]


def _notice_document(container: bytes) -> bytes:
    import base64
    import json

    return base64.b64decode(json.loads(container)["envelope"])
