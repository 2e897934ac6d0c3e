"""Signing and handing back an expert's sheets.

The exact signed bytes of each submitted sheet (document and detached CMS signature) are kept
in the workspace with the sheet, sealed to the expert like their drafts
(:class:`app.ports.SignedCopies`, ``docs/formats/workspace-drafts-v1.md``). They are stored
from inside the submit transaction (``scoring.submit``'s ``on_frozen`` seam), so a sheet is
submitted together with its signed copy or not at all. (Versions before migration 4 kept them
as plain files under ``signed/<expert id>/``; the expert's next sign-in moves them in:
:mod:`app.expert.unlock`.)

The secretary's certificate chosen by hand for a workspace made without a kit is public and
stays a file beside the workspace: ``<workspace folder>/signed/secretary.pem``.

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

from app.crypto.identity import Identity
from app.crypto.pki import read_certificate_file
from app.crypto.profile import Role, certificate_role, fingerprint
from app.domain.meeting import Meeting
from app.domain.sheet import ConflictDeclaration, HearingNote, ScoreSheet, SheetStatus
from app.errors import StorageError, ValidationError
from app.expert.desk import ExpertDesk
from app.expert.kit_import import PACKAGES_DIR
from app.formats.atomic_file import atomic_write
from app.formats.meeting_file import meeting_to_bytes
from app.i18n import Msg
from app.kit.record import KitRecord
from app.ports import SignedCopies
from app.sheets import (
    EXTENSION,
    DraftReport,
    SheetContext,
    SignedDocument,
    WrittenSheetFile,
    draft_reports,
    sign_recusal,
    sign_sheet,
    write_sheet_file,
)

SIGNED_DIR = "signed"
SECRETARY_FILE = "secretary.pem"
MATERIALS_DIR = "materials"
"""A cache folder of earlier versions; removed with the packages if present."""


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
    data = read_certificate_file(path)
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
    """The signed copies of the desk's expert, sealed in the workspace (module docstring)."""

    def __init__(self, desk: ExpertDesk) -> None:
        self.copies: SignedCopies = desk.repo

    def save(self, sheet: ScoreSheet, signed: SignedDocument) -> None:
        """Store the copy (inside the submit transaction)."""
        self.copies.save_signed_copy(sheet.id, signed)

    def load(self, sheet: ScoreSheet) -> SignedDocument:
        found = self.copies.signed_copy(sheet.id)
        if found is None:
            raise StorageError(
                Msg.of(
                    "The signed copy of sheet version {version} is missing from the workspace.",
                    version=sheet.version,
                ),
                Msg.of("Start a new version of the sheet and sign it again."),
            )
        return found


def signer(store: SignedStore, handover: Handover, identity: Identity, now: dt.datetime) -> _Signer:
    """The ``on_frozen`` callback of :func:`app.expert.scoring.submit`: sign and store, or raise."""
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
    drafts: tuple[DraftReport, ...] = ()
    """Applications with only an unsubmitted draft in ``round`` (no content)."""
    round: int = 1
    """The round the sheet file is handed in for: every sheet above is of this round."""


def gather(desk: ExpertDesk, store: SignedStore, round: int | None = None) -> ExportItems:
    """What the sheet file for ``round`` (default: the newest round open in the workspace)
    holds: every submitted (or superseded) sheet version *of that round* with its signed
    bytes, every recusal (signed for the round when written), the notes of the applications
    the expert was not recused from, and which of those applications have only a draft in
    the round (sheet-v1 ``progress``). A file holds one round only: the secretary collects
    the round it is in, and an earlier round's file can still be written on request."""
    number = desk.round if round is None else round
    sheets: list[SignedDocument] = []
    recusals: list[ConflictDeclaration] = []
    notes: list[HearingNote] = []
    versions: list[ScoreSheet] = []
    for application in desk.applications():
        state = desk.state(application.id)
        if state.recused and state.declaration is not None:
            recusals.append(state.declaration)
            continue
        notes.extend(desk.notes(application.id))
        own = desk.versions(application.id)
        versions.extend(own)
        for version in own:
            if version.round == number and version.status is not SheetStatus.DRAFT:
                sheets.append(store.load(version))
    drafts = draft_reports(versions, number)
    return ExportItems(tuple(sheets), tuple(recusals), tuple(notes), drafts, number)


def export_file_name(meeting_id: str, expert_id: str, round: int = 1) -> str:
    """``MEETING-EXPERT.oisheet`` for round 1, ``MEETING-EXPERT-round-N.oisheet`` later (so
    a later round's file does not replace the earlier one on the stick)."""
    suffix = "" if round == 1 else f"-round-{round}"
    return f"{meeting_id}-{expert_id}{suffix}{EXTENSION}"


def write_export(
    folder: Path,
    items: ExportItems,
    handover: Handover,
    identity: Identity,
    now: dt.datetime,
) -> WrittenSheetFile:
    """Sign the recusals and write the sheet file for ``items.round`` (atomic, read back);
    pure, no database."""
    number = items.round
    recusals = [
        sign_recusal(d, handover.context, identity, now, round=number) for d in items.recusals
    ]
    context = handover.context
    target = folder / export_file_name(context.meeting_id, context.expert.id, number)
    return write_sheet_file(
        target,
        [*items.sheets, *recusals],
        list(items.notes),
        handover.context,
        identity,
        handover.secretary,
        now,
        round=number,
        trust_roots=list(handover.trust_roots),
        progress=items.drafts,
    )


# -- returning materials -----------------------------------------------------------------


@dataclass(frozen=True)
class PurgePlan:
    remove: tuple[Path, ...]
    kept: tuple[tuple[Path, Msg], ...]


def purge_plan(workspace: Path) -> PurgePlan:
    """What "Return materials" removes, and what it keeps and why. The signed copies are in
    the workspace, sealed to each expert, so they are kept with it."""
    remove = [
        folder
        for folder in (workspace.parent / PACKAGES_DIR, workspace.parent / MATERIALS_DIR)
        if folder.exists()
    ]
    kept = (
        (
            workspace,
            Msg.of(
                "the workspace database is the meeting's record (what you recorded is sealed "
                "to your identity in it); the secretary removes it"
            ),
        ),
    )
    return PurgePlan(tuple(remove), kept)


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
