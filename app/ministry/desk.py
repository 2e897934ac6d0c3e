"""The ministry desk's import session and application detail, without Qt.

:func:`check_and_import` is the desk's path through the one intake use case
(:func:`app.ministry.intake.intake_bundle`, which the command line's ``ministry import`` uses
too): every stage of bundle v1 section 7 first, then the replay decision under the store's
write lock; a refusal is written to the refusal journal beside the database, never into it.
:func:`bundle_files` turns the files and folders a person chose into the bundles to check.
:func:`application_view` reads one application back from the store, with the signed report
kept at import and the names of the rubric's factors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509

from app.crypto.cms import SignatureVerifier
from app.crypto.identity import Identity
from app.errors import UserFacingError
from app.formats.rubric_file import load_default_rubric
from app.i18n import LocalizedText, Msg
from app.ministry import intake
from app.ministry.model import (
    ApplicationDetail,
    ApplicationRow,
    ImportOutcome,
    ImportStatus,
    RecordedFigure,
    RecordedOpinion,
    RecordedVote,
)
from app.ministry.ports import MinistryDesk, RefusalJournal
from app.results import EXTENSION, BundleDocumentChecks, StageOutcome
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
    verification or by the replay rules (``refusal`` says why; the refusal journal has it,
    the database is unchanged).
    """

    source: Path
    stages: tuple[StageOutcome, ...]
    outcome: ImportOutcome | None
    refusal: UserFacingError | None
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
    """:func:`app.ministry.intake.bundle_files`, refusing a choice that holds no bundle."""
    found = intake.bundle_files(chosen)
    if not found:
        raise NoBundlesError(
            Msg.of(
                "There is no result bundle (*{extension}) in what was chosen.", extension=EXTENSION
            ),
            Msg.of("Choose the bundle files, or the folder that holds them."),
        )
    return found


def check_and_import(
    store: MinistryDesk,
    journal: RefusalJournal,
    source: Path,
    trust_roots: Sequence[x509.Certificate],
    now: datetime,
    *,
    documents: BundleDocumentChecks | None,
    ministry_identity: Identity | None = None,
    verifier: SignatureVerifier | None = None,
    actor: str = "ministry",
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> BundleCheck:
    """Verify ``source`` stage by stage, then import it if every stage passed.

    ``documents`` as for :func:`app.ministry.importing.import_bundle` (the window passes
    ``export.bundle_checks``). A refusal of the bundle is returned (and journaled), never
    raised, so the next bundle of the batch is still checked; a database that cannot be used
    raises its :class:`~app.errors.StorageError` and ends the batch.
    """
    done = intake.intake_bundle(
        store,
        journal,
        source,
        trust_roots,
        now,
        documents=documents,
        ministry_identity=ministry_identity,
        actor=actor,
        verifier=verifier,
        crls=crls,
    )
    stages = () if done.inspection is None else done.inspection.stages
    refusal = done.problem
    if done.refused and refusal is None:
        assert done.refusal is not None
        refusal = UserFacingError(Msg.of("{reason}", reason=done.refusal.reason))
    return BundleCheck(
        source, stages, done.outcome, refusal, documents_checked=documents is not None
    )


@dataclass(frozen=True)
class ApplicationView:
    """What the desk shows of one application: the stored detail (figures with the rule
    applied, vote, panel, opinions), the signed report kept at import, if any, and the
    rubric's factor names for the figures' subjects."""

    row: ApplicationRow
    figures: tuple[RecordedFigure, ...]
    vote: RecordedVote | None
    opinion: RecordedOpinion | None
    report_pdf: bytes | None
    factor_names: tuple[tuple[str, LocalizedText], ...] = ()

    def subject_name(self, subject: str) -> LocalizedText | None:
        """The factor's name for a figure's subject (``None`` for the total or unknown)."""
        return dict(self.factor_names).get(subject)


def application_view(store: MinistryDesk, row: ApplicationRow) -> ApplicationView:
    """Read ``row``'s application back from ``store``. A meeting scored with the shipped
    rubric (same id and version) gets its factors' names; any other shows the keys."""
    detail = store.application_detail(row.meeting_id, row.application_id)
    if detail is None:  # gone since the register was read: show what the register holds
        return ApplicationView(row, (), None, None, None)
    report = store.report_pdf(row.meeting_id) if detail.has_report else None
    return ApplicationView(
        detail.row,
        detail.figures,
        detail.vote,
        detail.opinion,
        report,
        _factor_names(detail),
    )


def _factor_names(detail: ApplicationDetail) -> tuple[tuple[str, LocalizedText], ...]:
    rubric = load_default_rubric()
    if (rubric.id, rubric.version) != (detail.rubric_id, detail.rubric_version):
        return ()
    return tuple((f.key, f.name) for f in rubric.factors)
