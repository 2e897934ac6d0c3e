"""The ministry desk's import session, without Qt: many bundles checked and imported one by
one, each with its stage checklist, and what this session verified kept for display.

:func:`check_and_import` runs every stage of bundle v1 section 7
(:func:`app.results.inspect_bundle`, so a refusal names its stage and reason) and only then
asks the store (:func:`app.ministry.importing.import_verified`): a refused bundle never
touches the database. :func:`bundle_files` turns the files and folders a person chose into
the bundles to check. :class:`DeskSession` keeps, in memory only, each imported bundle's
record and signed report, for the application detail (figures with their rule, opinions,
the report in the viewer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509

from app.crypto.cms import SignatureVerifier
from app.crypto.identity import Identity
from app.domain.sheet import PanelOpinion
from app.errors import UserFacingError
from app.i18n import LocalizedText, Msg
from app.ministry.importing import bundle_record, import_verified
from app.ministry.model import (
    ApplicationRow,
    BundleRecord,
    ImportOutcome,
    ImportStatus,
    RecordedApplication,
)
from app.ministry.ports import MinistryStore
from app.results import EXTENSION, BundleDocumentChecks, StageOutcome, inspect_bundle
from app.workspaces import default_data_dir


def default_database() -> Path:
    """Where the desk keeps the ministry database unless told otherwise."""
    return default_data_dir() / "ministry" / "ministry.sqlite"


class NoBundlesError(UserFacingError):
    """Nothing the person chose is a result bundle."""


@dataclass(frozen=True)
class BundleCheck:
    """One bundle's verification and import.

    ``stages`` is the checklist (every stage passed, refused with its reason, or not
    reached); ``outcome`` what the database did, ``None`` when the bundle was refused, by
    verification or by the database (``refusal`` says why; nothing was changed then).
    ``record`` and ``report_pdf`` are what the verified bundle holds, for display.
    """

    source: Path
    stages: tuple[StageOutcome, ...]
    outcome: ImportOutcome | None
    refusal: UserFacingError | None
    record: BundleRecord | None = None
    report_pdf: bytes | None = None
    factor_names: tuple[tuple[str, LocalizedText], ...] = ()
    """The rubric's factor names by key, for the figures."""
    documents_checked: bool = True
    """Whether the report and workbook stages were run (``False``: *not checked*)."""

    @property
    def verified(self) -> bool:
        return all(stage.passed is True for stage in self.stages)

    @property
    def imported(self) -> bool:
        return self.outcome is not None and self.outcome.status is ImportStatus.IMPORTED

    @property
    def message(self) -> Msg:
        if self.outcome is not None:
            return self.outcome.message
        if self.refusal is not None:
            return self.refusal.msg
        return Msg.of("The bundle was not checked.")


def bundle_files(chosen: Iterable[Path]) -> tuple[Path, ...]:
    """The bundles among ``chosen``: files as they are, and every ``.oibundle`` file directly
    inside a chosen folder (sorted by name); each once, in the order chosen."""
    found: list[Path] = []
    for path in chosen:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix == EXTENSION and p.is_file()))
        else:
            found.append(path)
    unique = tuple(dict.fromkeys(found))
    if not unique:
        raise NoBundlesError(
            Msg.of(
                "There is no result bundle (*{extension}) in what was chosen.", extension=EXTENSION
            ),
            Msg.of("Choose the bundle files, or the folder that holds them."),
        )
    return unique


def check_and_import(
    store: MinistryStore,
    source: Path,
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    *,
    documents: BundleDocumentChecks | None,
    ministry_identity: Identity | None = None,
    verifier: SignatureVerifier | None = None,
    actor: str = "ministry",
) -> BundleCheck:
    """Verify ``source`` stage by stage, then import it if every stage passed.

    ``documents`` as for :func:`app.ministry.importing.import_bundle` (the window passes
    ``export.bundle_checks``). A refusal - a stage, the replay rules or the database - is
    returned, never raised: the next bundle of the batch is still checked.
    """
    inspection = inspect_bundle(
        source,
        trust_roots,
        now,
        ministry_identity=ministry_identity,
        documents=documents,
        verifier=verifier,
    )
    verified = inspection.verified
    if inspection.problem is not None or verified is None:
        return BundleCheck(
            source,
            inspection.stages,
            None,
            inspection.problem,
            documents_checked=documents is not None,
        )
    try:
        outcome = import_verified(store, verified, now, actor=actor)
    except UserFacingError as exc:  # older, conflicting, or the database refused
        return BundleCheck(
            source, inspection.stages, None, exc, documents_checked=documents is not None
        )
    return BundleCheck(
        source,
        inspection.stages,
        outcome,
        None,
        bundle_record(verified),
        verified.report_pdf,
        tuple((f.key, f.name) for f in verified.rubric.factors),
        documents_checked=documents is not None,
    )


@dataclass(frozen=True)
class ApplicationDetail:
    """What the desk shows of one application: its register row and, when this session
    verified its bundle, the figures with the rule applied, the panel opinion and the
    signed report."""

    row: ApplicationRow
    recorded: RecordedApplication | None
    opinion: PanelOpinion | None
    report_pdf: bytes | None
    factor_names: tuple[tuple[str, LocalizedText], ...] = ()

    def subject_name(self, subject: str) -> LocalizedText | None:
        """The factor's name for a figure's subject (``None`` for the total or unknown)."""
        return dict(self.factor_names).get(subject)


class DeskSession:
    """The bundles imported in this session, in memory only (nothing is written to disk)."""

    def __init__(self) -> None:
        self._bundles: dict[tuple[str, int], BundleCheck] = {}

    def keep(self, check: BundleCheck) -> None:
        """Remember an imported bundle's record and report (others are ignored)."""
        if check.imported and check.record is not None:
            key = check.record.key
            self._bundles[(key.meeting_id, key.bundle_version)] = check

    def detail(self, row: ApplicationRow) -> ApplicationDetail:
        held = self._bundles.get((row.meeting_id, row.bundle_version))
        record = None if held is None else held.record
        if held is None or record is None or record.key.bundle_hash != row.bundle_sha256:
            return ApplicationDetail(row, None, None, None)
        recorded = next(
            (a for a in record.applications if a.application.id == row.application_id), None
        )
        opinion = next(
            (
                o
                for o in record.opinions
                if o.application_id == row.application_id and o.round == row.round
            ),
            None,
        )
        return ApplicationDetail(row, recorded, opinion, held.report_pdf, held.factor_names)

    def __len__(self) -> int:
        return len(self._bundles)
