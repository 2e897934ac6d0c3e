"""The desk's import of bundle files, several at once: each file verified stage by stage
(:func:`app.results.inspect_bundle`), then imported through the replay decision
(:func:`app.ministry.importing.import_verified`); every refusal, by a verification stage or
by the replay decision, is recorded in the :class:`~app.ministry.ports.RefusalJournal` with
its reason, never in the database, which a refusal leaves byte-identical.

A storage failure (the database in use, from a newer version, not a ministry database) is
not a refusal of the bundle: it is raised as the :class:`~app.errors.StorageError` it is and
nothing is journaled.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509

from app.crypto.cms import SignatureVerifier
from app.crypto.identity import Identity
from app.errors import UserFacingError
from app.i18n import LocalizedText, Msg
from app.ministry.importing import import_verified
from app.ministry.model import REPLAY_STAGE, ImportOutcome, Refusal
from app.ministry.ports import MinistryStore, RefusalJournal
from app.ministry.replay import BundleReplayError
from app.results import EXTENSION, BundleDocumentChecks, BundleInspection, inspect_bundle
from app.results.container import MAX_BUNDLE_SIZE

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BundleIntake:
    """What became of one file: its stage checklist (``None`` if the file could not even be
    read), then either the import's outcome or the refusal as journaled."""

    path: Path
    input_sha256: str | None
    inspection: BundleInspection | None
    outcome: ImportOutcome | None
    refusal: Refusal | None
    problem: UserFacingError | None = None
    """The error that refused the bundle (for its recommendation), ``None`` if imported."""

    @property
    def refused(self) -> bool:
        return self.refusal is not None

    @property
    def message(self) -> Msg:
        if self.outcome is not None:
            return self.outcome.message
        assert self.refusal is not None
        return Msg.of("Refused: {reason}", reason=self.refusal.reason)


def bundle_files(paths: Iterable[Path]) -> tuple[Path, ...]:
    """The files to import: each path given, a folder replaced by its ``.oibundle`` files
    (not recursing, by name); each file once, in the order given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix == EXTENSION and p.is_file()))
        else:
            found.append(path)
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path, None)
    return tuple(unique)


def intake_bundle(
    store: MinistryStore,
    journal: RefusalJournal,
    path: Path,
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    *,
    documents: BundleDocumentChecks | None,
    ministry_identity: Identity | None = None,
    actor: str = "ministry",
    verifier: SignatureVerifier | None = None,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> BundleIntake:
    """Verify the bundle file at ``path`` and import it, or journal why it is refused.

    ``documents`` as for :func:`app.ministry.importing.import_bundle` (``None``: the report
    and workbook are not checked, and no report is kept); ``crls`` those of the ministry's
    trust file (:func:`app.results.verify_bundle`). Raises
    :class:`~app.errors.StorageError` for a database that cannot be used.
    """
    digest = _sha256(path)
    inspection = inspect_bundle(
        path,
        trust_roots,
        now,
        ministry_identity=ministry_identity,
        documents=documents,
        verifier=verifier,
        crls=crls,
    )
    if inspection.problem is not None or inspection.verified is None:
        failed = next((s for s in inspection.stages if s.passed is False), None)
        reason = (
            inspection.problem.msg
            if inspection.problem is not None
            else Msg.of("the bundle could not be verified.")
        )
        refusal = _refusal(
            path,
            digest,
            inspection.meeting_id,
            inspection.bundle_version,
            "container" if failed is None else failed.name,
            reason,
            now,
            actor,
        )
        journal.record(refusal)
        return BundleIntake(path, digest, inspection, None, refusal, inspection.problem)
    verified = inspection.verified
    try:
        outcome = import_verified(store, verified, now, actor=actor)
    except BundleReplayError as exc:
        refusal = _refusal(
            path,
            digest,
            verified.meeting_id,
            verified.bundle_version,
            REPLAY_STAGE,
            exc.msg,
            now,
            actor,
        )
        journal.record(refusal)
        return BundleIntake(path, digest, inspection, None, refusal, exc)
    return BundleIntake(path, digest, inspection, outcome, None)


def _refusal(
    path: Path,
    digest: str | None,
    meeting_id: str | None,
    version: int | None,
    stage: str,
    reason: Msg,
    now: datetime,
    actor: str,
) -> Refusal:
    return Refusal(
        at=now,
        actor=actor,
        file_name=path.name,
        input_sha256=digest,
        meeting_id=meeting_id,
        bundle_version=version,
        stage=stage,
        reason=LocalizedText(reason.in_language("en"), reason.in_language("zh_CN")),
    )


def _sha256(path: Path) -> str | None:
    """The SHA-256 of the file's bytes, read in chunks up to the bundle size limit (a larger
    file is hashed over that much only: verification refuses it anyway)."""
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            left = MAX_BUNDLE_SIZE + 1
            while left > 0 and (chunk := fh.read(min(_CHUNK, left))):
                h.update(chunk)
                left -= len(chunk)
    except OSError:
        return None
    return h.hexdigest()
