"""Signing and handing back an expert's sheets, until the workspace stores signed documents.

INTERIM STORE (asked of the lead): the workspace database has no table for signed documents
yet, so the exact signed bytes go next to the workspace, one folder per expert::

    <workspace folder>/signed/<expert id>/<sheet id>.json     the signed document bytes
    <workspace folder>/signed/<expert id>/<sheet id>.json.p7s the detached CMS signature
    <workspace folder>/signed/secretary.pem                  the secretary's certificate

Every file is written with :func:`app.atomic_file.atomic_write` from inside the submit
transaction (``scoring.submit``'s ``on_frozen`` seam), so a submission whose signature could
not be stored is rolled back. A signed file left behind by a submission whose commit then
failed is ignored: export picks documents by the sheet ids the database says are submitted.

Two more stand-ins until the meeting kit exists: the *kit hash* is the SHA-256 of the
meeting's canonical document, and the *trust roots* are the CA certificates of the expert's
own identity file. The secretary's certificate is chosen from a file the first time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.atomic_file import atomic_write
from app.crypto.identity import Identity
from app.crypto.profile import Role, certificate_role, fingerprint
from app.domain.meeting import Meeting
from app.domain.sheet import ConflictDeclaration, HearingNote, ScoreSheet, SheetStatus
from app.errors import StorageError, ValidationError
from app.expert_desk import ExpertDesk
from app.i18n import Msg
from app.kit.record import KitRecord
from app.meeting_file import meeting_to_bytes
from app.sheets import (
    EXTENSION,
    SheetContext,
    SignedDocument,
    WrittenSheetFile,
    sign_recusal,
    sign_sheet,
    write_sheet_file,
)

SIGNED_DIR = "signed"
SECRETARY_FILE = "secretary.pem"
EXPORTED_MARKER = "exported.txt"
MATERIALS_DIR = "materials"


def kit_hash_for(meeting: Meeting, kit: KitRecord | None = None) -> str:
    """The hash of the kit the workspace came from, which every sheet names.

    A workspace made without a kit (tests, a meeting typed in by hand) stands in the SHA-256
    of the meeting's canonical document, so its sheets still name exactly one meeting state.
    """
    if kit is not None:
        return kit.kit_hash
    return hashlib.sha256(meeting_to_bytes(meeting)).hexdigest()


def signed_root(workspace: Path) -> Path:
    return workspace.parent / SIGNED_DIR


def expert_folder(workspace: Path, expert_id: str) -> Path:
    return signed_root(workspace) / expert_id


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(path, data)
    except OSError as exc:
        raise StorageError(
            Msg.of("Cannot write {path}: {error}", path=str(path), error=exc.strerror or exc),
            Msg.of("Check that the workspace folder is writable and the disk is not full."),
        ) from exc


# -- the secretary's certificate ---------------------------------------------------------


def read_secretary_certificate(path: Path) -> x509.Certificate:
    """A secretary certificate from a PEM or DER file; refuses any other role."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StorageError(
            Msg.of("Cannot read {path}: {error}", path=str(path), error=exc.strerror or exc),
            Msg.of("Choose the secretary's certificate file again."),
        ) from exc
    try:
        cert = (
            x509.load_pem_x509_certificate(data)
            if b"-----BEGIN" in data
            else x509.load_der_x509_certificate(data)
        )
    except ValueError as exc:
        raise ValidationError(
            Msg.of("{path} is not a certificate file.", path=path.name),
            Msg.of("Choose the secretary's certificate (.pem or .crt) from the meeting kit."),
        ) from exc
    if certificate_role(cert) is not Role.SECRETARY:
        raise ValidationError(
            Msg.of("{path} is not a meeting secretary's certificate.", path=path.name),
            Msg.of("Choose the secretary's certificate (.pem or .crt) from the meeting kit."),
        )
    return cert


def known_secretary(workspace: Path, kit: KitRecord | None = None) -> x509.Certificate | None:
    """The secretary certificate of the meeting kit, or the one chosen earlier by hand."""
    if kit is not None:
        return x509.load_pem_x509_certificate(kit.secretary_certificate_pem.encode("ascii"))
    path = signed_root(workspace) / SECRETARY_FILE
    if not path.exists():
        return None
    return read_secretary_certificate(path)


def remember_secretary(workspace: Path, cert: x509.Certificate) -> None:
    _write(signed_root(workspace) / SECRETARY_FILE, cert.public_bytes(Encoding.PEM))


# -- context, signing, storing -----------------------------------------------------------


@dataclass(frozen=True)
class Handover:
    """Everything signing and export need besides the expert's identity."""

    context: SheetContext
    secretary: x509.Certificate
    trust_roots: tuple[x509.Certificate, ...]


def handover_for(desk: ExpertDesk, secretary: x509.Certificate, identity: Identity) -> Handover:
    context = SheetContext(
        meeting_id=desk.meeting.id,
        kit_hash=kit_hash_for(desk.meeting, desk.kit),
        rubric=desk.rubric,
        expert=desk.expert,
        secretary_fingerprint=fingerprint(secretary),
    )
    return Handover(context, secretary, tuple(identity.chain))


class SignedStore:
    """The signed documents of one expert, kept beside the workspace (see module docstring)."""

    def __init__(self, workspace: Path, expert_id: str) -> None:
        self.folder = expert_folder(workspace, expert_id)

    def _paths(self, sheet_id: str) -> tuple[Path, Path]:
        base = self.folder / f"{sheet_id}.json"
        return base, base.with_name(base.name + ".p7s")

    def save(self, sheet: ScoreSheet, signed: SignedDocument) -> None:
        document, signature = self._paths(sheet.id)
        _write(signature, signed.signature)
        _write(document, signed.document)
        self.unmark_exported()

    def load(self, sheet: ScoreSheet) -> SignedDocument:
        document, signature = self._paths(sheet.id)
        try:
            return SignedDocument(document.read_bytes(), signature.read_bytes())
        except OSError as exc:
            raise StorageError(
                Msg.of(
                    "The signed copy of sheet version {version} is missing from {folder}.",
                    version=sheet.version,
                    folder=str(self.folder),
                ),
                Msg.of("Start a new version of the sheet and sign it again."),
            ) from exc

    def files(self) -> list[Path]:
        return sorted(self.folder.glob("*")) if self.folder.exists() else []

    def mark_exported(self) -> None:
        _write(self.folder / EXPORTED_MARKER, b"exported\n")

    def unmark_exported(self) -> None:
        (self.folder / EXPORTED_MARKER).unlink(missing_ok=True)

    @property
    def exported(self) -> bool:
        return (self.folder / EXPORTED_MARKER).exists()


def signer(store: SignedStore, handover: Handover, identity: Identity, now: dt.datetime) -> _Signer:
    """The ``on_frozen`` callback of :func:`app.scoring.submit`: sign and store, or raise."""
    return _Signer(store, handover, identity, now)


@dataclass
class _Signer:
    store: SignedStore
    handover: Handover
    identity: Identity
    now: dt.datetime
    signed: SignedDocument | None = None

    def __call__(self, sheet: ScoreSheet) -> None:
        self.signed = sign_sheet(sheet, self.handover.context, self.identity, self.now)
        self.store.save(sheet, self.signed)


# -- export ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportItems:
    """Gathered on the database thread; signed into a file on a worker."""

    sheets: tuple[SignedDocument, ...]
    recusals: tuple[ConflictDeclaration, ...]
    notes: tuple[HearingNote, ...]


def gather(desk: ExpertDesk, store: SignedStore) -> ExportItems:
    """Every submitted (or superseded) sheet version with its signed bytes, every recusal
    and the notes of the applications the expert was not recused from."""
    sheets: list[SignedDocument] = []
    recusals: list[ConflictDeclaration] = []
    notes: list[HearingNote] = []
    for application in desk.applications():
        state = desk.state(application.id)
        if state.recused and state.declaration is not None:
            recusals.append(state.declaration)
            continue
        notes.extend(desk.notes(application.id))
        for version in desk.versions(application.id):
            if version.status is not SheetStatus.DRAFT:
                sheets.append(store.load(version))
    return ExportItems(tuple(sheets), tuple(recusals), tuple(notes))


def export_file_name(meeting_id: str, expert_id: str) -> str:
    return f"{meeting_id}-{expert_id}{EXTENSION}"


def write_export(
    folder: Path,
    items: ExportItems,
    handover: Handover,
    identity: Identity,
    now: dt.datetime,
    round: int = 1,
) -> WrittenSheetFile:
    """Sign the recusals and write the sheet file (atomic, read back); pure, no database."""
    recusals = [
        sign_recusal(d, handover.context, identity, now, round=round) for d in items.recusals
    ]
    target = folder / export_file_name(handover.context.meeting_id, handover.context.expert.id)
    return write_sheet_file(
        target,
        [*items.sheets, *recusals],
        list(items.notes),
        handover.context,
        identity,
        handover.secretary,
        now,
        round=round,
        trust_roots=list(handover.trust_roots),
    )


# -- returning materials -----------------------------------------------------------------


@dataclass(frozen=True)
class PurgePlan:
    remove: tuple[Path, ...]
    kept: tuple[tuple[Path, Msg], ...]


def purge_plan(workspace: Path, expert_id: str) -> PurgePlan:
    """What "Return materials" removes, and what it keeps and why."""
    remove: list[Path] = []
    kept: list[tuple[Path, Msg]] = []
    materials = workspace.parent / MATERIALS_DIR
    if materials.exists():
        remove.append(materials)
    store = SignedStore(workspace, expert_id)
    if store.folder.exists():
        if store.exported:
            remove.append(store.folder)
        else:
            kept.append(
                (
                    store.folder,
                    Msg.of("your signed sheets have not been exported for the secretary yet"),
                )
            )
    kept.append(
        (
            workspace,
            Msg.of("the workspace database is the meeting's record; the secretary removes it"),
        )
    )
    return PurgePlan(tuple(remove), tuple(kept))


def purge(plan: PurgePlan) -> tuple[Path, ...]:
    """Remove what the plan lists; returns what was removed."""
    removed: list[Path] = []
    for path in plan.remove:
        try:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError as exc:
            raise StorageError(
                Msg.of("Cannot remove {path}: {error}", path=str(path), error=exc.strerror or exc),
                Msg.of("Close any program using it and try again."),
            ) from exc
        removed.append(path)
    return tuple(removed)
