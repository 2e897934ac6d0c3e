"""``manifest.json`` of a result bundle (bundle v1, section 4) and the member names.

The manifest is parsed only after the secretary's signature over its exact bytes has been
verified, and then strictly: format and version first (an unknown version is named), every
field checked, no unknown field; :func:`reconcile` then holds it against the ZIP directory.
Member names are derived from content (:func:`sheet_name`, …), so a reader can require that
a member is called what its content says - two readers cannot file one sheet differently.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from app.domain.ids import SIGNED_ID_PATTERN
from app.formats.canonical_json import dumps_canonical
from app.formats.signed_manifest import ManifestShape, format_time
from app.i18n import Msg
from app.package.zipcheck import ZipDirectory
from app.results.errors import BundleManifestError, BundleVersionError
from app.sheets import codec

FORMAT: Final = "review-desk/result-bundle"
VERSION: Final = 1
EXTENSION: Final = ".oibundle"
MANIFEST_NAME: Final = "manifest.json"
SIGNATURE_NAME: Final = "manifest.json.p7s"
RESULTS_NAME: Final = "results.json"
REPORT_NAME: Final = "report.pdf"
WORKBOOK_NAME: Final = "workbook.xlsx"
SIGNATURE_SUFFIX: Final = ".p7s"
MAX_BUNDLE_VERSION: Final = 1_000_000
MAX_ROUND: Final = 99
MAX_MANIFEST_SIZE: Final = 8 * 1024 * 1024
MAX_SIGNATURE_SIZE: Final = 64 * 1024
MAX_ENTRIES: Final = 65_535

_ID = SIGNED_ID_PATTERN.pattern
_NUMBER = r"[1-9][0-9]{0,6}"
_SHEET = re.compile(rf"sheets/({_ID})/({_ID})-r({_NUMBER})-v({_NUMBER})\.json")
_RECUSAL = re.compile(rf"recusals/({_ID})/({_ID})-r({_NUMBER})\.json")
_OPINION = re.compile(rf"opinions/({_ID})-r({_NUMBER})\.json")
_FIELDS: Final = (
    "format",
    "version",
    "meeting_id",
    "kit_hash",
    "round",
    "bundle_version",
    "created_at",
    "is_demo",
    "secretary_fingerprint",
    "results_sha256",
    "members",
)
_MEMBER_FIELDS: Final = ("name", "size", "sha256", "kind")


class MemberKind(enum.Enum):
    RESULTS = "results"
    SHEET = "sheet"
    RECUSAL = "recusal"
    OPINION = "opinion"
    SIGNATURE = "signature"
    REPORT = "report"
    WORKBOOK = "workbook"


SIGNED_KINDS: Final = (MemberKind.SHEET, MemberKind.RECUSAL, MemberKind.OPINION)


def sheet_name(expert_id: str, application_id: str, round_: int, version: int) -> str:
    return f"sheets/{expert_id}/{application_id}-r{round_}-v{version}.json"


def recusal_name(expert_id: str, application_id: str, round_: int) -> str:
    return f"recusals/{expert_id}/{application_id}-r{round_}.json"


def opinion_name(application_id: str, round_: int) -> str:
    return f"opinions/{application_id}-r{round_}.json"


def kind_of_name(name: str) -> MemberKind | None:
    """The kind a member name belongs to, or ``None`` for a name the format does not allow."""
    if name == RESULTS_NAME:
        return MemberKind.RESULTS
    if name == REPORT_NAME:
        return MemberKind.REPORT
    if name == WORKBOOK_NAME:
        return MemberKind.WORKBOOK
    if name.endswith(SIGNATURE_SUFFIX):
        base = name[: -len(SIGNATURE_SUFFIX)]
        return MemberKind.SIGNATURE if kind_of_name(base) in SIGNED_KINDS else None
    if _SHEET.fullmatch(name):
        return MemberKind.SHEET
    if _RECUSAL.fullmatch(name):
        return MemberKind.RECUSAL
    if _OPINION.fullmatch(name):
        return MemberKind.OPINION
    return None


@dataclass(frozen=True)
class ManifestMember:
    name: str
    size: int
    sha256: str
    kind: MemberKind


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest; ``members`` in archive order (after the manifest and signature)."""

    meeting_id: str
    kit_hash: str
    round: int
    bundle_version: int
    created_at: datetime
    is_demo: bool
    secretary_fingerprint: str
    results_sha256: str
    members: tuple[ManifestMember, ...]


def manifest_bytes(manifest: Manifest) -> bytes:
    """The canonical bytes that are signed and stored."""
    return dumps_canonical(
        {
            "format": FORMAT,
            "version": VERSION,
            "meeting_id": manifest.meeting_id,
            "kit_hash": manifest.kit_hash,
            "round": manifest.round,
            "bundle_version": manifest.bundle_version,
            "created_at": format_time(manifest.created_at),
            "is_demo": manifest.is_demo,
            "secretary_fingerprint": manifest.secretary_fingerprint,
            "results_sha256": manifest.results_sha256,
            "members": [
                {"name": m.name, "size": m.size, "sha256": m.sha256, "kind": m.kind.value}
                for m in manifest.members
            ],
        }
    )


# --- reading -----------------------------------------------------------------------------


_SHAPE: Final = ManifestShape(
    format=FORMAT,
    version=VERSION,
    max_size=MAX_MANIFEST_SIZE,
    error=BundleManifestError,
    version_error=BundleVersionError,
    wrong_format=lambda found: Msg.of(
        "it is not a result-bundle manifest (format {found}).", found=found
    ),
    max_depth=4,
)
_bad = _SHAPE.bad
_fields = _SHAPE.fields


def parse_manifest(data: bytes) -> Manifest:
    """Parse verified manifest bytes strictly; :class:`BundleManifestError` on any problem."""
    obj = _SHAPE.open(data, _FIELDS)
    bundle_version = obj["bundle_version"]
    if type(bundle_version) is not int or not 1 <= bundle_version <= MAX_BUNDLE_VERSION:
        raise BundleManifestError(
            Msg.of(
                "the bundle version {version} is outside 1 to {limit}; it is refused as absurd.",
                version=str(bundle_version)[:40],
                limit=MAX_BUNDLE_VERSION,
            ),
            f"bundle_version {str(bundle_version)[:40]} out of range",
        )
    created_at = _SHAPE.time(obj["created_at"], "created_at")
    check = _SHAPE.check
    return Manifest(
        meeting_id=check(codec.identifier, obj["meeting_id"], "meeting_id"),
        kit_hash=check(codec.kit_hash, obj["kit_hash"], "kit_hash"),
        round=check(codec.whole, obj["round"], "round", 1, MAX_ROUND),
        bundle_version=bundle_version,
        created_at=created_at,
        is_demo=check(codec.boolean, obj["is_demo"], "is_demo"),
        secretary_fingerprint=check(
            codec.fingerprint, obj["secretary_fingerprint"], "secretary_fingerprint"
        ),
        results_sha256=check(codec.kit_hash, obj["results_sha256"], "results_sha256"),
        members=_members(obj["members"]),
    )


def _members(value: Any) -> tuple[ManifestMember, ...]:
    if not isinstance(value, list) or len(value) > MAX_ENTRIES - 2:
        raise _bad("members", f"not a list of at most {MAX_ENTRIES - 2} members")
    members: list[ManifestMember] = []
    names: set[str] = set()
    for i, item in enumerate(value):
        where = f"members[{i}]"
        obj = _fields(item, where, _MEMBER_FIELDS)
        name = obj["name"]
        if not isinstance(name, str) or name in names:
            raise _bad(f"{where}.name", "not a string, or listed twice")
        kind_value = obj["kind"]
        kind = kind_of_name(name)
        if kind is None or kind_value != kind.value:
            raise BundleManifestError(
                Msg.of("the member name “{name}” does not fit its kind.", name=name[:80]),
                f"{where}: name {name[:80]!r} with kind {str(kind_value)[:20]!r}",
            )
        names.add(name)
        members.append(
            ManifestMember(
                name=name,
                size=_SHAPE.check(codec.whole, obj["size"], f"{where}.size", 0, 2**32 - 2),
                sha256=_SHAPE.check(codec.kit_hash, obj["sha256"], f"{where}.sha256"),
                kind=kind,
            )
        )
    _check_pairs(members)
    return tuple(members)


def _check_pairs(members: Sequence[ManifestMember]) -> None:
    names = {m.name for m in members}
    results = [m for m in members if m.kind is MemberKind.RESULTS]
    if len(results) != 1:
        raise _bad("members", "results.json must be listed exactly once")
    for m in members:
        if m.kind in SIGNED_KINDS and m.name + SIGNATURE_SUFFIX not in names:
            raise BundleManifestError(
                Msg.of("the signed document “{name}” has no signature.", name=m.name[:80]),
                f"{m.name!r} without {SIGNATURE_SUFFIX}",
            )
        if m.kind is MemberKind.SIGNATURE and m.name[: -len(SIGNATURE_SUFFIX)] not in names:
            raise BundleManifestError(
                Msg.of("the signature “{name}” signs nothing in the bundle.", name=m.name[:80]),
                f"orphan signature {m.name!r}",
            )


def reconcile(manifest: Manifest, directory: ZipDirectory) -> None:
    """Every ZIP entry after the first two is listed once, in order, with the same size."""
    entries = directory.entries[2:]
    if len(entries) != len(manifest.members):
        listed = {m.name for m in manifest.members}
        stored = {e.name for e in entries}
        extra = sorted(stored - listed)
        missing = sorted(listed - stored)
        name = (extra or missing or ["?"])[0]
        raise BundleManifestError(
            Msg.of(
                "the member “{name}” is in the archive or the manifest, but not in both.",
                name=name[:80],
            ),
            f"unlisted {extra[:3]}, missing {missing[:3]}",
        )
    for entry, member in zip(entries, manifest.members, strict=True):
        if entry.name != member.name:
            raise BundleManifestError(
                Msg.of(
                    "the member “{name}” is in the archive or the manifest, but not in both.",
                    name=entry.name[:80],
                ),
                f"archive has {entry.name!r} where the manifest lists {member.name!r}",
            )
        if entry.size != member.size:
            raise BundleManifestError(
                Msg.of("the member “{name}” has another size than listed.", name=entry.name[:80]),
                f"{entry.name!r}: {entry.size} bytes, manifest says {member.size}",
            )
